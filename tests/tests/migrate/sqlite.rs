//! What only SQLite's migrator does: `has_table` and friends over SQLite's own automatic
//! indexes, column and index operations on a file database, an attached schema, and the DDL SQLite cannot do (refused before anything runs).

use plugorm::{
    plugin_api::schema::{DataType, ModelSchema},
    DbError, Error,
};
use plugorm_tests::{
    golden_models::{Pet, UserV1, UserV2},
    hand_schema::{auto_id, column_names, db_err, describe, field, index, model, ok},
    schema_model, sqlite_file, sqlite_memory,
};

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
    assert_eq!(r.statements, ["DROP TABLE IF EXISTS `users`"]);
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

    // A rebuild (SQLite's ALTER COLUMN) in the attached schema keeps the rows and puts
    // the unique index back there, not in `main`.
    ok(
        db.exec(
            "INSERT INTO aux.`we``ird 'table\"` (`k``ey`, `va'lue`) VALUES (?, ?), (?, ?)",
            ("a", 1, "b", 2),
        )
        .await,
        "rows",
    );
    let report = ok(db.migrator().alter_column::<Odd>("va'lue").await, "rebuild");
    assert_eq!(report.rebuilt_tables, ["aux.we`ird 'table\""]);
    assert!(
        report.statements.contains(
            &"CREATE UNIQUE INDEX `aux`.`idx we``ird` ON `we``ird 'table\"`(`va'lue`)".to_string()
        ),
        "{:?}",
        report.statements
    );
    let info = describe(&db, "aux.we`ird 'table\"").await;
    assert!(info.index("idx we`ird").is_some_and(|i| i.unique));
    let count: Option<i64> = ok(
        db.raw_scalar("SELECT COUNT(*) FROM aux.`we``ird 'table\"`", ())
            .await,
        "count",
    );
    assert_eq!(count, Some(2));
    let dup = db
        .exec(
            "INSERT INTO aux.`we``ird 'table\"` (`k``ey`, `va'lue`) VALUES (?, ?)",
            ("c", 1),
        )
        .await;
    assert!(dup.is_err(), "the unique index is in force again");
}

#[tokio::test]
async fn ddl_sqlite_cannot_do_is_a_clear_error_and_runs_nothing() {
    let db = sqlite_memory().await;
    ok(db.auto_migrate::<Pet>().await, "pets");
    let before = describe(&db, "pets").await;

    // ALTER COLUMN (G128) rebuilds the table, which cannot be done inside a transaction.
    let tx = ok(db.begin().await, "begin");
    let e = tx.migrator().alter_column::<Pet>("name").await.unwrap_err();
    let text = e.to_string();
    assert!(
        text.starts_with("not supported: rebuilding table `pets` needs a connection of its own")
            && text.contains("outside"),
        "{text}"
    );
    assert!(matches!(e, Error::Db(DbError::Unsupported(_))));
    ok(tx.rollback().await, "rollback");
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
