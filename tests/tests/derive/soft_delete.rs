//! The soft-delete modes as the derive declares them, served by the soft-delete plugin:
//! timestamp, Unix second / milli / nano, the 0/1 flag, and the flag with a deletion-time
//! field (mixed mode).

use chrono::{NaiveDateTime, TimeZone, Utc};
use plugorm::{
    plugin_api::schema::{DataType, SoftDelete},
    Db, Model,
};
use plugorm_tests::matrix::{Backend, SOFT_DELETE};

plugorm_tests::matrix!(
    timestamp_mode,
    unix_second_milli_and_nano_modes,
    flag_and_mixed_modes,
    refused_without_the_plugin,
);

#[derive(Model, Debug, Default, Clone, PartialEq)]
struct Note {
    id: i64,
    text: String,
    #[orm(soft_delete)]
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
struct SecondNote {
    id: i64,
    text: String,
    #[orm(soft_delete)]
    deleted_at: i64,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
struct MilliNote {
    id: i64,
    text: String,
    #[orm(soft_delete = "milli")]
    deleted_ms: i64,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
struct NanoNote {
    id: i64,
    text: String,
    #[orm(soft_delete = "nano")]
    deleted_ns: i64,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
struct FlagNote {
    id: i64,
    text: String,
    #[orm(soft_delete = "flag")]
    is_del: u8,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
struct MixedNote {
    id: i64,
    text: String,
    #[orm(soft_delete = "flag", soft_delete_at = "removed_at")]
    is_del: u8,
    removed_at: Option<NaiveDateTime>,
}

#[test]
fn the_schema_names_the_mode() {
    let mode = |s: &'static plugorm::plugin_api::schema::ModelSchema| {
        let f = s.soft_delete_field().expect("a soft-delete field");
        (f.column.as_str(), f.soft_delete, f.data_type, f.nullable)
    };
    assert_eq!(
        mode(Note::schema()),
        (
            "deleted_at",
            SoftDelete::Timestamp,
            DataType::Timestamp,
            true
        )
    );
    assert_eq!(
        mode(SecondNote::schema()),
        ("deleted_at", SoftDelete::UnixSecond, DataType::Int, false)
    );
    assert_eq!(mode(MilliNote::schema()).1, SoftDelete::UnixMilli);
    assert_eq!(mode(NanoNote::schema()).1, SoftDelete::UnixNano);
    assert_eq!(
        mode(FlagNote::schema()),
        ("is_del", SoftDelete::Flag, DataType::UInt, false)
    );
    let mixed = MixedNote::schema().soft_delete_field().unwrap();
    assert_eq!(mixed.soft_delete, SoftDelete::Flag);
    assert_eq!(
        mixed.soft_delete_at.as_ref().map(|s| s.as_str()),
        Some("removed_at")
    );
    let at = MixedNote::schema().field("removed_at").unwrap();
    assert_eq!(
        at.soft_delete,
        SoftDelete::None,
        "the time field is a plain column"
    );
}

const NOW_SECS: i64 = 1_700_000_000;

/// A fresh database with the soft-delete plugin whose clock is at `NOW_SECS`.
async fn db(backend: Backend) -> Option<Db> {
    let now = Utc.timestamp_opt(NOW_SECS, 0).unwrap();
    Some(backend.open(SOFT_DELETE).await?.with_now(move || now))
}

/// Creates two rows, deletes the first; returns it as stored (read unscoped).
async fn create_two_delete_one<T: Model + Clone>(db: &Db, mut rows: [T; 2]) -> T {
    db.auto_migrate::<T>().await.unwrap();
    db.create_many(&mut rows).await.unwrap();
    let [mut first, _] = rows;
    assert_eq!(db.delete(&mut first).await.unwrap(), 1);
    assert_eq!(
        db.model::<T>().count().await.unwrap(),
        1,
        "the deleted row is hidden"
    );
    assert_eq!(
        db.model::<T>().unscoped().count().await.unwrap(),
        2,
        "a soft delete keeps the row"
    );
    let all = db.model::<T>().unscoped().order("id").find().await.unwrap();
    all.into_iter().next().unwrap()
}

macro_rules! note {
    ($t:ident, $text:expr) => {
        $t {
            text: $text.into(),
            ..Default::default()
        }
    };
}

async fn timestamp_mode(backend: Backend) {
    let Some(db) = db(backend).await else {
        return;
    };
    let gone = create_two_delete_one(&db, [note!(Note, "a"), note!(Note, "b")]).await;
    assert_eq!(
        gone.deleted_at,
        Some(Utc.timestamp_opt(NOW_SECS, 0).unwrap().naive_utc())
    );
    let mut alive = db.model::<Note>().first().await.unwrap();
    assert_eq!((alive.text.as_str(), alive.deleted_at), ("b", None));
    // unscoped deletes for real
    db.model::<Note>()
        .unscoped()
        .id(gone.id)
        .delete()
        .await
        .unwrap();
    assert_eq!(db.model::<Note>().unscoped().count().await.unwrap(), 1);
    db.delete(&mut alive).await.unwrap();
    assert_eq!(db.model::<Note>().count().await.unwrap(), 0);
}

async fn unix_second_milli_and_nano_modes(backend: Backend) {
    let Some(db) = db(backend).await else {
        return;
    };
    let s = create_two_delete_one(&db, [note!(SecondNote, "a"), note!(SecondNote, "b")]).await;
    assert_eq!(s.deleted_at, NOW_SECS);
    let m = create_two_delete_one(&db, [note!(MilliNote, "a"), note!(MilliNote, "b")]).await;
    assert_eq!(m.deleted_ms, NOW_SECS * 1000);
    let n = create_two_delete_one(&db, [note!(NanoNote, "a"), note!(NanoNote, "b")]).await;
    assert_eq!(n.deleted_ns, NOW_SECS * 1_000_000_000);
    let alive = db.model::<NanoNote>().first().await.unwrap();
    assert_eq!((alive.text.as_str(), alive.deleted_ns), ("b", 0));
}

async fn flag_and_mixed_modes(backend: Backend) {
    let Some(db) = db(backend).await else {
        return;
    };
    let f = create_two_delete_one(&db, [note!(FlagNote, "a"), note!(FlagNote, "b")]).await;
    assert_eq!(f.is_del, 1);
    let m = create_two_delete_one(&db, [note!(MixedNote, "a"), note!(MixedNote, "b")]).await;
    assert_eq!(m.is_del, 1);
    assert_eq!(
        m.removed_at,
        Some(Utc.timestamp_opt(NOW_SECS, 0).unwrap().naive_utc()),
        "mixed mode writes the deletion time"
    );
    let alive = db.model::<MixedNote>().first().await.unwrap();
    assert_eq!((alive.is_del, alive.removed_at), (0, None));
}

async fn refused_without_the_plugin(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate::<FlagNote>().await.unwrap();
    let mut n = note!(FlagNote, "a");
    let e = db.create(&mut n).await.unwrap_err();
    assert!(
        matches!(e, plugorm::Error::SoftDeleteUnavailable { .. }),
        "{e}"
    );
}
