//! Changes SQLite's ALTER TABLE cannot make (alter a column, add or drop a foreign key)
//! are made by rebuilding the table in one transaction, keeping every row, column, index
//! and trigger; PostgreSQL and MariaDB make them in place. One body per backend checks
//! what a user relies on either way: no row lost, the change in force, nothing changed
//! when it fails, and (SQLite) foreign keys back on afterwards, also after a cancelled
//! rebuild.

use std::time::Duration;

use plugorm::{DbError, Error, Model};
use plugorm_tests::matrix::Backend;

plugorm_tests::matrix!(
    altering_a_column_keeps_rows_columns_and_indexes,
    adding_a_foreign_key_keeps_rows_and_the_children_of_a_rebuilt_parent,
    a_change_that_would_break_a_foreign_key_changes_nothing,
    a_rebuild_in_a_plan_or_a_generated_migration,
    a_cancelled_change_leaves_the_table_whole,
    check_constraints_are_found_created_and_dropped_by_name,
);

/// The table as first migrated, with a column (`legacy`) that the later model drops.
#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "rebuild_notes")]
struct NoteV1 {
    id: i64,
    #[orm(size = 64, index)]
    title: String,
    score: Option<i64>,
    #[orm(size = 64)]
    legacy: Option<String>,
}

/// The same table with `score` now NOT NULL (default 0); `legacy` is not in this model.
#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "rebuild_notes")]
struct NoteV2 {
    id: i64,
    #[orm(size = 64, index)]
    title: String,
    #[orm(not_null, default = "0")]
    score: i64,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "rebuild_owners")]
struct Owner {
    id: i64,
    #[orm(size = 64)]
    name: String,
    #[orm(on_delete = "CASCADE", foreign_key = "owner_id")]
    items: Vec<Item>,
}

/// Owner's name grown to 128 characters, for a change to the referenced table.
#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "rebuild_owners")]
struct OwnerV2 {
    id: i64,
    #[orm(size = 128)]
    name: String,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "rebuild_items")]
struct Item {
    id: i64,
    owner_id: Option<i64>,
    #[orm(size = 64, index)]
    name: String,
}

/// A table without checks, then the model that declares two.
#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "rebuild_checked")]
struct Unchecked {
    id: i64,
    age: i64,
    score: i64,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "rebuild_checked")]
struct Checked {
    id: i64,
    #[orm(check = "age >= 0")]
    age: i64,
    #[orm(check = "positive_score,score > 0")]
    score: i64,
}

/// `Checked` with a column added later, its check with it (inside the column's
/// definition on SQLite).
#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "rebuild_checked")]
struct CheckedLevel {
    id: i64,
    age: i64,
    score: i64,
    #[orm(check = "level >= 0")]
    level: Option<i64>,
}

fn db_error(e: Error) -> DbError {
    match e {
        Error::Db(d) => d,
        other => panic!("expected a database error, got {other:?}"),
    }
}

/// SQLite's `PRAGMA foreign_keys` on the database's connection (1: on).
async fn sqlite_foreign_keys(db: &plugorm::Db) -> i64 {
    db.raw_scalar::<i64>("PRAGMA foreign_keys", ())
        .await
        .unwrap()
        .unwrap_or(-1)
}

/// Owners 1..=3 and 3 × 100 items, plus one item without an owner; the items as stored.
async fn owners_and_items(db: &plugorm::Db) -> Vec<Item> {
    // Tables one model at a time: the items table has no constraint yet.
    db.auto_migrate::<Item>().await.unwrap();
    db.auto_migrate::<Owner>().await.unwrap();
    assert!(!db
        .migrator()
        .has_constraint::<Owner>("Items")
        .await
        .unwrap());
    let mut owners: Vec<Owner> = (1..=3)
        .map(|i| Owner {
            name: format!("owner {i}"),
            ..Default::default()
        })
        .collect();
    db.create_many(&mut owners).await.unwrap();
    let mut items: Vec<Item> = owners
        .iter()
        .flat_map(|o| {
            (0..100).map(move |i| Item {
                owner_id: Some(o.id),
                name: format!("{} item {i}", o.name),
                ..Default::default()
            })
        })
        .collect();
    items.push(Item {
        name: "orphan by choice".into(),
        ..Default::default()
    });
    db.create_in_batches(&mut items, 50).await.unwrap();
    all_items(db).await
}

async fn all_items(db: &plugorm::Db) -> Vec<Item> {
    db.model::<Item>().order("id").find().await.unwrap()
}

async fn altering_a_column_keeps_rows_columns_and_indexes(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate::<NoteV1>().await.unwrap();
    let mut notes: Vec<NoteV1> = (0..500)
        .map(|i| NoteV1 {
            title: format!("note {i}"),
            score: Some(i * 3),
            legacy: (i % 2 == 0).then(|| format!("kept {i}")),
            ..Default::default()
        })
        .collect();
    db.create_in_batches(&mut notes, 100).await.unwrap();
    let before = db.model::<NoteV1>().order("id").find().await.unwrap();

    let report = db.migrator().alter_column::<NoteV2>("score").await.unwrap();
    if backend == Backend::Sqlite {
        assert_eq!(report.rebuilt_tables, ["rebuild_notes"]);
        assert_eq!(sqlite_foreign_keys(&db).await, 1, "foreign keys back on");
    } else {
        assert!(report.rebuilt_tables.is_empty());
    }

    // Every row and every column, the one the new model does not know included.
    let after = db.model::<NoteV1>().order("id").find().await.unwrap();
    assert_eq!(after, before);
    assert!(db.migrator().has_index::<NoteV2>("title").await.unwrap());
    let info = db.migrator().describe_table("rebuild_notes").await.unwrap();
    let score = info.column("score").unwrap();
    assert!(!score.nullable, "{score:?}");

    // The change is in force: NULL is refused, the default applies.
    let null = db
        .exec(
            "INSERT INTO rebuild_notes (title, score) VALUES (?, NULL)",
            ("null score",),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(db_error(null), DbError::NotNullViolation { .. }),
        "NOT NULL in force"
    );
    db.exec(
        "INSERT INTO rebuild_notes (title) VALUES (?)",
        ("defaulted",),
    )
    .await
    .unwrap();
    let defaulted: NoteV2 = db
        .model::<NoteV2>()
        .filter("title = ?", ("defaulted",))
        .first()
        .await
        .unwrap();
    assert_eq!(defaulted.score, 0);
    // New keys continue after the copied ones.
    assert!(defaulted.id > before.last().unwrap().id);

    // A column the table lacks is named.
    let e = db
        .migrator()
        .alter_column::<NoteV2>("nope")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("nope"), "{e}");
}

async fn adding_a_foreign_key_keeps_rows_and_the_children_of_a_rebuilt_parent(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let before = owners_and_items(&db).await;

    let report = db
        .migrator()
        .create_constraint::<Owner>("Items")
        .await
        .unwrap();
    if backend == Backend::Sqlite {
        assert_eq!(report.rebuilt_tables, ["rebuild_items"]);
        assert_eq!(sqlite_foreign_keys(&db).await, 1);
    }
    assert_eq!(all_items(&db).await, before, "every row kept");
    assert!(db
        .migrator()
        .has_constraint::<Owner>("Items")
        .await
        .unwrap());
    assert!(db.migrator().has_index::<Item>("name").await.unwrap());

    // The constraint is in force.
    let dangling = db
        .exec(
            "INSERT INTO rebuild_items (owner_id, name) VALUES (?, ?)",
            (999_i64, "dangling"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(db_error(dangling), DbError::ForeignKeyViolation { .. }),
        "the new constraint rejects a dangling key"
    );

    // Changing the referenced table (on SQLite, rebuilding it: dropping the old table
    // would have cascaded to every item had foreign keys been on) keeps the children.
    let report = db.migrator().alter_column::<OwnerV2>("name").await.unwrap();
    assert_eq!(report.rebuilt_tables.is_empty(), backend != Backend::Sqlite);
    assert_eq!(all_items(&db).await, before, "no child lost");
    let long = "n".repeat(100);
    db.model::<OwnerV2>()
        .id(1)
        .update("name", long.as_str())
        .await
        .unwrap();

    // ON DELETE CASCADE still acts.
    db.model::<Owner>().id(1).delete().await.unwrap();
    assert_eq!(all_items(&db).await.len(), before.len() - 100);

    // Dropped again: rows stay, a dangling key is accepted.
    let report = db
        .migrator()
        .drop_constraint::<Owner>("Items")
        .await
        .unwrap();
    assert_eq!(report.rebuilt_tables.is_empty(), backend != Backend::Sqlite);
    assert!(!db
        .migrator()
        .has_constraint::<Owner>("Items")
        .await
        .unwrap());
    assert_eq!(all_items(&db).await.len(), before.len() - 100);
    db.exec(
        "INSERT INTO rebuild_items (owner_id, name) VALUES (?, ?)",
        (999_i64, "dangling"),
    )
    .await
    .unwrap();
    if backend == Backend::Sqlite {
        assert_eq!(sqlite_foreign_keys(&db).await, 1);
    }
}

async fn a_change_that_would_break_a_foreign_key_changes_nothing(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    owners_and_items(&db).await;
    db.exec(
        "INSERT INTO rebuild_items (owner_id, name) VALUES (?, ?)",
        (999_i64, "dangling"),
    )
    .await
    .unwrap();
    let before = all_items(&db).await;
    let described = db.migrator().describe_table("rebuild_items").await.unwrap();

    let e = db
        .migrator()
        .create_constraint::<Owner>("Items")
        .await
        .unwrap_err();
    match db_error(e) {
        DbError::ForeignKeyViolation { message, .. } => {
            if backend == Backend::Sqlite {
                assert!(
                    message.contains("1 row(s)") && message.contains("nothing was changed"),
                    "{message}"
                );
            }
        }
        other => panic!("expected ForeignKeyViolation, got {other:?}"),
    }
    assert_eq!(all_items(&db).await, before);
    assert_eq!(
        db.migrator().describe_table("rebuild_items").await.unwrap(),
        described
    );
    let tables = db.migrator().get_tables().await.unwrap();
    assert!(!tables.iter().any(|t| t.ends_with("__temp")), "{tables:?}");
    if backend == Backend::Sqlite {
        assert_eq!(sqlite_foreign_keys(&db).await, 1);
        // A rebuild cannot run inside a transaction (foreign keys cannot be turned off
        // there); AutoMigrate in one leaves the constraint for later and says so.
        db.exec("DELETE FROM rebuild_items WHERE owner_id = ?", (999_i64,))
            .await
            .unwrap();
        let tx = db.begin().await.unwrap();
        let reports = tx.auto_migrate_all::<(Owner, Item)>().await.unwrap();
        let items = reports.iter().find(|r| r.table == "rebuild_items").unwrap();
        assert!(items.rebuilt_tables.is_empty());
        assert_eq!(items.skipped_constraints.len(), 1, "{items:?}");
        assert!(items.skipped_constraints[0].contains("outside a transaction"));
        tx.rollback().await.unwrap();
    }
}

async fn a_rebuild_in_a_plan_or_a_generated_migration(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let before = owners_and_items(&db).await;
    let plan = db
        .migrator()
        .auto_migrate_all_plan::<(Owner, Item)>()
        .await
        .unwrap();
    let items = plan.iter().find(|r| r.table == "rebuild_items").unwrap();
    assert_eq!(items.created_constraints, ["fk_rebuild_owners_items"]);
    let dir = tempfile::tempdir().unwrap();
    let generated = db
        .migrator()
        .generate_migration::<(Owner, Item)>(dir.path(), "items_fk")
        .await;
    if backend == Backend::Sqlite {
        assert_eq!(items.rebuilt_tables, ["rebuild_items"]);
        let text = items.statements.join(";\n");
        assert!(text.starts_with("PRAGMA foreign_keys = OFF"), "{text}");
        assert!(text.contains("CREATE TABLE `rebuild_items__temp`"));
        assert!(
            text.contains("CREATE INDEX `idx_rebuild_items_name`"),
            "{text}"
        );
        assert!(text.ends_with("PRAGMA foreign_keys = ON"), "{text}");
        match generated {
            Err(Error::MigrationFile { reason, .. }) => {
                assert!(
                    reason.contains("rebuilds table `rebuild_items`"),
                    "{reason}"
                )
            }
            other => panic!("expected a MigrationFile error, got {other:?}"),
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    } else {
        assert!(items.rebuilt_tables.is_empty());
        assert!(generated.unwrap().is_some());
    }
    // A plan runs nothing.
    assert!(!db
        .migrator()
        .has_constraint::<Owner>("Items")
        .await
        .unwrap());
    assert_eq!(all_items(&db).await, before);
}

/// A change dropped at whatever point a short timeout catches it leaves every row, no
/// half-built table, and (SQLite) the connection with foreign keys on again.
async fn a_cancelled_change_leaves_the_table_whole(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let before = owners_and_items(&db).await;
    for wait_us in [0_u64, 200, 1_000, 5_000] {
        let migrator = db.migrator();
        let change = migrator.create_constraint::<Owner>("Items");
        if let Ok(done) = tokio::time::timeout(Duration::from_micros(wait_us), change).await {
            done.unwrap();
            db.migrator()
                .drop_constraint::<Owner>("Items")
                .await
                .unwrap();
        }
        // The background clean-up of a dropped change gets its turn.
        let mut restored = false;
        for _ in 0..250 {
            tokio::time::sleep(Duration::from_millis(20)).await;
            if backend != Backend::Sqlite || sqlite_foreign_keys(&db).await == 1 {
                restored = true;
                break;
            }
        }
        assert!(
            restored,
            "foreign keys back on after a cancel at {wait_us} µs"
        );
        assert_eq!(all_items(&db).await, before, "cancelled at {wait_us} µs");
        let tables = db.migrator().get_tables().await.unwrap();
        assert!(!tables.iter().any(|t| t.ends_with("__temp")));
        if db
            .migrator()
            .has_constraint::<Owner>("Items")
            .await
            .unwrap()
        {
            db.migrator()
                .drop_constraint::<Owner>("Items")
                .await
                .unwrap();
        }
    }
}

/// CHECK constraints a model declares are found, created and dropped by name like
/// foreign keys (on SQLite by rebuilding the table); one the rows already break is refused
/// with nothing changed.
async fn check_constraints_are_found_created_and_dropped_by_name(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate::<Unchecked>().await.unwrap();
    let mut rows: Vec<Unchecked> = (1..=50)
        .map(|i| Unchecked {
            age: i,
            score: i * 2,
            ..Default::default()
        })
        .collect();
    db.create_many(&mut rows).await.unwrap();
    let query = db.model::<Unchecked>().order("id");
    let stored = || query.find();
    let before = stored().await.unwrap();
    let m = db.migrator();
    let age = "chk_rebuild_checked_age";
    assert!(!m.has_constraint::<Checked>(age).await.unwrap());

    let report = m.create_constraint::<Checked>(age).await.unwrap();
    assert_eq!(report.created_constraints, [age]);
    assert_eq!(report.rebuilt_tables.is_empty(), backend != Backend::Sqlite);
    assert!(m.has_constraint::<Checked>(age).await.unwrap());
    assert!(m
        .has_constraint::<Checked>("CHK_REBUILD_CHECKED_AGE")
        .await
        .unwrap());
    assert_eq!(stored().await.unwrap(), before);
    let negative = db
        .exec(
            "INSERT INTO rebuild_checked (age, score) VALUES (?, ?)",
            (-1_i64, 1_i64),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(db_error(negative), DbError::CheckViolation { .. }),
        "the check is in force"
    );

    // A named check (`name,expression`), found by its own name.
    m.create_constraint::<Checked>("positive_score")
        .await
        .unwrap();
    assert!(m.has_constraint::<Checked>("positive_score").await.unwrap());

    // Dropped: the rows stay and the check no longer applies.
    let report = m.drop_constraint::<Checked>(age).await.unwrap();
    assert_eq!(report.rebuilt_tables.is_empty(), backend != Backend::Sqlite);
    assert!(!m.has_constraint::<Checked>(age).await.unwrap());
    assert!(m.has_constraint::<Checked>("positive_score").await.unwrap());
    db.exec(
        "INSERT INTO rebuild_checked (age, score) VALUES (?, ?)",
        (-1_i64, 1_i64),
    )
    .await
    .unwrap();

    // A check the rows break is refused; the table is as it was.
    let with_negative = stored().await.unwrap();
    let e = m.create_constraint::<Checked>(age).await.unwrap_err();
    assert!(
        matches!(db_error(e), DbError::CheckViolation { .. }),
        "existing rows break the check"
    );
    assert!(!m.has_constraint::<Checked>(age).await.unwrap());
    assert_eq!(stored().await.unwrap(), with_negative);

    // A check added with its column (written inside the column's definition on SQLite)
    // is dropped too, the column and its values kept.
    m.add_column::<CheckedLevel>("level").await.unwrap();
    let level = "chk_rebuild_checked_level";
    assert!(m.has_constraint::<CheckedLevel>(level).await.unwrap());
    let insert_level = "INSERT INTO rebuild_checked (age, score, level) VALUES (?, ?, ?)";
    let refused = db
        .exec(insert_level, (1_i64, 1_i64, -5_i64))
        .await
        .unwrap_err();
    assert!(matches!(db_error(refused), DbError::CheckViolation { .. }));
    db.exec(insert_level, (1_i64, 1_i64, 5_i64)).await.unwrap();
    m.drop_constraint::<CheckedLevel>(level).await.unwrap();
    assert!(!m.has_constraint::<CheckedLevel>(level).await.unwrap());
    db.exec(insert_level, (1_i64, 1_i64, -5_i64)).await.unwrap();
    let levels: Vec<Option<i64>> = db
        .model::<CheckedLevel>()
        .order("id")
        .find()
        .await
        .unwrap()
        .into_iter()
        .filter_map(|r| r.level.map(Some))
        .collect();
    assert_eq!(levels, [Some(5), Some(-5)]);

    // Names the model does not declare.
    assert!(!m.has_constraint::<Checked>("nope").await.unwrap());
    let e = m.create_constraint::<Checked>("nope").await.unwrap_err();
    assert!(
        e.to_string().contains("declares no constraint `nope`"),
        "{e}"
    );
}
