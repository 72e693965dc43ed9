//! Generated keys and defaults read back by `create`, however the dialect gives them:
//! `RETURNING`, or the driver's insert id (SQLite's `last_insert_rowid()` for one row,
//! MySQL's `LAST_INSERT_ID()`), on every backend — inside a transaction, in autocommit,
//! one record at a time and in batches — each compared with what the database stored.

#[path = "assoc/capture.rs"]
mod capture;

use capture::Statements;
use plugorm::{Db, Model};
use plugorm_tests::matrix::Backend;

/// A record whose only generated value is its key.
#[derive(Debug, Default, Clone, PartialEq, plugorm::Model)]
struct Member {
    id: i64,
    #[orm(size = 100)]
    name: String,
}

/// A record with a database default besides its key.
#[derive(Debug, Default, Clone, PartialEq, plugorm::Model)]
struct Ticket {
    id: i64,
    #[orm(size = 100)]
    title: String,
    #[orm(size = 20, default = "open")]
    state: String,
}

plugorm_tests::matrix!(
    keys_of_single_creates_in_a_transaction,
    keys_of_single_creates_in_autocommit,
    keys_of_batch_creates,
    defaults_come_back_with_the_key,
    a_single_create_reads_its_key_as_the_dialect_declares,
);

/// The stored (id, name) pairs, in key order.
async fn stored(db: &Db) -> Vec<(i64, String)> {
    let rows = db
        .raw("SELECT id, name FROM members ORDER BY id", ())
        .await
        .unwrap();
    rows.iter()
        .map(|r| (r.get("id").unwrap(), r.get("name").unwrap()))
        .collect()
}

/// Creates each record with its own `create`, all inside one transaction.
async fn create_one_by_one<T: Model + Send + 'static>(db: &Db, mut records: Vec<T>) -> Vec<T> {
    db.transaction(|tx| async move {
        for r in &mut records {
            assert_eq!(tx.create(r).await?, 1);
        }
        Ok(records)
    })
    .await
    .unwrap()
}

fn held(members: &[Member]) -> Vec<(i64, String)> {
    members.iter().map(|m| (m.id, m.name.clone())).collect()
}

async fn keys_of_single_creates_in_a_transaction(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate::<Member>().await.unwrap();
    // Keys that do not start at 1 (two seeds deleted, the highest kept), so a key
    // counted rather than read would show.
    for seed in ["s1", "s2", "s3"] {
        db.exec("INSERT INTO members (name) VALUES (?)", (seed,))
            .await
            .unwrap();
    }
    db.exec("DELETE FROM members WHERE id < ?", (3,))
        .await
        .unwrap();
    let members = (0..5)
        .map(|i| Member {
            name: format!("m{i}"),
            ..Default::default()
        })
        .collect();
    let created = create_one_by_one(&db, members).await;
    assert_eq!(
        created.iter().map(|m| m.id).collect::<Vec<_>>(),
        [4, 5, 6, 7, 8]
    );
    let mut expected = vec![(3, "s3".to_string())];
    expected.extend(held(&created));
    assert_eq!(stored(&db).await, expected);
}

async fn keys_of_single_creates_in_autocommit(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate::<Member>().await.unwrap();
    let db = db.skip_default_transaction();
    let mut created = Vec::new();
    for i in 0..3 {
        let mut m = Member {
            name: format!("a{i}"),
            ..Default::default()
        };
        db.create(&mut m).await.unwrap();
        // A write between the creates must not leak into the next key.
        db.exec("UPDATE members SET name = name WHERE id = ?", (m.id,))
            .await
            .unwrap();
        created.push(m);
    }
    assert_eq!(created.iter().map(|m| m.id).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(stored(&db).await, held(&created));
}

async fn keys_of_batch_creates(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate::<Member>().await.unwrap();
    let mut members: Vec<Member> = (0..7)
        .map(|i| Member {
            name: format!("b{i}"),
            ..Default::default()
        })
        .collect();
    // 3 + 3 + 1: the last statement of the batch inserts one row.
    assert_eq!(db.create_in_batches(&mut members, 3).await.unwrap(), 7);
    assert_eq!(
        members.iter().map(|m| m.id).collect::<Vec<_>>(),
        (1..=7).collect::<Vec<i64>>()
    );
    assert_eq!(stored(&db).await, held(&members));
}

async fn defaults_come_back_with_the_key(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate::<Ticket>().await.unwrap();
    let tickets = create_one_by_one(
        &db,
        vec![
            Ticket {
                title: "one".into(),
                ..Default::default()
            },
            Ticket {
                title: "two".into(),
                state: "closed".into(),
                ..Default::default()
            },
        ],
    )
    .await;
    assert_eq!(
        tickets
            .iter()
            .map(|t| (t.id, t.state.as_str()))
            .collect::<Vec<_>>(),
        [(1, "open"), (2, "closed")]
    );
}

/// `RETURNING` is left out of a one-row create exactly when the dialect declares its insert
/// id exact (`Capabilities::insert_id_exact`: SQLite, MySQL) — and kept for a batch, and
/// wherever the dialect declares nothing (PostgreSQL).
async fn a_single_create_reads_its_key_as_the_dialect_declares(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate::<Member>().await.unwrap();
    let caps = db.dialect().capabilities();
    let (statements, _guard) = Statements::capture();
    let mut one = Member {
        name: "one".into(),
        ..Default::default()
    };
    db.create(&mut one).await.unwrap();
    let mut two = vec![
        Member {
            name: "two".into(),
            ..Default::default()
        },
        Member {
            name: "three".into(),
            ..Default::default()
        },
    ];
    db.create_many(&mut two).await.unwrap();
    let inserts: Vec<String> = statements
        .take()
        .into_iter()
        .filter(|s| s.starts_with("INSERT"))
        .collect();
    assert_eq!(inserts.len(), 2, "{inserts:?}");
    let returns = |s: &String| s.contains("RETURNING");
    assert_eq!(
        returns(&inserts[0]),
        caps.returning && !caps.insert_id_exact,
        "{}",
        inserts[0]
    );
    assert_eq!(returns(&inserts[1]), caps.returning, "{}", inserts[1]);
    let mut keys = vec![one.id];
    keys.extend(two.iter().map(|m| m.id));
    assert_eq!(keys, [1, 2, 3]);
    assert_eq!(stored(&db).await, held(&[&[one][..], &two[..]].concat()));
}
