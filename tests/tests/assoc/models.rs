//! The models of the association tests: a user with a company (belongs-to), a profile
//! (has-one), pets (has-many) with toys (polymorphic has-many, as the user has), and
//! languages (many-to-many through `user_languages`).

use plugorm::Model;

#[derive(Model, Debug, Default, Clone, PartialEq)]
pub struct Company {
    pub id: i64,
    #[orm(size = 64)]
    pub name: String,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
pub struct Toy {
    pub id: i64,
    #[orm(size = 64)]
    pub name: String,
    pub owner_id: Option<i64>,
    #[orm(size = 32)]
    pub owner_type: Option<String>,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
pub struct Pet {
    pub id: i64,
    pub user_id: Option<i64>,
    #[orm(size = 64)]
    pub name: String,
    #[orm(polymorphic = "owner", polymorphic_value = "pet")]
    pub toys: Vec<Toy>,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
pub struct Profile {
    pub id: i64,
    pub user_id: Option<i64>,
    #[orm(size = 64)]
    pub bio: String,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
pub struct Language {
    pub id: i64,
    #[orm(size = 8)]
    pub code: String,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
pub struct User {
    pub id: i64,
    #[orm(size = 64)]
    pub name: String,
    pub company_id: Option<i64>,
    /// belongs-to, by the `company_id` convention.
    pub company: Option<Company>,
    #[orm(has_one)]
    pub profile: Option<Profile>,
    /// has-many, by the `Vec` convention (`pets.user_id`).
    pub pets: Vec<Pet>,
    #[orm(polymorphic = "owner")]
    pub toys: Vec<Toy>,
    #[orm(many_to_many = "user_languages")]
    pub languages: Vec<Language>,
}

/// Creates every table of the models above, referenced tables first, with the FOREIGN
/// KEY constraints of their relations (and the join table `user_languages`).
pub async fn migrate(db: &plugorm::Db) {
    db.auto_migrate_all::<(User, Company, Profile, Pet, Toy, Language)>()
        .await
        .unwrap();
}

/// A user with one of everything.
pub fn sample(name: &str) -> User {
    User {
        name: name.into(),
        company: Some(Company {
            name: format!("{name} Inc"),
            ..Default::default()
        }),
        profile: Some(Profile {
            bio: format!("{name}'s bio"),
            ..Default::default()
        }),
        pets: vec![
            Pet {
                name: format!("{name}-rex"),
                toys: vec![Toy {
                    name: "bone".into(),
                    ..Default::default()
                }],
                ..Default::default()
            },
            Pet {
                name: format!("{name}-tom"),
                ..Default::default()
            },
        ],
        toys: vec![Toy {
            name: "kite".into(),
            ..Default::default()
        }],
        languages: vec![
            Language {
                code: "en".into(),
                ..Default::default()
            },
            Language {
                code: "fr".into(),
                ..Default::default()
            },
        ],
        ..Default::default()
    }
}
