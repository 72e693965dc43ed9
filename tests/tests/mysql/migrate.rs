//! Migrations on MariaDB: golden DDL (sql-golden.md G125–G134, mysql column), AutoMigrate
//! (create, add columns and indexes, nothing on a second run), the type mapping read back
//! by introspection, introspection of a hand-written table, and table options.

use plugorm::{
    plugin_api::{
        migrate::{Ddl, TableInfo},
        schema::{DataType, FieldSchema, ModelSchema},
        statement::TableRef,
    },
    Db, DbError,
};

use crate::models::{db_err, index, mysql_db, ok, Gadget};
use plugorm_tests::{
    hand_schema::{auto_id, column_names, field, model, named, render},
    schema_model,
};

/// G126's `Pet` without its relation.
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

fn user_v1_schema() -> ModelSchema {
    model(
        "User",
        "users",
        vec![auto_id(), named("Name", "name", DataType::String)],
        vec![],
    )
}
schema_model!(UserV1, user_v1_schema);

/// `users` v2: G127's `Age uint`, a unique `Email`, an index on `age`, an unmigrated field.
fn user_v2_schema() -> ModelSchema {
    let mut email = named("Email", "email", DataType::String);
    email.unique = true;
    let mut scratch = named("Scratch", "scratch", DataType::String);
    scratch.migrate = false;
    let mut user = user_v1_schema();
    user.fields.push(named("Age", "age", DataType::UInt));
    user.fields.push(email);
    user.fields.push(scratch);
    user.indexes.push(index("idx_users_age", false, &["age"]));
    user
}
schema_model!(UserV2, user_v2_schema);

/// G134's index: `sort:desc,type:btree,length:10,where:name3 != 'jinzhu'`.
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

/// One column of every logical type: the type rendered, and the type MariaDB / MySQL
/// reports back (`None`: the same).
fn type_table(mariadb: bool) -> Vec<(FieldSchema, &'static str, Option<&'static str>)> {
    let with = |mut f: FieldSchema, edit: &dyn Fn(&mut FieldSchema)| {
        edit(&mut f);
        f
    };
    vec![
        (
            auto_id(),
            "bigint unsigned AUTO_INCREMENT",
            Some("bigint unsigned"),
        ),
        (
            field("c_bool", DataType::Bool),
            "boolean",
            Some("tinyint(1)"),
        ),
        (field("c_int", DataType::Int), "bigint", None),
        (
            with(field("c_i8", DataType::Int), &|f| f.bits = 8),
            "tinyint",
            None,
        ),
        (
            with(field("c_i16", DataType::Int), &|f| f.bits = 16),
            "smallint",
            None,
        ),
        (
            with(field("c_i32", DataType::Int), &|f| f.bits = 32),
            "int",
            None,
        ),
        (
            with(field("c_u32", DataType::UInt), &|f| f.bits = 32),
            "int unsigned",
            None,
        ),
        (field("c_uint", DataType::UInt), "bigint unsigned", None),
        (field("c_float", DataType::Float), "double", None),
        (
            with(field("c_f32", DataType::Float), &|f| f.bits = 32),
            "float",
            None,
        ),
        (
            with(field("c_money", DataType::Float), &|f| {
                f.precision = 10;
                f.scale = 2
            }),
            "decimal(10, 2)",
            Some("decimal(10,2)"),
        ),
        (field("c_text", DataType::String), "longtext", None),
        (
            with(field("c_varchar", DataType::String), &|f| f.size = 100),
            "varchar(100)",
            None,
        ),
        (
            with(field("c_explicit", DataType::String), &|f| {
                f.sql_type = Some("varchar(20)".into()).into()
            }),
            "varchar(20)",
            None,
        ),
        (
            with(field("c_defaulted", DataType::String), &|f| {
                f.default = Some("'x'".into()).into()
            }),
            "varchar(191) DEFAULT 'x'",
            Some("varchar(191)"),
        ),
        (field("c_bytes", DataType::Bytes), "longblob", None),
        (
            with(field("c_varbinary", DataType::Bytes), &|f| f.size = 16),
            "varbinary(16)",
            None,
        ),
        (
            field("c_timestamp", DataType::Timestamp),
            "datetime(3) NULL",
            Some("datetime(3)"),
        ),
        (
            with(field("c_timestamptz", DataType::TimestampTz), &|f| {
                f.precision = 6
            }),
            "datetime(6) NULL",
            Some("datetime(6)"),
        ),
        (field("c_date", DataType::Date), "date", None),
        (field("c_time", DataType::Time), "time(3)", None),
        (
            with(field("c_decimal", DataType::Decimal), &|f| {
                f.precision = 10;
                f.scale = 2
            }),
            "decimal(10, 2)",
            Some("decimal(10,2)"),
        ),
        (
            field("c_decimal_default", DataType::Decimal),
            "decimal(38, 10)",
            Some("decimal(38,10)"),
        ),
        (field("c_uuid", DataType::Uuid), "char(36)", None),
        (
            field("c_json", DataType::Json),
            "json",
            Some(if mariadb { "longtext" } else { "json" }),
        ),
        (
            with(field("c_not_null", DataType::Int), &|f| {
                f.not_null = true;
                f.default = Some("7".into()).into()
            }),
            "bigint NOT NULL DEFAULT 7",
            Some("bigint"),
        ),
    ]
}

fn all_types_schema() -> ModelSchema {
    model(
        "AllTypes",
        "all_types",
        type_table(true).into_iter().map(|(f, _, _)| f).collect(),
        vec![],
    )
}
schema_model!(AllTypes, all_types_schema);

async fn describe(db: &Db, table: &str) -> TableInfo {
    ok(db.migrator().describe_table(table).await, "describe")
}

async fn is_mariadb(db: &Db) -> bool {
    let rows = ok(db.raw("SELECT VERSION() AS v", ()).await, "version");
    let v = rows
        .iter()
        .next()
        .and_then(|r| r.get::<String>("v").ok())
        .unwrap_or_default();
    v.to_ascii_lowercase().contains("mariadb")
}

// Golden mysql texts. GORM's mysql migrator writes indexes inside CREATE TABLE; plugorm's
// migrator creates them as separate statements after the table (as for every dialect),
// so G125 / G126 are the table followed by CREATE INDEX.
const G125: [&str; 2] = [
    "CREATE TABLE `products` (`id` bigint unsigned AUTO_INCREMENT,`code` varchar(64),`price` bigint unsigned,PRIMARY KEY (`id`))",
    "CREATE UNIQUE INDEX `idx_products_code` ON `products`(`code`)",
];
/// Without GORM's FOREIGN KEY (plugorm schemas carry no relations).
const G126: [&str; 2] = [
    "CREATE TABLE `pets` (`id` bigint unsigned AUTO_INCREMENT,`created_at` datetime(3) NULL,`updated_at` datetime(3) NULL,`deleted_at` datetime(3) NULL,`user_id` bigint unsigned,`name` varchar(100) NOT NULL,PRIMARY KEY (`id`),CONSTRAINT `chk_pets_name` CHECK (name <> ''))",
    "CREATE INDEX `idx_pets_deleted_at` ON `pets`(`deleted_at`)",
];
const G127: &str = "ALTER TABLE `users` ADD `age` bigint unsigned";
const G128: &str = "ALTER TABLE `pets` MODIFY COLUMN `name` varchar(100) NOT NULL";
/// Without GORM's `SET FOREIGN_KEY_CHECKS` wrapping and `CASCADE` (MySQL ignores
/// CASCADE; a pool may run each statement on another connection).
const G131: &str = "DROP TABLE IF EXISTS `users`";
const G132: &str = "ALTER TABLE `users` DROP COLUMN `age`";
/// GORM's `COLLATE utf8` is rejected by MariaDB and is not part of index schemas; the
/// partial-index condition has no MySQL form and is not written, as GORM's migrator does.
const G134_CREATE: &str =
    "CREATE INDEX `idx_user_indices_name3` ON `user_indices`(`name3`(10) desc) USING btree";
const G134_DROP: &str = "DROP INDEX `idx_user_indices_name3_new` ON `user_indices`";

#[tokio::test]
async fn golden_ddl_g125_to_g134_rendered_and_run() {
    let db = mysql_db!();
    let m = db.migrator();

    let report = ok(m.create_table::<Gadget>().await, "G125");
    assert_eq!(report.statements, G125);
    assert_eq!(report.created_indexes, ["idx_products_code"]);

    let report = ok(db.auto_migrate::<Pet>().await, "G126");
    assert_eq!(report.statements, G126);

    ok(db.auto_migrate::<UserV1>().await, "users v1");
    let report = ok(m.add_column::<UserV2>("Age").await, "G127");
    assert_eq!(report.statements, [G127]);

    let report = ok(m.alter_column::<Pet>("Name").await, "G128");
    assert_eq!(report.statements, [G128]);
    assert!(!describe(&db, "pets").await.column("name").unwrap().nullable);

    let report = ok(m.drop_column::<UserV2>("Age").await, "G132");
    assert_eq!(report.statements, [G132]);
    assert!(!ok(m.has_column::<UserV2>("age").await, "age dropped"));

    let report = ok(db.auto_migrate::<UserIndex>().await, "G134");
    assert_eq!(report.statements[1], G134_CREATE);
    let idx = describe(&db, "user_indices").await;
    assert!(idx.index("idx_user_indices_name3").is_some());
    ok(
        db.exec(
            "ALTER TABLE user_indices RENAME INDEX idx_user_indices_name3 TO idx_user_indices_name3_new",
            (),
        )
        .await,
        "rename index",
    );
    let report = ok(
        m.drop_index::<UserIndex>("idx_user_indices_name3_new")
            .await,
        "G134 drop",
    );
    assert_eq!(report.statements, [G134_DROP]);
    assert!(describe(&db, "user_indices")
        .await
        .indexes
        .iter()
        .all(|i| i.primary));

    let report = ok(
        m.rename_column::<UserV1>("Name", "full_name").await,
        "rename",
    );
    assert_eq!(
        report.statements,
        ["ALTER TABLE `users` RENAME COLUMN `name` TO `full_name`"]
    );
    let report = ok(m.drop_table::<UserV1>().await, "G131");
    assert_eq!(report.statements, [G131]);
    assert!(!ok(m.has_table::<UserV1>().await, "dropped"));
    // Dropping a missing table is not an error (IF EXISTS).
    ok(m.drop_table_named("users").await, "drop again");

    // A unique partial index would change meaning without its condition: refused.
    let mut partial = index("uni_x", true, &["name3"]);
    partial.condition = "name3 <> ''".into();
    let e = db
        .dialect()
        .render_ddl(&Ddl::CreateIndex {
            table: TableRef::new("user_indices"),
            index: partial,
        })
        .unwrap_err();
    assert!(
        matches!(e, DbError::Unsupported(ref m) if m.contains("`uni_x`")),
        "{e}"
    );
}

#[tokio::test]
async fn auto_migrate_creates_then_adds_and_a_second_run_is_empty() {
    let db = mysql_db!();
    let first = ok(db.auto_migrate::<Pet>().await, "first run");
    assert!(first.created_table);
    assert_eq!(first.created_indexes, ["idx_pets_deleted_at"]);
    let second = ok(db.auto_migrate::<Pet>().await, "second run");
    assert!(second.is_empty(), "{second:?}");

    // The created table enforces what the model says.
    ok(
        db.exec("INSERT INTO pets (user_id, name) VALUES (?, ?)", (1, "rex"))
            .await,
        "insert",
    );
    assert!(matches!(
        db_err(db.exec("INSERT INTO pets (user_id, name) VALUES (?, ?)", (1, "")).await.unwrap_err()),
        DbError::CheckViolation { constraint: Some(ref c), .. } if c == "chk_pets_name"
    ));

    // v1, then v2 adds two columns (one unique) and an index.
    let v1 = ok(db.auto_migrate::<UserV1>().await, "v1");
    assert_eq!(
        v1.statements,
        ["CREATE TABLE `users` (`id` bigint unsigned AUTO_INCREMENT,`name` longtext,PRIMARY KEY (`id`))"]
    );
    ok(
        db.exec("INSERT INTO users (name) VALUES (?)", ("ann",))
            .await,
        "ann",
    );
    let v2 = ok(db.auto_migrate::<UserV2>().await, "v2");
    assert!(!v2.created_table);
    assert_eq!(v2.added_columns, ["age", "email"]);
    assert_eq!(v2.created_indexes, ["idx_users_age"]);
    assert_eq!(
        v2.statements,
        [
            G127,
            "ALTER TABLE `users` ADD `email` varchar(191)",
            "ALTER TABLE `users` ADD CONSTRAINT `uni_users_email` UNIQUE (`email`)",
            "CREATE INDEX `idx_users_age` ON `users`(`age`)",
        ]
    );
    let info = describe(&db, "users").await;
    assert_eq!(column_names(&info), ["id", "name", "age", "email"]);
    let rows = ok(db.raw("SELECT name, age FROM users", ()).await, "rows kept");
    let row = rows.iter().next().unwrap();
    assert_eq!(row.get::<String>("name").unwrap(), "ann");
    assert_eq!(row.get::<Option<u64>>("age").unwrap(), None);
    assert!(ok(
        db.migrator().has_index::<UserV2>("uni_users_email").await,
        "unique"
    ));
    assert!(ok(
        db.migrator().has_index::<UserV2>("Age").await,
        "by field"
    ));

    // Idempotent, for both versions of the model.
    assert!(ok(db.auto_migrate::<UserV2>().await, "v2 again").is_empty());
    assert!(ok(db.auto_migrate::<UserV1>().await, "v1 again").is_empty());
    assert!(ok(db.auto_migrate::<Gadget>().await, "gadget").created_table);
    assert!(ok(db.auto_migrate::<Gadget>().await, "gadget again").is_empty());

    // Dry run renders and creates nothing.
    let dry = ok(db.dry_run().auto_migrate::<UserIndex>().await, "dry");
    assert_eq!(dry.statements.len(), 2);
    assert!(!ok(
        db.migrator().has_table::<UserIndex>().await,
        "not created"
    ));
}

#[tokio::test]
async fn type_mapping_rendered_created_and_read_back() {
    let db = mysql_db!();
    let mariadb = is_mariadb(&db).await;
    for (f, want, _) in type_table(mariadb) {
        let sql = render(
            &db,
            &Ddl::AddColumn {
                table: TableRef::new("t"),
                field: f.clone(),
            },
        );
        assert_eq!(sql[0], format!("ALTER TABLE `t` ADD `{}` {want}", f.column));
    }
    let r = ok(db.auto_migrate::<AllTypes>().await, "all types");
    assert!(r.created_table);
    let info = describe(&db, "all_types").await;
    for (f, want, read) in type_table(mariadb) {
        let c = info.column(&f.column).unwrap();
        assert_eq!(c.sql_type.as_str(), read.unwrap_or(want), "{}", f.column);
    }
    let nn = info.column("c_not_null").unwrap();
    assert!(!nn.nullable);
    assert_eq!(nn.default.as_ref().map(|d| d.as_str()), Some("7"));
    assert!(info.column("c_text").unwrap().nullable);
    assert!(info.column("c_text").unwrap().default.is_none());
    assert_eq!(info.column("c_varchar").unwrap().size, 100);
    assert_eq!(info.column("c_varbinary").unwrap().size, 16);
    assert!(info.column("id").unwrap().primary_key);
    assert!(ok(db.auto_migrate::<AllTypes>().await, "again").is_empty());
}

#[tokio::test]
async fn introspection_reads_a_hand_written_table() {
    let db = mysql_db!();
    ok(
        db.exec(
            "CREATE TABLE accounts (code VARCHAR(12) NOT NULL, region CHAR(2) NOT NULL, \
             note VARCHAR(50) DEFAULT 'none', balance DECIMAL(10,2), \
             PRIMARY KEY (code, region), UNIQUE KEY uq_accounts_note (note), \
             KEY idx_accounts_region_note (region, note))",
            (),
        )
        .await,
        "create",
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
    assert_eq!(
        (region.sql_type.as_str(), region.size, region.primary_key),
        ("char(2)", 2, true)
    );
    let note = info.column("note").unwrap();
    assert!(note.nullable && !note.primary_key);
    let default = note.default.as_ref().map(|d| d.to_string());
    assert!(
        matches!(default.as_deref(), Some("'none'") | Some("none")),
        "{default:?}"
    );
    let balance = info.column("balance").unwrap();
    assert_eq!(
        (balance.sql_type.as_str(), balance.size),
        ("decimal(10,2)", 0)
    );
    assert!(balance.default.is_none());

    let pk = info.index("PRIMARY").unwrap();
    assert!(pk.primary && pk.unique);
    assert_eq!(
        pk.columns.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        ["code", "region"]
    );
    let uq = info.index("uq_accounts_note").unwrap();
    assert!(uq.unique && !uq.primary);
    let idx = info.index("idx_accounts_region_note").unwrap();
    assert!(!idx.unique);
    assert_eq!(
        idx.columns.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        ["region", "note"]
    );

    // Names are bound, never spliced; a missing table does not exist.
    let queries = db
        .dialect()
        .introspection_queries(&TableRef::new("x' OR 1=1 --"))
        .unwrap();
    assert!(queries
        .iter()
        .all(|q| !q.text.contains("OR 1=1") && !q.params.is_empty()));
    assert!(!describe(&db, "x' OR 1=1 --").await.exists);
    // A view is not a table.
    ok(
        db.exec("CREATE VIEW v_accounts AS SELECT code FROM accounts", ())
            .await,
        "view",
    );
    assert!(!describe(&db, "v_accounts").await.exists);
}

#[tokio::test]
async fn table_options_from_the_url_reach_create_table() {
    let t = mysql_db!(full);
    let url = format!(
        "{}?engine=MyISAM&table_charset=utf8mb4&table_collation=utf8mb4_bin",
        t.url
    );
    let db = ok(t.registry.open(&url).await, "open with table options");
    ok(db.auto_migrate::<Gadget>().await, "create");
    let rows = ok(
        db.raw(
            "SELECT ENGINE AS engine, TABLE_COLLATION AS collation FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
            ("products",),
        )
        .await,
        "table status",
    );
    let row = rows.iter().next().unwrap();
    assert_eq!(row.get::<String>("engine").unwrap(), "MyISAM");
    assert_eq!(row.get::<String>("collation").unwrap(), "utf8mb4_bin");
    // The default pool of the same database leaves the server's defaults.
    ok(t.db.exec("CREATE TABLE plain (id int)", ()).await, "plain");
    let rows = ok(
        t.db.raw(
            "SELECT ENGINE AS engine FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'plain'",
            (),
        )
        .await,
        "plain status",
    );
    assert_eq!(
        rows.iter().next().unwrap().get::<String>("engine").unwrap(),
        "InnoDB"
    );
    // A bad option is refused with its key.
    let e = t
        .registry
        .open(&format!("{}?engine=In%20noDB", t.url))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("engine"), "{e}");
}
