//! Typed errors on every backend: a duplicated key, a foreign key, a CHECK and a NOT NULL
//! violation each come back as their own `DbError` variant, with the constraint or column
//! name where the database reports it.

use plugorm::{DbError, Error, Model, Value};
use plugorm_tests::{matrix::Backend, product::Product};

plugorm_tests::matrix!(constraint_violations_are_typed_and_named);

/// A child row with a foreign key to `parents` and a CHECK on `qty` (tables made by DDL
/// so the constraint names are known).
#[derive(Model, Debug, Default, Clone, PartialEq)]
struct Kid {
    id: i64,
    parent_id: i64,
    qty: i64,
}

async fn constraint_violations_are_typed_and_named(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    db.exec("CREATE TABLE parents (id INTEGER PRIMARY KEY)", ())
        .await
        .unwrap();
    let key = backend.pick(
        "INTEGER PRIMARY KEY",
        "BIGSERIAL PRIMARY KEY",
        "BIGINT AUTO_INCREMENT PRIMARY KEY",
    );
    db.exec(
        &format!(
            "CREATE TABLE kids (id {key}, parent_id INTEGER NOT NULL, qty INTEGER NOT NULL, \
             CONSTRAINT fk_kids_parent FOREIGN KEY (parent_id) REFERENCES parents (id), \
             CONSTRAINT chk_kids_qty CHECK (qty > 0))"
        ),
        (),
    )
    .await
    .unwrap();
    db.exec("INSERT INTO parents (id) VALUES (1)", ())
        .await
        .unwrap();

    let mut p = Product {
        code: "dup".into(),
        price: 1,
        ..Default::default()
    };
    db.create(&mut p).await.unwrap();

    // Duplicated key: the unique constraint AutoMigrate named (SQLite reports the column).
    let mut again = Product {
        code: "dup".into(),
        price: 2,
        ..Default::default()
    };
    match db.create(&mut again).await.unwrap_err() {
        Error::Db(DbError::UniqueViolation { constraint, .. }) => assert_eq!(
            constraint.as_deref(),
            Some(backend.pick("products.code", "uni_products_code", "uni_products_code"))
        ),
        e => panic!("expected a duplicated key, got {e:?}"),
    }

    // NOT NULL: the column (SQLite qualifies it with its table).
    match db
        .model::<Product>()
        .create_map([("code", Value::Null), ("price", Value::from(1))])
        .await
        .unwrap_err()
    {
        Error::Db(DbError::NotNullViolation { column, .. }) => assert_eq!(
            column.as_deref(),
            Some(backend.pick("products.code", "code", "code"))
        ),
        e => panic!("expected a NOT NULL violation, got {e:?}"),
    }

    // Foreign key: named by PostgreSQL and MariaDB; SQLite does not say which.
    let mut orphan = Kid {
        parent_id: 99,
        qty: 1,
        ..Default::default()
    };
    match db.create(&mut orphan).await.unwrap_err() {
        Error::Db(DbError::ForeignKeyViolation { constraint, .. }) => assert_eq!(
            constraint.as_deref(),
            backend.pick(None, Some("fk_kids_parent"), Some("fk_kids_parent"))
        ),
        e => panic!("expected a foreign key violation, got {e:?}"),
    }

    // CHECK: named everywhere.
    let mut negative = Kid {
        parent_id: 1,
        qty: -1,
        ..Default::default()
    };
    match db.create(&mut negative).await.unwrap_err() {
        Error::Db(DbError::CheckViolation { constraint, .. }) => {
            assert_eq!(constraint.as_deref(), Some("chk_kids_qty"))
        }
        e => panic!("expected a CHECK violation, got {e:?}"),
    }

    // The same errors from a bulk UPDATE.
    let mut kid = Kid {
        parent_id: 1,
        qty: 5,
        ..Default::default()
    };
    db.create(&mut kid).await.unwrap();
    let e = db
        .model::<Kid>()
        .id(kid.id)
        .update("qty", 0)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Db(DbError::CheckViolation { constraint: Some(c), .. }) if c == "chk_kids_qty"),
        "{e:?}"
    );
    let e = db
        .model::<Kid>()
        .id(kid.id)
        .update("parent_id", 42)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Db(DbError::ForeignKeyViolation { .. })),
        "{e:?}"
    );

    // Nothing the refused writes tried is there.
    assert_eq!(db.model::<Product>().count().await.unwrap(), 1);
    let kids = db.model::<Kid>().find().await.unwrap();
    assert_eq!(kids, [kid]);
}
