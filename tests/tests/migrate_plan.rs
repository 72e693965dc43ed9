//! AutoMigrate as a plan on every backend: the plan reads the database and runs nothing,
//! is exactly what AutoMigrate then runs, widens a string column the model lengthened
//! (PostgreSQL, MariaDB; SQLite's strings have no length) while keeping every row, never
//! narrows one, and is empty once the database matches. And the plan written as a versioned migration file, which
//! the migrations runner applies.

use plugorm::{migrations::Migrations, Model};
use plugorm_tests::matrix::Backend;

#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "notes")]
pub struct NoteV1 {
    pub id: i64,
    #[orm(size = 10)]
    pub title: String,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "notes")]
pub struct NoteV2 {
    pub id: i64,
    #[orm(size = 40)]
    pub title: String,
    #[orm(size = 20, index)]
    pub tag: String,
}

async fn the_plan_is_what_auto_migrate_runs(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate::<NoteV1>().await.unwrap();
    let mut first = NoteV1 {
        title: "short".into(),
        ..NoteV1::default()
    };
    db.create(&mut first).await.unwrap();

    let m = db.migrator();
    let plan = m.auto_migrate_plan::<NoteV2>().await.unwrap();
    assert!(
        plan.statements.iter().any(|s| s.contains("tag")),
        "{plan:?}"
    );
    assert!(
        !m.has_column::<NoteV2>("tag").await.unwrap(),
        "the plan ran nothing"
    );
    // SQLite stores strings as `text`, with no length to widen.
    let widens = backend.pick(false, true, true);
    assert_eq!(plan.widened_columns.is_empty(), !widens, "{plan:?}");
    assert!(plan.skipped_changes.is_empty(), "{plan:?}");

    let report = db.auto_migrate::<NoteV2>().await.unwrap();
    assert_eq!(report.statements, plan.statements, "the plan is what ran");
    if widens {
        assert_eq!(report.widened_columns, ["title"]);
    }
    // A title longer than the old length fits now (PostgreSQL and MariaDB refuse a
    // too-long value; SQLite does not enforce lengths), and the old row is untouched.
    let mut second = NoteV2 {
        title: "a title longer than ten characters".into(),
        tag: "t".into(),
        ..NoteV2::default()
    };
    db.create(&mut second).await.unwrap();
    let all: Vec<NoteV2> = db.model::<NoteV2>().order("id").find().await.unwrap();
    let titles: Vec<&str> = all.iter().map(|n| n.title.as_str()).collect();
    assert_eq!(titles, ["short", "a title longer than ten characters"]);

    let again = m.auto_migrate_plan::<NoteV2>().await.unwrap();
    assert!(again.is_empty(), "{again:?}");
    // A shorter model never narrows the column.
    let back = m.auto_migrate_plan::<NoteV1>().await.unwrap();
    assert!(
        back.is_empty() && back.widened_columns.is_empty(),
        "{back:?}"
    );
}

plugorm_tests::matrix!(the_plan_is_what_auto_migrate_runs);

async fn the_plan_becomes_a_versioned_migration(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let m = db.migrator();
    let path = m
        .generate_migration::<(NoteV1,)>(dir.path(), "notes")
        .await
        .unwrap()
        .expect("a missing table makes a plan");
    assert_eq!(
        path.file_name().unwrap().to_string_lossy(),
        "1_notes.up.sql"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("CREATE TABLE"), "{text}");
    assert!(
        !m.has_table::<NoteV1>().await.unwrap(),
        "generating runs nothing"
    );

    let report = db
        .migrations(Migrations::from_dir(dir.path()).unwrap())
        .up()
        .await
        .unwrap();
    assert_eq!(report.applied.len(), 1);
    assert!(m.has_table::<NoteV1>().await.unwrap());
    assert!(m
        .generate_migration::<(NoteV1,)>(dir.path(), "nothing")
        .await
        .unwrap()
        .is_none());

    let next = m
        .generate_migration::<(NoteV2,)>(dir.path(), "notes_v2")
        .await
        .unwrap()
        .expect("a new column makes a plan");
    assert_eq!(
        next.file_name().unwrap().to_string_lossy(),
        "2_notes_v2.up.sql"
    );
    db.migrations(Migrations::from_dir(dir.path()).unwrap())
        .up()
        .await
        .unwrap();
    assert!(m.has_column::<NoteV2>("tag").await.unwrap());

    let e = m
        .generate_migration::<(NoteV2,)>(dir.path(), "bad name")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("bad name"), "{e}");
}

plugorm_tests::matrix!(the_plan_becomes_a_versioned_migration);
