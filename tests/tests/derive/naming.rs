//! GORM's naming conventions as the derive applies them: plural snake-case tables,
//! snake-case columns, the `table` override, and the primary-key rules.

#![allow(dead_code)] // the models exist for their schemas

use plugorm::{plugin_api::schema::ModelSchema, Model};
use plugorm_tests::matrix::Backend;

plugorm_tests::matrix!(keys_behave_in_the_database);

macro_rules! tables {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Model, Debug, Default)]
        struct $name {
            id: i64,
        }
    )*};
}

tables!(Person, Company, Category, Status, Tax, Church, Bus, UserIndex, User2, HTTPLog, Sheep);

#[derive(Model, Debug, Default)]
#[orm(table = "legacy_humans")]
struct Human {
    id: i64,
}

#[test]
fn tables_are_plural_snake_case() {
    let cases: [(&ModelSchema, &str); 12] = [
        (Person::schema(), "people"),
        (Company::schema(), "companies"),
        (Category::schema(), "categories"),
        (Status::schema(), "statuses"),
        (Tax::schema(), "taxes"),
        (Church::schema(), "churches"),
        (Bus::schema(), "buses"),
        (UserIndex::schema(), "user_indices"),
        (User2::schema(), "user2"),
        (HTTPLog::schema(), "http_logs"),
        (Sheep::schema(), "sheep"),
        (Human::schema(), "legacy_humans"),
    ];
    for (schema, table) in cases {
        assert_eq!(schema.table, table, "table of {}", schema.name);
    }
}

#[derive(Model, Debug, Default)]
#[allow(non_snake_case)]
struct Columns {
    id: i64,
    userID: i64,
    HTTPServer: String,
    r#type: String,
    #[orm(column = "label")]
    name: String,
}

#[test]
fn columns_are_snake_case() {
    let cols: Vec<&str> = Columns::schema()
        .fields
        .iter()
        .map(|f| f.column.as_str())
        .collect();
    assert_eq!(cols, ["id", "user_id", "http_server", "type", "label"]);
    assert_eq!(Columns::TYPE.name(), "type");
    assert_eq!(Columns::USER_ID.name(), "user_id");
    assert_eq!(Columns::NAME.name(), "label");
}

/// `id` becomes the key only when no field is marked `primary_key`.
#[derive(Model, Debug, Default)]
struct Tag {
    #[orm(primary_key)]
    name: String,
    id: i64,
}

/// The only key, an integer: auto-increment by convention.
#[derive(Model, Debug, Default)]
struct Ticket {
    #[orm(primary_key)]
    number: i64,
    title: String,
}

/// `auto_increment = false` turns the convention off.
#[derive(Model, Debug, Default, Clone, PartialEq)]
struct Code {
    #[orm(auto_increment = false)]
    id: i64,
    label: String,
}

/// A text key is never auto-increment.
#[derive(Model, Debug, Default)]
struct Doc {
    id: uuid::Uuid,
}

/// A composite key: no member is auto-increment.
#[derive(Model, Debug, Default, Clone, PartialEq)]
struct OrderLine {
    #[orm(primary_key)]
    order_id: i64,
    #[orm(primary_key)]
    line: i32,
    qty: i32,
}

fn keys(schema: &ModelSchema) -> Vec<(&str, bool)> {
    schema
        .primary_keys()
        .map(|f| (f.column.as_str(), f.auto_increment))
        .collect()
}

#[test]
fn primary_key_conventions() {
    assert_eq!(keys(Tag::schema()), [("name", false)]);
    assert!(!Tag::schema().fields[1].auto_increment);
    assert_eq!(keys(Ticket::schema()), [("number", true)]);
    assert_eq!(keys(Code::schema()), [("id", false)]);
    assert_eq!(keys(Doc::schema()), [("id", false)]);
    assert_eq!(
        keys(OrderLine::schema()),
        [("order_id", false), ("line", false)]
    );
}

async fn keys_behave_in_the_database(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate::<Code>().await.unwrap();
    let mut c = Code {
        id: 42,
        label: "answer".into(),
    };
    db.create(&mut c).await.unwrap();
    assert_eq!(db.model::<Code>().id(42).first().await.unwrap(), c);

    db.auto_migrate::<Ticket>().await.unwrap();
    let mut t = Ticket {
        title: "first".into(),
        ..Default::default()
    };
    db.create(&mut t).await.unwrap();
    assert_eq!(t.number, 1, "the generated key is read back");

    db.auto_migrate::<OrderLine>().await.unwrap();
    let mut lines = vec![
        OrderLine {
            order_id: 7,
            line: 1,
            qty: 2,
        },
        OrderLine {
            order_id: 7,
            line: 2,
            qty: 5,
        },
    ];
    db.create_many(&mut lines).await.unwrap();
    let mut dup = OrderLine {
        order_id: 7,
        line: 2,
        qty: 1,
    };
    assert!(
        db.create(&mut dup).await.is_err(),
        "the composite key is unique"
    );
    let mut second = lines[1].clone();
    second.qty = 9;
    db.record(&mut second).updates().await.unwrap();
    let found = db
        .model::<OrderLine>()
        .filter("order_id = ? AND line = ?", (7, 2))
        .first()
        .await
        .unwrap();
    assert_eq!(found.qty, 9, "updated by the whole key");
    let first = db
        .model::<OrderLine>()
        .filter("order_id = ? AND line = ?", (7, 1))
        .first()
        .await
        .unwrap();
    assert_eq!(first.qty, 2, "the other line is untouched");
}
