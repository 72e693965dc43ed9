//! The soft-delete plugin in every mode: timestamp, Unix seconds / milliseconds /
//! nanoseconds, the 0/1 flag, and mixed mode (a flag plus a deleted-at field). In each,
//! a delete marks the row instead of removing it, queries and counts hide it, `unscoped()`
//! sees it and deletes it for real.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use plugorm::{Db, Error, Model};
use plugorm_tests::registry_with_soft_delete;

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

async fn db() -> Db {
    registry_with_soft_delete()
        .open("sqlite::memory:")
        .await
        .unwrap()
        .with_now(now)
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
    let markers: Vec<String> = (0..marker_sql.split(',').count())
        .map(|i| {
            let v = row.cell(i).unwrap().to_value();
            format!("{v:?}")
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

#[tokio::test]
async fn timestamp_mode_writes_the_deletion_time() {
    let db = db().await;
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
    assert!(m[0].contains("2026-03-04"), "{m:?}");
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

#[tokio::test]
async fn unix_second_milli_and_nano_modes_write_the_time_in_their_unit() {
    let db = db().await;
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

#[tokio::test]
async fn flag_mode_sets_one() {
    let db = db().await;
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

#[tokio::test]
async fn mixed_mode_sets_the_flag_and_the_deleted_at_field() {
    let db = db().await;
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
    assert!(m[1].contains("2026-03-04"), "{m:?}");
}

#[tokio::test]
async fn golden_sql_of_a_soft_delete_per_mode() {
    let db = db().await;
    let mut n = FlagNote {
        id: 1,
        ..Default::default()
    };
    let stmt = db
        .to_sql(|tx| async move { tx.delete(&mut n).await })
        .await
        .unwrap();
    assert_eq!(
        stmt.text.as_str(),
        "UPDATE `flag_notes` SET `is_del`=? WHERE `flag_notes`.`id` = ? AND `flag_notes`.`is_del` = ?"
    );
    let mut n = MixedNote {
        id: 1,
        ..Default::default()
    };
    let stmt = db
        .to_sql(|tx| async move { tx.delete(&mut n).await })
        .await
        .unwrap();
    assert_eq!(
        stmt.text.as_str(),
        "UPDATE `mixed_notes` SET `is_del`=?,`deleted_at`=? WHERE `mixed_notes`.`id` = ? AND `mixed_notes`.`is_del` = ?"
    );
    let mut n = StampNote {
        id: 1,
        ..Default::default()
    };
    let stmt = db
        .to_sql(|tx| async move { tx.delete(&mut n).await })
        .await
        .unwrap();
    assert_eq!(
        stmt.text.as_str(),
        "UPDATE `stamp_notes` SET `deleted_at`=? WHERE `stamp_notes`.`id` = ? AND `stamp_notes`.`deleted_at` IS NULL"
    );
}
