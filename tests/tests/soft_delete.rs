//! The soft-delete plugin in every mode, on every backend: timestamp, Unix seconds /
//! milliseconds / nanoseconds, the 0/1 flag, and mixed mode (a flag plus a deleted-at
//! field). In each, a delete marks the row instead of removing it, queries and counts
//! hide it, `unscoped()` sees it and deletes it for real.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use plugorm::{Db, Error, Model, Value};
use plugorm_tests::matrix::{Backend, SOFT_DELETE};

plugorm_tests::matrix!(
    timestamp_mode_writes_the_deletion_time,
    unix_second_milli_and_nano_modes_write_the_time_in_their_unit,
    flag_mode_sets_one,
    mixed_mode_sets_the_flag_and_the_deleted_at_field,
    golden_sql_of_a_soft_delete_per_mode,
);

/// The fixed "now" every deletion in these tests happens at.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 4, 5, 6, 7).unwrap() + chrono::Duration::microseconds(123_456)
}

#[derive(Model, Debug, Default, Clone)]
struct StampNote {
    id: i64,
    body: String,
    #[orm(soft_delete)]
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Model, Debug, Default, Clone)]
struct SecondNote {
    id: i64,
    body: String,
    #[orm(soft_delete = "second")]
    deleted_at: i64,
}

#[derive(Model, Debug, Default, Clone)]
struct MilliNote {
    id: i64,
    body: String,
    #[orm(soft_delete = "milli")]
    deleted_at: i64,
}

#[derive(Model, Debug, Default, Clone)]
struct NanoNote {
    id: i64,
    body: String,
    #[orm(soft_delete = "nano")]
    deleted_at: i64,
}

#[derive(Model, Debug, Default, Clone)]
struct FlagNote {
    id: i64,
    body: String,
    #[orm(soft_delete = "flag")]
    is_del: i64,
}

#[derive(Model, Debug, Default, Clone)]
struct MixedNote {
    id: i64,
    body: String,
    #[orm(soft_delete = "flag", soft_delete_at = "deleted_at")]
    is_del: i64,
    deleted_at: Option<NaiveDateTime>,
}

/// [`now`] as a deletion-time column stores it: microseconds on SQLite and PostgreSQL;
/// milliseconds on MySQL, whose default is `datetime(3)` (.123456 s is .123 s whether
/// the server rounds, as MySQL, or truncates, as MariaDB).
fn stored_now(backend: Backend) -> String {
    backend
        .pick(
            "2026-03-04 05:06:07.123456",
            "2026-03-04 05:06:07.123456",
            "2026-03-04 05:06:07.123",
        )
        .to_string()
}

/// A fresh database with the soft-delete plugin whose clock is [`now`].
async fn db(backend: Backend) -> Option<Db> {
    Some(backend.open(SOFT_DELETE).await?.with_now(now))
}

/// Creates two rows, soft-deletes the first, checks what every reader sees, and returns
/// the deleted row's raw marker column(s) as text, read past the plugin with raw SQL.
async fn exercise<T: Model + Default + Clone>(
    db: &Db,
    make: impl Fn(&str) -> T,
    id_of: impl Fn(&T) -> i64,
    marker_sql: &str,
) -> Vec<String> {
    db.auto_migrate::<T>().await.unwrap();
    let mut gone = make("gone");
    let mut kept = make("kept");
    db.create(&mut gone).await.unwrap();
    db.create(&mut kept).await.unwrap();
    let gone_id = id_of(&gone);
    assert_eq!(db.model::<T>().count().await.unwrap(), 2);

    assert_eq!(db.delete(&mut gone).await.unwrap(), 1);
    // As GORM, the marker is written back into the deleted value.
    let marker = T::schema()
        .fields
        .iter()
        .position(|f| f.soft_delete != plugorm::plugin_api::schema::SoftDelete::None)
        .unwrap();
    assert!(
        !gone.is_zero_at(marker),
        "the deleted value carries its marker"
    );
    // Hidden from queries and counts…
    assert_eq!(db.model::<T>().count().await.unwrap(), 1);
    match db.model::<T>().id(gone_id).first().await {
        Err(Error::RecordNotFound) => {}
        other => panic!(
            "a soft-deleted row must not be found, got {:?}",
            other.map(|_| ())
        ),
    }
    // …and from updates: a second delete touches nothing.
    assert_eq!(db.model::<T>().id(gone_id).delete().await.unwrap(), 0);
    // Still there, marked.
    assert_eq!(db.model::<T>().unscoped().count().await.unwrap(), 2);
    assert!(db.model::<T>().unscoped().id(gone_id).first().await.is_ok());
    let table = T::schema().table.to_string();
    let rows = db
        .raw(
            &format!("SELECT {marker_sql} FROM {table} WHERE id = ?"),
            (gone_id,),
        )
        .await
        .unwrap();
    let row = rows.iter().next().expect("the row is still stored");
    // Integers as their value; a deletion time (text on SQLite, a timestamp elsewhere)
    // decoded as a date-time, so every backend's marker reads the same way.
    let markers: Vec<String> = (0..marker_sql.split(',').count())
        .map(|i| match row.cell(i).unwrap().to_value() {
            v @ (Value::Text(_) | Value::Timestamp(_)) => {
                let at: NaiveDateTime = row
                    .get_at(i)
                    .unwrap_or_else(|e| panic!("{v:?} is not a date-time: {e}"));
                at.to_string()
            }
            v => format!("{v:?}"),
        })
        .collect();
    // A real delete with unscoped().
    assert_eq!(
        db.model::<T>()
            .unscoped()
            .id(gone_id)
            .delete()
            .await
            .unwrap(),
        1
    );
    assert_eq!(db.model::<T>().unscoped().count().await.unwrap(), 1);
    markers
}

async fn timestamp_mode_writes_the_deletion_time(backend: Backend) {
    let Some(db) = db(backend).await else {
        return;
    };
    let m = exercise(
        &db,
        |b| StampNote {
            body: b.into(),
            ..Default::default()
        },
        |n| n.id,
        "deleted_at",
    )
    .await;
    assert_eq!(m, [stored_now(backend)]);
    let stored: Option<NaiveDateTime> = db
        .raw("SELECT deleted_at FROM stamp_notes", ())
        .await
        .unwrap()
        .iter()
        .next()
        .unwrap()
        .get("deleted_at")
        .unwrap();
    assert_eq!(stored, None, "the surviving row stays alive");
}

async fn unix_second_milli_and_nano_modes_write_the_time_in_their_unit(backend: Backend) {
    let Some(db) = db(backend).await else {
        return;
    };
    let secs = now().timestamp();
    let m = exercise(
        &db,
        |b| SecondNote {
            body: b.into(),
            ..Default::default()
        },
        |n| n.id,
        "deleted_at",
    )
    .await;
    assert_eq!(m, [format!("I64({secs})")]);
    let m = exercise(
        &db,
        |b| MilliNote {
            body: b.into(),
            ..Default::default()
        },
        |n| n.id,
        "deleted_at",
    )
    .await;
    assert_eq!(m, [format!("I64({})", now().timestamp_millis())]);
    let m = exercise(
        &db,
        |b| NanoNote {
            body: b.into(),
            ..Default::default()
        },
        |n| n.id,
        "deleted_at",
    )
    .await;
    assert_eq!(m, [format!("I64({})", now().timestamp_micros() * 1000)]);
}

async fn flag_mode_sets_one(backend: Backend) {
    let Some(db) = db(backend).await else {
        return;
    };
    let m = exercise(
        &db,
        |b| FlagNote {
            body: b.into(),
            ..Default::default()
        },
        |n| n.id,
        "is_del",
    )
    .await;
    assert_eq!(m, ["I64(1)"]);
}

async fn mixed_mode_sets_the_flag_and_the_deleted_at_field(backend: Backend) {
    let Some(db) = db(backend).await else {
        return;
    };
    let m = exercise(
        &db,
        |b| MixedNote {
            body: b.into(),
            ..Default::default()
        },
        |n| n.id,
        "is_del, deleted_at",
    )
    .await;
    assert_eq!(m[0], "I64(1)");
    assert_eq!(m[1], stored_now(backend));
}

/// The SQL a delete of `item` renders to, run in a dry run.
async fn delete_sql<T: Model>(db: &Db, mut item: T) -> String {
    db.to_sql(|tx| async move { tx.delete(&mut item).await })
        .await
        .unwrap()
        .text
        .to_string()
}

async fn golden_sql_of_a_soft_delete_per_mode(backend: Backend) {
    let Some(db) = db(backend).await else {
        return;
    };
    assert_eq!(
        delete_sql(&db, FlagNote { id: 1, ..Default::default() }).await,
        backend.pick(
            "UPDATE `flag_notes` SET `is_del`=? WHERE `flag_notes`.`id` = ? AND `flag_notes`.`is_del` = ?",
            r#"UPDATE "flag_notes" SET "is_del"=$1 WHERE "flag_notes"."id" = $2 AND "flag_notes"."is_del" = $3"#,
            "UPDATE `flag_notes` SET `is_del`=? WHERE `flag_notes`.`id` = ? AND `flag_notes`.`is_del` = ?",
        )
    );
    assert_eq!(
        delete_sql(&db, MixedNote { id: 1, ..Default::default() }).await,
        backend.pick(
            "UPDATE `mixed_notes` SET `is_del`=?,`deleted_at`=? WHERE `mixed_notes`.`id` = ? AND `mixed_notes`.`is_del` = ?",
            r#"UPDATE "mixed_notes" SET "is_del"=$1,"deleted_at"=$2 WHERE "mixed_notes"."id" = $3 AND "mixed_notes"."is_del" = $4"#,
            "UPDATE `mixed_notes` SET `is_del`=?,`deleted_at`=? WHERE `mixed_notes`.`id` = ? AND `mixed_notes`.`is_del` = ?",
        )
    );
    // G106 in each mode.
    assert_eq!(
        delete_sql(&db, StampNote { id: 1, ..Default::default() }).await,
        backend.pick(
            "UPDATE `stamp_notes` SET `deleted_at`=? WHERE `stamp_notes`.`id` = ? AND `stamp_notes`.`deleted_at` IS NULL",
            r#"UPDATE "stamp_notes" SET "deleted_at"=$1 WHERE "stamp_notes"."id" = $2 AND "stamp_notes"."deleted_at" IS NULL"#,
            "UPDATE `stamp_notes` SET `deleted_at`=? WHERE `stamp_notes`.`id` = ? AND `stamp_notes`.`deleted_at` IS NULL",
        )
    );
}
