//! Saving and deleting with associations on SQLite, PostgreSQL and MariaDB: `save` and
//! `updates` upsert a record's associations as creating does; full-save mode also writes
//! the fields of associated rows that exist; deleting with selected associations deletes
//! the owner's has-* records (soft-deleting those that can be) and join rows with it.

#[path = "assoc/models.rs"]
mod models;

use chrono::NaiveDateTime;
use plugorm::Model;
use plugorm_tests::matrix::{Backend, SOFT_DELETE};

use models::{migrate, sample, Company, Language, Pet, Profile, User};

async fn pet_names(db: &plugorm::Db, user: i64) -> Vec<String> {
    let mut names: Vec<String> = db
        .model::<Pet>()
        .filter("user_id = ?", (user,))
        .pluck("name")
        .await
        .unwrap();
    names.sort();
    names
}

/// `save` of a loaded user with a new pet, a renamed pet and a new company: the new
/// records are inserted and linked; an existing pet is re-pointed but keeps its stored
/// name; `updates` links a new language; a single-column update saves no association.
async fn save_and_updates_upsert_associations(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    migrate(&db).await;
    let mut ann = sample("ann");
    db.create(&mut ann).await.unwrap();
    let old_company = ann.company_id;

    let mut u: User = db
        .model::<User>()
        .preload("Pets")
        .preload("Languages")
        .id(ann.id)
        .first()
        .await
        .unwrap();
    u.name = "ann b".into();
    u.pets[0].name = "renamed".into();
    u.pets.push(Pet {
        name: "ann-new".into(),
        ..Default::default()
    });
    u.company = Some(Company {
        name: "Fresh Co".into(),
        ..Default::default()
    });
    db.save(&mut u).await.unwrap();
    let company = u.company.as_ref().unwrap();
    assert!(company.id > 0 && Some(company.id) != old_company);
    let stored: User = db.model::<User>().id(ann.id).first().await.unwrap();
    assert_eq!(stored.name, "ann b");
    assert_eq!(
        stored.company_id,
        Some(company.id),
        "the new company is linked"
    );
    assert_eq!(
        pet_names(&db, ann.id).await,
        ["ann-new", "ann-rex", "ann-tom"],
        "the new pet is inserted; an existing pet keeps its stored fields"
    );
    assert!(u.pets.iter().all(|p| p.id > 0 && p.user_id == Some(ann.id)));

    u.languages.push(Language {
        code: "de".into(),
        ..Default::default()
    });
    db.record(&mut u).updates().await.unwrap();
    let langs = db.association(&mut u, "Languages").unwrap();
    assert_eq!(langs.count().await.unwrap(), 3);

    let mut v: User = db.model::<User>().id(ann.id).first().await.unwrap();
    v.pets.push(Pet {
        name: "not saved".into(),
        ..Default::default()
    });
    db.record(&mut v).update("name", "ann c").await.unwrap();
    assert_eq!(pet_names(&db, ann.id).await.len(), 3);
}

/// Full-save mode writes every field of the associated rows that exist: the renamed pet,
/// the renamed company, the edited profile.
async fn full_save_updates_existing_associated_rows(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    migrate(&db).await;
    let mut ann = sample("ann");
    db.create(&mut ann).await.unwrap();
    ann.pets[0].name = "renamed".into();
    if let Some(c) = ann.company.as_mut() {
        c.name = "Renamed Inc".into();
    }
    if let Some(p) = ann.profile.as_mut() {
        p.bio = "edited".into();
    }
    db.save(&mut ann).await.unwrap();
    let company: Company = db
        .model::<Company>()
        .id(ann.company_id.unwrap())
        .first()
        .await
        .unwrap();
    assert_eq!(company.name, "ann Inc", "not written without full save");
    assert_eq!(pet_names(&db, ann.id).await, ["ann-rex", "ann-tom"]);

    db.full_save_associations().save(&mut ann).await.unwrap();
    let company: Company = db
        .model::<Company>()
        .id(ann.company_id.unwrap())
        .first()
        .await
        .unwrap();
    assert_eq!(company.name, "Renamed Inc");
    assert_eq!(pet_names(&db, ann.id).await, ["ann-tom", "renamed"]);
    let profile: Profile = db
        .model::<Profile>()
        .filter("user_id = ?", (ann.id,))
        .first()
        .await
        .unwrap();
    assert_eq!(profile.bio, "edited");
    assert_eq!(
        db.model::<Company>().count().await.unwrap(),
        1,
        "no new rows"
    );
    assert_eq!(db.model::<Pet>().count().await.unwrap(), 2);
}

/// `select_associations(&[…]).delete(&mut user)` deletes the user's pets, profile and
/// join rows, then the user (whose constraints would refuse it otherwise); the company,
/// the languages and the other user's records stay.
async fn delete_with_selected_associations(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    migrate(&db).await;
    let mut ann = sample("ann");
    let mut bob = sample("bob");
    db.create(&mut ann).await.unwrap();
    db.create(&mut bob).await.unwrap();
    assert!(
        db.delete(&mut ann).await.is_err(),
        "pets still point at ann"
    );
    db.select_associations(&["Pets", "Profile", "Languages"])
        .delete(&mut ann)
        .await
        .unwrap();
    assert_eq!(db.model::<User>().count().await.unwrap(), 1);
    assert!(pet_names(&db, ann.id).await.is_empty());
    assert_eq!(pet_names(&db, bob.id).await, ["bob-rex", "bob-tom"]);
    assert_eq!(db.model::<Profile>().count().await.unwrap(), 1);
    let joined: i64 = db
        .raw_scalar("SELECT count(*) FROM user_languages", ())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(joined, 2, "only bob's join rows");
    assert_eq!(db.model::<Language>().count().await.unwrap(), 4);
    assert_eq!(db.model::<Company>().count().await.unwrap(), 2);

    // `*` selects every association.
    db.select_associations(&["*"])
        .delete(&mut bob)
        .await
        .unwrap();
    assert_eq!(db.model::<User>().count().await.unwrap(), 0);
    assert_eq!(db.model::<Pet>().count().await.unwrap(), 0);
}

#[derive(Model, Debug, Default, Clone)]
struct Notebook {
    id: i64,
    #[orm(size = 32)]
    title: String,
    notes: Vec<Note>,
    #[orm(soft_delete)]
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Model, Debug, Default, Clone)]
struct Note {
    id: i64,
    notebook_id: Option<i64>,
    #[orm(size = 32)]
    text: String,
    #[orm(soft_delete)]
    deleted_at: Option<NaiveDateTime>,
}

/// The children are deleted through the delete processor: soft-deletable ones are
/// soft-deleted (the soft-delete plugin sees the statement), and `unscoped` deletes them
/// for real.
async fn deleted_children_are_soft_deleted(backend: Backend) {
    let Some(db) = backend.open(SOFT_DELETE).await else {
        return;
    };
    db.auto_migrate_all::<(Notebook, Note)>().await.unwrap();
    let mut book = Notebook {
        title: "ideas".into(),
        notes: vec![
            Note {
                text: "a".into(),
                ..Default::default()
            },
            Note {
                text: "b".into(),
                ..Default::default()
            },
        ],
        ..Default::default()
    };
    db.create(&mut book).await.unwrap();
    db.select_associations(&["Notes"])
        .delete(&mut book)
        .await
        .unwrap();
    assert_eq!(db.model::<Note>().count().await.unwrap(), 0);
    assert_eq!(db.model::<Note>().unscoped().count().await.unwrap(), 2);
    assert_eq!(db.model::<Notebook>().unscoped().count().await.unwrap(), 1);

    db.select_associations(&["Notes"])
        .record(&mut book)
        .unscoped()
        .delete()
        .await
        .unwrap();
    assert_eq!(db.model::<Note>().unscoped().count().await.unwrap(), 0);
    assert_eq!(db.model::<Notebook>().unscoped().count().await.unwrap(), 0);
}

plugorm_tests::matrix!(
    save_and_updates_upsert_associations,
    full_save_updates_existing_associated_rows,
    delete_with_selected_associations,
    deleted_children_are_soft_deleted,
);
