//! Migrations on every backend: golden DDL (docs/golden-sql.md G125–G134, each dialect's
//! column), AutoMigrate (create, add columns and indexes, nothing on a second run, from
//! another pool too), and dry runs — one body, the texts written out per dialect.
//! The type mapping is in `migrate/types.rs`, introspection of a hand-written table in
//! `migrate/introspection.rs`; what only one database does (SQLite's
//! attached schemas and refusals, PostgreSQL's schemas and ALTER COLUMN, MariaDB's table
//! options) in `migrate/{sqlite,postgres,mysql}.rs`.

#[path = "migrate/introspection.rs"]
mod introspection;
#[path = "migrate/mysql.rs"]
mod mysql;
#[path = "migrate/postgres.rs"]
mod postgres;
#[path = "migrate/sqlite.rs"]
mod sqlite;
#[path = "migrate/types.rs"]
mod types;

use plugorm::{
    migrator::MigrationReport,
    plugin_api::{migrate::Ddl, statement::TableRef},
    DbError,
};
use plugorm_tests::{
    golden_models::{product_schema, Pet, Product, UserIndex, UserV1, UserV2},
    hand_schema::{column_names, db_err, describe, index, joined, ok, render},
    matrix::Backend,
};

plugorm_tests::matrix!(
    golden_ddl_g125_to_g134,
    auto_migrate_creates_the_table_and_a_second_run_is_empty,
    auto_migrate_adds_missing_columns_and_indexes_then_does_nothing,
    dry_run_auto_migrate_renders_without_creating,
);

/// G125. GORM's mysql migrator writes indexes inside CREATE TABLE; plugorm's creates
/// them after the table, as for every dialect.
fn g125(backend: Backend) -> &'static str {
    backend.pick(
        "CREATE TABLE `products` (`id` integer PRIMARY KEY AUTOINCREMENT,`code` text,`price` integer) ; CREATE UNIQUE INDEX `idx_products_code` ON `products`(`code`)",
        r#"CREATE TABLE "products" ("id" bigserial,"code" varchar(64),"price" bigint,PRIMARY KEY ("id")) ; CREATE UNIQUE INDEX IF NOT EXISTS "idx_products_code" ON "products" ("code")"#,
        "CREATE TABLE `products` (`id` bigint unsigned AUTO_INCREMENT,`code` varchar(64),`price` bigint unsigned,PRIMARY KEY (`id`)) ; CREATE UNIQUE INDEX `idx_products_code` ON `products`(`code`)",
    )
}

/// G126 without GORM's `CONSTRAINT "fk_users_pets" FOREIGN KEY …` (plugorm schemas carry
/// no relations).
fn g126(backend: Backend) -> &'static str {
    backend.pick(
        "CREATE TABLE `pets` (`id` integer PRIMARY KEY AUTOINCREMENT,`created_at` datetime,`updated_at` datetime,`deleted_at` datetime,`user_id` integer,`name` text NOT NULL,CONSTRAINT `chk_pets_name` CHECK (name <> '')) ; CREATE INDEX `idx_pets_deleted_at` ON `pets`(`deleted_at`)",
        r#"CREATE TABLE "pets" ("id" bigserial,"created_at" timestamptz,"updated_at" timestamptz,"deleted_at" timestamptz,"user_id" bigint,"name" varchar(100) NOT NULL,PRIMARY KEY ("id"),CONSTRAINT "chk_pets_name" CHECK (name <> '')) ; CREATE INDEX IF NOT EXISTS "idx_pets_deleted_at" ON "pets" ("deleted_at")"#,
        "CREATE TABLE `pets` (`id` bigint unsigned AUTO_INCREMENT,`created_at` datetime(3) NULL,`updated_at` datetime(3) NULL,`deleted_at` datetime(3) NULL,`user_id` bigint unsigned,`name` varchar(100) NOT NULL,PRIMARY KEY (`id`),CONSTRAINT `chk_pets_name` CHECK (name <> '')) ; CREATE INDEX `idx_pets_deleted_at` ON `pets`(`deleted_at`)",
    )
}

/// G127.
fn g127(backend: Backend) -> &'static str {
    backend.pick(
        "ALTER TABLE `users` ADD `age` integer",
        r#"ALTER TABLE "users" ADD "age" bigint"#,
        "ALTER TABLE `users` ADD `age` bigint unsigned",
    )
}

/// G131, without GORM's foreign-key-check wrapping (a pool may run each statement on
/// another connection) and, on MySQL, without the CASCADE it ignores.
fn g131(backend: Backend) -> &'static str {
    backend.pick(
        "DROP TABLE IF EXISTS `users`",
        r#"DROP TABLE IF EXISTS "users" CASCADE"#,
        "DROP TABLE IF EXISTS `users`",
    )
}

/// G134's DropIndex.
fn g134_drop(backend: Backend) -> &'static str {
    backend.pick(
        "DROP INDEX `idx_user_indices_name3_new`",
        r#"DROP INDEX "idx_user_indices_name3_new""#,
        "DROP INDEX `idx_user_indices_name3_new` ON `user_indices`",
    )
}

async fn golden_ddl_g125_to_g134(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let table = |name: &str| TableRef::new(name);
    let m = db.migrator();

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
    assert_eq!(joined(&sql), g125(backend));
    let report = ok(m.create_table::<Product>().await, "G125");
    assert_eq!(joined(&report.statements), g125(backend));
    assert!(report.created_table);
    assert_eq!(report.created_indexes, ["idx_products_code"]);

    // G126: CHECK named chk_<table>_<column>, NOT NULL, the index after the table.
    let report = ok(db.auto_migrate::<Pet>().await, "G126");
    assert_eq!(joined(&report.statements), g126(backend));

    // G127: AddColumn.
    ok(db.auto_migrate::<UserV1>().await, "users v1");
    let report = ok(m.add_column::<UserV2>("Age").await, "G127");
    assert_eq!(report.statements, [g127(backend)]);
    assert_eq!(report.added_columns, ["age"]);

    // G128: AlterColumn. SQLite has none: the table is rebuilt, as GORM's driver does.
    let altered = m.alter_column::<Pet>("Name").await;
    match backend {
        Backend::Sqlite => {
            // GORM's four statements (it writes two blanks before the definition's
            // parenthesis, plugorm one; this table has no foreign key), with the index
            // the drop took created again, and foreign keys off around the transaction.
            let report = ok(altered, "G128 by rebuild");
            assert_eq!(report.rebuilt_tables, ["pets"]);
            let columns = "`id`,`created_at`,`updated_at`,`deleted_at`,`user_id`,`name`";
            assert_eq!(
                report.statements,
                [
                    "PRAGMA foreign_keys = OFF".to_string(),
                    "PRAGMA legacy_alter_table = ON".into(),
                    "CREATE TABLE `pets__temp` (`id` integer PRIMARY KEY AUTOINCREMENT,`created_at` datetime,`updated_at` datetime,`deleted_at` datetime,`user_id` integer,`name` text NOT NULL,CONSTRAINT `chk_pets_name` CHECK (name <> ''))".into(),
                    format!("INSERT INTO `pets__temp`({columns}) SELECT {columns} FROM `pets`"),
                    "DROP TABLE `pets`".into(),
                    "ALTER TABLE `pets__temp` RENAME TO `pets`".into(),
                    "CREATE INDEX `idx_pets_deleted_at` ON `pets`(`deleted_at`)".into(),
                    "PRAGMA legacy_alter_table = OFF".into(),
                    "PRAGMA foreign_keys = ON".into(),
                ]
            );
        }
        Backend::Postgres => assert_eq!(
            ok(altered, "G128").statements,
            [
                // The type with USING, then nullability and the default.
                r#"ALTER TABLE "pets" ALTER COLUMN "name" TYPE varchar(100) USING "name"::varchar(100)"#,
                r#"ALTER TABLE "pets" ALTER COLUMN "name" SET NOT NULL"#,
                r#"ALTER TABLE "pets" ALTER COLUMN "name" DROP DEFAULT"#,
            ]
        ),
        Backend::Mysql => assert_eq!(
            ok(altered, "G128").statements,
            ["ALTER TABLE `pets` MODIFY COLUMN `name` varchar(100) NOT NULL"]
        ),
        Backend::SqlServer => assert_eq!(
            ok(altered, "G128").statements,
            [r#"ALTER TABLE "pets" ALTER COLUMN "name" nvarchar(100) NOT NULL"#]
        ),
    }
    assert!(!describe(&db, "pets").await.column("name").unwrap().nullable);

    // G131: DropTable.
    let drop_users = Ddl::DropTable {
        table: table("users"),
        if_exists: true,
    };
    assert_eq!(render(&db, &drop_users), [g131(backend)]);

    // G132: DropColumn (SQLite ≥ 3.35 drops natively; GORM's driver rebuilds the table).
    let report = ok(m.drop_column::<UserV2>("Age").await, "G132");
    assert_eq!(
        report.statements,
        [backend.pick(
            "ALTER TABLE `users` DROP COLUMN `age`",
            r#"ALTER TABLE "users" DROP COLUMN "age""#,
            "ALTER TABLE `users` DROP COLUMN `age`",
        )]
    );
    assert!(!ok(m.has_column::<UserV2>("age").await, "age dropped"));
    let drop_name = Ddl::DropColumn {
        table: table("users"),
        column: "name".into(),
    };
    assert_eq!(
        render(&db, &drop_name),
        [backend.pick(
            "ALTER TABLE `users` DROP COLUMN `name`",
            r#"ALTER TABLE "users" DROP COLUMN "name""#,
            "ALTER TABLE `users` DROP COLUMN `name`",
        )]
    );

    // RenameColumn, rendered and run.
    let rename = Ddl::RenameColumn {
        table: table("users"),
        from: "name".into(),
        to: "full_name".into(),
    };
    let renamed = backend.pick(
        "ALTER TABLE `users` RENAME COLUMN `name` TO `full_name`",
        r#"ALTER TABLE "users" RENAME COLUMN "name" TO "full_name""#,
        "ALTER TABLE `users` RENAME COLUMN `name` TO `full_name`",
    );
    assert_eq!(render(&db, &rename), [renamed]);
    let report = ok(
        m.rename_column::<UserV1>("Name", "full_name").await,
        "rename",
    );
    assert_eq!(report.statements, [renamed]);

    // G131 run; dropping a missing table is not an error (IF EXISTS).
    let report = ok(m.drop_table::<UserV1>().await, "G131");
    assert_eq!(report.statements, [g131(backend)]);
    assert!(!ok(m.has_table::<UserV1>().await, "users dropped"));
    ok(m.drop_table_named("users").await, "drop again");

    // G134: GORM's `COLLATE utf8` is not part of index schemas. SQLite rejects GORM's
    // `USING btree` (every SQLite index is a B-tree); MySQL has no partial index and
    // writes no condition, as GORM's migrator does.
    let report = ok(db.auto_migrate::<UserIndex>().await, "G134");
    assert_eq!(
        report.statements[1],
        backend.pick(
            "CREATE INDEX `idx_user_indices_name3` ON `user_indices`(`name3` desc) WHERE name3 != 'jinzhu'",
            r#"CREATE INDEX IF NOT EXISTS "idx_user_indices_name3" ON "user_indices" USING btree("name3" desc) WHERE name3 != 'jinzhu'"#,
            "CREATE INDEX `idx_user_indices_name3` ON `user_indices`(`name3`(10) desc) USING btree",
        )
    );
    assert!(describe(&db, "user_indices")
        .await
        .index("idx_user_indices_name3")
        .is_some());
    // GORM's RenameIndex is SQL the test runs itself (SQLite cannot rename an index: a
    // second one is created); then DropIndex.
    let rename_index = backend.pick(
        "CREATE INDEX idx_user_indices_name3_new ON user_indices(name3)",
        "ALTER INDEX idx_user_indices_name3 RENAME TO idx_user_indices_name3_new",
        "ALTER TABLE user_indices RENAME INDEX idx_user_indices_name3 TO idx_user_indices_name3_new",
    );
    ok(db.exec(rename_index, ()).await, "rename index");
    let drop_index = Ddl::DropIndex {
        table: table("user_indices"),
        name: "idx_user_indices_name3_new".into(),
    };
    assert_eq!(render(&db, &drop_index), [g134_drop(backend)]);
    let report = ok(
        m.drop_index::<UserIndex>("idx_user_indices_name3_new")
            .await,
        "G134 drop",
    );
    assert_eq!(report.statements, [g134_drop(backend)]);
    let indexes = describe(&db, "user_indices").await.indexes;
    assert!(indexes
        .iter()
        .all(|i| i.name.as_str() != "idx_user_indices_name3_new"));
    // Renamed, not copied, on the servers: only the key's index is left.
    if backend != Backend::Sqlite {
        assert!(indexes.iter().all(|i| i.primary), "{indexes:?}");
    }

    // A unique partial index: kept with its condition where the dialect has partial
    // indexes; on MySQL it would change meaning without it, so it is refused.
    let mut partial = index("uni_x", true, &["name3"]);
    partial.condition = "name3 <> ''".into();
    let rendered = db.dialect().render_ddl(&Ddl::CreateIndex {
        table: table("user_indices"),
        index: partial,
    });
    match (backend, rendered) {
        (Backend::Mysql, Err(DbError::Unsupported(m))) => assert!(m.contains("`uni_x`"), "{m}"),
        (Backend::Sqlite | Backend::Postgres, Ok(sql)) => {
            assert!(sql[0].text.ends_with(" WHERE name3 <> ''"), "{sql:?}")
        }
        (_, other) => panic!("unexpected rendering of a partial unique index: {other:?}"),
    }
}

async fn auto_migrate_creates_the_table_and_a_second_run_is_empty(backend: Backend) {
    let Some(db) = backend.open_file("").await else {
        return;
    };
    let first = ok(db.auto_migrate::<Pet>().await, "first run");
    assert_eq!(
        first,
        MigrationReport {
            table: "pets".into(),
            created_table: true,
            added_columns: vec![],
            created_indexes: vec!["idx_pets_deleted_at".into()],
            statements: g126(backend).split(" ; ").map(String::from).collect(),
            ..MigrationReport::default()
        }
    );
    let second = ok(db.auto_migrate::<Pet>().await, "second run");
    assert!(second.is_empty(), "{second:?}");
    assert_eq!(second.table, "pets");
    // Also from another pool (nothing is remembered on the client side).
    let other = ok(db.registry().open(db.url()).await, "reopen");
    let third = ok(other.auto_migrate::<Pet>().await, "third run");
    assert!(third.is_empty(), "{third:?}");

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
        DbError::NotNullViolation { column, .. } => assert_eq!(
            column.as_deref(),
            Some(backend.pick("pets.name", "name", "name"))
        ),
        other => panic!("expected NOT NULL to refuse, got {other:?}"),
    }
}

async fn auto_migrate_adds_missing_columns_and_indexes_then_does_nothing(backend: Backend) {
    let Some(db) = backend.open_file("").await else {
        return;
    };
    let v1 = ok(db.auto_migrate::<UserV1>().await, "v1");
    assert_eq!(
        v1.statements,
        [backend.pick(
            "CREATE TABLE `users` (`id` integer PRIMARY KEY AUTOINCREMENT,`name` text)",
            r#"CREATE TABLE "users" ("id" bigserial,"name" text,PRIMARY KEY ("id"))"#,
            "CREATE TABLE `users` (`id` bigint unsigned AUTO_INCREMENT,`name` longtext,PRIMARY KEY (`id`))",
        )]
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
        backend
            .pick(
                [
                    "ALTER TABLE `users` ADD `email` text",
                    "CREATE UNIQUE INDEX `uni_users_email` ON `users`(`email`)",
                    "CREATE INDEX `idx_users_age` ON `users`(`age`)",
                ],
                [
                    r#"ALTER TABLE "users" ADD "email" text"#,
                    r#"ALTER TABLE "users" ADD CONSTRAINT "uni_users_email" UNIQUE ("email")"#,
                    r#"CREATE INDEX IF NOT EXISTS "idx_users_age" ON "users" ("age")"#,
                ],
                [
                    "ALTER TABLE `users` ADD `email` varchar(191)",
                    "ALTER TABLE `users` ADD CONSTRAINT `uni_users_email` UNIQUE (`email`)",
                    "CREATE INDEX `idx_users_age` ON `users`(`age`)",
                ],
            )
            .iter()
            .fold(vec![g127(backend)], |mut all, s| {
                all.push(s);
                all
            })
    );
    // Existing rows survive; the excluded field was not created.
    let rows = ok(db.raw("SELECT name, age FROM users", ()).await, "select");
    let row = rows.iter().next().unwrap();
    assert_eq!(row.get::<String>("name").unwrap(), "ann");
    assert_eq!(row.get::<Option<u64>>("age").unwrap(), None);
    assert_eq!(
        column_names(&describe(&db, "users").await),
        ["id", "name", "age", "email"]
    );
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
        DbError::UniqueViolation { constraint, .. } => assert_eq!(
            constraint.as_deref(),
            Some(backend.pick("users.email", "uni_users_email", "uni_users_email"))
        ),
        other => panic!("expected a unique violation, got {other:?}"),
    }
    let m = db.migrator();
    assert!(ok(m.has_index::<UserV2>("uni_users_email").await, "unique"));
    assert!(ok(m.has_index::<UserV2>("Age").await, "by field"));

    // Nothing more to do, now or from another pool (after closing this one); the older
    // model finds nothing missing either (columns are never dropped).
    assert!(ok(db.auto_migrate::<UserV2>().await, "v2 again").is_empty());
    assert!(ok(db.auto_migrate::<UserV1>().await, "v1 again").is_empty());
    ok(db.close().await, "close");
    let again = ok(db.registry().open(db.url()).await, "reopen");
    assert!(ok(again.auto_migrate::<UserV2>().await, "after reopen").is_empty());
    assert!(ok(
        again.migrator().has_index::<UserV2>("idx_users_age").await,
        "index"
    ));
    // A model created whole, then found complete.
    assert!(ok(again.auto_migrate::<Product>().await, "products").created_table);
    assert!(ok(again.auto_migrate::<Product>().await, "products again").is_empty());
}

async fn dry_run_auto_migrate_renders_without_creating(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let report = ok(db.dry_run().auto_migrate::<Product>().await, "dry run");
    assert_eq!(joined(&report.statements), g125(backend));
    assert!(!ok(db.migrator().has_table::<Product>().await, "has table"));
    let report = ok(db.dry_run().auto_migrate::<UserIndex>().await, "dry run");
    assert_eq!(report.statements.len(), 2, "the table, then its index");
    assert!(!ok(
        db.migrator().has_table::<UserIndex>().await,
        "not created"
    ));
}
