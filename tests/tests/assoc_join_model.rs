//! A many-to-many relation whose join table is a model of its own (GORM's
//! `SetupJoinTable`), on SQLite, PostgreSQL and MariaDB: AutoMigrate creates the table from
//! the model; join rows are created as its records (hooks run, time fields filled); they
//! are read and removed through the processors, so a soft-deletable join model has its
//! rows soft-deleted and deleted rows left unread — and is refused without the plugin.

use chrono::NaiveDateTime;
use plugorm::{Db, Error, Model};
use plugorm_tests::matrix::{Backend, SOFT_DELETE};

#[derive(Model, Debug, Default, Clone, PartialEq)]
struct Address {
    id: i64,
    #[orm(size = 32)]
    city: String,
}

/// The join model: both keys, a label its hook fills, a creation time, a soft delete.
#[derive(Model, Debug, Default, Clone)]
#[orm(hooks)]
struct PersonAddress {
    #[orm(primary_key)]
    person_id: i64,
    #[orm(primary_key)]
    address_id: i64,
    #[orm(size = 16)]
    label: String,
    created_at: NaiveDateTime,
    #[orm(soft_delete)]
    deleted_at: Option<NaiveDateTime>,
}

impl plugorm::Hooks for PersonAddress {
    async fn before_create(&mut self, _db: &Db) -> plugorm::Result<()> {
        if self.label.is_empty() {
            self.label = "home".into();
        }
        Ok(())
    }
}

#[derive(Model, Debug, Default, Clone)]
struct Person {
    id: i64,
    #[orm(size = 32)]
    name: String,
    #[orm(many_to_many = "person_addresses", join_model = "PersonAddress")]
    addresses: Vec<Address>,
}

fn city(c: &str) -> Address {
    Address {
        city: c.into(),
        ..Default::default()
    }
}

async fn cities(db: &Db, person: i64) -> Vec<String> {
    let p: Person = db
        .model::<Person>()
        .preload("Addresses")
        .id(person)
        .first()
        .await
        .unwrap();
    let mut c: Vec<String> = p.addresses.into_iter().map(|a| a.city).collect();
    c.sort();
    c
}

async fn join_model_rows_are_records_of_the_model(backend: Backend) {
    let Some(db) = backend.open(SOFT_DELETE).await else {
        return;
    };
    let reports = db.auto_migrate_all::<(Person, Address)>().await.unwrap();
    let join = reports
        .iter()
        .find(|r| r.table == "person_addresses")
        .expect("the join table is migrated");
    let mut names = join.created_constraints.clone();
    names.sort();
    assert_eq!(
        names,
        ["fk_person_addresses_address", "fk_person_addresses_person"]
    );
    let info = db
        .migrator()
        .describe_table("person_addresses")
        .await
        .unwrap();
    for column in [
        "person_id",
        "address_id",
        "label",
        "created_at",
        "deleted_at",
    ] {
        assert!(info.column(column).is_some(), "column {column}");
    }

    let mut ann = Person {
        name: "ann".into(),
        addresses: vec![city("Oslo"), city("Rome")],
        ..Default::default()
    };
    db.create(&mut ann).await.unwrap();
    let rows: Vec<PersonAddress> = db
        .model::<PersonAddress>()
        .filter("person_id = ?", (ann.id,))
        .find()
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.label == "home"), "the hook ran");
    assert!(
        rows.iter()
            .all(|r| r.created_at != NaiveDateTime::default()),
        "the creation time is filled"
    );
    assert_eq!(cities(&db, ann.id).await, ["Oslo", "Rome"]);

    // Unlinking soft-deletes the join row: it stays in the table, unread.
    let rome = ann
        .addresses
        .iter()
        .find(|a| a.city == "Rome")
        .unwrap()
        .clone();
    let ann_id = ann.id;
    let mut links = db.association(&mut ann, "Addresses").unwrap();
    links.delete(std::slice::from_ref(&rome)).await.unwrap();
    assert_eq!(links.count().await.unwrap(), 1);
    assert_eq!(cities(&db, ann_id).await, ["Oslo"]);
    assert_eq!(db.model::<PersonAddress>().count().await.unwrap(), 1);
    assert_eq!(
        db.model::<PersonAddress>()
            .unscoped()
            .count()
            .await
            .unwrap(),
        2
    );
    links.append(vec![city("Paris")]).await.unwrap();
    assert_eq!(cities(&db, ann_id).await, ["Oslo", "Paris"]);

    // Deleting the person with its join rows soft-deletes them too; unscoped, for real.
    db.select_associations(&["Addresses"])
        .record(&mut ann)
        .unscoped()
        .delete()
        .await
        .unwrap();
    assert_eq!(
        db.model::<PersonAddress>()
            .unscoped()
            .count()
            .await
            .unwrap(),
        0
    );
    assert_eq!(db.model::<Address>().count().await.unwrap(), 3);
}

/// Without the soft-delete plugin, the join model's rows are neither read nor removed:
/// a typed error instead of reading deleted rows or deleting for real.
async fn join_model_needs_its_soft_delete_plugin(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate_all::<(Person, Address)>().await.unwrap();
    let mut bob = Person {
        name: "bob".into(),
        ..Default::default()
    };
    db.create(&mut bob).await.unwrap();
    let links = db.association(&mut bob, "Addresses").unwrap();
    match links.count().await {
        Err(Error::SoftDeleteUnavailable { model, field }) => {
            assert_eq!(
                (model.as_str(), field.as_str()),
                ("PersonAddress", "deleted_at")
            );
        }
        other => panic!("expected SoftDeleteUnavailable, got {other:?}"),
    }
}

plugorm_tests::matrix!(
    join_model_rows_are_records_of_the_model,
    join_model_needs_its_soft_delete_plugin,
);
