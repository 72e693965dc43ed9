//! Migrations on a real PostgreSQL server: golden DDL (sql-golden.md G125–G134, postgres
//! column), AutoMigrate (create, add columns, add indexes, nothing on a second run),
//! the type mapping, introspection, schema-qualified tables, ALTER COLUMN, and the DDL
//! PostgreSQL refuses.
//!
//! The models implement `plugorm::Model` by hand: only their schema matters here.

use std::sync::OnceLock;

use plugorm::{
    migrator::MigrationReport,
    plugin_api::{
        migrate::{Ddl, TableInfo},
        schema::{DataType, FieldSchema, ModelSchema},
        statement::TableRef,
    },
    Db, DbError,
};
use plugorm_tests::postgres;
use plugorm_tests::{
    hand_schema::{auto_id, column_names, db_err, field, index, joined, model, named, ok, render},
    schema_model,
};

/// G125's `Product`: `Code string gorm:"uniqueIndex;size:64"`, `Price uint`.
fn product_schema() -> ModelSchema {
    let mut code = named("Code", "code", DataType::String);
    code.size = 64;
    model(
        "Product",
        "products",
        vec![auto_id(), code, named("Price", "price", DataType::UInt)],
        vec![index("idx_products_code", true, &["code"])],
    )
}
schema_model!(Product, product_schema);

/// G126's `Pet` (`gorm.Model` with Go's zoned `time.Time`, `UserID uint`, `Name string
/// gorm:"size:100;not null;check:name <> ''"`), without the relation.
fn pet_schema() -> ModelSchema {
    let mut deleted_at = named("DeletedAt", "deleted_at", DataType::TimestampTz);
    deleted_at.nullable = true;
    let mut name = named("Name", "name", DataType::String);
    name.size = 100;
    name.not_null = true;
    name.check = Some("name <> ''".into()).into();
    model(
        "Pet",
        "pets",
        vec![
            auto_id(),
            named("CreatedAt", "created_at", DataType::TimestampTz),
            named("UpdatedAt", "updated_at", DataType::TimestampTz),
            deleted_at,
            named("UserID", "user_id", DataType::UInt),
            name,
        ],
        vec![index("idx_pets_deleted_at", false, &["deleted_at"])],
    )
}
schema_model!(Pet, pet_schema);

fn user_v1_schema() -> ModelSchema {
    model(
        "User",
        "users",
        vec![auto_id(), named("Name", "name", DataType::String)],
        vec![],
    )
}
schema_model!(UserV1, user_v1_schema);

/// `users` v2: `Age` (G127), a unique `Email`, an index on `age`, a field excluded from
/// migration, and a commented field.
fn user_v2_schema() -> ModelSchema {
    let mut email = named("Email", "email", DataType::String);
    email.unique = true;
    let mut scratch = named("Scratch", "scratch", DataType::String);
    scratch.migrate = false;
    let mut user = user_v1_schema();
    user.fields.push(named("Age", "age", DataType::Int));
    user.fields.push(email);
    user.fields.push(scratch);
    user.indexes.push(index("idx_users_age", false, &["age"]));
    user
}
schema_model!(UserV2, user_v2_schema);

/// G134: `Name3 string gorm:"index:,sort:desc,collate:utf8,type:btree,length:10,where:name3 != 'jinzhu'"`.
fn user_index_schema() -> ModelSchema {
    let mut idx = index("idx_user_indices_name3", false, &["name3"]);
    idx.columns[0].sort = "desc".into();
    idx.columns[0].length = 10;
    idx.kind = "btree".into();
    idx.condition = "name3 != 'jinzhu'".into();
    model(
        "UserIndex",
        "user_indices",
        vec![auto_id(), named("Name3", "name3", DataType::String)],
        vec![idx],
    )
}
schema_model!(UserIndex, user_index_schema);

/// One column of every logical type, with the type PostgreSQL must get and the type
/// introspection reports back.
fn type_table() -> Vec<(FieldSchema, &'static str, &'static str)> {
    let with = |column: &str, ty: DataType, f: &dyn Fn(&mut FieldSchema)| {
        let mut x = field(column, ty);
        f(&mut x);
        x
    };
    vec![
        (auto_id(), "bigserial", "bigint"),
        (field("c_bool", DataType::Bool), "boolean", "boolean"),
        (field("c_int", DataType::Int), "bigint", "bigint"),
        (
            with("c_i16", DataType::Int, &|f| f.bits = 16),
            "smallint",
            "smallint",
        ),
        (
            with("c_i32", DataType::Int, &|f| f.bits = 32),
            "integer",
            "integer",
        ),
        (
            with("c_u16", DataType::UInt, &|f| f.bits = 16),
            "integer",
            "integer",
        ),
        (
            with("c_u32", DataType::UInt, &|f| f.bits = 32),
            "bigint",
            "bigint",
        ),
        (
            with("c_serial", DataType::Int, &|f| {
                f.bits = 32;
                f.auto_increment = true
            }),
            "serial",
            "integer",
        ),
        (
            field("c_float", DataType::Float),
            "double precision",
            "double precision",
        ),
        (
            with("c_f32", DataType::Float, &|f| f.bits = 32),
            "real",
            "real",
        ),
        (
            with("c_fnum", DataType::Float, &|f| {
                f.precision = 8;
                f.scale = 3
            }),
            "numeric(8, 3)",
            "numeric(8,3)",
        ),
        (field("c_text", DataType::String), "text", "text"),
        (
            with("c_varchar", DataType::String, &|f| f.size = 100),
            "varchar(100)",
            "varchar(100)",
        ),
        (
            with("c_explicit", DataType::String, &|f| {
                f.sql_type = Some("char(3)".into()).into()
            }),
            "char(3)",
            "char(3)",
        ),
        (field("c_bytes", DataType::Bytes), "bytea", "bytea"),
        (
            field("c_timestamp", DataType::Timestamp),
            "timestamp",
            "timestamp",
        ),
        (
            with("c_timestamptz", DataType::TimestampTz, &|f| f.precision = 3),
            "timestamptz(3)",
            "timestamptz(3)",
        ),
        (field("c_date", DataType::Date), "date", "date"),
        (field("c_time", DataType::Time), "time", "time"),
        (field("c_decimal", DataType::Decimal), "numeric", "numeric"),
        (
            with("c_money", DataType::Decimal, &|f| {
                f.precision = 10;
                f.scale = 2
            }),
            "numeric(10, 2)",
            "numeric(10,2)",
        ),
        (field("c_uuid", DataType::Uuid), "uuid", "uuid"),
        (field("c_json", DataType::Json), "jsonb", "jsonb"),
        (
            with("c_not_null", DataType::Int, &|f| {
                f.not_null = true;
                f.default = Some("7".into()).into()
            }),
            "bigint NOT NULL DEFAULT 7",
            "bigint",
        ),
    ]
}

fn all_types_schema() -> ModelSchema {
    model(
        "AllTypes",
        "all_types",
        type_table().into_iter().map(|(f, _, _)| f).collect(),
        vec![],
    )
}
schema_model!(AllTypes, all_types_schema);

/// Names that need quoting, a comment, a composite key, a partial unique index.
fn odd_schema() -> ModelSchema {
    let mut a = field("k\"ey", DataType::String);
    a.primary_key = true;
    let mut b = field("part", DataType::Int);
    b.primary_key = true;
    let mut v = field("va'lue", DataType::Int);
    v.comment = Some("it's \\ quoted".into()).into();
    let mut idx = index("idx we\"ird", true, &["va'lue"]);
    idx.condition = "\"va'lue\" > 0".into();
    idx.comment = "partial".into();
    model("Odd", "we\"ird 'table", vec![a, b, v], vec![idx])
}
schema_model!(Odd, odd_schema);

/// The qualified table of [`Qualified`], set before its first use.
static QUALIFIED_TABLE: OnceLock<String> = OnceLock::new();

fn qualified_schema() -> ModelSchema {
    let mut name = field("name", DataType::String);
    name.unique = true;
    model(
        "Qualified",
        QUALIFIED_TABLE.get().map_or("unset.items", |s| s.as_str()),
        vec![auto_id(), name, field("at", DataType::TimestampTz)],
        vec![index("idx_items_at", false, &["at"])],
    )
}
schema_model!(Qualified, qualified_schema);

// ---------------------------------------------------------------------------------------
// Helpers

async fn describe(db: &Db, table: &str) -> TableInfo {
    ok(db.migrator().describe_table(table).await, "describe")
}

// Golden postgres texts, copied from sql-golden.md.
const G125: &str = r#"CREATE TABLE "products" ("id" bigserial,"code" varchar(64),"price" bigint,PRIMARY KEY ("id")) ; CREATE UNIQUE INDEX IF NOT EXISTS "idx_products_code" ON "products" ("code")"#;
const G126: &str = r#"CREATE TABLE "pets" ("id" bigserial,"created_at" timestamptz,"updated_at" timestamptz,"deleted_at" timestamptz,"user_id" bigint,"name" varchar(100) NOT NULL,PRIMARY KEY ("id"),CONSTRAINT "fk_users_pets" FOREIGN KEY ("user_id") REFERENCES "users"("id"),CONSTRAINT "chk_pets_name" CHECK (name <> '')) ; CREATE INDEX IF NOT EXISTS "idx_pets_deleted_at" ON "pets" ("deleted_at")"#;
/// plugorm schemas have no relations, so G126 without its FOREIGN KEY constraint.
const G126_FK: &str =
    r#"CONSTRAINT "fk_users_pets" FOREIGN KEY ("user_id") REFERENCES "users"("id"),"#;
const G127: &str = r#"ALTER TABLE "users" ADD "age" bigint"#;
const G128_TYPE: &str =
    r#"ALTER TABLE "pets" ALTER COLUMN "name" TYPE varchar(100) USING "name"::varchar(100)"#;
const G131: &str = r#"DROP TABLE IF EXISTS "users" CASCADE"#;
const G132: &str = r#"ALTER TABLE "users" DROP COLUMN "name""#;
const G134_CREATE: &str = r#"CREATE INDEX IF NOT EXISTS "idx_user_indices_name3" ON "user_indices" USING btree("name3" COLLATE utf8 desc) WHERE name3 != 'jinzhu'"#;
const G134_DROP: &str = r#"DROP INDEX "idx_user_indices_name3_new""#;

// ---------------------------------------------------------------------------------------
// Golden DDL

#[tokio::test]
async fn golden_postgres_ddl_g125_to_g134() {
    let Some(db) = postgres::database().await else {
        return;
    };
    let table = |name: &str| TableRef::new(name);

    // G125: CreateTable, then the unique index — rendered, and as run by the migrator.
    let schema = product_schema();
    let mut sql = render(
        &db,
        &Ddl::CreateTable {
            table: table("products"),
            schema: schema.clone(),
        },
    );
    sql.extend(render(
        &db,
        &Ddl::CreateIndex {
            table: table("products"),
            index: schema.indexes[0].clone(),
        },
    ));
    assert_eq!(joined(&sql), G125);
    let report = ok(db.migrator().create_table::<Product>().await, "G125");
    assert_eq!(joined(&report.statements), G125);
    assert_eq!(report.created_indexes, ["idx_products_code"]);

    // G126: CHECK named chk_<table>_<column>, NOT NULL, the index after the table.
    let report = ok(db.auto_migrate::<Pet>().await, "G126");
    assert_eq!(joined(&report.statements), G126.replace(G126_FK, ""));

    // G127: AddColumn.
    ok(db.auto_migrate::<UserV1>().await, "users v1");
    let report = ok(db.migrator().add_column::<UserV2>("Age").await, "G127");
    assert_eq!(report.statements, [G127]);

    // G128: AlterColumn — the type with USING, then nullability and the default.
    let report = ok(db.migrator().alter_column::<Pet>("Name").await, "G128");
    assert_eq!(
        report.statements,
        [
            G128_TYPE,
            r#"ALTER TABLE "pets" ALTER COLUMN "name" SET NOT NULL"#,
            r#"ALTER TABLE "pets" ALTER COLUMN "name" DROP DEFAULT"#,
        ]
    );

    // G131 DropTable, G132 DropColumn.
    assert_eq!(
        render(
            &db,
            &Ddl::DropTable {
                table: table("users"),
                if_exists: true
            }
        ),
        [G131]
    );
    let report = ok(db.migrator().drop_column::<UserV2>("Name").await, "G132");
    assert_eq!(report.statements, [G132]);
    assert!(!ok(
        db.migrator().has_column::<UserV2>("name").await,
        "has name"
    ));
    let report = ok(db.migrator().drop_table::<UserV1>().await, "G131");
    assert_eq!(report.statements, [G131]);
    assert!(!ok(db.migrator().has_table::<UserV1>().await, "has users"));

    // G134: method and partial condition (index schemas carry no collation).
    let report = ok(db.auto_migrate::<UserIndex>().await, "G134");
    assert_eq!(
        report.statements[1],
        G134_CREATE.replace(" COLLATE utf8", "")
    );
    ok(
        db.exec(
            "ALTER INDEX idx_user_indices_name3 RENAME TO idx_user_indices_name3_new",
            (),
        )
        .await,
        "rename index",
    );
    let report = ok(
        db.migrator()
            .drop_index::<UserIndex>("idx_user_indices_name3_new")
            .await,
        "G134 drop",
    );
    assert_eq!(report.statements, [G134_DROP]);

    // RenameColumn.
    assert_eq!(
        render(
            &db,
            &Ddl::RenameColumn {
                table: table("users"),
                from: "name".into(),
                to: "full_name".into()
            }
        ),
        [r#"ALTER TABLE "users" RENAME COLUMN "name" TO "full_name""#]
    );
}

// ---------------------------------------------------------------------------------------
// AutoMigrate

#[tokio::test]
async fn auto_migrate_creates_the_table_and_a_second_run_is_empty() {
    let Some(fresh) = postgres::fresh_with("").await else {
        return;
    };
    let db = fresh.db.clone();
    let first = ok(db.auto_migrate::<Pet>().await, "first run");
    assert_eq!(
        first,
        MigrationReport {
            table: "pets".into(),
            created_table: true,
            added_columns: vec![],
            created_indexes: vec!["idx_pets_deleted_at".into()],
            statements: G126
                .replace(G126_FK, "")
                .split(" ; ")
                .map(String::from)
                .collect(),
            ..MigrationReport::default()
        }
    );
    let second = ok(db.auto_migrate::<Pet>().await, "second run");
    assert!(second.is_empty(), "{second:?}");
    // Also from another pool (nothing is remembered on the client side).
    let other = ok(postgres::registry_with("").open(&fresh.url).await, "reopen");
    let third = ok(other.auto_migrate::<Pet>().await, "third run");
    assert!(third.is_empty(), "{third:?}");

    let info = describe(&db, "pets").await;
    assert_eq!(
        column_names(&info),
        [
            "id",
            "created_at",
            "updated_at",
            "deleted_at",
            "user_id",
            "name"
        ]
    );
    assert!(!info.column("name").unwrap().nullable);
    assert!(info.column("id").unwrap().primary_key);
    ok(
        db.exec("INSERT INTO pets (user_id, name) VALUES (?, ?)", (1, "rex"))
            .await,
        "insert",
    );
    match db_err(
        db.exec("INSERT INTO pets (user_id, name) VALUES (?, ?)", (1, ""))
            .await
            .unwrap_err(),
    ) {
        DbError::CheckViolation { constraint, .. } => {
            assert_eq!(constraint.as_deref(), Some("chk_pets_name"))
        }
        other => panic!("expected the CHECK to refuse an empty name, got {other:?}"),
    }
    match db_err(
        db.exec("INSERT INTO pets (user_id) VALUES (?)", (1,))
            .await
            .unwrap_err(),
    ) {
        DbError::NotNullViolation { column, .. } => assert_eq!(column.as_deref(), Some("name")),
        other => panic!("expected NOT NULL to refuse, got {other:?}"),
    }
}

#[tokio::test]
async fn auto_migrate_adds_missing_columns_and_indexes_then_does_nothing() {
    let Some(db) = postgres::database().await else {
        return;
    };
    let v1 = ok(db.auto_migrate::<UserV1>().await, "v1");
    assert_eq!(
        v1.statements,
        [r#"CREATE TABLE "users" ("id" bigserial,"name" text,PRIMARY KEY ("id"))"#]
    );
    ok(
        db.exec("INSERT INTO users (name) VALUES (?)", ("ann",))
            .await,
        "insert",
    );
    let v2 = ok(db.auto_migrate::<UserV2>().await, "v2");
    assert!(!v2.created_table);
    assert_eq!(v2.added_columns, ["age", "email"]);
    assert_eq!(v2.created_indexes, ["idx_users_age"]);
    assert_eq!(
        v2.statements,
        [
            G127,
            r#"ALTER TABLE "users" ADD "email" text"#,
            r#"ALTER TABLE "users" ADD CONSTRAINT "uni_users_email" UNIQUE ("email")"#,
            r#"CREATE INDEX IF NOT EXISTS "idx_users_age" ON "users" ("age")"#,
        ]
    );
    let rows = ok(db.raw("SELECT name, age FROM users", ()).await, "select");
    let row = rows.iter().next().unwrap();
    assert_eq!(row.get::<String>("name").unwrap(), "ann");
    assert_eq!(row.get::<Option<i64>>("age").unwrap(), None);
    assert_eq!(
        column_names(&describe(&db, "users").await),
        ["id", "name", "age", "email"]
    );
    ok(
        db.exec("UPDATE users SET email = ?", ("a@x",)).await,
        "set email",
    );
    match db_err(
        db.exec(
            "INSERT INTO users (name, email) VALUES (?, ?)",
            ("bob", "a@x"),
        )
        .await
        .unwrap_err(),
    ) {
        DbError::UniqueViolation { constraint, .. } => {
            assert_eq!(constraint.as_deref(), Some("uni_users_email"))
        }
        other => panic!("expected a unique violation, got {other:?}"),
    }
    // Idempotent: no statement now, and none for the older model either.
    assert!(ok(db.auto_migrate::<UserV2>().await, "v2 again").is_empty());
    assert!(ok(db.auto_migrate::<UserV1>().await, "v1 again").is_empty());
    assert!(ok(
        db.migrator().has_index::<UserV2>("idx_users_age").await,
        "index"
    ));
}

#[tokio::test]
async fn dry_run_auto_migrate_renders_without_creating() {
    let Some(db) = postgres::database().await else {
        return;
    };
    let report = ok(db.dry_run().auto_migrate::<Product>().await, "dry run");
    assert_eq!(joined(&report.statements), G125);
    assert!(!ok(db.migrator().has_table::<Product>().await, "has table"));
}

#[tokio::test]
async fn type_mapping_creates_every_type_and_reads_it_back() {
    let Some(db) = postgres::database().await else {
        return;
    };
    let types = type_table();
    let table = TableRef::new("all_types");
    for (f, expected, _) in &types {
        let sql = render(
            &db,
            &Ddl::AddColumn {
                table: table.clone(),
                field: f.clone(),
            },
        );
        assert_eq!(
            sql[0],
            format!(r#"ALTER TABLE "all_types" ADD "{}" {expected}"#, f.column),
            "{}",
            f.column
        );
    }
    let report = ok(db.auto_migrate::<AllTypes>().await, "create");
    assert!(report.created_table);
    assert!(ok(db.auto_migrate::<AllTypes>().await, "again").is_empty());
    let info = describe(&db, "all_types").await;
    for (f, _, introspected) in &types {
        let c = info
            .column(&f.column)
            .unwrap_or_else(|| panic!("{} missing", f.column));
        assert_eq!(c.sql_type.as_str(), *introspected, "{}", f.column);
    }
    let id = info.column("id").unwrap();
    assert!(id.primary_key && !id.nullable);
    assert!(id.default.as_ref().is_some_and(|d| d.contains("nextval")));
    assert_eq!(info.column("c_varchar").unwrap().size, 100);
    assert_eq!(info.column("c_explicit").unwrap().size, 3);
    assert_eq!(info.column("c_text").unwrap().size, 0);
    let nn = info.column("c_not_null").unwrap();
    assert!(!nn.nullable);
    assert_eq!(nn.default.as_ref().map(|d| d.as_str()), Some("7"));
    assert!(info.column("c_bool").unwrap().nullable);
}

#[tokio::test]
async fn introspection_reads_keys_defaults_indexes_and_unique_constraints() {
    let Some(db) = postgres::database().await else {
        return;
    };
    assert!(!describe(&db, "we\"ird 'table").await.exists);
    let report = ok(db.auto_migrate::<Odd>().await, "odd");
    assert_eq!(
        report.statements,
        [
            r#"CREATE TABLE "we""ird 'table" ("k""ey" text,"part" bigint,"va'lue" bigint,PRIMARY KEY ("k""ey","part"))"#,
            r#"COMMENT ON COLUMN "we""ird 'table"."va'lue" IS E'it''s \\ quoted'"#,
            r#"CREATE UNIQUE INDEX IF NOT EXISTS "idx we""ird" ON "we""ird 'table" ("va'lue") WHERE "va'lue" > 0"#,
            r#"COMMENT ON INDEX "idx we""ird" IS E'partial'"#,
        ]
    );
    assert!(ok(db.auto_migrate::<Odd>().await, "again").is_empty());
    let comment: String = db
        .raw_scalar(
            "SELECT col_description(c.oid, a.attnum) FROM pg_class c \
             JOIN pg_attribute a ON a.attrelid = c.oid \
             WHERE c.relname = ? AND a.attname = ? AND c.relnamespace = current_schema()::regnamespace",
            ("we\"ird 'table", "va'lue"),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(comment, "it's \\ quoted");
    let info = describe(&db, "we\"ird 'table").await;
    assert!(info.exists);
    let keys: Vec<&str> = info
        .columns
        .iter()
        .filter(|c| c.primary_key)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(keys, ["k\"ey", "part"]);
    let pkey = info.indexes.iter().find(|i| i.primary).unwrap();
    assert_eq!(
        pkey.columns.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        ["k\"ey", "part"]
    );
    let partial = info.index("idx we\"ird").unwrap();
    assert!(partial.unique && !partial.primary);

    // A table written by hand: defaults, identity, a unique constraint, an expression
    // index.
    db.exec(
        "CREATE TABLE hand (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, \
         code varchar(12) NOT NULL DEFAULT 'none', score numeric(6,2) DEFAULT 0, \
         CONSTRAINT hand_code_key UNIQUE (code))",
        (),
    )
    .await
    .unwrap();
    db.exec("CREATE INDEX hand_lower ON hand (lower(code), score)", ())
        .await
        .unwrap();
    let info = describe(&db, "hand").await;
    let id = info.column("id").unwrap();
    assert_eq!(
        id.default.as_ref().map(|d| d.as_str()),
        Some("generated by default as identity")
    );
    let code = info.column("code").unwrap();
    assert_eq!(
        (code.sql_type.as_str(), code.size, code.nullable),
        ("varchar(12)", 12, false)
    );
    assert_eq!(
        code.default.as_ref().map(|d| d.as_str()),
        Some("'none'::character varying")
    );
    assert_eq!(
        info.column("score").unwrap().sql_type.as_str(),
        "numeric(6,2)"
    );
    let unique = info.index("hand_code_key").unwrap();
    assert!(unique.unique);
    assert_eq!(
        unique
            .columns
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
        ["code"]
    );
    let expr = info.index("hand_lower").unwrap();
    assert_eq!(
        expr.columns.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        ["score"],
        "an expression member has no column name"
    );
}

#[tokio::test]
async fn schema_qualified_models_migrate_in_their_schema() {
    let Some(fresh) = postgres::fresh_with("").await else {
        return;
    };
    let db = &fresh.db;
    let other = format!("{}_q", fresh.schema);
    let table = QUALIFIED_TABLE.get_or_init(|| format!("{other}.items"));
    assert!(table.starts_with(&other), "one qualified test per process");
    ok(
        db.exec(&format!("CREATE SCHEMA \"{other}\""), ()).await,
        "schema",
    );
    let report = ok(db.auto_migrate::<Qualified>().await, "create");
    assert_eq!(
        report.statements[0],
        format!(
            r#"CREATE TABLE "{other}"."items" ("id" bigserial,"name" text,"at" timestamptz,PRIMARY KEY ("id"),CONSTRAINT "uni_{other}_items_name" UNIQUE ("name"))"#
        )
    );
    assert_eq!(
        report.statements[1],
        format!(r#"CREATE INDEX IF NOT EXISTS "idx_items_at" ON "{other}"."items" ("at")"#)
    );
    assert!(ok(db.auto_migrate::<Qualified>().await, "again").is_empty());
    // The unqualified name is not there: the table is in the other schema.
    assert!(!describe(db, "items").await.exists);
    let info = describe(db, table).await;
    assert_eq!(column_names(&info), ["id", "name", "at"]);
    assert!(info.index("idx_items_at").is_some());
    let report = ok(
        db.migrator().drop_index::<Qualified>("idx_items_at").await,
        "drop index",
    );
    assert_eq!(
        report.statements,
        [format!(r#"DROP INDEX "{other}"."idx_items_at""#)]
    );
    let report = ok(db.migrator().drop_table::<Qualified>().await, "drop");
    assert_eq!(
        report.statements,
        [format!(r#"DROP TABLE IF EXISTS "{other}"."items" CASCADE"#)]
    );
    ok(
        db.exec(&format!("DROP SCHEMA \"{other}\""), ()).await,
        "drop schema",
    );
}

#[tokio::test]
async fn alter_column_changes_type_nullability_and_default_on_a_real_table() {
    let Some(db) = postgres::database().await else {
        return;
    };
    db.exec(
        "CREATE TABLE pets (id bigserial PRIMARY KEY, created_at timestamptz, \
         updated_at timestamptz, deleted_at timestamptz, user_id bigint, name text DEFAULT 'x')",
        (),
    )
    .await
    .unwrap();
    db.exec("INSERT INTO pets (name) VALUES ('rex')", ())
        .await
        .unwrap();
    ok(db.migrator().alter_column::<Pet>("Name").await, "alter");
    let info = describe(&db, "pets").await;
    let name = info.column("name").unwrap();
    assert_eq!(
        (name.sql_type.as_str(), name.nullable),
        ("varchar(100)", false)
    );
    assert!(name.default.as_ref().is_none());
    // The key keeps its sequence: inserting without an id still works.
    ok(db.migrator().alter_column::<Pet>("ID").await, "alter id");
    db.exec("INSERT INTO pets (name) VALUES ('tom')", ())
        .await
        .unwrap();
    let ids: Vec<i64> = db
        .model::<Pet>()
        .table("pets")
        .order("id")
        .pluck("id")
        .await
        .unwrap();
    assert_eq!(ids, [1, 2]);
    let report = ok(
        db.migrator().rename_column::<Pet>("name", "nick").await,
        "rename",
    );
    assert_eq!(
        report.statements,
        [r#"ALTER TABLE "pets" RENAME COLUMN "name" TO "nick""#]
    );
    assert_eq!(
        column_names(&describe(&db, "pets").await),
        [
            "id",
            "created_at",
            "updated_at",
            "deleted_at",
            "user_id",
            "nick"
        ]
    );
}

#[tokio::test]
async fn ddl_postgres_cannot_do_is_a_clear_error() {
    let Some(db) = postgres::database().await else {
        return;
    };
    let mut fulltext = index("idx_docs_body", false, &["body"]);
    fulltext.kind = "FULLTEXT".into();
    let ddl = Ddl::CreateIndex {
        table: TableRef::new("docs"),
        index: fulltext,
    };
    match db.dialect().render_ddl(&ddl) {
        Err(DbError::Unsupported(m)) => assert!(m.contains("FULLTEXT") && m.contains("gin"), "{m}"),
        other => panic!("expected Unsupported, got {other:?}"),
    }
    let mut bad = index("idx_docs_body", false, &["body"]);
    bad.kind = "btree; DROP TABLE x".into();
    assert!(matches!(
        db.dialect().render_ddl(&Ddl::CreateIndex {
            table: TableRef::new("docs"),
            index: bad
        }),
        Err(DbError::Render(_))
    ));
    let mut gin = index("idx_docs_tags", false, &["tags"]);
    gin.kind = "gin".into();
    assert_eq!(
        render(
            &db,
            &Ddl::CreateIndex {
                table: TableRef::new("docs"),
                index: gin
            }
        ),
        [r#"CREATE INDEX IF NOT EXISTS "idx_docs_tags" ON "docs" USING gin("tags")"#]
    );
    let mut nul = field("c", DataType::Int);
    nul.comment = Some("bad\0".into()).into();
    assert!(matches!(
        db.dialect().render_ddl(&Ddl::AddColumn {
            table: TableRef::new("docs"),
            field: nul
        }),
        Err(DbError::Render(m)) if m.contains("NUL")
    ));
}
