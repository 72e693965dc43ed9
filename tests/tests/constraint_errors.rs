//! Constraint violations on every backend are typed errors naming what was violated —
//! the constraint on the servers, `table.column` where SQLite names no constraint — and
//! any other database error keeps the database's own code and message.

use plugorm::{DbError, Error};
use plugorm_tests::{hand_schema::db_err, matrix::Backend, product::Product};

plugorm_tests::matrix!(
    violations_are_typed_and_name_the_constraint,
    a_duplicate_key_through_a_model_names_its_constraint,
    other_errors_keep_the_database_code,
);

fn owners_ddl(backend: Backend) -> &'static str {
    backend.pick(
        "CREATE TABLE owners (id INTEGER PRIMARY KEY, email varchar(50), \
         CONSTRAINT owners_email_key UNIQUE (email))",
        "CREATE TABLE owners (id serial PRIMARY KEY, email varchar(50), \
         CONSTRAINT owners_email_key UNIQUE (email))",
        "CREATE TABLE owners (id int AUTO_INCREMENT PRIMARY KEY, email varchar(50), \
         CONSTRAINT owners_email_key UNIQUE (email))",
    )
}

fn pets_ddl(backend: Backend) -> String {
    let id = backend.pick(
        "INTEGER PRIMARY KEY",
        "serial PRIMARY KEY",
        "int AUTO_INCREMENT PRIMARY KEY",
    );
    format!(
        "CREATE TABLE pets (id {id}, owner_id integer, name varchar(20) NOT NULL, \
         CONSTRAINT fk_pets_owner FOREIGN KEY (owner_id) REFERENCES owners(id), \
         CONSTRAINT chk_pets_name CHECK (name <> ''))"
    )
}

async fn violations_are_typed_and_name_the_constraint(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.exec(owners_ddl(backend), ()).await.unwrap();
    db.exec(&pets_ddl(backend), ()).await.unwrap();
    db.exec("INSERT INTO owners (email) VALUES (?)", ("a@x",))
        .await
        .unwrap();

    let e = db
        .exec("INSERT INTO owners (email) VALUES (?)", ("a@x",))
        .await;
    match db_err(e.unwrap_err()) {
        DbError::UniqueViolation {
            constraint,
            message,
        } => {
            let named = backend.pick("owners.email", "owners_email_key", "owners_email_key");
            assert_eq!(constraint.as_deref(), Some(named));
            let says = backend.pick(
                "UNIQUE constraint failed",
                "duplicate key",
                "Duplicate entry",
            );
            assert!(message.contains(says), "{message}");
        }
        other => panic!("expected UniqueViolation, got {other:?}"),
    }
    // The primary key is a unique constraint too.
    let e = db
        .exec("INSERT INTO owners (id, email) VALUES (1, 'b@x')", ())
        .await;
    match db_err(e.unwrap_err()) {
        DbError::UniqueViolation { constraint, .. } => assert_eq!(
            constraint.as_deref(),
            Some(backend.pick("owners.id", "owners_pkey", "PRIMARY"))
        ),
        other => panic!("expected UniqueViolation, got {other:?}"),
    }

    // SQLite's foreign-key errors name no constraint.
    let fk_name = backend.pick(None, Some("fk_pets_owner"), Some("fk_pets_owner"));
    let e = db
        .exec(
            "INSERT INTO pets (owner_id, name) VALUES (?, ?)",
            (99, "rex"),
        )
        .await;
    match db_err(e.unwrap_err()) {
        DbError::ForeignKeyViolation { constraint, .. } => {
            assert_eq!(constraint.as_deref(), fk_name)
        }
        other => panic!("expected ForeignKeyViolation, got {other:?}"),
    }
    let e = db
        .exec("INSERT INTO pets (owner_id, name) VALUES (?, ?)", (1, ""))
        .await;
    match db_err(e.unwrap_err()) {
        DbError::CheckViolation { constraint, .. } => {
            assert_eq!(constraint.as_deref(), Some("chk_pets_name"))
        }
        other => panic!("expected CheckViolation, got {other:?}"),
    }
    // An explicit NULL, and no value without a default.
    let column = backend.pick("pets.name", "name", "name");
    for sql in [
        "INSERT INTO pets (owner_id, name) VALUES (1, NULL)",
        "INSERT INTO pets (owner_id) VALUES (1)",
    ] {
        match db_err(db.exec(sql, ()).await.unwrap_err()) {
            DbError::NotNullViolation { column: c, .. } => {
                assert_eq!(c.as_deref(), Some(column), "{sql}")
            }
            other => panic!("{sql}: expected NotNullViolation, got {other:?}"),
        }
    }
    // Deleting a referenced row violates the foreign key too.
    db.exec(
        "INSERT INTO pets (owner_id, name) VALUES (?, ?)",
        (1, "rex"),
    )
    .await
    .unwrap();
    match db_err(db.exec("DELETE FROM owners", ()).await.unwrap_err()) {
        DbError::ForeignKeyViolation { constraint, .. } => {
            assert_eq!(constraint.as_deref(), fk_name)
        }
        other => panic!("expected ForeignKeyViolation, got {other:?}"),
    }
}

async fn a_duplicate_key_through_a_model_names_its_constraint(backend: Backend) {
    let Some(db) = backend.products_with(&[("dup", 1)]).await else {
        return;
    };
    let mut again = Product {
        code: "dup".into(),
        price: 2,
        ..Default::default()
    };
    match db_err(db.create(&mut again).await.unwrap_err()) {
        DbError::UniqueViolation { constraint, .. } => assert_eq!(
            constraint.as_deref(),
            Some(backend.pick("products.code", "uni_products_code", "uni_products_code"))
        ),
        other => panic!("expected UniqueViolation, got {other:?}"),
    }
}

async fn other_errors_keep_the_database_code(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let e = db.raw("SELECT * FROM nowhere", ()).await.unwrap_err();
    match db_err(e) {
        DbError::Database { code, message } => {
            assert_eq!(
                code.as_deref(),
                backend.pick(Some("1"), Some("42P01"), Some("1146"))
            );
            assert!(message.contains("nowhere"), "{message}");
            if backend == Backend::Sqlite {
                assert!(message.contains("no such table"), "{message}");
            }
        }
        other => panic!("expected a database error, got {other:?}"),
    }
    let e: Error = db.exec("SELEC 1", ()).await.unwrap_err();
    match db_err(e) {
        DbError::Database { code, .. } => {
            assert_eq!(
                code.as_deref(),
                backend.pick(Some("1"), Some("42601"), Some("1064"))
            )
        }
        other => panic!("expected a database error, got {other:?}"),
    }
}
