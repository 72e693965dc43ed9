//! Joins preloading on SQLite, PostgreSQL and MariaDB: a has-one or belongs-to relation
//! read in the owners' query (G58), with conditions in the ON clause (G59), nested
//! through a self-reference, decoded back into each owner — one statement in all.

#[path = "assoc/capture.rs"]
mod capture;
#[path = "assoc/models.rs"]
mod models;

use capture::Statements;
use plugorm::{relation::RelationError, Error, Model, Query};
use plugorm_tests::matrix::{Backend, SOFT_DELETE};

use models::{migrate, sample, Company, Profile, User};

/// GORM's `User` of the golden SQL: `gorm.Model`, name, age, active and a company.
mod golden {
    use chrono::{DateTime, Utc};
    use plugorm::Model;

    #[derive(Model, Debug, Default, Clone)]
    #[orm(table = "companies")]
    pub struct Company {
        pub id: i64,
        pub name: String,
    }

    #[derive(Model, Debug, Default, Clone)]
    #[orm(table = "users")]
    pub struct User {
        pub id: u64,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
        #[orm(soft_delete, index)]
        pub deleted_at: Option<DateTime<Utc>>,
        pub name: String,
        pub age: u64,
        pub active: bool,
        pub company_id: Option<i64>,
        pub company: Option<Company>,
    }
}

/// G58 and G59 exactly, as the query renders them on each dialect.
async fn golden_g58_g59(backend: Backend) {
    let Some(db) = backend.open(SOFT_DELETE).await else {
        return;
    };
    let g58 = db
        .model::<golden::User>()
        .join_relation("Company")
        .find_sql()
        .await
        .unwrap();
    let expected = backend.pick(
        "SELECT `users`.`id`,`users`.`created_at`,`users`.`updated_at`,`users`.`deleted_at`,`users`.`name`,`users`.`age`,`users`.`active`,`users`.`company_id`,`Company`.`id` AS `Company__id`,`Company`.`name` AS `Company__name` FROM `users` LEFT JOIN `companies` `Company` ON `users`.`company_id` = `Company`.`id` WHERE `users`.`deleted_at` IS NULL",
        r#"SELECT "users"."id","users"."created_at","users"."updated_at","users"."deleted_at","users"."name","users"."age","users"."active","users"."company_id","Company"."id" AS "Company__id","Company"."name" AS "Company__name" FROM "users" LEFT JOIN "companies" "Company" ON "users"."company_id" = "Company"."id" WHERE "users"."deleted_at" IS NULL"#,
        "SELECT `users`.`id`,`users`.`created_at`,`users`.`updated_at`,`users`.`deleted_at`,`users`.`name`,`users`.`age`,`users`.`active`,`users`.`company_id`,`Company`.`id` AS `Company__id`,`Company`.`name` AS `Company__name` FROM `users` LEFT JOIN `companies` `Company` ON `users`.`company_id` = `Company`.`id` WHERE `users`.`deleted_at` IS NULL",
    );
    assert_eq!(g58.text.as_str(), expected);
    assert!(g58.params.is_empty());

    let g59 = db
        .model::<golden::User>()
        .inner_join_relation_with("Company", |q: Query<golden::Company>| {
            q.filter_struct(&golden::Company {
                name: "acme".into(),
                ..Default::default()
            })
        })
        .find_sql()
        .await
        .unwrap();
    let expected = backend.pick(
        "SELECT `users`.`id`,`users`.`created_at`,`users`.`updated_at`,`users`.`deleted_at`,`users`.`name`,`users`.`age`,`users`.`active`,`users`.`company_id`,`Company`.`id` AS `Company__id`,`Company`.`name` AS `Company__name` FROM `users` INNER JOIN `companies` `Company` ON `users`.`company_id` = `Company`.`id` AND `Company`.`name` = ? WHERE `users`.`deleted_at` IS NULL",
        r#"SELECT "users"."id","users"."created_at","users"."updated_at","users"."deleted_at","users"."name","users"."age","users"."active","users"."company_id","Company"."id" AS "Company__id","Company"."name" AS "Company__name" FROM "users" INNER JOIN "companies" "Company" ON "users"."company_id" = "Company"."id" AND "Company"."name" = $1 WHERE "users"."deleted_at" IS NULL"#,
        "SELECT `users`.`id`,`users`.`created_at`,`users`.`updated_at`,`users`.`deleted_at`,`users`.`name`,`users`.`age`,`users`.`active`,`users`.`company_id`,`Company`.`id` AS `Company__id`,`Company`.`name` AS `Company__name` FROM `users` INNER JOIN `companies` `Company` ON `users`.`company_id` = `Company`.`id` AND `Company`.`name` = ? WHERE `users`.`deleted_at` IS NULL",
    );
    assert_eq!(g59.text.as_str(), expected);
    assert_eq!(g59.params.len(), 1);
}

/// belongs-to and has-one in one statement: each user gets its own company and profile;
/// a user without a company (LEFT JOIN, all NULL) gets none; an INNER JOIN drops it, and
/// counts agree.
async fn belongs_to_and_has_one_in_one_query(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    migrate(&db).await;
    let mut ann = sample("ann");
    let mut bob = sample("bob");
    let mut cid = User {
        name: "cid".into(),
        ..Default::default()
    };
    db.create(&mut ann).await.unwrap();
    db.create(&mut bob).await.unwrap();
    db.create(&mut cid).await.unwrap();

    let (sql, _guard) = Statements::capture();
    let users: Vec<User> = db
        .model::<User>()
        .join_relation("Company")
        .join_relation("Profile")
        .order("users.id")
        .find()
        .await
        .unwrap();
    assert_eq!(
        sql.take().len(),
        1,
        "one statement for the users and both relations"
    );
    let names: Vec<(&str, Option<&str>, Option<&str>)> = users
        .iter()
        .map(|u| {
            (
                u.name.as_str(),
                u.company.as_ref().map(|c| c.name.as_str()),
                u.profile.as_ref().map(|p| p.bio.as_str()),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("ann", Some("ann Inc"), Some("ann's bio")),
            ("bob", Some("bob Inc"), Some("bob's bio")),
            ("cid", None, None),
        ]
    );
    let stored: Company = db
        .model::<Company>()
        .id(ann.company_id.unwrap())
        .first()
        .await
        .unwrap();
    assert_eq!(users[0].company.as_ref(), Some(&stored));
    assert_eq!(users[0].profile.as_ref().unwrap().user_id, Some(ann.id));
    assert!(users[0].pets.is_empty(), "only the joined relations load");

    let inner: Vec<User> = db
        .model::<User>()
        .inner_join_relation("Company")
        .find()
        .await
        .unwrap();
    assert_eq!(inner.len(), 2);
    assert!(inner.iter().all(|u| u.company.is_some()));
    let n = db
        .model::<User>()
        .inner_join_relation("Company")
        .count()
        .await
        .unwrap();
    assert_eq!(n, 2);

    // Conditions on the joined record go into ON: a LEFT JOIN keeps every user.
    let only_ann: Vec<User> = db
        .model::<User>()
        .join_relation_with("Company", |q: Query<Company>| {
            q.filter_map([("name", "ann Inc")]).unwrap()
        })
        .order("users.id")
        .find()
        .await
        .unwrap();
    let companies: Vec<Option<&str>> = only_ann
        .iter()
        .map(|u| u.company.as_ref().map(|c| c.name.as_str()))
        .collect();
    assert_eq!(companies, [Some("ann Inc"), None, None]);
    // With INNER, the condition filters the owners; joins mix with separate preloads.
    let with_pets: Vec<User> = db
        .model::<User>()
        .inner_join_relation_with("Company", |q: Query<Company>| {
            q.filter_map([("name", "bob Inc")]).unwrap()
        })
        .preload("Pets")
        .find()
        .await
        .unwrap();
    assert_eq!(with_pets.len(), 1);
    assert_eq!(with_pets[0].name, "bob");
    assert_eq!(with_pets[0].pets.len(), 2);
    let one: User = db
        .model::<User>()
        .join_relation("Profile")
        .filter("users.name = ?", ("bob",))
        .first()
        .await
        .unwrap();
    assert_eq!(
        one.profile.map(|p: Profile| p.bio),
        Some("bob's bio".into())
    );
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
struct Firm {
    id: i64,
    #[orm(size = 32)]
    name: String,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
struct Staff {
    id: i64,
    #[orm(size = 32)]
    name: String,
    firm_id: Option<i64>,
    firm: Option<Firm>,
    manager_id: Option<i64>,
    manager: Option<Box<Staff>>,
}

/// `"Manager.Firm"`: the manager (a self-reference) and the manager's firm, joined
/// through the alias chain in the same statement.
async fn nested_joins_through_a_self_reference(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    db.auto_migrate_all::<(Staff, Firm)>().await.unwrap();
    let mut boss = Staff {
        name: "boss".into(),
        firm: Some(Firm {
            name: "acme".into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    db.create(&mut boss).await.unwrap();
    let mut dev = Staff {
        name: "dev".into(),
        manager_id: Some(boss.id),
        firm: Some(Firm {
            name: "contractor".into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    db.create(&mut dev).await.unwrap();

    let (sql, _guard) = Statements::capture();
    let staff: Vec<Staff> = db
        .model::<Staff>()
        .join_relation("Firm")
        .join_relation("Manager.Firm")
        .order("staffs.id")
        .find()
        .await
        .unwrap();
    let statements = sql.take();
    assert_eq!(statements.len(), 1, "{statements:#?}");
    let alias = backend.pick(
        "`Manager__Firm`.`name` AS `Manager__Firm__name`",
        r#""Manager__Firm"."name" AS "Manager__Firm__name""#,
        "`Manager__Firm`.`name` AS `Manager__Firm__name`",
    );
    assert!(statements[0].contains(alias), "{}", statements[0]);
    assert_eq!(staff.len(), 2);
    assert!(staff[0].manager.is_none(), "the boss has no manager");
    assert_eq!(staff[0].firm.as_ref().unwrap().name, "acme");
    let manager = staff[1].manager.as_ref().unwrap();
    assert_eq!(manager.name, "boss");
    assert_eq!(manager.firm.as_ref().map(|f| f.name.as_str()), Some("acme"));
    assert_eq!(staff[1].firm.as_ref().unwrap().name, "contractor");
}

/// A has-many or many-to-many relation cannot be joined one row per owner: a typed error
/// naming it, before anything runs.
async fn joins_of_collections_are_refused(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    migrate(&db).await;
    for name in ["Pets", "Languages"] {
        match db.model::<User>().join_relation(name).find().await {
            Err(Error::Relation(RelationError::Invalid { field, reason, .. })) => {
                assert_eq!(field, name.to_ascii_lowercase());
                assert!(reason.contains("preload"), "{reason}");
            }
            other => panic!("expected an invalid join of {name}, got {other:?}"),
        }
    }
    assert!(matches!(
        db.model::<User>().join_relation("Nope").find().await,
        Err(Error::Relation(RelationError::Unknown { .. }))
    ));
}

plugorm_tests::matrix!(
    golden_g58_g59,
    belongs_to_and_has_one_in_one_query,
    nested_joins_through_a_self_reference,
    joins_of_collections_are_refused,
);
