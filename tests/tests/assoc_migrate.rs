//! FOREIGN KEY constraints of relations on SQLite, PostgreSQL and MariaDB: AutoMigrate of
//! several models creates them in dependency order (G126), with the model's ON DELETE /
//! ON UPDATE actions; the database reports them back so a second run issues no DDL; they
//! reject a dangling key with a typed error and cascade when declared; an existing table
//! gains a missing one through ALTER TABLE where the dialect can (G133).

// Shared with the other association tests; this file uses only the models.
#[allow(dead_code)]
#[path = "assoc/models.rs"]
mod models;

use plugorm::{DbError, Error, Model};
use plugorm_tests::matrix::Backend;

use models::{Company, Language, Pet, Profile, Toy, User};

fn position(reports: &[plugorm::migrator::MigrationReport], table: &str) -> usize {
    match reports.iter().position(|r| r.table == table) {
        Some(p) => p,
        None => panic!("no report for `{table}`"),
    }
}

fn db_error(e: Error) -> DbError {
    match e {
        Error::Db(d) => d,
        other => panic!("expected a database error, got {other:?}"),
    }
}

/// Tables come referenced-first whatever order the tuple gives; every relation's
/// constraint is created with the table holding its key (none for the polymorphic toys);
/// the database describes them; a second run does nothing.
async fn constraints_in_dependency_order_then_nothing(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let reports = db
        .auto_migrate_all::<(Pet, Toy, User, Profile, Language, Company)>()
        .await
        .unwrap();
    let at = |t: &str| position(&reports, t);
    assert!(at("companies") < at("users"));
    assert!(at("users") < at("pets") && at("users") < at("profiles"));
    assert!(at("languages") < at("user_languages") && at("users") < at("user_languages"));
    let created = |t: &str| reports[at(t)].created_constraints.clone();
    assert_eq!(created("users"), ["fk_users_company"]);
    assert_eq!(created("pets"), ["fk_users_pets"]);
    assert_eq!(created("profiles"), ["fk_users_profile"]);
    assert_eq!(
        created("user_languages"),
        ["fk_user_languages_user", "fk_user_languages_language"]
    );
    assert!(created("toys").is_empty() && created("companies").is_empty());
    assert!(reports.iter().all(|r| r.skipped_constraints.is_empty()));
    assert!(reports.iter().all(|r| r.created_table));

    let pets = db.migrator().describe_table("pets").await.unwrap();
    assert_eq!(pets.foreign_keys.len(), 1, "{:?}", pets.foreign_keys);
    let fk = &pets.foreign_keys[0];
    assert_eq!(fk.name, "fk_users_pets");
    assert_eq!(fk.columns.as_slice(), ["user_id"]);
    assert_eq!(fk.referenced_table, "users");
    assert_eq!(fk.referenced_columns.as_slice(), ["id"]);
    let join = db
        .migrator()
        .describe_table("user_languages")
        .await
        .unwrap();
    let mut targets: Vec<String> = join
        .foreign_keys
        .iter()
        .map(|f| format!("{}->{}", f.columns[0], f.referenced_table))
        .collect();
    targets.sort();
    assert_eq!(targets, ["language_id->languages", "user_id->users"]);
    assert!(db.migrator().has_constraint::<User>("Pets").await.unwrap());
    assert!(db
        .migrator()
        .has_constraint::<User>("fk_user_languages_language")
        .await
        .unwrap());

    let again = db
        .auto_migrate_all::<(Company, User, Pet, Profile, Toy, Language)>()
        .await
        .unwrap();
    for r in &again {
        assert!(r.is_empty(), "{}: {:?}", r.table, r.statements);
    }
}

/// A key that points at nothing is refused with the typed error naming the constraint
/// (PostgreSQL and MariaDB name it; SQLite reports no name); so is deleting a referenced
/// row while children point at it (no ON DELETE action).
async fn dangling_keys_are_foreign_key_violations(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate_all::<(Company, User, Pet)>().await.unwrap();
    let mut stray = Pet {
        user_id: Some(4242),
        name: "stray".into(),
        ..Default::default()
    };
    match db_error(db.create(&mut stray).await.unwrap_err()) {
        DbError::ForeignKeyViolation { constraint, .. } => {
            if backend != Backend::Sqlite {
                assert_eq!(constraint.as_deref(), Some("fk_users_pets"));
            }
        }
        other => panic!("expected a foreign key violation, got {other:?}"),
    }
    assert_eq!(db.model::<Pet>().count().await.unwrap(), 0);
    let mut ann = User {
        name: "ann".into(),
        pets: vec![Pet {
            name: "rex".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    db.create(&mut ann).await.unwrap();
    let e = db.model::<User>().id(ann.id).delete().await.unwrap_err();
    assert!(
        matches!(db_error(e), DbError::ForeignKeyViolation { .. }),
        "a user with pets cannot go"
    );
    assert_eq!(db.model::<User>().count().await.unwrap(), 1);
}

#[derive(Model, Debug, Default, Clone)]
struct Shelf {
    id: i64,
    #[orm(size = 32)]
    label: String,
}

#[derive(Model, Debug, Default, Clone)]
struct Book {
    id: i64,
    author_id: Option<i64>,
    shelf_id: Option<i64>,
    #[orm(size = 64)]
    title: String,
    #[orm(on_delete = "SET NULL", on_update = "CASCADE")]
    shelf: Option<Shelf>,
}

#[derive(Model, Debug, Default, Clone)]
struct Author {
    id: i64,
    #[orm(on_delete = "CASCADE")]
    books: Vec<Book>,
    /// No FOREIGN KEY for this one.
    #[orm(no_constraint, foreign_key = "author_id")]
    drafts: Vec<Draft>,
}

#[derive(Model, Debug, Default, Clone)]
struct Draft {
    id: i64,
    author_id: Option<i64>,
    #[orm(size = 64)]
    title: String,
}

/// ON DELETE CASCADE removes the children with their owner; ON DELETE SET NULL clears the
/// key; the actions are what the database reports; `no_constraint` creates none.
async fn declared_actions_cascade_and_set_null(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let reports = db
        .auto_migrate_all::<(Book, Author, Shelf, Draft)>()
        .await
        .unwrap();
    let books = &reports[position(&reports, "books")];
    let mut names = books.created_constraints.clone();
    names.sort();
    assert_eq!(names, ["fk_authors_books", "fk_books_shelf"]);
    let info = db.migrator().describe_table("books").await.unwrap();
    let by_name = |n: &str| match info.foreign_key(n) {
        Some(f) => (f.on_delete.to_string(), f.on_update.to_string()),
        None => panic!("no constraint {n}: {:?}", info.foreign_keys),
    };
    assert_eq!(by_name("fk_authors_books").0, "CASCADE");
    assert_eq!(
        by_name("fk_books_shelf"),
        ("SET NULL".to_string(), "CASCADE".to_string())
    );
    let drafts = db.migrator().describe_table("drafts").await.unwrap();
    assert!(drafts.foreign_keys.is_empty(), "no_constraint");

    let mut author = Author {
        books: vec![
            Book {
                title: "one".into(),
                shelf: Some(Shelf {
                    label: "top".into(),
                    ..Default::default()
                }),
                ..Default::default()
            },
            Book {
                title: "two".into(),
                ..Default::default()
            },
        ],
        drafts: vec![Draft {
            title: "wip".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    db.create(&mut author).await.unwrap();
    let shelf_id = author.books[0].shelf_id.unwrap();
    db.model::<Shelf>().id(shelf_id).delete().await.unwrap();
    let one: Book = db
        .model::<Book>()
        .id(author.books[0].id)
        .first()
        .await
        .unwrap();
    assert_eq!(one.shelf_id, None, "SET NULL");
    db.model::<Author>().id(author.id).delete().await.unwrap();
    assert_eq!(db.model::<Book>().count().await.unwrap(), 0, "CASCADE");
    assert_eq!(
        db.model::<Draft>().count().await.unwrap(),
        1,
        "no constraint, no cascade"
    );
}

/// Tables migrated one model at a time know only their own constraints; migrating the
/// models together later adds the missing one with ALTER TABLE (G133) on PostgreSQL and
/// MariaDB, and by rebuilding the table on SQLite. The constraint can be dropped and
/// created again by relation name.
async fn existing_tables_gain_constraints(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate::<Pet>().await.unwrap();
    db.auto_migrate::<Company>().await.unwrap();
    let users = db.auto_migrate::<User>().await.unwrap();
    // The join table's constraint to `users` is created; the one to `languages` cannot be
    // yet: that table does not exist.
    assert_eq!(
        users.created_constraints,
        ["fk_users_company", "fk_user_languages_user"]
    );
    assert_eq!(users.skipped_constraints.len(), 1, "{users:?}");
    assert!(users.skipped_constraints[0].starts_with("fk_user_languages_language"));
    assert!(!db.migrator().has_constraint::<User>("Pets").await.unwrap());

    let reports = db
        .auto_migrate_all::<(User, Pet, Language)>()
        .await
        .unwrap();
    let pets = &reports[position(&reports, "pets")];
    let join = &reports[position(&reports, "user_languages")];
    let add = backend.pick(
        "",
        r#"ALTER TABLE "pets" ADD CONSTRAINT "fk_users_pets" FOREIGN KEY ("user_id") REFERENCES "users"("id")"#,
        "ALTER TABLE `pets` ADD CONSTRAINT `fk_users_pets` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`)",
    );
    if backend == Backend::Sqlite {
        // SQLite's ALTER TABLE adds no constraint: the tables are rebuilt with theirs.
        assert_eq!(pets.rebuilt_tables, ["pets"]);
        assert_eq!(join.rebuilt_tables, ["user_languages"]);
        assert!(pets
            .statements
            .iter()
            .any(|s| s.starts_with("CREATE TABLE `pets__temp`")
                && s.contains(
                    "CONSTRAINT `fk_users_pets` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`)"
                )));
    } else {
        assert_eq!(pets.statements, [add]);
        assert!(pets.rebuilt_tables.is_empty());
    }
    assert!(pets.skipped_constraints.is_empty() && join.skipped_constraints.is_empty());
    assert_eq!(pets.created_constraints, ["fk_users_pets"]);
    assert_eq!(join.created_constraints, ["fk_user_languages_language"]);
    assert!(db.migrator().has_constraint::<User>("Pets").await.unwrap());
    let again = db
        .auto_migrate_all::<(User, Pet, Language)>()
        .await
        .unwrap();
    assert!(again.iter().all(|r| r.is_empty()));

    let dropped = db
        .migrator()
        .drop_constraint::<User>("fk_users_pets")
        .await
        .unwrap();
    let drop = backend.pick(
        "",
        r#"ALTER TABLE "pets" DROP CONSTRAINT "fk_users_pets""#,
        "ALTER TABLE `pets` DROP CONSTRAINT `fk_users_pets`",
    );
    let migrator = db.migrator();
    let created = || migrator.create_constraint::<User>("Pets");
    if backend == Backend::Sqlite {
        assert_eq!(dropped.rebuilt_tables, ["pets"]);
        assert!(!db.migrator().has_constraint::<User>("Pets").await.unwrap());
        assert_eq!(created().await.unwrap().rebuilt_tables, ["pets"]);
        assert!(db.migrator().has_constraint::<User>("pets").await.unwrap());
        return;
    }
    assert_eq!(dropped.statements, [drop]);
    assert!(!db.migrator().has_constraint::<User>("Pets").await.unwrap());
    assert_eq!(created().await.unwrap().statements, [add]);
    assert!(db.migrator().has_constraint::<User>("pets").await.unwrap());
}

/// `create_table` writes the constraints of the model's own belongs-to relations.
async fn create_table_writes_belongs_to_constraints(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate::<Company>().await.unwrap();
    let report = db.migrator().create_table::<User>().await.unwrap();
    assert_eq!(report.created_constraints, ["fk_users_company"]);
    let users = db.migrator().describe_table("users").await.unwrap();
    assert_eq!(users.foreign_keys.len(), 1);
    assert_eq!(users.foreign_keys[0].referenced_table, "companies");
}

/// G126's models: `gorm.Model`, a pet's `UserID`, a checked `Name`; the user has the pets.
mod golden {
    use chrono::{DateTime, Utc};
    use plugorm::Model;

    #[derive(Model, Debug, Default, Clone)]
    #[orm(table = "users")]
    pub struct GUser {
        pub id: u64,
        #[orm(foreign_key = "user_id")]
        pub pets: Vec<GPet>,
    }

    #[derive(Model, Debug, Default, Clone)]
    #[orm(table = "pets")]
    pub struct GPet {
        pub id: u64,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
        #[orm(index)]
        pub deleted_at: Option<DateTime<Utc>>,
        pub user_id: u64,
        #[orm(size = 100, not_null, check = "name <> ''")]
        pub name: String,
    }
}

/// G126 with its FOREIGN KEY, as AutoMigrate of the user and the pet runs it (MariaDB:
/// plugorm creates indexes after the table, see tests/mysql/migrate.rs).
async fn golden_g126_with_its_foreign_key(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let reports = db
        .auto_migrate_all::<(golden::GPet, golden::GUser)>()
        .await
        .unwrap();
    assert_eq!(reports[0].table, "users");
    let expected: &[&str] = backend.pick(
        &[
            "CREATE TABLE `pets` (`id` integer PRIMARY KEY AUTOINCREMENT,`created_at` datetime,`updated_at` datetime,`deleted_at` datetime,`user_id` integer,`name` text NOT NULL,CONSTRAINT `fk_users_pets` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`),CONSTRAINT `chk_pets_name` CHECK (name <> ''))",
            "CREATE INDEX `idx_pets_deleted_at` ON `pets`(`deleted_at`)",
        ],
        &[
            r#"CREATE TABLE "pets" ("id" bigserial,"created_at" timestamptz,"updated_at" timestamptz,"deleted_at" timestamptz,"user_id" bigint,"name" varchar(100) NOT NULL,PRIMARY KEY ("id"),CONSTRAINT "fk_users_pets" FOREIGN KEY ("user_id") REFERENCES "users"("id"),CONSTRAINT "chk_pets_name" CHECK (name <> ''))"#,
            r#"CREATE INDEX IF NOT EXISTS "idx_pets_deleted_at" ON "pets" ("deleted_at")"#,
        ],
        &[
            "CREATE TABLE `pets` (`id` bigint unsigned AUTO_INCREMENT,`created_at` datetime(3) NULL,`updated_at` datetime(3) NULL,`deleted_at` datetime(3) NULL,`user_id` bigint unsigned,`name` varchar(100) NOT NULL,PRIMARY KEY (`id`),CONSTRAINT `fk_users_pets` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`),CONSTRAINT `chk_pets_name` CHECK (name <> ''))",
            "CREATE INDEX `idx_pets_deleted_at` ON `pets`(`deleted_at`)",
        ],
    );
    assert_eq!(reports[1].statements, expected);
}

plugorm_tests::matrix!(
    constraints_in_dependency_order_then_nothing,
    dangling_keys_are_foreign_key_violations,
    declared_actions_cascade_and_set_null,
    existing_tables_gain_constraints,
    create_table_writes_belongs_to_constraints,
    golden_g126_with_its_foreign_key,
);
