//! Migrations against real SQLite through the dynamically loaded plugin: golden DDL
//! (sql-golden.md G125–G134, SQLite column), AutoMigrate (create, add columns, add
//! indexes, nothing on a second run), the migrator's operations, the SQLite type mapping,
//! introspection, and the errors for DDL SQLite cannot do.
//!
//! The models implement `plugorm::Model` by hand: only their schema matters here.

use plugorm::{
    migrator::MigrationReport,
    plugin_api::{
        migrate::{Ddl, TableInfo},
        schema::{DataType, FieldSchema, ModelSchema},
        statement::TableRef,
    },
    Db, DbError, Error,
};
use plugorm_tests::{
    hand_schema::{auto_id, column_names, db_err, field, index, joined, model, named, ok, render},
    schema_model,
};
use plugorm_tests::{registry, sqlite_file, sqlite_memory};

// ---------------------------------------------------------------------------------------
// Schema builders

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

/// G126's `Pet` (gorm.Model, `UserID uint`, `Name string gorm:"size:100;not null;check:name <> ''"`),
/// without the relation (plugorm schemas carry no foreign keys).
fn pet_schema() -> ModelSchema {
    let mut deleted_at = named("DeletedAt", "deleted_at", DataType::Timestamp);
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
            named("CreatedAt", "created_at", DataType::Timestamp),
            named("UpdatedAt", "updated_at", DataType::Timestamp),
            deleted_at,
            named("UserID", "user_id", DataType::UInt),
            name,
        ],
        vec![index("idx_pets_deleted_at", false, &["deleted_at"])],
    )
}
schema_model!(Pet, pet_schema);

/// `users`, first version.
fn user_v1_schema() -> ModelSchema {
    model(
        "User",
        "users",
        vec![auto_id(), named("Name", "name", DataType::String)],
        vec![],
    )
}
schema_model!(UserV1, user_v1_schema);

/// `users`, second version: `Age` (G127), a unique `Email`, an index on `age`, and a
/// field excluded from migration.
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

/// One column of every logical type, with the SQLite type it must get.
fn type_table() -> Vec<(FieldSchema, &'static str)> {
    let mut ts_tz = field("c_timestamptz", DataType::TimestampTz);
    ts_tz.precision = 6;
    let mut sized = field("c_varchar", DataType::String);
    sized.size = 100;
    let mut explicit = field("c_explicit", DataType::String);
    explicit.sql_type = Some("varchar(20)".into()).into();
    let mut small = field("c_i16", DataType::Int);
    small.bits = 16;
    let mut f32_ = field("c_f32", DataType::Float);
    f32_.bits = 32;
    let mut dec = field("c_decimal", DataType::Decimal);
    dec.precision = 10;
    dec.scale = 2;
    let mut not_null = field("c_not_null", DataType::Int);
    not_null.not_null = true;
    not_null.default = Some("7".into()).into();
    let mut auto_not_key = field("c_auto_not_key", DataType::Int);
    auto_not_key.auto_increment = true;
    vec![
        (auto_id(), "integer PRIMARY KEY AUTOINCREMENT"),
        (field("c_bool", DataType::Bool), "numeric"),
        (field("c_int", DataType::Int), "integer"),
        (small, "integer"),
        (field("c_uint", DataType::UInt), "integer"),
        (auto_not_key, "integer"),
        (field("c_float", DataType::Float), "real"),
        (f32_, "real"),
        (field("c_text", DataType::String), "text"),
        (sized, "text"),
        (explicit, "varchar(20)"),
        (field("c_bytes", DataType::Bytes), "blob"),
        (field("c_timestamp", DataType::Timestamp), "datetime"),
        (ts_tz, "datetime"),
        (field("c_date", DataType::Date), "date"),
        (field("c_time", DataType::Time), "time"),
        (dec, "text"),
        (field("c_uuid", DataType::Uuid), "text"),
        (field("c_json", DataType::Json), "text"),
        (not_null, "integer NOT NULL DEFAULT 7"),
    ]
}

fn all_types_schema() -> ModelSchema {
    model(
        "AllTypes",
        "all_types",
        type_table().into_iter().map(|(f, _)| f).collect(),
        vec![],
    )
}
schema_model!(AllTypes, all_types_schema);

/// A table and column names that need quoting, in an attached schema.
fn odd_schema() -> ModelSchema {
    let mut key = field("k`ey", DataType::String);
    key.primary_key = true;
    model(
        "Odd",
        "aux.we`ird 'table\"",
        vec![key, field("va'lue", DataType::Int)],
        vec![index("idx we`ird", true, &["va'lue"])],
    )
}
schema_model!(Odd, odd_schema);

/// A composite key with an auto-increment member: SQLite cannot express it.
fn composite_auto_schema() -> ModelSchema {
    let mut a = auto_id();
    a.column = "a".into();
    let mut b = field("b", DataType::Int);
    b.primary_key = true;
    model("CompositeAuto", "composite_auto", vec![a, b], vec![])
}
schema_model!(CompositeAuto, composite_auto_schema);

/// A FULLTEXT index: SQLite has none.
fn fulltext_schema() -> ModelSchema {
    let mut idx = index("idx_docs_body", false, &["body"]);
    idx.kind = "FULLTEXT".into();
    model(
        "Doc",
        "docs",
        vec![auto_id(), field("body", DataType::String)],
        vec![idx],
    )
}
schema_model!(Doc, fulltext_schema);

// ---------------------------------------------------------------------------------------
// Helpers

async fn describe(db: &Db, table: &str) -> TableInfo {
    ok(db.migrator().describe_table(table).await, "describe")
}

// Golden SQLite texts, copied from sql-golden.md.
const G125: &str = "CREATE TABLE `products` (`id` integer PRIMARY KEY AUTOINCREMENT,`code` text,`price` integer) ; CREATE UNIQUE INDEX `idx_products_code` ON `products`(`code`)";
const G126: &str = "CREATE TABLE `pets` (`id` integer PRIMARY KEY AUTOINCREMENT,`created_at` datetime,`updated_at` datetime,`deleted_at` datetime,`user_id` integer,`name` text NOT NULL,CONSTRAINT `fk_users_pets` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`),CONSTRAINT `chk_pets_name` CHECK (name <> '')) ; CREATE INDEX `idx_pets_deleted_at` ON `pets`(`deleted_at`)";
/// plugorm schemas have no relations, so G126 without its FOREIGN KEY constraint.
const G126_FK: &str =
    "CONSTRAINT `fk_users_pets` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`),";
const G127: &str = "ALTER TABLE `users` ADD `age` integer";
const G131: &str = "DROP TABLE IF EXISTS `users`";
const G134_CREATE: &str = "CREATE INDEX `idx_user_indices_name3` USING btree ON `user_indices`(`name3` COLLATE utf8 desc) WHERE name3 != 'jinzhu'";
const G134_DROP: &str = "DROP INDEX `idx_user_indices_name3_new`";

// ---------------------------------------------------------------------------------------
// Golden DDL

#[tokio::test]
async fn golden_sqlite_ddl_g125_to_g134() {
    let db = sqlite_memory().await;
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
    assert!(report.created_table);
    assert_eq!(report.created_indexes, ["idx_products_code"]);

    // G126: CHECK named chk_<table>_<column>, NOT NULL, the index after the table.
    let report = ok(db.auto_migrate::<Pet>().await, "G126");
    assert_eq!(joined(&report.statements), G126.replace(G126_FK, ""));

    // G127: AddColumn.
    ok(db.auto_migrate::<UserV1>().await, "users v1");
    let report = ok(db.migrator().add_column::<UserV2>("Age").await, "G127");
    assert_eq!(report.statements, [G127]);
    assert_eq!(report.added_columns, ["age"]);

    // G128: SQLite has no ALTER COLUMN; GORM rebuilds the table, plugorm refuses.
    match db_err(db.migrator().alter_column::<Pet>("Name").await.unwrap_err()) {
        DbError::Unsupported(m) => {
            assert!(m.contains("`name`") && m.contains("`pets`"), "{m}")
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }

    // G131: DropTable (without GORM's PRAGMA foreign_keys wrapping: a pool may run each
    // statement on another connection).
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

    // G132: SQLite ≥ 3.35 drops a column natively (GORM's driver rebuilds the table).
    let report = ok(db.migrator().drop_column::<UserV2>("Age").await, "G132");
    assert_eq!(report.statements, ["ALTER TABLE `users` DROP COLUMN `age`"]);
    assert!(!ok(
        db.migrator().has_column::<UserV2>("age").await,
        "has age"
    ));
    let report = ok(db.migrator().drop_table::<UserV1>().await, "G131");
    assert_eq!(report.statements, [G131]);

    // G134: GORM's text is invalid on SQLite ("near USING: syntax error"); plugorm drops
    // the method (every SQLite index is a B-tree). Collations are not in index schemas.
    let report = ok(db.auto_migrate::<UserIndex>().await, "G134");
    assert_eq!(
        report.statements[1],
        G134_CREATE
            .replace(" USING btree", "")
            .replace(" COLLATE utf8", "")
    );
    // (GORM's RenameIndex is SQL the test runs itself; then DropIndex.)
    ok(
        db.exec(
            "CREATE INDEX idx_user_indices_name3_new ON user_indices(name3)",
            (),
        )
        .await,
        "index to drop",
    );
    assert_eq!(
        render(
            &db,
            &Ddl::DropIndex {
                table: table("user_indices"),
                name: "idx_user_indices_name3_new".into()
            }
        ),
        [G134_DROP]
    );
    let report = ok(
        db.migrator()
            .drop_index::<UserIndex>("idx_user_indices_name3_new")
            .await,
        "G134 drop",
    );
    assert_eq!(report.statements, [G134_DROP]);
}

// ---------------------------------------------------------------------------------------
// AutoMigrate

#[tokio::test]
async fn auto_migrate_creates_the_table_and_a_second_run_is_empty() {
    let db = sqlite_memory().await;
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
    assert_eq!(second.table, "pets");

    // The created table enforces what the model says.
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
    let name = info.column("name").unwrap();
    assert!(!name.nullable);
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
        DbError::CheckViolation { .. } => {}
        other => panic!("expected the CHECK to refuse an empty name, got {other:?}"),
    }
    match db_err(
        db.exec("INSERT INTO pets (user_id) VALUES (?)", (1,))
            .await
            .unwrap_err(),
    ) {
        DbError::NotNullViolation { .. } => {}
        other => panic!("expected NOT NULL to refuse, got {other:?}"),
    }
}

#[tokio::test]
async fn auto_migrate_adds_missing_columns_and_indexes_in_a_file_database() {
    let (db, dir) = sqlite_file().await;
    let v1 = ok(db.auto_migrate::<UserV1>().await, "v1");
    assert_eq!(
        v1.statements,
        ["CREATE TABLE `users` (`id` integer PRIMARY KEY AUTOINCREMENT,`name` text)"]
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
            "ALTER TABLE `users` ADD `email` text",
            "CREATE UNIQUE INDEX `uni_users_email` ON `users`(`email`)",
            "CREATE INDEX `idx_users_age` ON `users`(`age`)",
        ]
    );
    // Existing rows survive; the excluded field was not created.
    let rows = ok(db.raw("SELECT name, age FROM users", ()).await, "select");
    let row = rows.iter().next().unwrap();
    assert_eq!(row.get::<String>("name").unwrap(), "ann");
    assert_eq!(row.get::<Option<i64>>("age").unwrap(), None);
    let info = describe(&db, "users").await;
    assert_eq!(column_names(&info), ["id", "name", "age", "email"]);
    // The unique field is unique.
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
        DbError::UniqueViolation { .. } => {}
        other => panic!("expected a unique violation, got {other:?}"),
    }

    // Nothing more to do, now or after reopening the file; the older model finds nothing
    // missing either (columns are never dropped).
    assert!(ok(db.auto_migrate::<UserV2>().await, "v2 again").is_empty());
    assert!(ok(db.auto_migrate::<UserV1>().await, "v1 again").is_empty());
    ok(db.close().await, "close");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let db = ok(registry().open(&url).await, "reopen");
    assert!(ok(db.auto_migrate::<UserV2>().await, "after reopen").is_empty());
    assert!(ok(
        db.migrator().has_index::<UserV2>("idx_users_age").await,
        "index"
    ));
}

#[tokio::test]
async fn dry_run_auto_migrate_renders_without_creating() {
    let db = sqlite_memory().await;
    let dry = db.dry_run();
    let report = ok(dry.auto_migrate::<Product>().await, "dry run");
    assert_eq!(joined(&report.statements), G125);
    assert!(!ok(db.migrator().has_table::<Product>().await, "has_table"));
}

// ---------------------------------------------------------------------------------------
// Migrator operations

#[tokio::test]
async fn has_table_column_and_index() {
    let db = sqlite_memory().await;
    let m = db.migrator();
    assert!(!ok(m.has_table::<UserV2>().await, "has_table"));
    assert!(!ok(m.has_table_named("users").await, "has_table_named"));
    assert!(!ok(
        m.has_column::<UserV2>("Name").await,
        "column of a missing table"
    ));
    assert!(!describe(&db, "users").await.exists);

    ok(db.auto_migrate::<UserV2>().await, "migrate");
    assert!(ok(m.has_table::<UserV2>().await, "has_table"));
    assert!(ok(m.has_table_named("users").await, "has_table_named"));
    assert!(ok(
        m.has_table_named("USERS").await,
        "names are case-insensitive"
    ));
    assert!(!ok(m.has_table_named("nobody").await, "missing"));
    // Rust name, column name, or a column the model does not have.
    assert!(ok(m.has_column::<UserV2>("Age").await, "by Rust name"));
    assert!(ok(m.has_column::<UserV2>("email").await, "by column"));
    assert!(!ok(m.has_column::<UserV2>("Scratch").await, "not migrated"));
    assert!(!ok(m.has_column::<UserV2>("nope").await, "missing"));
    // Index name, or a field with an index.
    assert!(ok(m.has_index::<UserV2>("idx_users_age").await, "by name"));
    assert!(ok(m.has_index::<UserV2>("Age").await, "by field"));
    assert!(!ok(m.has_index::<UserV2>("idx_nope").await, "missing"));
    // A UNIQUE constraint written in CREATE TABLE is SQLite's own automatic index.
    let info = describe(&db, "users").await;
    let unique = info
        .indexes
        .iter()
        .find(|i| i.unique && !i.primary)
        .unwrap();
    assert!(unique.name.starts_with("sqlite_autoindex_users"));
    assert_eq!(unique.columns.len(), 1);
    assert_eq!(unique.columns[0].as_str(), "email");
}

#[tokio::test]
async fn column_and_index_operations_on_a_real_table() {
    let (db, _dir) = sqlite_file().await;
    let m = db.migrator();
    ok(db.auto_migrate::<UserV1>().await, "v1");

    ok(m.add_column::<UserV2>("Email").await, "add email");
    assert!(ok(m.has_column::<UserV2>("email").await, "email"));
    assert!(ok(
        m.has_index::<UserV2>("uni_users_email").await,
        "unique index"
    ));

    ok(m.add_column::<UserV2>("age").await, "add age");
    let r = ok(m.create_index::<UserV2>("Age").await, "index by field");
    assert_eq!(
        r.statements,
        ["CREATE INDEX `idx_users_age` ON `users`(`age`)"]
    );
    assert!(ok(
        m.has_index::<UserV2>("idx_users_age").await,
        "has index"
    ));
    let r = ok(m.drop_index::<UserV2>("Age").await, "drop index by field");
    assert_eq!(r.statements, ["DROP INDEX `idx_users_age`"]);
    assert!(!ok(m.has_index::<UserV2>("idx_users_age").await, "dropped"));

    let r = ok(
        m.rename_column::<UserV2>("Name", "full_name").await,
        "rename",
    );
    assert_eq!(
        r.statements,
        ["ALTER TABLE `users` RENAME COLUMN `name` TO `full_name`"]
    );
    assert!(!ok(m.has_column::<UserV2>("name").await, "old name"));
    assert!(ok(m.has_column::<UserV2>("full_name").await, "new name"));
    // AutoMigrate adds the model's column back (it never renames or drops).
    let again = ok(db.auto_migrate::<UserV2>().await, "again");
    assert_eq!(again.added_columns, ["name"]);
    assert_eq!(again.created_indexes, ["idx_users_age"]);

    ok(m.drop_column::<UserV2>("full_name").await, "drop column");
    let info = ok(m.describe::<UserV2>().await, "describe");
    assert_eq!(column_names(&info), ["id", "email", "age", "name"]);

    ok(m.drop_table::<UserV2>().await, "drop");
    assert!(!ok(m.has_table::<UserV2>().await, "gone"));
    // Dropping a missing table is not an error (IF EXISTS).
    let r = ok(m.drop_table_named("users").await, "drop again");
    assert_eq!(r.statements, [G131]);
}

#[tokio::test]
async fn quoted_names_and_an_attached_schema() {
    let db = sqlite_memory().await;
    ok(
        db.exec("ATTACH DATABASE ':memory:' AS aux", ()).await,
        "attach",
    );
    let r = ok(db.auto_migrate::<Odd>().await, "odd names");
    assert_eq!(
        r.statements,
        [
            "CREATE TABLE `aux`.`we``ird 'table\"` (`k``ey` text,`va'lue` integer,PRIMARY KEY (`k``ey`))",
            "CREATE UNIQUE INDEX `aux`.`idx we``ird` ON `we``ird 'table\"`(`va'lue`)",
        ]
    );
    assert!(ok(db.auto_migrate::<Odd>().await, "again").is_empty());
    let info = describe(&db, "aux.we`ird 'table\"").await;
    assert!(info.exists);
    assert_eq!(column_names(&info), ["k`ey", "va'lue"]);
    let idx = info.index("idx we`ird").unwrap();
    assert!(idx.unique && !idx.primary);
    assert_eq!(idx.columns.len(), 1);
    assert_eq!(idx.columns[0].as_str(), "va'lue");
    // The key of a non-INTEGER primary key is an index of its own.
    assert!(info
        .indexes
        .iter()
        .any(|i| i.primary && i.columns.len() == 1));
    // Not in the main schema.
    assert!(!describe(&db, "we`ird 'table\"").await.exists);
}

// ---------------------------------------------------------------------------------------
// Types and introspection

#[tokio::test]
async fn sqlite_type_mapping_table() {
    let db = sqlite_memory().await;
    for (f, want) in type_table() {
        let sql = render(
            &db,
            &Ddl::AddColumn {
                table: TableRef::new("t"),
                field: f.clone(),
            },
        );
        assert_eq!(sql, [format!("ALTER TABLE `t` ADD `{}` {want}", f.column)]);
    }
    // The same types on a real table, read back by introspection.
    let r = ok(db.auto_migrate::<AllTypes>().await, "all types");
    assert!(r.created_table);
    let info = describe(&db, "all_types").await;
    for (f, want) in type_table() {
        let c = info.column(&f.column).unwrap();
        let base = want
            .split(" PRIMARY KEY")
            .next()
            .unwrap_or(want)
            .split(" NOT NULL")
            .next()
            .unwrap_or(want);
        assert_eq!(c.sql_type.as_str(), base, "{}", f.column);
    }
    let nn = info.column("c_not_null").unwrap();
    assert!(!nn.nullable);
    assert_eq!(nn.default.as_ref().map(|d| d.as_str()), Some("7"));
    assert!(info.column("id").unwrap().primary_key);
    assert!(ok(db.auto_migrate::<AllTypes>().await, "again").is_empty());
}

#[tokio::test]
async fn introspection_reads_columns_and_indexes() {
    let db = sqlite_memory().await;
    ok(
        db.exec(
            "CREATE TABLE accounts (code VARCHAR(12) NOT NULL, region CHAR(2), note TEXT \
             DEFAULT 'none', balance DECIMAL(10,2), PRIMARY KEY (code, region))",
            (),
        )
        .await,
        "create",
    );
    ok(
        db.exec(
            "CREATE UNIQUE INDEX idx_accounts_region_note ON accounts(region, note DESC)",
            (),
        )
        .await,
        "index",
    );
    ok(
        db.exec(
            "CREATE INDEX idx_accounts_expr ON accounts(lower(note))",
            (),
        )
        .await,
        "expression index",
    );
    let info = describe(&db, "accounts").await;
    assert!(info.exists);
    let code = info.column("CODE").unwrap();
    assert_eq!(
        (
            code.sql_type.as_str(),
            code.size,
            code.nullable,
            code.primary_key
        ),
        ("varchar(12)", 12, false, true)
    );
    let region = info.column("region").unwrap();
    assert_eq!((region.size, region.primary_key), (2, true));
    let note = info.column("note").unwrap();
    assert!(note.nullable && !note.primary_key);
    assert_eq!(note.default.as_ref().map(|d| d.as_str()), Some("'none'"));
    let balance = info.column("balance").unwrap();
    assert_eq!(
        (balance.sql_type.as_str(), balance.size),
        ("decimal(10,2)", 0)
    );

    let idx = info.index("idx_accounts_region_note").unwrap();
    assert!(idx.unique && !idx.primary);
    assert_eq!(
        idx.columns.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        ["region", "note"]
    );
    let expr = info.index("idx_accounts_expr").unwrap();
    assert!(!expr.unique && expr.columns.is_empty());
    let pk = info.indexes.iter().find(|i| i.primary).unwrap();
    assert_eq!(
        pk.columns.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        ["code", "region"]
    );

    // Every value is a bound parameter, never spliced into the text.
    let queries = db
        .dialect()
        .introspection_queries(&TableRef::new("x' OR 1=1 --"))
        .unwrap();
    assert!(queries.iter().all(|q| !q.text.contains("OR 1=1")));
    assert!(queries.iter().all(|q| !q.params.is_empty()));
    assert!(!describe(&db, "x' OR 1=1 --").await.exists);
}

// ---------------------------------------------------------------------------------------
// Errors

#[tokio::test]
async fn ddl_sqlite_cannot_do_is_a_clear_error_and_runs_nothing() {
    let db = sqlite_memory().await;
    ok(db.auto_migrate::<Pet>().await, "pets");
    let before = describe(&db, "pets").await;

    // ALTER COLUMN (G128).
    let e = db.migrator().alter_column::<Pet>("name").await.unwrap_err();
    let text = e.to_string();
    assert!(
        text.starts_with("not supported: SQLite cannot alter column `name` of table `pets`"),
        "{text}"
    );
    assert!(matches!(e, Error::Db(DbError::Unsupported(_))));
    assert_eq!(describe(&db, "pets").await, before);

    // FULLTEXT indexes, and AUTOINCREMENT in a composite key: refused before any DDL.
    match db_err(db.auto_migrate::<Doc>().await.unwrap_err()) {
        DbError::Unsupported(m) => {
            assert!(
                m.contains("FULLTEXT") && m.contains("`idx_docs_body`") && m.contains("`docs`"),
                "{m}"
            )
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
    match db_err(db.auto_migrate::<CompositeAuto>().await.unwrap_err()) {
        DbError::Unsupported(m) => {
            assert!(m.contains("`composite_auto`") && m.contains("`a`"), "{m}")
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
    assert!(!ok(
        db.migrator().has_table::<CompositeAuto>().await,
        "not created"
    ));

    // Names the model does not have.
    match db.migrator().add_column::<Pet>("Color").await.unwrap_err() {
        Error::InvalidField { model, field } => {
            assert_eq!((model.as_str(), field.as_str()), ("Pet", "Color"))
        }
        other => panic!("expected InvalidField, got {other:?}"),
    }
    let e = db
        .migrator()
        .create_index::<Pet>("idx_nope")
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("`idx_nope`") && e.to_string().contains("`pets`"),
        "{e}"
    );

    // A database error keeps its variant and says which table and column.
    match db_err(db.migrator().add_column::<Pet>("Name").await.unwrap_err()) {
        DbError::Database { message, .. } => {
            assert!(
                message.contains("adding column `name` to table `pets`"),
                "{message}"
            )
        }
        other => panic!("expected a database error, got {other:?}"),
    }
    match db_err(db.migrator().create_table::<Pet>().await.unwrap_err()) {
        DbError::Database { message, .. } => {
            assert!(message.contains("creating table `pets`"), "{message}")
        }
        other => panic!("expected a database error, got {other:?}"),
    }
}
