//! Migrator entries (G125–G134): GORM's sqlserver column types and DDL forms.

use plugorm_plugin_api::{
    migrate::{Ddl, ForeignKeySchema},
    schema::{DataType, FieldSchema, IndexColumn, IndexSchema, ModelSchema},
    statement::TableRef,
    Dialect, Value,
};
use plugorm_sqlserver::SqlServerDialect;

fn ddl(op: Ddl) -> Vec<String> {
    SqlServerDialect::new()
        .render_ddl(&op)
        .unwrap_or_else(|e| panic!("render failed: {e}"))
        .into_iter()
        .map(|s| s.text.to_string())
        .collect()
}

fn key() -> FieldSchema {
    let mut id = FieldSchema::new("ID", "id", DataType::UInt);
    id.primary_key = true;
    id.auto_increment = true;
    id
}

fn index(name: &str, column: &str, unique: bool) -> IndexSchema {
    IndexSchema {
        name: name.into(),
        unique,
        columns: vec![IndexColumn {
            column: column.into(),
            sort: "".into(),
            length: 0,
        }]
        .into(),
        kind: "".into(),
        condition: "".into(),
        comment: "".into(),
    }
}

fn create(schema: &ModelSchema, fks: Vec<ForeignKeySchema>) -> Vec<String> {
    let table = TableRef::new(schema.table.clone());
    let mut out = ddl(Ddl::CreateTableWithForeignKeys {
        table: table.clone(),
        schema: schema.clone(),
        foreign_keys: fks.into(),
    });
    for index in schema.indexes.iter() {
        out.extend(ddl(Ddl::CreateIndex {
            table: table.clone(),
            index: index.clone(),
        }));
    }
    out
}

#[test]
fn g125_create_table_then_its_index() {
    let mut code = FieldSchema::new("Code", "code", DataType::String);
    code.size = 64;
    let products = ModelSchema {
        name: "Product".into(),
        table: "products".into(),
        fields: vec![
            key(),
            code,
            FieldSchema::new("Price", "price", DataType::UInt),
        ]
        .into(),
        indexes: vec![index("idx_products_code", "code", true)].into(),
    };
    assert_eq!(
        create(&products, vec![]),
        [
            r#"CREATE TABLE "products" ("id" bigint IDENTITY(1,1),"code" nvarchar(64),"price" bigint,PRIMARY KEY ("id"))"#,
            r#"CREATE UNIQUE INDEX "idx_products_code" ON "products"("code")"#,
        ]
    );
}

fn pet_name() -> FieldSchema {
    let mut name = FieldSchema::new("Name", "name", DataType::String);
    name.size = 100;
    name.not_null = true;
    name.check = Some("name <> ''".into()).into();
    name
}

#[test]
fn g126_create_table_with_foreign_key_and_check() {
    let time = |c: &str| FieldSchema::new(c, c, DataType::TimestampTz);
    let mut user_id = FieldSchema::new("UserID", "user_id", DataType::UInt);
    user_id.nullable = true;
    let pets = ModelSchema {
        name: "Pet".into(),
        table: "pets".into(),
        fields: vec![
            key(),
            time("created_at"),
            time("updated_at"),
            time("deleted_at"),
            user_id,
            pet_name(),
        ]
        .into(),
        indexes: vec![index("idx_pets_deleted_at", "deleted_at", false)].into(),
    };
    let fk = ForeignKeySchema::new("fk_users_pets", ["user_id"], TableRef::new("users"), ["id"]);
    assert_eq!(
        create(&pets, vec![fk]),
        [
            r#"CREATE TABLE "pets" ("id" bigint IDENTITY(1,1),"created_at" datetimeoffset,"updated_at" datetimeoffset,"deleted_at" datetimeoffset,"user_id" bigint,"name" nvarchar(100) NOT NULL,PRIMARY KEY ("id"),CONSTRAINT "fk_users_pets" FOREIGN KEY ("user_id") REFERENCES "users"("id"),CONSTRAINT "chk_pets_name" CHECK (name <> ''))"#,
            r#"CREATE INDEX "idx_pets_deleted_at" ON "pets"("deleted_at")"#,
        ]
    );
}

#[test]
fn g127_g128_g132_columns() {
    let users = TableRef::new("users");
    assert_eq!(
        ddl(Ddl::AddColumn {
            table: users.clone(),
            field: FieldSchema::new("Age", "age", DataType::UInt),
        }),
        [r#"ALTER TABLE "users" ADD "age" bigint"#]
    );
    assert_eq!(
        ddl(Ddl::AlterColumn {
            table: TableRef::new("pets"),
            field: pet_name(),
        }),
        [r#"ALTER TABLE "pets" ALTER COLUMN "name" nvarchar(100) NOT NULL"#]
    );
    assert_eq!(
        ddl(Ddl::DropColumn {
            table: users,
            column: "name".into(),
        }),
        [r#"ALTER TABLE "users" DROP COLUMN "name""#]
    );
}

#[test]
fn g131_drop_table() {
    assert_eq!(
        ddl(Ddl::DropTable {
            table: TableRef::new("users"),
            if_exists: true,
        }),
        [r#"DROP TABLE IF EXISTS "users""#]
    );
}

#[test]
fn g133_constraints() {
    let pets = TableRef::new("pets");
    let fk = ForeignKeySchema::new("fk_users_pets", ["user_id"], TableRef::new("users"), ["id"]);
    assert_eq!(
        ddl(Ddl::AddForeignKey {
            table: pets.clone(),
            foreign_key: fk.clone(),
        }),
        [
            r#"ALTER TABLE "pets" ADD CONSTRAINT "fk_users_pets" FOREIGN KEY ("user_id") REFERENCES "users"("id")"#
        ]
    );
    assert_eq!(
        ddl(Ddl::DropConstraint {
            table: pets.clone(),
            name: "fk_users_pets".into(),
        }),
        [r#"ALTER TABLE "pets" DROP CONSTRAINT "fk_users_pets""#]
    );
    let fk = fk.on_update("CASCADE").on_delete("SET NULL");
    let sql = ddl(Ddl::AddForeignKey {
        table: pets,
        foreign_key: fk,
    });
    assert!(
        sql[0].ends_with(" ON DELETE SET NULL ON UPDATE CASCADE"),
        "{}",
        sql[0]
    );
}

/// G134 differs on purpose: GORM writes MySQL's prefix length (`"name3"(10)`), which
/// T-SQL does not have; the method `btree` is left out as GORM's sqlserver driver does.
#[test]
fn g134_index_options_drop_index_and_rename() {
    let mut idx = index("idx_user_indices_name3", "name3", false);
    idx.columns[0].sort = "desc".into();
    idx.columns[0].length = 10;
    idx.kind = "btree".into();
    idx.condition = "name3 != 'jinzhu'".into();
    let table = TableRef::new("user_indices");
    assert_eq!(
        ddl(Ddl::CreateIndex {
            table: table.clone(),
            index: idx.clone(),
        }),
        [
            r#"CREATE INDEX "idx_user_indices_name3" ON "user_indices"("name3" desc) WHERE name3 != 'jinzhu'"#
        ]
    );
    idx.kind = "clustered".into();
    idx.unique = true;
    idx.condition = "".into();
    assert_eq!(
        ddl(Ddl::CreateIndex {
            table: table.clone(),
            index: idx,
        }),
        [
            r#"CREATE UNIQUE CLUSTERED INDEX "idx_user_indices_name3" ON "user_indices"("name3" desc)"#
        ]
    );
    assert_eq!(
        ddl(Ddl::DropIndex {
            table: table.clone(),
            name: "idx_user_indices_name3_new".into(),
        }),
        [r#"DROP INDEX "idx_user_indices_name3_new" ON "user_indices""#]
    );
    let rename = SqlServerDialect::new()
        .render_ddl(&Ddl::RenameColumn {
            table,
            from: "name".into(),
            to: "full_name".into(),
        })
        .unwrap();
    assert_eq!(
        rename[0].text.as_str(),
        r#"sp_rename @objname = @p1, @newname = "full_name", @objtype = 'COLUMN';"#
    );
    let values: Vec<&Value> = rename[0].values().collect::<Result<_, _>>().unwrap();
    assert_eq!(values, [&Value::from("user_indices.name")]);
}

#[test]
fn indexed_strings_get_a_key_size_and_bit_defaults_are_numbers() {
    let mut flag = FieldSchema::new("Active", "active", DataType::Bool);
    flag.default = Some("true".into()).into();
    let schema = ModelSchema {
        name: "Tag".into(),
        table: "tags".into(),
        fields: vec![
            key(),
            FieldSchema::new("Name", "name", DataType::String),
            flag,
        ]
        .into(),
        indexes: vec![index("idx_tags_name", "name", false)].into(),
    };
    assert_eq!(
        ddl(Ddl::CreateTable {
            table: TableRef::new("tags"),
            schema,
        }),
        [
            r#"CREATE TABLE "tags" ("id" bigint IDENTITY(1,1),"name" nvarchar(256),"active" bit DEFAULT 1,PRIMARY KEY ("id"))"#
        ]
    );
}

/// G130: RenameTable is `sp_rename` with the table as an identifier; a schema-qualified
/// table goes as a bound `schema.table`, the form `sp_rename` parses.
#[test]
fn g130_rename_table_is_sp_rename() {
    assert_eq!(
        ddl(Ddl::RenameTable {
            table: TableRef::new("users"),
            to: "user_infos".into(),
        }),
        [r#"sp_rename @objname = "users", @newname = "user_infos";"#]
    );
    let qualified = SqlServerDialect::new()
        .render_ddl(&Ddl::RenameTable {
            table: TableRef::parse("sales.users"),
            to: "user_infos".into(),
        })
        .unwrap();
    assert_eq!(
        qualified[0].text.as_str(),
        r#"sp_rename @objname = @p1, @newname = "user_infos";"#
    );
    let values: Vec<&Value> = qualified[0].values().collect::<Result<_, _>>().unwrap();
    assert_eq!(values, [&Value::from("sales.users")]);
}

/// G134's RenameIndex: `sp_rename` of `table.index` as a bound value, `@objtype = 'INDEX'`.
#[test]
fn g134_rename_index_is_sp_rename() {
    let sql = SqlServerDialect::new()
        .render_ddl(&Ddl::RenameIndex {
            table: TableRef::new("user_indices"),
            from: "idx_user_indices_name3".into(),
            to: "idx_user_indices_name3_new".into(),
        })
        .unwrap();
    assert_eq!(
        sql[0].text.as_str(),
        r#"sp_rename @objname = @p1, @newname = "idx_user_indices_name3_new", @objtype = 'INDEX';"#
    );
    let values: Vec<&Value> = sql[0].values().collect::<Result<_, _>>().unwrap();
    assert_eq!(
        values,
        [&Value::from("user_indices.idx_user_indices_name3")]
    );
    let empty = SqlServerDialect::new().render_ddl(&Ddl::RenameIndex {
        table: TableRef::new("user_indices"),
        from: "".into(),
        to: "x".into(),
    });
    assert!(empty.is_err());
}

/// Views: T-SQL's replace is `CREATE OR ALTER`, its only check option `WITH CHECK OPTION`.
#[test]
fn views_create_or_alter_and_drop() {
    let view = TableRef::new("users_view");
    let create = |replace: bool, check: &str| {
        SqlServerDialect::new().render_ddl(&Ddl::CreateView {
            view: view.clone(),
            query: r#"SELECT * FROM "users" WHERE age > 20"#.into(),
            replace,
            check_option: check.into(),
        })
    };
    let text = |r: Result<Vec<plugorm_plugin_api::Sql>, plugorm_plugin_api::DbError>| {
        r.unwrap()[0].text.to_string()
    };
    assert_eq!(
        text(create(false, "")),
        r#"CREATE VIEW "users_view" AS SELECT * FROM "users" WHERE age > 20"#
    );
    assert_eq!(
        text(create(true, "WITH CHECK OPTION")),
        r#"CREATE OR ALTER VIEW "users_view" AS SELECT * FROM "users" WHERE age > 20 WITH CHECK OPTION"#
    );
    assert!(matches!(
        create(false, "WITH LOCAL CHECK OPTION"),
        Err(plugorm_plugin_api::DbError::Unsupported(m)) if m.contains("`users_view`")
    ));
    assert_eq!(
        ddl(Ddl::DropView {
            view,
            if_exists: true
        }),
        [r#"DROP VIEW IF EXISTS "users_view""#]
    );
}

/// The catalog reads: the default schema's base tables (bound type) and `DB_NAME()`.
#[test]
fn catalog_reads() {
    let list = SqlServerDialect::new()
        .render_ddl(&Ddl::ListTables)
        .unwrap();
    assert_eq!(
        list[0].text.as_str(),
        "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_CATALOG = DB_NAME() \
         AND TABLE_SCHEMA = SCHEMA_NAME() AND TABLE_TYPE = @p1 ORDER BY TABLE_NAME"
    );
    let values: Vec<&Value> = list[0].values().collect::<Result<_, _>>().unwrap();
    assert_eq!(values, [&Value::from("BASE TABLE")]);
    assert_eq!(ddl(Ddl::CurrentDatabase), ["SELECT DB_NAME()"]);
}

/// A CHECK added in place (T-SQL's `ALTER TABLE … ADD CONSTRAINT … CHECK`), and the
/// constraint lookup in the default schema, its names bound.
#[test]
fn checks_and_the_constraint_lookup() {
    assert_eq!(
        ddl(Ddl::AddCheck {
            table: TableRef::new("pets"),
            name: "chk_pets_age".into(),
            expression: "age >= 0".into(),
        }),
        [r#"ALTER TABLE "pets" ADD CONSTRAINT "chk_pets_age" CHECK (age >= 0)"#]
    );
    let lookup = SqlServerDialect::new()
        .render_ddl(&Ddl::HasConstraint {
            table: TableRef::new("pets"),
            name: "chk_pets_age".into(),
        })
        .unwrap();
    assert_eq!(
        lookup[0].text.as_str(),
        "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS WHERE TABLE_CATALOG = DB_NAME() \
         AND TABLE_SCHEMA = SCHEMA_NAME() AND TABLE_NAME = @p1 AND CONSTRAINT_NAME = @p2"
    );
    let values: Vec<&Value> = lookup[0].values().collect::<Result<_, _>>().unwrap();
    assert_eq!(values, [&Value::from("pets"), &Value::from("chk_pets_age")]);
    // SQL Server alters in place: it never rebuilds a table.
    let read = Ddl::TableDefinition {
        table: TableRef::new("pets"),
    };
    assert!(SqlServerDialect::new().render_ddl(&read).is_err());
}

/// Column comments are read from the `MS_Description` extended properties, the table's
/// name bound and quoted by the server (`QUOTENAME`).
#[test]
fn column_comments_read() {
    let read = SqlServerDialect::new()
        .render_ddl(&Ddl::ColumnComments {
            table: TableRef::new("pets"),
        })
        .unwrap();
    assert_eq!(
        read[0].text.as_str(),
        "SELECT c.name, CAST(p.value AS nvarchar(4000)) FROM sys.columns c LEFT JOIN \
         sys.extended_properties p ON p.class = 1 AND p.major_id = c.object_id AND p.minor_id = \
         c.column_id AND p.name = 'MS_Description' WHERE c.object_id = \
         OBJECT_ID(QUOTENAME(SCHEMA_NAME()) + '.' + QUOTENAME(@p1)) ORDER BY c.column_id"
    );
    let values: Vec<&Value> = read[0].values().collect::<Result<_, _>>().unwrap();
    assert_eq!(values, [&Value::from("pets")]);
}

/// A migration file splits with SQL Server's reading of quotes: a `;` inside a
/// `[bracketed]` name or a nested comment is no statement end. SQL Server has
/// transactional DDL, and no advisory lock of its own here (the host's lock row).
#[test]
fn scripts_split_with_brackets_and_nested_comments() {
    let parts = ddl(Ddl::SplitScript {
        text: "CREATE TABLE [a;b] (x int); /* outer /* inner; */ still; */ SELECT 1;".into(),
    });
    assert_eq!(
        parts,
        [
            "CREATE TABLE [a;b] (x int)",
            "/* outer /* inner; */ still; */ SELECT 1"
        ]
    );
    let dialect = SqlServerDialect::new();
    assert!(dialect.capabilities().transactional_ddl);
    assert!(dialect
        .render_ddl(&Ddl::MigrationLock { acquire: true })
        .is_err());
}
