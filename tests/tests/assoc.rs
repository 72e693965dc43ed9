//! Associations on SQLite, PostgreSQL and MariaDB: relations declared on derived models
//! and resolved by GORM's conventions, creating a record with its associations, preloading
//! (one query per relation level, counted through the SQL logger), nested and conditional
//! preloads, key sets split by the parameter limit, and association mode.

#[path = "assoc/capture.rs"]
mod capture;
#[path = "assoc/models.rs"]
mod models;

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc, Mutex,
};

use capture::Statements;
use models::*;
use plugorm::{
    plugin_api::{steps, Callback, CallbackContext, DbResult},
    relation::{RelationError, RelationKind},
    Error, Model, Query,
};
use plugorm_tests::matrix::Backend;

#[test]
fn relations_are_not_columns_and_follow_gorms_conventions() {
    let columns: Vec<&str> = User::schema()
        .fields
        .iter()
        .map(|f| f.column.as_str())
        .collect();
    assert_eq!(columns, ["id", "name", "company_id"]);
    let kinds: Vec<(&str, RelationKind)> = User::relations()
        .iter()
        .map(|r| (r.name(), r.resolved().unwrap().kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("company", RelationKind::BelongsTo),
            ("profile", RelationKind::HasOne),
            ("pets", RelationKind::HasMany),
            ("toys", RelationKind::HasMany),
            ("languages", RelationKind::ManyToMany),
        ]
    );
    let pets = User::relations()[2].resolved().unwrap();
    assert_eq!(pets.fk_table, "pets");
    assert_eq!(pets.foreign_key_columns(), ["user_id"]);
    let toys = User::relations()[3].resolved().unwrap();
    assert_eq!(toys.polymorphic.as_ref().unwrap().value, "users");
    assert_eq!(Toy::schema().fields[toys.target_keys[0]].column, "owner_id");
    assert!(
        !toys.constraint,
        "a polymorphic id points at several tables"
    );
    let pet_toys = Pet::relations()[0].resolved().unwrap();
    assert_eq!(pet_toys.polymorphic.as_ref().unwrap().value, "pet");
    let langs = User::relations()[4].resolved().unwrap();
    let join = langs.join.as_ref().unwrap();
    assert_eq!(join.table, "user_languages");
    assert_eq!(join.owner_columns, ["user_id"]);
    assert_eq!(join.target_columns, ["language_id"]);
}

#[derive(Model, Debug, Default, Clone)]
struct Owner {
    id: i64,
    #[orm(foreign_key = "holder")]
    things: Vec<Thing>,
}

#[derive(Model, Debug, Default, Clone)]
struct Thing {
    id: i64,
    owner_id: i64,
}

#[derive(Model, Debug, Default, Clone)]
struct Employee {
    id: i64,
    manager_id: Option<i64>,
    /// A self-reference: belongs-to through `manager_id`.
    manager: Option<Box<Employee>>,
    #[orm(foreign_key = "manager_id")]
    reports: Vec<Employee>,
    #[orm(many_to_many = "employee_friends")]
    friends: Vec<Employee>,
}

#[test]
fn bad_keys_are_typed_errors_and_self_references_resolve() {
    match Owner::relations()[0].resolved() {
        Err(RelationError::UnknownKeyField { name, role, .. }) => {
            assert_eq!((name.as_str(), role), ("holder", "foreign key"));
        }
        other => panic!("expected UnknownKeyField, got {other:?}"),
    }
    let r = Employee::relations();
    assert_eq!(r[0].resolved().unwrap().kind, RelationKind::BelongsTo);
    assert_eq!(r[1].resolved().unwrap().kind, RelationKind::HasMany);
    let friends = r[2].resolved().unwrap().join.clone().unwrap();
    assert_eq!(friends.owner_columns, ["employee_id"]);
    assert_eq!(friends.target_columns, ["friend_id"]);
}

/// Creating a user saves its company first, then the user, then its profile, pets (and
/// their toys), toys and languages with their join rows; preloading everything reads one
/// query per relation level and gives each record back to its owner.
async fn create_then_preload_everything(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    migrate(&db).await;
    // AutoMigrate of `User` created the join table, keyed by both columns.
    let join = db
        .migrator()
        .describe_table("user_languages")
        .await
        .unwrap();
    assert!(join.exists);
    let mut keys: Vec<String> = join
        .columns
        .iter()
        .filter(|c| c.primary_key)
        .map(|c| c.name.to_string())
        .collect();
    keys.sort();
    assert_eq!(keys, ["language_id", "user_id"]);
    let mut ann = sample("ann");
    let mut bob = sample("bob");
    db.create(&mut ann).await.unwrap();
    db.create(&mut bob).await.unwrap();
    let company = ann.company.clone().unwrap();
    assert!(company.id > 0);
    assert_eq!(ann.company_id, Some(company.id));
    assert!(ann
        .pets
        .iter()
        .all(|p| p.id > 0 && p.user_id == Some(ann.id)));
    assert_eq!(ann.toys[0].owner_type.as_deref(), Some("users"));
    assert_eq!(ann.pets[0].toys[0].owner_type.as_deref(), Some("pet"));
    assert_eq!(ann.pets[0].toys[0].owner_id, Some(ann.pets[0].id));
    let joined = db
        .raw("SELECT user_id FROM user_languages", ())
        .await
        .unwrap();
    assert_eq!(joined.len(), 4);

    let (sql, _guard) = Statements::capture();
    let users: Vec<User> = db
        .model::<User>()
        .preload("Company")
        .preload("Profile")
        .preload("Pets.Toys")
        .preload("Toys")
        .preload("Languages")
        .order("id")
        .find()
        .await
        .unwrap();
    let statements = sql.take();
    // users, companies, profiles, pets, the pets' toys, toys, user_languages, languages.
    assert_eq!(statements.len(), 8, "{statements:#?}");
    assert_eq!(users.len(), 2);
    let a = &users[0];
    assert_eq!(a.company.as_ref().map(|c| c.name.as_str()), Some("ann Inc"));
    assert_eq!(
        a.profile.as_ref().map(|p| p.bio.as_str()),
        Some("ann's bio")
    );
    let mut pet_names: Vec<&str> = a.pets.iter().map(|p| p.name.as_str()).collect();
    pet_names.sort();
    assert_eq!(pet_names, ["ann-rex", "ann-tom"]);
    let rex = a.pets.iter().find(|p| p.name == "ann-rex").unwrap();
    assert_eq!(rex.toys.len(), 1);
    assert_eq!(rex.toys[0].name, "bone");
    assert_eq!(a.toys.len(), 1, "the user's toys are not the pets' toys");
    assert_eq!(a.toys[0].name, "kite");
    let mut codes: Vec<&str> = a.languages.iter().map(|l| l.code.as_str()).collect();
    codes.sort();
    assert_eq!(codes, ["en", "fr"]);
    assert_eq!(users[1].company.as_ref().unwrap().name, "bob Inc");
    assert!(users[1].pets.iter().all(|p| p.user_id == Some(users[1].id)));
}

/// Conditions on a preload, preloading every relation, and a wrong preload name.
async fn preload_with_conditions_and_all(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    migrate(&db).await;
    let mut ann = sample("ann");
    db.create(&mut ann).await.unwrap();
    let u: User = db
        .model::<User>()
        .preload_with("pets", |q: Query<Pet>| q.filter("name LIKE ?", ("%rex",)))
        .first()
        .await
        .unwrap();
    assert_eq!(u.pets.len(), 1);
    assert_eq!(u.pets[0].name, "ann-rex");
    assert!(u.pets[0].toys.is_empty(), "toys were not asked for");

    let all: User = db.model::<User>().preload_all().first().await.unwrap();
    assert!(all.company.is_some() && all.profile.is_some());
    assert_eq!(
        (all.pets.len(), all.toys.len(), all.languages.len()),
        (2, 1, 2)
    );

    match db.model::<User>().preload("Petz").find().await {
        Err(Error::Relation(RelationError::Unknown {
            name, available, ..
        })) => {
            assert_eq!(name, "Petz");
            assert!(available.contains(&"pets".to_string()));
        }
        other => panic!("expected an unknown relation, got {other:?}"),
    }
    match db
        .model::<User>()
        .preload_with("pets", |q: Query<Toy>| q)
        .find()
        .await
    {
        Err(Error::Relation(RelationError::WrongTarget { expected, .. })) => {
            assert_eq!(expected, "Pet")
        }
        other => panic!("expected a wrong target, got {other:?}"),
    }
}

/// Omitting associations on create saves the record alone; selecting saves only those.
async fn omit_and_select_associations(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    migrate(&db).await;
    let mut ann = sample("ann");
    db.omit_associations(&["*"]).create(&mut ann).await.unwrap();
    assert_eq!(db.model::<Pet>().count().await.unwrap(), 0);
    assert_eq!(db.model::<Company>().count().await.unwrap(), 0);
    let mut bob = sample("bob");
    db.select_associations(&["Pets"])
        .create(&mut bob)
        .await
        .unwrap();
    assert_eq!(db.model::<Pet>().count().await.unwrap(), 2);
    assert_eq!(
        db.model::<Toy>().count().await.unwrap(),
        1,
        "the pets' own toys"
    );
    assert_eq!(db.model::<Company>().count().await.unwrap(), 0);
    assert_eq!(db.model::<Language>().count().await.unwrap(), 0);
}

/// Association mode beyond the dialect conformance kit (which every dialect runs: find,
/// count, append, replace, delete and clear on has-many, many-to-many, belongs-to and
/// has-one): a polymorphic has-many, and a target model that is not the relation's.
async fn association_mode(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    migrate(&db).await;
    let mut ann = sample("ann");
    db.create(&mut ann).await.unwrap();

    let langs = db.association(&mut ann, "languages").unwrap();
    match langs.find::<Pet>().await {
        Err(Error::Relation(RelationError::WrongTarget { found, .. })) => assert_eq!(found, "Pet"),
        other => panic!("expected a wrong target, got {other:?}"),
    }

    // polymorphic has-many: the pets' toys are out of reach of the user's.
    let mut toys = db.association(&mut ann, "toys").unwrap();
    assert_eq!(toys.count().await.unwrap(), 1);
    toys.clear().await.unwrap();
    assert_eq!(toys.count().await.unwrap(), 0);
    let pet_toys = db
        .model::<Toy>()
        .filter("owner_type = ?", ("pet",))
        .count()
        .await
        .unwrap();
    assert_eq!(pet_toys, 1);
}

/// Records which processor saw a statement on which model's table.
struct Seen(&'static str, Arc<Mutex<Vec<String>>>);

impl Callback for Seen {
    fn call(&self, ctx: &mut CallbackContext<'_>) -> DbResult<()> {
        let model = ctx.schema.map_or("-", |s| s.name.as_str()).to_string();
        self.1.lock().unwrap().push(format!("{}:{model}", self.0));
        Ok(())
    }
}

/// Association mode's statements on related tables and join tables pass through the
/// processors, with those tables' schemas, where plugins see them.
async fn association_statements_pass_through_the_processors(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    migrate(&db).await;
    let mut ann = sample("ann");
    db.create(&mut ann).await.unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let c = db.callbacks();
    c.query()
        .before(steps::QUERY)
        .register("t:query", Arc::new(Seen("query", seen.clone())))
        .unwrap();
    c.update()
        .before(steps::UPDATE)
        .register("t:update", Arc::new(Seen("update", seen.clone())))
        .unwrap();
    c.delete()
        .before(steps::DELETE)
        .register("t:delete", Arc::new(Seen("delete", seen.clone())))
        .unwrap();
    c.create()
        .before(steps::CREATE)
        .register("t:create", Arc::new(Seen("create", seen.clone())))
        .unwrap();
    let take = || std::mem::take(&mut *seen.lock().unwrap());

    db.association(&mut ann, "Pets")
        .unwrap()
        .clear()
        .await
        .unwrap();
    assert_eq!(take(), ["update:Pet"], "unlinking updates pets");
    db.association(&mut ann, "Company")
        .unwrap()
        .clear()
        .await
        .unwrap();
    assert_eq!(
        take(),
        ["update:User"],
        "a belongs-to key is cleared on users"
    );
    let mut langs = db.association(&mut ann, "Languages").unwrap();
    assert_eq!(langs.count().await.unwrap(), 2);
    assert_eq!(
        take(),
        ["query:user_languages", "query:Language"],
        "join rows, then the languages"
    );
    langs
        .append(vec![Language {
            code: "de".into(),
            ..Default::default()
        }])
        .await
        .unwrap();
    assert_eq!(take(), ["create:Language", "create:user_languages"]);
    langs.clear().await.unwrap();
    assert_eq!(take(), ["delete:user_languages"]);
}

plugorm_tests::matrix!(
    association_statements_pass_through_the_processors,
    create_then_preload_everything,
    preload_with_conditions_and_all,
    omit_and_select_associations,
    association_mode,
);

/// 100,000 users with a pet each: the pets' keys exceed SQLite's parameter limit, so the
/// preload splits them into a few `IN` queries, and every pet reaches its user through
/// the hash map (a scan per user would take minutes here).
#[tokio::test]
async fn preload_of_100000_parents_is_chunked() {
    let db = plugorm_tests::sqlite_memory().await;
    migrate(&db).await;
    const N: i64 = 100_000;
    let series =
        format!("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {N}) ");
    db.exec(
        &format!("INSERT INTO users (id, name) {series} SELECT x, 'u' || x FROM c"),
        (),
    )
    .await
    .unwrap();
    db.exec(
        &format!(
            "INSERT INTO pets (id, user_id, name) {series} SELECT x, {N} + 1 - x, 'p' || x FROM c"
        ),
        (),
    )
    .await
    .unwrap();
    let (sql, _guard) = Statements::capture();
    let users: Vec<User> = db.model::<User>().preload("Pets").find().await.unwrap();
    let statements = sql.take();
    let max = db.dialect().capabilities().max_params as usize;
    let expected_chunks = (N as usize).div_ceil(max - 100);
    assert!(expected_chunks > 1);
    assert_eq!(
        statements.len(),
        1 + expected_chunks,
        "users, then the pet chunks"
    );
    assert_eq!(users.len(), N as usize);
    let matched = AtomicUsize::new(0);
    for u in &users {
        assert_eq!(u.pets.len(), 1, "user {}", u.id);
        assert_eq!(u.pets[0].id, N + 1 - u.id);
        matched.fetch_add(1, Ordering::Relaxed);
    }
    assert_eq!(matched.load(Ordering::Relaxed), N as usize);
}
