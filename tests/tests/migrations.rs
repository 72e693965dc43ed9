//! Versioned migrations (`plugorm::migrations`) on every database: apply, status,
//! rollback, redo and to-version; two concurrent runs on one database applying each
//! migration exactly once; a failed migration leaving the schema as it was where DDL is
//! transactional (and naming its statement everywhere); a changed checksum and a missing
//! source refused; a cancelled run leaving no lock behind; Rust migrations registered
//! with `inventory`.

use std::{path::Path, time::Duration};

use plugorm::{
    migrations::{
        inventory, BoxFuture, Migration, MigrationError, Migrations, RustMigration, State,
    },
    Db,
};
use plugorm_tests::matrix::Backend;

/// Writes `files` (name, text) into a fresh folder.
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn from_dir(dir: &Path) -> Migrations {
    Migrations::from_dir(dir).unwrap()
}

/// A set of irreversible SQL migrations: (version, name, up text).
fn sql_set(migrations: &[(i64, &str, &str)]) -> Migrations {
    let mut set = Migrations::new();
    for &(version, name, up) in migrations {
        set.add(Migration::sql(version, name, up, None)).unwrap();
    }
    set
}

async fn has_table(db: &Db, table: &str) -> bool {
    db.migrator().has_table_named(table).await.unwrap()
}

async fn count(db: &Db, sql: &str) -> i64 {
    db.raw_scalar::<i64>(sql, ()).await.unwrap().unwrap()
}

async fn recorded(db: &Db) -> Vec<i64> {
    db.raw(
        "SELECT version FROM plugorm_migrations ORDER BY version",
        (),
    )
    .await
    .unwrap()
    .iter()
    .map(|r| r.get::<i64>("version").unwrap())
    .collect()
}

/// Three migrations; the first file holds two statements and a `;` inside a string.
const THREE: &[(&str, &str)] = &[
    (
        "1_notes.up.sql",
        "CREATE TABLE mig_notes (id INT PRIMARY KEY, note VARCHAR(20));\n\
         -- a comment; with a semicolon\n\
         INSERT INTO mig_notes (id, note) VALUES (1, 'x;y');\n",
    ),
    ("1_notes.down.sql", "DROP TABLE mig_notes;"),
    (
        "2_tags.up.sql",
        "CREATE TABLE mig_tags (id INT PRIMARY KEY);",
    ),
    ("2_tags.down.sql", "DROP TABLE mig_tags;"),
    (
        "3_more_notes.up.sql",
        "INSERT INTO mig_notes (id, note) VALUES (2, 'z');",
    ),
    (
        "3_more_notes.down.sql",
        "DELETE FROM mig_notes WHERE id = 2;",
    ),
];

fn states(status: &[plugorm::migrations::MigrationStatus]) -> Vec<(i64, State)> {
    status.iter().map(|s| (s.version, s.state)).collect()
}

/// up, status, down, redo, to and up_to, checked against the schema and the table.
async fn applies_rolls_back_redoes_and_goes_to_a_version(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let dir = folder(THREE);
    let runner = db.migrations(from_dir(dir.path()));
    let before = runner.status().await.unwrap();
    assert_eq!(states(&before), [1, 2, 3].map(|v| (v, State::Pending)));
    assert!(before.iter().all(|s| s.applied_at.is_none()));

    let report = runner.up().await.unwrap();
    let applied: Vec<i64> = report.applied.iter().map(|m| m.version).collect();
    assert_eq!(applied, [1, 2, 3]);
    assert_eq!(recorded(&db).await, [1, 2, 3]);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM mig_notes").await, 2);
    let note: String = db
        .raw_scalar("SELECT note FROM mig_notes WHERE id = 1", ())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(note, "x;y");
    let status = runner.status().await.unwrap();
    assert_eq!(states(&status), [1, 2, 3].map(|v| (v, State::Applied)));
    assert!(status.iter().all(|s| s.applied_at.is_some()));
    assert!(
        runner.up().await.unwrap().is_empty(),
        "a second up runs nothing"
    );

    let down = runner.down(2).await.unwrap();
    let rolled: Vec<i64> = down.rolled_back.iter().map(|m| m.version).collect();
    assert_eq!(rolled, [3, 2]);
    assert!(!has_table(&db, "mig_tags").await);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM mig_notes").await, 1);
    assert_eq!(recorded(&db).await, [1]);

    let redo = runner.redo().await.unwrap();
    assert_eq!(redo.rolled_back[0].version, 1);
    assert_eq!(redo.applied[0].version, 1);
    assert_eq!(recorded(&db).await, [1]);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM mig_notes").await, 1);

    let to = runner.to(3).await.unwrap();
    assert_eq!(to.applied.len(), 2);
    assert_eq!(recorded(&db).await, [1, 2, 3]);
    runner.to(1).await.unwrap();
    assert_eq!(recorded(&db).await, [1]);
    assert!(!has_table(&db, "mig_tags").await);
    runner.up_to(2).await.unwrap();
    assert_eq!(recorded(&db).await, [1, 2]);
    assert!(matches!(
        runner.up_to(9).await,
        Err(MigrationError::UnknownVersion { version: 9 })
    ));
    runner.to(0).await.unwrap();
    assert_eq!(recorded(&db).await, Vec::<i64>::new());
    assert!(!has_table(&db, "mig_notes").await);
}

/// Two runs at once on one database, each through a pool of its own: every migration
/// runs exactly once (a second CREATE TABLE would fail, a second INSERT would add a row).
async fn concurrent_runs_apply_each_migration_once(backend: Backend) {
    let Some(db) = backend.open_file("").await else {
        return;
    };
    let other = db.registry().open(db.url()).await.unwrap();
    let mut files = vec![(
        "1_runs.up.sql".to_string(),
        "CREATE TABLE mig_runs (id INT PRIMARY KEY)".to_string(),
    )];
    for v in 2..=6 {
        files.push((
            format!("{v}_run.up.sql"),
            format!("CREATE TABLE mig_t{v} (id INT); INSERT INTO mig_runs (id) VALUES ({v})"),
        ));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = folder(&files);
    let a = db.migrations(from_dir(dir.path()));
    let b = other.migrations(from_dir(dir.path()));
    let (ra, rb) = tokio::join!(a.up(), b.up());
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.applied.len() + rb.applied.len(), 6, "{ra:?} {rb:?}");
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM plugorm_migrations").await,
        6
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM mig_runs").await, 5);
}

/// The second of three migrations fails at its second statement: PostgreSQL and SQLite
/// roll all of it back; MariaDB keeps its first statement (DDL commits there) and the
/// error says so; nothing is recorded for it and the third never runs.
async fn failed_migration_leaves_the_schema_and_names_the_statement(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let dir = folder(&[
        ("1_one.up.sql", "CREATE TABLE mig_one (id INT)"),
        (
            "2_two.up.sql",
            "CREATE TABLE mig_two (id INT);\nCREATE TABEL mig_oops (id INT);\nCREATE TABLE mig_three (id INT);",
        ),
        ("3_four.up.sql", "CREATE TABLE mig_four (id INT)"),
    ]);
    let err = db.migrations(from_dir(dir.path())).up().await.unwrap_err();
    let text = err.to_string();
    match err {
        MigrationError::Failed {
            version,
            statement,
            statements,
            rolled_back,
            ..
        } => {
            assert_eq!((version, statement, statements), (2, 2, 3), "{text}");
            assert_eq!(rolled_back, backend != Backend::Mysql, "{text}");
        }
        other => panic!("expected a failed migration, got {other}"),
    }
    assert!(
        text.contains("statement 2 of 3") && text.contains("CREATE TABEL"),
        "{text}"
    );
    assert_eq!(recorded(&db).await, [1]);
    assert!(has_table(&db, "mig_one").await);
    assert_eq!(has_table(&db, "mig_two").await, backend == Backend::Mysql);
    assert!(!has_table(&db, "mig_three").await);
    assert!(!has_table(&db, "mig_four").await);
}

/// An applied migration whose file changed is refused before anything runs, naming the
/// version and the file; status shows it changed.
async fn changed_checksum_is_refused(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let dir = folder(&[("1_one.up.sql", "CREATE TABLE mig_one (id INT)")]);
    db.migrations(from_dir(dir.path())).up().await.unwrap();
    std::fs::write(
        dir.path().join("1_one.up.sql"),
        "CREATE TABLE mig_one (id INT, extra INT)",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("2_two.up.sql"),
        "CREATE TABLE mig_two (id INT)",
    )
    .unwrap();
    let runner = db.migrations(from_dir(dir.path()));
    let err = runner.up().await.unwrap_err();
    assert!(
        matches!(&err, MigrationError::ChangedChecksum { version: 1, source_name, .. } if source_name.ends_with("1_one.up.sql")),
        "{err}"
    );
    assert!(!has_table(&db, "mig_two").await, "nothing ran");
    assert_eq!(
        states(&runner.status().await.unwrap()),
        [(1, State::Changed), (2, State::Pending)]
    );
}

/// A migration applied but missing from the sources: status reports it, up refuses it
/// unless allowed.
async fn missing_source_is_reported_and_refused(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let one = (1, "one", "CREATE TABLE mig_one (id INT)");
    let both = sql_set(&[one, (2, "two", "CREATE TABLE mig_two (id INT)")]);
    db.migrations(both).up().await.unwrap();
    let mut first = sql_set(&[one]);
    let three = "CREATE TABLE mig_three (id INT)";
    let undo = Some("DROP TABLE mig_three");
    first.add(Migration::sql(3, "three", three, undo)).unwrap();
    let runner = db.migrations(first);
    assert_eq!(
        states(&runner.status().await.unwrap()),
        [
            (1, State::Applied),
            (2, State::Missing),
            (3, State::Pending)
        ]
    );
    let err = runner.up().await.unwrap_err();
    assert!(
        matches!(&err, MigrationError::MissingSources { versions } if versions == &[2]),
        "{err}"
    );
    assert!(!has_table(&db, "mig_three").await);
    let runner = runner.allow_missing(true);
    let report = runner.up().await.unwrap();
    assert_eq!(report.applied.len(), 1);
    assert!(has_table(&db, "mig_three").await);
    // Rolling back reaches version 2, which has no source: refused before anything runs.
    let err = runner.down(2).await.unwrap_err();
    assert!(
        matches!(err, MigrationError::NoSource { version: 2 }),
        "{err}"
    );
    assert!(has_table(&db, "mig_three").await);
}

/// Sleeps in Rust (SQLite has no sleep function).
fn sleep_long(_db: &Db) -> BoxFuture<'_, plugorm::Result<()>> {
    Box::pin(async {
        tokio::time::sleep(Duration::from_secs(30)).await;
        Ok(())
    })
}

/// A run dropped mid-migration (a timeout), and one dropped while it waits for the
/// lock, leave no lock behind: the next run takes the lock at once and applies
/// everything; the dropped migration left nothing.
async fn cancelled_run_leaves_no_lock(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let one = (1, "one", "CREATE TABLE mig_one (id INT)");
    let mut slow = sql_set(&[one]);
    let sleep = match backend {
        Backend::Postgres => Some("SELECT pg_sleep(30)"),
        Backend::Mysql => Some("SELECT SLEEP(30)"),
        _ => None,
    };
    match sleep {
        Some(sql) => slow.add(Migration::sql(2, "sleep", sql, None)),
        None => slow.add(Migration::from(&RustMigration::new(
            2, "sleep", sleep_long, None,
        ))),
    }
    .unwrap();
    // A second run waits for the lock meanwhile, and is cut off while it waits.
    let (sleeping, waiting) = (db.migrations(slow.clone()), db.migrations(slow));
    let (cut, cut_waiting) = tokio::join!(
        tokio::time::timeout(Duration::from_millis(1500), sleeping.up()),
        tokio::time::timeout(Duration::from_millis(700), async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            waiting.up().await
        })
    );
    assert!(
        cut.is_err(),
        "the sleeping run should have been cut: {cut:?}"
    );
    assert!(
        cut_waiting.is_err(),
        "the waiting run should have been cut: {cut_waiting:?}"
    );
    assert_eq!(recorded(&db).await, [1]);

    let quick = sql_set(&[one, (2, "quick", "CREATE TABLE mig_two (id INT)")]);
    let again = tokio::time::timeout(Duration::from_secs(10), db.migrations(quick).up()).await;
    let again = again
        .expect("the lock of the dropped run is still held")
        .unwrap();
    assert_eq!(again.applied.len(), 1);
    assert_eq!(recorded(&db).await, [1, 2]);
    // PostgreSQL and MariaDB lock with the dialect's advisory lock; SQLite, which has
    // none, with a row of a table of its own.
    let lock_table = db
        .migrator()
        .has_table_named("plugorm_migrations_lock")
        .await
        .unwrap();
    assert_eq!(lock_table, backend == Backend::Sqlite);
    if backend == Backend::Sqlite {
        assert_eq!(
            count(&db, "SELECT COUNT(*) FROM plugorm_migrations_lock").await,
            0
        );
    }
}

fn create_registered(db: &Db) -> BoxFuture<'_, plugorm::Result<()>> {
    Box::pin(async move {
        db.exec("CREATE TABLE mig_registered (id INT)", ()).await?;
        db.exec("INSERT INTO mig_registered (id) VALUES (?)", (7,))
            .await?;
        Ok(())
    })
}

fn drop_registered(db: &Db) -> BoxFuture<'_, plugorm::Result<()>> {
    Box::pin(async move {
        db.exec("DROP TABLE mig_registered", ()).await?;
        Ok(())
    })
}

inventory::submit! {
    RustMigration::new(1, "registered", create_registered, Some(drop_registered))
}

/// A Rust migration registered with `inventory` runs up and down like a file.
async fn registered_rust_migrations_run(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let runner = db.migrations(Migrations::registered().unwrap());
    runner.up().await.unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM mig_registered").await, 1);
    assert_eq!(recorded(&db).await, [1]);
    runner.down(1).await.unwrap();
    assert!(!has_table(&db, "mig_registered").await);
    assert_eq!(recorded(&db).await, Vec::<i64>::new());
}

/// Each dialect's own quoting inside a file: a PostgreSQL function's dollar-quoted body,
/// a SQLite trigger's `BEGIN … END` body, a MySQL string with a backslash-escaped quote;
/// their inner `;`s split nothing.
async fn files_split_by_each_dialects_quoting(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let table = "CREATE TABLE mig_log (id INT, note VARCHAR(40));\n";
    let body = match backend {
        Backend::Postgres => {
            "CREATE FUNCTION mig_note() RETURNS text AS $$ SELECT 'a;b'; $$ LANGUAGE sql;\n\
             INSERT INTO mig_log (id, note) VALUES (1, mig_note());"
        }
        Backend::Mysql => "INSERT INTO mig_log (id, note) VALUES (1, 'a\\';b');",
        _ => {
            "CREATE TRIGGER mig_trg AFTER INSERT ON mig_log BEGIN \
               UPDATE mig_log SET note = note || ';b' WHERE id = NEW.id; END;\n\
             INSERT INTO mig_log (id, note) VALUES (1, 'a');"
        }
    };
    let up = format!("{table}{body}\nINSERT INTO mig_log (id, note) VALUES (2, 'c');");
    let dir = folder(&[("1_log.up.sql", up.as_str())]);
    db.migrations(from_dir(dir.path())).up().await.unwrap();
    let notes: Vec<String> = db
        .raw("SELECT note FROM mig_log ORDER BY id", ())
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String>("note").unwrap())
        .collect();
    // SQLite's trigger fires for both rows.
    let expected = backend.pick(["a;b", "c;b"], ["a;b", "c"], ["a';b", "c"]);
    assert_eq!(notes, expected);
}

plugorm_tests::matrix!(
    files_split_by_each_dialects_quoting,
    applies_rolls_back_redoes_and_goes_to_a_version,
    #[runtime(flavor = "multi_thread", worker_threads = 2)]
    concurrent_runs_apply_each_migration_once,
    failed_migration_leaves_the_schema_and_names_the_statement,
    changed_checksum_is_refused,
    missing_source_is_reported_and_refused,
    cancelled_run_leaves_no_lock,
    registered_rust_migrations_run,
    a_killed_runs_lock_row_is_removed_by_unlock,
);

/// A run killed outright leaves its lock row (SQLite): the next run waits on it until
/// `unlock` removes it, saying whose it was. PostgreSQL's and MariaDB's advisory locks end
/// with their connection, so there is never anything to remove.
async fn a_killed_runs_lock_row_is_removed_by_unlock(backend: Backend) {
    let Some(db) = backend.open_file("").await else {
        return;
    };
    let set = sql_set(&[(1, "one", "CREATE TABLE mig_unlock (id INT)")]);
    assert_eq!(db.migrations(set.clone()).unlock().await.unwrap(), None);
    if backend != Backend::Sqlite {
        assert!(!has_table(&db, "plugorm_migrations_lock").await);
        return;
    }
    // The lock table exists once a run has used it; then a "killed" run's row.
    db.migrations(sql_set(&[])).up().await.unwrap();
    db.exec(
        "INSERT INTO plugorm_migrations_lock (id, owner, locked_at) VALUES (1, ?, ?)",
        ("999999-1", chrono::Utc::now().naive_utc()),
    )
    .await
    .unwrap();
    let blocked =
        tokio::time::timeout(Duration::from_millis(500), db.migrations(set.clone()).up()).await;
    assert!(
        blocked.is_err(),
        "the stale row holds the lock: {blocked:?}"
    );
    let stale = db.migrations(set.clone()).unlock().await.unwrap().unwrap();
    assert_eq!(stale.owner, "999999-1");
    assert_eq!(db.migrations(set.clone()).unlock().await.unwrap(), None);
    let report = db.migrations(set).up().await.unwrap();
    assert_eq!(report.applied.len(), 1);
    assert_eq!(recorded(&db).await, [1]);
}

/// Bad folders are refused naming the file: a stray `.sql` name, a duplicate version, a
/// down file without its up file.
#[test]
fn bad_folders_are_refused_naming_the_file() {
    let cases: [(&[(&str, &str)], &str); 3] = [
        (
            &[("1_a.up.sql", "SELECT 1"), ("x_b.up.sql", "SELECT 1")],
            "x_b.up.sql",
        ),
        (
            &[("1_a.up.sql", "SELECT 1"), ("1_b.up.sql", "SELECT 1")],
            "1_b.up.sql",
        ),
        (&[("2_a.down.sql", "SELECT 1")], "2_a.down.sql"),
    ];
    for (files, named) in cases {
        let dir = folder(files);
        let err = Migrations::from_dir(dir.path()).unwrap_err();
        assert!(err.to_string().contains(named), "{err}");
    }
    let missing = Migrations::from_dir("/no/such/folder").unwrap_err();
    assert!(matches!(missing, MigrationError::Dir { .. }), "{missing}");
    let irreversible = folder(&[("1_a.up.sql", "SELECT 1"), ("README.md", "notes")]);
    let set = Migrations::from_dir(irreversible.path()).unwrap();
    assert_eq!(set.len(), 1);
    assert!(!set.get(1).unwrap().is_reversible());
}
