//! Field permissions as GORM documents them: read-only (`->`) fields are never written,
//! create-only (`<-:create`) ones only by INSERT, update-only (`<-:update`) ones only by
//! UPDATE, write-only (`->:false`) ones never read, `migration_only` ones exist in the
//! table only, ignored (`-`) ones are no column, and `skip_migration` (`-:migration`) ones
//! are read and written but not created by AutoMigrate.

use plugorm::{Db, Model};
use plugorm_tests::matrix::Backend;

plugorm_tests::matrix!(
    permissions_on_create_read_and_update,
    skip_migration_fields_are_read_and_written_but_not_migrated,
    explicit_writes_of_excluded_fields_are_refused,
);

#[derive(Model, Debug, Default, Clone, PartialEq)]
struct Member {
    id: i64,
    name: String,
    #[orm(readonly)]
    score: i64,
    #[orm(create_only)]
    origin: String,
    #[orm(update_only)]
    note: String,
    #[orm(write_only)]
    secret: String,
    #[orm(migration_only)]
    legacy: Option<i32>,
    #[orm(ignore)]
    cache: Vec<String>,
}

/// The stored row, read with raw SQL: (score, origin, note, secret, legacy).
async fn stored(
    db: &Db,
    id: i64,
) -> (
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i32>,
) {
    let rows = db
        .raw(
            "SELECT score, origin, note, secret, legacy FROM members WHERE id = ?",
            (id,),
        )
        .await
        .unwrap();
    let row = rows.iter().next().expect("the row exists");
    (
        row.get("score").unwrap(),
        row.get("origin").unwrap(),
        row.get("note").unwrap(),
        row.get("secret").unwrap(),
        row.get("legacy").unwrap(),
    )
}

async fn permissions_on_create_read_and_update(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate::<Member>().await.unwrap();
    let info = db.migrator().describe::<Member>().await.unwrap();
    let columns: Vec<&str> = info.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        columns,
        ["id", "name", "score", "origin", "note", "secret", "legacy"],
        "every field but the ignored one is a column"
    );

    let mut m = Member {
        name: "ann".into(),
        score: 5,
        origin: "web".into(),
        note: "hello".into(),
        secret: "s1".into(),
        legacy: Some(1),
        cache: vec!["x".into()],
        ..Default::default()
    };
    db.create(&mut m).await.unwrap();
    assert_eq!(
        stored(&db, m.id).await,
        (None, Some("web".into()), None, Some("s1".into()), None),
        "INSERT writes create-only and write-only fields, not read-only, update-only or migration-only ones"
    );

    db.exec(
        "UPDATE members SET score = 7, legacy = 3, note = 'db' WHERE id = ?",
        (m.id,),
    )
    .await
    .unwrap();
    let found = db.model::<Member>().id(m.id).first().await.unwrap();
    assert_eq!(found.score, 7, "read-only fields are read");
    assert_eq!(found.note, "db");
    assert_eq!(found.secret, "", "write-only fields are not read");
    assert_eq!(found.legacy, None, "migration-only fields are not read");
    assert!(found.cache.is_empty(), "ignored fields keep their default");

    let mut changed = Member {
        id: m.id,
        name: "bob".into(),
        score: 9,
        origin: "changed".into(),
        note: "n1".into(),
        secret: "s2".into(),
        legacy: Some(4),
        ..Default::default()
    };
    db.record(&mut changed).updates().await.unwrap();
    assert_eq!(
        stored(&db, m.id).await,
        (Some(7), Some("web".into()), Some("n1".into()), Some("s2".into()), Some(3)),
        "UPDATE writes update-only and write-only fields, not read-only, create-only or migration-only ones"
    );
    changed.note = "n2".into();
    changed.origin = "again".into();
    db.save(&mut changed).await.unwrap();
    let (_, origin, note, _, _) = stored(&db, m.id).await;
    assert_eq!(
        (origin.as_deref(), note.as_deref()),
        (Some("web"), Some("n2")),
        "save too"
    );
    assert_eq!(
        db.model::<Member>().id(m.id).first().await.unwrap().name,
        "bob"
    );
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
struct Report {
    id: i64,
    title: String,
    #[orm(skip_migration)]
    computed: i64,
}

async fn skip_migration_fields_are_read_and_written_but_not_migrated(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate::<Report>().await.unwrap();
    let info = db.migrator().describe::<Report>().await.unwrap();
    assert!(info.column("computed").is_none(), "AutoMigrate left it out");
    db.exec("ALTER TABLE reports ADD computed INTEGER", ())
        .await
        .unwrap();
    assert!(
        db.auto_migrate::<Report>()
            .await
            .unwrap()
            .statements
            .is_empty(),
        "nothing to do"
    );
    let mut r = Report {
        title: "q1".into(),
        computed: 12,
        ..Default::default()
    };
    db.create(&mut r).await.unwrap();
    assert_eq!(db.model::<Report>().id(r.id).first().await.unwrap(), r);
}

/// A write that names a field its permissions exclude is refused with a typed error and
/// writes nothing (GORM drops the field silently, losing the caller's value).
async fn explicit_writes_of_excluded_fields_are_refused(backend: Backend) {
    use plugorm::Error;
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate::<Member>().await.unwrap();
    let mut m = Member {
        name: "ann".into(),
        origin: "web".into(),
        ..Default::default()
    };
    db.create(&mut m).await.unwrap();
    let before = stored(&db, m.id).await;

    let refused = |r: plugorm::Result<u64>, field: &str, operation: &str| match r {
        Err(Error::FieldNotWritable {
            field: f,
            operation: o,
            model,
        }) => {
            assert_eq!(
                (f.as_str(), o, model.as_str()),
                (field, operation, "Member")
            );
        }
        other => panic!("{field}: expected FieldNotWritable, got {other:?}"),
    };
    refused(
        db.record(&mut m).update("score", 1).await,
        "score",
        "update",
    );
    refused(
        db.record(&mut m)
            .updates_map([("name", "x"), ("origin", "y")])
            .await,
        "origin",
        "update",
    );
    refused(
        db.model::<Member>().id(m.id).update("legacy", 2).await,
        "legacy",
        "update",
    );
    refused(
        db.model::<Member>()
            .id(m.id)
            .update_column("score", 3)
            .await,
        "score",
        "update",
    );
    match db
        .model::<Member>()
        .create_map([("name", "carl"), ("note", "n")])
        .await
    {
        Err(Error::FieldNotWritable {
            field, operation, ..
        }) => {
            assert_eq!((field.as_str(), operation), ("note", "create"));
        }
        other => panic!("expected FieldNotWritable, got {other:?}"),
    }
    assert_eq!(stored(&db, m.id).await, before, "nothing was written");
    assert_eq!(m.name, "ann", "the record was not changed either");
    assert_eq!(db.model::<Member>().count().await.unwrap(), 1);
}
