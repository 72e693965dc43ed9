//! The serializer plugin and serializer fields (GORM's `serializer:` tag): json (struct,
//! `Vec`, map, a JSON null), binary (MessagePack), unixtime both ways and a serializer the
//! application registers round-trip through create, find, first and raw SQL on every
//! database, NULL and zero values included; a json field's equality condition finds its
//! row; updates write the serialized form; an unknown serializer, and the built-in ones
//! without the plugin, are refused when the model is first used, naming model and field.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use plugorm::{
    plugin_api::{DbResult, Value},
    serializer::{self, SerializeContext, Serializer, SerializerError},
    Error, Model,
};
use plugorm_tests::matrix::Backend;
use serde::{Deserialize, Serialize};

const SERIALIZER: &str = "[[plugin]]\nname = \"serializer\"\n";

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
struct Profile {
    name: String,
    age: u32,
    tags: Vec<String>,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "things")]
struct Thing {
    id: i64,
    label: String,
    #[orm(serializer = "json")]
    profile: Profile,
    #[orm(serializer = "json")]
    roles: Vec<String>,
    #[orm(serializer = "JSON")]
    attrs: BTreeMap<String, i64>,
    #[orm(serializer = "json")]
    maybe: Option<Profile>,
    #[orm(serializer = "json")]
    extra: serde_json::Value,
    #[orm(serializer = "binary")]
    packed: Profile,
    #[orm(serializer = "binary")]
    packed_list: Option<Vec<u32>>,
    #[orm(serializer = "unixtime")]
    at: DateTime<Utc>,
    #[orm(serializer = "unixtime")]
    naive_at: Option<NaiveDateTime>,
    #[orm(serializer = "unixtime")]
    seconds: i64,
    #[orm(serializer = "prefixed")]
    secret: String,
    #[orm(embedded_prefix = "meta_")]
    meta: Meta,
}

/// Embedded: its serializer field is a column `meta_labels` of the outer table.
#[derive(Model, Debug, Default, Clone, PartialEq)]
struct Meta {
    #[orm(serializer = "json")]
    labels: Vec<String>,
}

/// The application's serializer: stores a string behind a prefix (GORM's
/// `EncryptedString` example).
struct Prefixed;

impl Serializer for Prefixed {
    fn encode(&self, ctx: &SerializeContext, v: serde_json::Value) -> DbResult<Value> {
        let s = v.as_str().ok_or_else(|| ctx.error("expected a string"))?;
        Ok(Value::Text(format!("hello:{s}").into()))
    }
    fn decode(&self, ctx: &SerializeContext, v: Value) -> DbResult<serde_json::Value> {
        let text = v.text_form().ok_or_else(|| ctx.error("expected text"))?;
        let s = text
            .strip_prefix("hello:")
            .ok_or_else(|| ctx.error(format!("`{text}` has no prefix")))?;
        Ok(serde_json::Value::String(s.to_string()))
    }
}

fn full() -> Thing {
    let at = DateTime::from_timestamp(1_704_164_645, 0).unwrap_or_default();
    Thing {
        id: 0,
        label: "full".into(),
        profile: Profile {
            name: "Ann \"the\" admin".into(),
            age: 41,
            tags: vec!["a".into(), "ü".into()],
        },
        roles: vec!["admin".into(), "dev".into()],
        attrs: BTreeMap::from([("z".into(), 1), ("a".into(), -2)]),
        maybe: Some(Profile {
            name: "Bo".into(),
            ..Profile::default()
        }),
        extra: serde_json::json!({"k": [1, null, true]}),
        packed: Profile {
            name: "packed".into(),
            age: 7,
            tags: vec!["x".into()],
        },
        packed_list: Some(vec![1, 2, 300_000]),
        at,
        naive_at: Some(at.naive_utc()),
        seconds: 1_600_000_000,
        secret: "s3cret".into(),
        meta: Meta {
            labels: vec!["embedded".into()],
        },
    }
}

/// A database with the serializer plugin, the application's `prefixed` serializer
/// registered, and the `things` table.
async fn things(backend: Backend) -> Option<plugorm_tests::matrix::TestDb> {
    serializer::register("prefixed", Prefixed);
    let db = backend.open(SERIALIZER).await?;
    if let Err(e) = db.auto_migrate::<Thing>().await {
        panic!("auto_migrate on {}: {e}", backend.name());
    }
    Some(db)
}

async fn round_trips(backend: Backend) {
    let Some(db) = things(backend).await else {
        return;
    };
    let mut full = full();
    let mut zero = Thing {
        label: "zero".into(),
        ..Thing::default()
    };
    db.create(&mut full).await.unwrap();
    db.create(&mut zero).await.unwrap();
    let found = db.model::<Thing>().id(full.id).first().await.unwrap();
    assert_eq!(
        found,
        full,
        "every serializer round-trips on {}",
        backend.name()
    );
    let found = db.model::<Thing>().id(zero.id).first().await.unwrap();
    assert_eq!(found, zero, "zero values round-trip");
    let raw: Vec<Thing> = db
        .raw_as("SELECT * FROM things ORDER BY id", ())
        .await
        .unwrap();
    assert_eq!(
        raw,
        vec![full.clone(), zero.clone()],
        "raw SQL reads them too"
    );

    // What the columns hold: sorted JSON text, NULL for None and JSON null, seconds,
    // MessagePack bytes, the prefix.
    let (roles, attrs, at, secret): (String, String, i64, String) = db
        .raw_as(
            "SELECT roles, attrs, at, secret FROM things WHERE id = ?",
            (full.id,),
        )
        .await
        .unwrap()
        .remove(0);
    assert_eq!(roles, r#"["admin","dev"]"#);
    assert_eq!(attrs, r#"{"a":-2,"z":1}"#);
    assert_eq!(at, 1_704_164_645);
    assert_eq!(secret, "hello:s3cret");
    let labels: Option<String> = db
        .raw_scalar("SELECT meta_labels FROM things WHERE id = ?", (full.id,))
        .await
        .unwrap();
    assert_eq!(labels.as_deref(), Some(r#"["embedded"]"#));
    let packed: Option<Vec<u8>> = db
        .raw_scalar("SELECT packed FROM things WHERE id = ?", (full.id,))
        .await
        .unwrap();
    let packed = packed.unwrap_or_default();
    assert!(!packed.is_empty() && packed.len() < 30, "{packed:?}");
    let nulls: Option<i64> = db
        .raw_scalar(
            "SELECT COUNT(*) FROM things WHERE maybe IS NULL AND extra IS NULL AND packed_list IS NULL AND naive_at IS NULL",
            (),
        )
        .await
        .unwrap();
    assert_eq!(
        nulls,
        Some(1),
        "None and a JSON null are SQL NULL (the zero row)"
    );
    let none = db
        .model::<Thing>()
        .filter_expr(Thing::MAYBE.is_null())
        .find()
        .await
        .unwrap();
    assert_eq!(none, vec![zero]);
}

async fn json_equality_finds_the_row(backend: Backend) {
    let Some(db) = things(backend).await else {
        return;
    };
    let mut full = full();
    db.create(&mut full).await.unwrap();
    let mut other = Thing {
        label: "other".into(),
        roles: vec!["dev".into()],
        ..full.clone()
    };
    other.id = 0;
    db.create(&mut other).await.unwrap();
    let by_roles = db
        .model::<Thing>()
        .filter_expr(
            Thing::ROLES
                .eq(&vec!["admin".to_string(), "dev".to_string()])
                .unwrap(),
        )
        .find()
        .await
        .unwrap();
    assert_eq!(by_roles, vec![full.clone()], "{}", backend.name());
    // A map built in another order is the same value, stored as the same text.
    let attrs: BTreeMap<String, i64> = [("a".to_string(), -2), ("z".to_string(), 1)].into();
    let by_attrs = db
        .model::<Thing>()
        .filter_expr(Thing::ATTRS.eq(&attrs).unwrap())
        .count()
        .await
        .unwrap();
    assert_eq!(by_attrs, 2);
    // A struct condition compares the serialized form of its non-zero fields.
    let example = Thing {
        roles: vec!["dev".into()],
        ..Thing::default()
    };
    let by_struct = db
        .model::<Thing>()
        .filter_struct(&example)
        .find()
        .await
        .unwrap();
    assert_eq!(by_struct, vec![other]);
    let by_secret = db
        .model::<Thing>()
        .filter_expr(Thing::SECRET.eq(&"s3cret".to_string()).unwrap())
        .count()
        .await
        .unwrap();
    assert_eq!(
        by_secret, 2,
        "the application's serializer encodes conditions too"
    );
}

async fn updates_write_the_serialized_form(backend: Backend) {
    let Some(db) = things(backend).await else {
        return;
    };
    let mut thing = full();
    db.create(&mut thing).await.unwrap();
    let changes = Thing {
        roles: vec!["owner".into()],
        packed: Profile {
            name: "repacked".into(),
            ..Profile::default()
        },
        ..Thing::default()
    };
    let n = db
        .model::<Thing>()
        .id(thing.id)
        .updates(&changes)
        .await
        .unwrap();
    assert_eq!(n, 1);
    thing.roles = changes.roles.clone();
    thing.packed = changes.packed.clone();
    assert_eq!(
        db.model::<Thing>().id(thing.id).first().await.unwrap(),
        thing
    );
    // Saving the whole record writes every field, None and zero values included.
    thing.maybe = None;
    thing.attrs.clear();
    thing.at = DateTime::from_timestamp(86_400, 0).unwrap_or_default();
    thing.seconds = 0;
    thing.secret = "new".into();
    db.save(&mut thing).await.unwrap();
    assert_eq!(
        db.model::<Thing>().id(thing.id).first().await.unwrap(),
        thing
    );
    let stored: Option<String> = db
        .raw_scalar("SELECT secret FROM things WHERE id = ?", (thing.id,))
        .await
        .unwrap();
    assert_eq!(stored.as_deref(), Some("hello:new"));
}

async fn upserts_and_record_writes_are_serialized(backend: Backend) {
    let Some(db) = things(backend).await else {
        return;
    };
    let mut thing = full();
    db.create(&mut thing).await.unwrap();
    // An upsert on the key updates every column with the serialized new values.
    let mut again = Thing {
        roles: vec!["upserted".into()],
        packed_list: None,
        ..thing.clone()
    };
    db.on_conflict(plugorm::OnConflict::update_all())
        .create(&mut again)
        .await
        .unwrap();
    assert_eq!(db.model::<Thing>().count().await.unwrap(), 1);
    assert_eq!(
        db.model::<Thing>().id(thing.id).first().await.unwrap(),
        again
    );
    // A record write takes the column's stored form, decoded into the field first.
    db.record(&mut again)
        .update("roles", r#"["from","record"]"#)
        .await
        .unwrap();
    assert_eq!(again.roles, ["from", "record"]);
    assert_eq!(
        db.model::<Thing>().id(thing.id).first().await.unwrap(),
        again
    );
    let e = db
        .record(&mut again)
        .update("roles", "{not json")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("Thing.roles"), "{e}");
    assert_eq!(
        db.model::<Thing>()
            .id(thing.id)
            .first()
            .await
            .unwrap()
            .roles,
        ["from", "record"],
        "a refused value is not written"
    );
}

/// An owner whose has-many children hold a serializer field (read by the preload).
#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "shelves")]
struct Shelf {
    id: i64,
    books: Vec<Book>,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "books")]
struct Book {
    id: i64,
    shelf_id: i64,
    #[orm(serializer = "json")]
    authors: Vec<String>,
    #[orm(serializer = "binary")]
    pages: Option<Vec<u16>>,
}

async fn preloads_decode_serialized_fields(backend: Backend) {
    let Some(db) = backend.open(SERIALIZER).await else {
        return;
    };
    db.auto_migrate::<Shelf>().await.unwrap();
    db.auto_migrate::<Book>().await.unwrap();
    let mut shelf = Shelf::default();
    db.create(&mut shelf).await.unwrap();
    let mut books = vec![
        Book {
            shelf_id: shelf.id,
            authors: vec!["Ann".into(), "Bo".into()],
            pages: Some(vec![1, 65535]),
            ..Book::default()
        },
        Book {
            shelf_id: shelf.id,
            ..Book::default()
        },
    ];
    db.create_many(&mut books).await.unwrap();
    let found = db.model::<Shelf>().preload("Books").first().await.unwrap();
    assert_eq!(found.books, books, "{}", backend.name());
}

#[derive(Model, Debug, Default, Clone)]
#[orm(table = "oddities")]
struct Odd {
    id: i64,
    #[orm(serializer = "yaml")]
    body: Vec<String>,
}

#[derive(Model, Debug, Default, Clone)]
#[orm(table = "wrappers")]
struct Wrapper {
    id: i64,
    #[orm(embedded)]
    inner: Inner,
}

#[derive(Model, Debug, Default, Clone)]
struct Inner {
    #[orm(serializer = "toml")]
    body: String,
}

async fn an_unknown_serializer_is_refused_naming_the_field(backend: Backend) {
    let Some(db) = backend.open(SERIALIZER).await else {
        return;
    };
    let e = db.model::<Odd>().find().await.unwrap_err();
    match &e {
        Error::Serializer(SerializerError::Unknown {
            model,
            field,
            name,
            registered,
        }) => {
            assert_eq!(
                (model.as_str(), field.as_str(), name.as_str()),
                ("Odd", "body", "yaml")
            );
            assert!(registered.contains(&"json".to_string()), "{registered:?}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        e.to_string()
            .contains("register it with `plugorm::serializer::register`"),
        "{e}"
    );
    let e = db.create(&mut Odd::default()).await.unwrap_err();
    assert!(
        matches!(e, Error::Serializer(SerializerError::Unknown { .. })),
        "{e:?}"
    );
    let e = db.model::<Wrapper>().find().await.unwrap_err();
    assert!(
        matches!(&e, Error::Serializer(SerializerError::Unknown { field, name, .. })
            if field == "inner.body" && name == "toml"),
        "an embedded struct's serializer field is checked too: {e:?}"
    );
}

async fn the_builtin_names_need_the_plugin(backend: Backend) {
    serializer::register("prefixed", Prefixed);
    let Some(db) = backend.open("").await else {
        return;
    };
    let e = db.model::<Thing>().find().await.unwrap_err();
    match &e {
        Error::Serializer(SerializerError::Unknown {
            model, field, name, ..
        }) => {
            assert_eq!(
                (model.as_str(), field.as_str(), name.as_str()),
                ("Thing", "profile", "json")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(
        e.to_string()
            .contains("served by the `serializer` plugin, and that plugin is not loaded"),
        "{e}"
    );
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "broken")]
struct Broken {
    id: i64,
    #[orm(serializer = "json")]
    roles: Vec<String>,
    #[orm(serializer = "unixtime")]
    at: DateTime<Utc>,
}

async fn undecodable_values_are_errors_naming_the_field(backend: Backend) {
    let Some(db) = backend.open(SERIALIZER).await else {
        return;
    };
    db.auto_migrate::<Broken>().await.unwrap();
    db.raw(
        "INSERT INTO broken (id, roles, at) VALUES (1, ?, 0)",
        ("{not json",),
    )
    .await
    .unwrap();
    let e = db.model::<Broken>().first().await.unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("Broken.roles") && text.contains("json") && text.contains("invalid JSON"),
        "{text}"
    );
}

plugorm_tests::matrix!(
    round_trips,
    json_equality_finds_the_row,
    updates_write_the_serialized_form,
    upserts_and_record_writes_are_serialized,
    preloads_decode_serialized_fields,
    an_unknown_serializer_is_refused_naming_the_field,
    the_builtin_names_need_the_plugin,
    undecodable_values_are_errors_naming_the_field,
);

/// On PostgreSQL a json field may ask for a `jsonb` column: the text parameter takes the
/// column's type, so writes, reads and equality (jsonb's own) work as on text.
#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "documents")]
struct Document {
    id: i64,
    #[orm(serializer = "json", type = "jsonb")]
    body: BTreeMap<String, Vec<i64>>,
    #[orm(serializer = "json", type = "jsonb")]
    note: Option<Profile>,
}

#[tokio::test]
async fn a_postgres_jsonb_column_round_trips_and_compares() {
    let Some(db) = Backend::Postgres.open(SERIALIZER).await else {
        return;
    };
    db.auto_migrate::<Document>().await.unwrap();
    let mut doc = Document {
        body: BTreeMap::from([("zz".into(), vec![1, 2]), ("a".into(), vec![])]),
        note: None,
        ..Document::default()
    };
    db.create(&mut doc).await.unwrap();
    let kind: Option<String> = db
        .raw_scalar("SELECT pg_typeof(body)::text FROM documents", ())
        .await
        .unwrap();
    assert_eq!(kind.as_deref(), Some("jsonb"));
    let found = db
        .model::<Document>()
        .filter_expr(Document::BODY.eq(&doc.body).unwrap())
        .find()
        .await
        .unwrap();
    assert_eq!(found, vec![doc]);
}
