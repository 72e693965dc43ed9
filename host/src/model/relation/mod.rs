//! Relations between models: belongs-to, has-one, has-many, many-to-many, and the
//! polymorphic forms of has-one / has-many — declared on a derived model, resolved by
//! GORM's conventions, and used by preloading ([`crate::Query::preload`]), saving
//! associations with their owner, and association mode ([`crate::Db::association`]).
//!
//! # Declaring a relation
//!
//! A relation is a field holding the related model(s). It is no column: it is left out of
//! the schema's fields, of SELECT lists and of INSERTs, and defaulted when a row decodes.
//!
//! ```
//! use plugorm::Model;
//!
//! #[derive(Model, Debug, Default, Clone)]
//! struct Company { id: i64, name: String }
//!
//! #[derive(Model, Debug, Default, Clone)]
//! struct Pet { id: i64, user_id: i64, name: String }
//!
//! #[derive(Model, Debug, Default, Clone)]
//! struct Language { id: i64, code: String }
//!
//! #[derive(Model, Debug, Default, Clone)]
//! struct User {
//!     id: i64,
//!     name: String,
//!     company_id: Option<i64>,
//!     company: Option<Company>,            // belongs-to: `company_id` is on users
//!     pets: Vec<Pet>,                      // has-many: `pets.user_id`
//!     #[orm(many_to_many = "user_languages")]
//!     languages: Vec<Language>,            // join table user_languages(user_id, language_id)
//! }
//!
//! let names: Vec<&str> = User::relations().iter().map(|r| r.name()).collect();
//! assert_eq!(names, ["company", "pets", "languages"]);
//! assert!(User::schema().field("company").is_none());   // not a column
//! let pets = User::relations()[1].resolved().unwrap();
//! assert_eq!(pets.kind, plugorm::relation::RelationKind::HasMany);
//! ```
//!
//! The field's type gives its shape: `T`, `Option<T>`, `Box<T>` or `Option<Box<T>>` (a
//! self-reference) hold one related record (belongs-to or has-one), `Vec<T>` several
//! (has-many or many-to-many). Related models must be `Clone`: a record referenced by
//! several owners (a company of many users, a language of many users) is given to each.
//!
//! Which fields are relations (the derive sees types only by name):
//!
//! * a field with any relation attribute below;
//! * a `Vec<T>` other than `Vec<u8>` (no column type is a `Vec<T>`);
//! * a non-scalar `T` / `Option<T>` / `Box<T>` with a `<field>_id` sibling (GORM's
//!   belongs-to convention: `company` + `company_id`);
//! * otherwise mark it `#[orm(relation)]` (kind inferred) or name its kind. A has-one
//!   without attribute would be taken for a column of a custom `FieldType`.
//!
//! | attribute | GORM tag | effect |
//! | --- | --- | --- |
//! | `relation` | — | a relation of inferred kind |
//! | `belongs_to`, `has_one`, `has_many` | `belongsTo` | the kind, instead of the guess |
//! | `many_to_many = "user_languages"` | `many2many` | a many-to-many through this join table |
//! | `join_model = "UserLanguage"` | `SetupJoinTable` | the join table is this model, with its own fields and hooks ([`JoinModel`]) |
//! | `foreign_key = "f"` / `"f1,f2"` | `foreignKey` | the foreign-key field(s): on the owner for belongs-to, on the related model for has-*, the owner's key for many-to-many |
//! | `references = "f"` | `references` | the referenced field(s): the related model's for belongs-to and many-to-many, the owner's for has-* |
//! | `join_foreign_key = "c"`, `join_references = "c"` | `joinForeignKey`, `joinReferences` | the join table's columns for the owner and for the related model |
//! | `polymorphic = "owner"` | `polymorphic` | polymorphic has-*: the related model has `owner_id` and `owner_type` |
//! | `polymorphic_type = "f"`, `polymorphic_id = "f"` | `polymorphicType`, `polymorphicId` | those two fields named explicitly |
//! | `polymorphic_value = "v"` | `polymorphicValue` | the type column's value (default: the owner's table) |
//! | `on_delete = "CASCADE"`, `on_update = "…"` | `constraint:OnDelete:…` | actions of the FOREIGN KEY AutoMigrate creates |
//! | `no_constraint` | `constraint:-` | no FOREIGN KEY |
//!
//! # Conventions (resolved at first use, when both schemas are known)
//!
//! * A single-record field is belongs-to when the owner has the foreign key —
//!   `<field>_<referenced field>` (`company_id`) or `<field>_id` — else has-one.
//! * has-one / has-many: the foreign key is `<owner type>_<owner key>` on the related
//!   model (`user_id`); polymorphic: `<polymorphic>_id` and `<polymorphic>_type`.
//! * References default to the primary key(s) of the referenced side; composite keys pair
//!   up in order.
//! * Join tables: columns `<owner type>_<owner key>` and `<related type>_<related key>`
//!   (`user_id`, `language_id`); a self-reference names the second after the field in
//!   singular (`friends` → `friend_id`).
//!
//! A relation that cannot be resolved is a [`RelationError`] the first time it is used,
//! naming the model, the field and the names tried.
//!
//! # Where relations are used
//!
//! | what | how |
//! | --- | --- |
//! | preloading | [`crate::Query::preload`] (one `IN` query per level), `preload_with` / `preload_filter` (conditions), `preload_all`; [`crate::Query::join_relation`] reads a has-one / belongs-to in the owners' own query (`LEFT JOIN … "Company"."id" AS "Company__id"`) |
//! | saving | `create`, `save` and `updates` upsert associations; [`crate::Db::omit_associations`], [`crate::Db::select_associations`] (dotted: `"Pets.Toys"`), [`crate::Db::full_save_associations`] |
//! | deleting | `db.select_associations(&["Pets"]).delete(&mut user)` deletes the has-* records and join rows first |
//! | association mode | [`crate::Db::association`]: find, count, append, replace, delete, clear |
//! | migration | [`crate::Db::auto_migrate_all`] creates join tables and FOREIGN KEY constraints (`fk_<owner table>_<field>`, with `on_delete` / `on_update`) in dependency order |
//!
//! Statements on related tables and join tables go through the processors with those
//! tables' schemas, so plugins such as soft delete apply to them.
//!
//! # How the host reaches relations
//!
//! [`Model::relations`] lists one [`Relation`] per field: the declaration
//! ([`RelationDecl`]), its resolved form ([`ResolvedRelation`]: kind, key field indexes on
//! both sides, join table, polymorphic column) and a trait object, built by
//! `Relation::new::<Related>` over typed [`Access`] functions (`&owner.pets[..]`,
//! `owner.pets = v`). Everything that touches related values — preloading, saving,
//! association mode — runs inside that object's generic code, where the related type is
//! known: no `Any` downcast on a hot path, no name lookup per row.

mod access;
pub(crate) mod join_model;
mod join_schema;
mod key;
mod naming;
mod ops;
mod preload_tree;
mod resolve;

pub use crate::error::RelationError;
pub use access::{Access, Relation, RelationDecl};
pub use join_model::JoinModel;
pub use join_schema::join_table_schema;
pub use resolve::{JoinTable, Polymorphic, RelationKind, ResolvedRelation};

pub(crate) use key::Key;
pub(crate) use naming::fold as naming_fold;
pub(crate) use naming::snake as naming_snake;
pub(crate) use ops::RelationOps;
pub(crate) use preload_tree::{PreloadNode, PreloadRequest};

use crate::Model;

/// The relation of `M` named `name`: the field name, compared ignoring case and `_`
/// (`"Pets"`, `"pets"` and `"credit_card"` / `"CreditCard"` all work, as GORM's names).
pub(crate) fn find<M: Model>(name: &str) -> Result<&'static Relation<M>, RelationError> {
    let wanted = naming::fold(name);
    M::relations()
        .iter()
        .find(|r| naming::fold(r.name()) == wanted)
        .ok_or_else(|| RelationError::Unknown {
            model: M::schema().name.to_string(),
            name: name.to_string(),
            available: M::relations()
                .iter()
                .map(|r| r.name().to_string())
                .collect(),
        })
}
