//! Associations (the scenarios of the host's `assoc` tests): belongs-to, has-one,
//! has-many (nested) and many-to-many saved with their owner, preloaded one query per
//! level, conditional preloads, association mode.

use plugorm::{Db, Model, Query};

use super::{ensure, ensure_eq, Ctx, Failure, Outcome, Step};

#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "kit_companies")]
pub(crate) struct KitCompany {
    pub id: i64,
    #[orm(size = 64)]
    pub name: String,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "kit_toys")]
pub(crate) struct KitToy {
    pub id: i64,
    pub kit_pet_id: Option<i64>,
    #[orm(size = 64)]
    pub name: String,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "kit_pets")]
pub(crate) struct KitPet {
    pub id: i64,
    pub kit_user_id: Option<i64>,
    #[orm(size = 64)]
    pub name: String,
    pub kit_toys: Vec<KitToy>,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "kit_profiles")]
pub(crate) struct KitProfile {
    pub id: i64,
    pub kit_user_id: Option<i64>,
    #[orm(size = 64)]
    pub bio: String,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "kit_languages")]
pub(crate) struct KitLanguage {
    pub id: i64,
    #[orm(size = 8)]
    pub code: String,
}

/// A user with one of each relation kind.
#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "kit_users")]
pub(crate) struct KitUser {
    pub id: i64,
    #[orm(size = 64)]
    pub name: String,
    pub kit_company_id: Option<i64>,
    /// belongs-to, by the `kit_company_id` convention.
    pub kit_company: Option<KitCompany>,
    #[orm(has_one)]
    pub kit_profile: Option<KitProfile>,
    /// has-many, by the `Vec` convention (`kit_pets.kit_user_id`).
    pub kit_pets: Vec<KitPet>,
    #[orm(many_to_many = "kit_user_languages")]
    pub kit_languages: Vec<KitLanguage>,
}

/// Every table of the models, referenced tables first, with their foreign keys.
pub(crate) async fn migrate(db: &Db) -> Result<(), Failure> {
    db.auto_migrate_all::<(KitUser, KitCompany, KitProfile, KitPet, KitToy, KitLanguage)>()
        .await
        .step("auto_migrate_all of the association models")?;
    Ok(())
}

/// A user with one of everything.
pub(crate) fn sample(name: &str) -> KitUser {
    let pet = |n: &str, toys: &[&str]| KitPet {
        name: format!("{name}-{n}"),
        kit_toys: toys
            .iter()
            .map(|t| KitToy {
                name: t.to_string(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    let lang = |code: &str| KitLanguage {
        code: code.into(),
        ..Default::default()
    };
    KitUser {
        name: name.into(),
        kit_company: Some(KitCompany {
            name: format!("{name} Inc"),
            ..Default::default()
        }),
        kit_profile: Some(KitProfile {
            bio: format!("{name}'s bio ✓"),
            ..Default::default()
        }),
        kit_pets: vec![pet("rex", &["bone"]), pet("tom", &[])],
        kit_languages: vec![lang("en"), lang("fr")],
        ..Default::default()
    }
}

pub(crate) async fn create_then_preload_everything(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    migrate(&db).await?;
    let join = db
        .migrator()
        .describe_table("kit_user_languages")
        .await
        .step("describe the join table")?;
    let mut keys: Vec<String> = join
        .columns
        .iter()
        .filter(|c| c.primary_key)
        .map(|c| c.name.to_string())
        .collect();
    keys.sort();
    ensure_eq!(
        keys,
        ["kit_language_id", "kit_user_id"],
        "the join table's primary key"
    );
    let mut ann = sample("ann");
    let mut bob = sample("bob");
    db.create(&mut ann).await.step("create ann")?;
    db.create(&mut bob).await.step("create bob")?;
    let company = ann.kit_company.clone().unwrap_or_default();
    ensure!(company.id > 0, "the belongs-to record was created first");
    ensure_eq!(ann.kit_company_id, Some(company.id), "the owner's key");
    ensure!(
        ann.kit_pets
            .iter()
            .all(|p| p.id > 0 && p.kit_user_id == Some(ann.id)),
        "has-many rows get the owner's key: {:?}",
        ann.kit_pets
    );
    let joined = db
        .raw("SELECT kit_user_id FROM kit_user_languages", ())
        .await
        .step("read the join rows")?;
    ensure_eq!(joined.len(), 4, "join rows");

    let users: Vec<KitUser> = db
        .model::<KitUser>()
        .preload("KitCompany")
        .preload("KitProfile")
        .preload("KitPets.KitToys")
        .preload("KitLanguages")
        .order("id")
        .find()
        .await
        .step("preload everything")?;
    ensure_eq!(users.len(), 2, "users");
    let a = &users[0];
    ensure_eq!(
        a.kit_company.as_ref().map(|c| c.name.as_str()),
        Some("ann Inc"),
        "preloaded belongs-to"
    );
    ensure_eq!(
        a.kit_profile.as_ref().map(|p| p.bio.as_str()),
        Some("ann's bio ✓"),
        "preloaded has-one"
    );
    let mut pet_names: Vec<&str> = a.kit_pets.iter().map(|p| p.name.as_str()).collect();
    pet_names.sort();
    ensure_eq!(pet_names, ["ann-rex", "ann-tom"], "preloaded has-many");
    let rex = a.kit_pets.iter().find(|p| p.name == "ann-rex");
    ensure_eq!(
        rex.map(|r| r
            .kit_toys
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()),
        Some(vec!["bone"]),
        "nested preload"
    );
    let mut codes: Vec<&str> = a.kit_languages.iter().map(|l| l.code.as_str()).collect();
    codes.sort();
    ensure_eq!(codes, ["en", "fr"], "preloaded many-to-many");
    ensure_eq!(
        users[1].kit_company.as_ref().map(|c| c.name.as_str()),
        Some("bob Inc"),
        "each owner gets its own records"
    );
    ensure!(
        users[1]
            .kit_pets
            .iter()
            .all(|p| p.kit_user_id == Some(users[1].id)),
        "bob's pets are bob's"
    );
    Ok(())
}

pub(crate) async fn preload_with_conditions(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    migrate(&db).await?;
    let mut ann = sample("ann");
    db.create(&mut ann).await.step("create")?;
    let u: KitUser = db
        .model::<KitUser>()
        .preload_with("kit_pets", |q: Query<KitPet>| {
            q.filter("name LIKE ?", ("%rex",))
        })
        .first()
        .await
        .step("conditional preload")?;
    ensure_eq!(
        u.kit_pets
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["ann-rex"],
        "preload with a condition"
    );
    ensure!(
        u.kit_pets[0].kit_toys.is_empty(),
        "nested relations are not loaded unless asked for"
    );
    let all: KitUser = db
        .model::<KitUser>()
        .preload_all()
        .first()
        .await
        .step("preload_all")?;
    ensure!(
        all.kit_company.is_some() && all.kit_profile.is_some(),
        "preload_all loads belongs-to and has-one"
    );
    ensure_eq!(
        (all.kit_pets.len(), all.kit_languages.len()),
        (2, 2),
        "preload_all loads has-many and many-to-many"
    );
    Ok(())
}

pub(crate) async fn association_mode(ctx: Ctx) -> Outcome {
    let db = ctx.db;
    migrate(&db).await?;
    let mut ann = sample("ann");
    db.create(&mut ann).await.step("create")?;

    let mut pets = db.association(&mut ann, "KitPets")?;
    ensure_eq!(pets.count().await.step("count pets")?, 2, "has-many count");
    pets.append(vec![KitPet {
        name: "ann-kit".into(),
        ..Default::default()
    }])
    .await
    .step("append a pet")?;
    ensure_eq!(pets.count().await.step("count pets")?, 3, "after append");
    let found: Vec<KitPet> = pets.find().await.step("find pets")?;
    let Some(kit) = found.iter().find(|p| p.name == "ann-kit").cloned() else {
        return Err(Failure(format!("the appended pet is not found: {found:?}")));
    };
    pets.delete(std::slice::from_ref(&kit))
        .await
        .step("delete a pet from the association")?;
    ensure_eq!(pets.count().await.step("count pets")?, 2, "after delete");
    let orphan: KitPet = db
        .model::<KitPet>()
        .first_id(kit.id)
        .await
        .step("read the unlinked pet")?;
    ensure_eq!(orphan.kit_user_id, None, "delete unlinks, the pet stays");
    pets.replace(vec![kit.clone()]).await.step("replace pets")?;
    let now: Vec<KitPet> = pets.find().await.step("find pets")?;
    ensure_eq!(
        now.iter().map(|p| p.id).collect::<Vec<_>>(),
        [kit.id],
        "after replace"
    );
    pets.clear().await.step("clear pets")?;
    ensure_eq!(pets.count().await.step("count pets")?, 0, "after clear");
    ensure!(ann.kit_pets.is_empty(), "clear empties the owner's field");
    ensure_eq!(
        db.model::<KitPet>().count().await.step("count")?,
        3,
        "clearing a has-many unlinks, the pets stay"
    );

    let mut langs = db.association(&mut ann, "kit_languages")?;
    ensure_eq!(
        langs.count().await.step("count languages")?,
        2,
        "many-to-many count"
    );
    langs
        .append(vec![KitLanguage {
            code: "de".into(),
            ..Default::default()
        }])
        .await
        .step("append a language")?;
    ensure_eq!(
        langs.count().await.step("count languages")?,
        3,
        "after append"
    );
    let all: Vec<KitLanguage> = langs.find().await.step("find languages")?;
    let Some(en) = all.iter().find(|l| l.code == "en").cloned() else {
        return Err(Failure(format!("`en` is not found: {all:?}")));
    };
    langs
        .replace(vec![en.clone()])
        .await
        .step("replace languages")?;
    let codes: Vec<String> = langs
        .find::<KitLanguage>()
        .await
        .step("find languages")?
        .into_iter()
        .map(|l| l.code)
        .collect();
    ensure_eq!(codes, ["en"], "after replace");
    langs.clear().await.step("clear languages")?;
    ensure_eq!(
        db.model::<KitLanguage>().count().await.step("count")?,
        3,
        "clearing a many-to-many deletes only join rows"
    );

    let mut company = db.association(&mut ann, "KitCompany")?;
    ensure_eq!(
        company.count().await.step("count company")?,
        1,
        "belongs-to count"
    );
    company
        .append(vec![KitCompany {
            name: "Acme".into(),
            ..Default::default()
        }])
        .await
        .step("append a company")?;
    let c: Vec<KitCompany> = company.find().await.step("find company")?;
    ensure_eq!(
        c.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["Acme"],
        "belongs-to after append"
    );
    company.clear().await.step("clear company")?;
    ensure_eq!(
        company.count().await.step("count company")?,
        0,
        "after clear"
    );
    let stored: KitUser = db
        .model::<KitUser>()
        .first_id(ann.id)
        .await
        .step("read the owner")?;
    ensure_eq!(
        stored.kit_company_id,
        None,
        "clearing a belongs-to clears the key"
    );

    let mut profile = db.association(&mut ann, "kit_profile")?;
    ensure_eq!(
        profile.count().await.step("count profile")?,
        1,
        "has-one count"
    );
    profile
        .replace(vec![KitProfile {
            bio: "new".into(),
            ..Default::default()
        }])
        .await
        .step("replace the profile")?;
    let p: Vec<KitProfile> = profile.find().await.step("find profile")?;
    ensure_eq!(
        p.iter().map(|p| p.bio.as_str()).collect::<Vec<_>>(),
        ["new"],
        "has-one after replace"
    );
    Ok(())
}
