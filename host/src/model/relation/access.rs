//! [`RelationDecl`] (what a field declares), [`Access`] (typed reach into the field) and
//! [`Relation`] (both, with the resolved form and the typed operations behind a trait
//! object).

use std::sync::OnceLock;

use plugorm_plugin_api::schema::ModelSchema;

use super::{
    join_model::JoinModel,
    ops::RelationOps,
    resolve::{resolve, RelationKind, ResolvedRelation},
    RelationError,
};
use crate::Model;

/// What a relation field declares; `#[derive(Model)]` writes it from the field's
/// attributes. Empty lists and `None` mean "by convention".
///
/// ```
/// use plugorm::relation::{RelationDecl, RelationKind};
/// let d = RelationDecl { kind: Some(RelationKind::HasMany), many: true, ..RelationDecl::new("pets") };
/// assert_eq!(d.field, "pets");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationDecl {
    /// The Rust field name.
    pub field: &'static str,
    /// The declared kind, or `None` to infer it.
    pub kind: Option<RelationKind>,
    /// The field holds several records (`Vec<T>`).
    pub many: bool,
    pub foreign_key: &'static [&'static str],
    pub references: &'static [&'static str],
    pub join_table: Option<&'static str>,
    pub join_foreign_key: &'static [&'static str],
    pub join_references: &'static [&'static str],
    pub polymorphic: Option<&'static str>,
    pub polymorphic_type: Option<&'static str>,
    pub polymorphic_id: Option<&'static str>,
    pub polymorphic_value: Option<&'static str>,
    /// `ON DELETE` action of the foreign key (`CASCADE`, `SET NULL`, …).
    pub on_delete: Option<&'static str>,
    pub on_update: Option<&'static str>,
    /// Whether AutoMigrate creates a FOREIGN KEY constraint.
    pub constraint: bool,
}

impl RelationDecl {
    /// A declaration of field `field` with every setting by convention.
    ///
    /// ```
    /// let d = plugorm::relation::RelationDecl::new("company");
    /// assert!(d.kind.is_none() && d.constraint);
    /// ```
    pub const fn new(field: &'static str) -> RelationDecl {
        RelationDecl {
            field,
            kind: None,
            many: false,
            foreign_key: &[],
            references: &[],
            join_table: None,
            join_foreign_key: &[],
            join_references: &[],
            polymorphic: None,
            polymorphic_type: None,
            polymorphic_id: None,
            polymorphic_value: None,
            on_delete: None,
            on_update: None,
            constraint: true,
        }
    }
}

/// Typed access from an owner `M` to its related `C` values: the field as a slice (empty,
/// one or many) and a setter that stores loaded records (the first one for a
/// single-record field; a bare `T` field takes a default when there is none).
///
/// ```
/// # #[derive(Default, Clone)] struct Pet;
/// # #[derive(Default)] struct User { pets: Vec<Pet> }
/// let a: plugorm::relation::Access<User, Pet> = plugorm::relation::Access {
///     get: |u| &u.pets[..],
///     get_mut: |u| &mut u.pets[..],
///     set: |u, v| u.pets = v,
/// };
/// let mut u = User::default();
/// (a.set)(&mut u, vec![Pet, Pet]);
/// assert_eq!((a.get)(&u).len(), 2);
/// ```
pub struct Access<M, C> {
    pub get: fn(&M) -> &[C],
    pub get_mut: fn(&mut M) -> &mut [C],
    pub set: fn(&mut M, Vec<C>),
}

impl<M, C> Clone for Access<M, C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, C> Copy for Access<M, C> {}

/// One relation of model `M`: its declaration, its resolved form (computed once, at first
/// use) and the typed operations on it.
///
/// ```
/// # use plugorm::Model;
/// # #[derive(Model, Debug, Default, Clone)] struct Pet { id: i64, user_id: i64 }
/// # #[derive(Model, Debug, Default, Clone)] struct User { id: i64, pets: Vec<Pet> }
/// let pets = &User::relations()[0];
/// assert_eq!(pets.name(), "pets");
/// assert_eq!(pets.target().table, "pets");
/// assert_eq!(pets.resolved()?.foreign_key_columns(), ["user_id"]);
/// # Ok::<(), plugorm::relation::RelationError>(())
/// ```
pub struct Relation<M> {
    pub(crate) decl: RelationDecl,
    pub(crate) resolved: OnceLock<Result<ResolvedRelation, RelationError>>,
    pub(crate) join_model: Option<JoinModel>,
    pub(crate) ops: Box<dyn RelationOps<M>>,
}

/// Built by `Relation::new` / `with_join_model` in `association::typed`, where the
/// related type's code is.
impl<M: Model> Relation<M> {
    /// The field name.
    pub fn name(&self) -> &'static str {
        self.decl.field
    }

    /// What the field declares.
    pub fn decl(&self) -> &RelationDecl {
        &self.decl
    }

    /// The related model's schema.
    pub fn target(&self) -> &'static ModelSchema {
        self.ops.target_schema()
    }

    /// The relation with GORM's conventions applied (computed once).
    pub fn resolved(&self) -> Result<&ResolvedRelation, RelationError> {
        self.resolved
            .get_or_init(|| {
                resolve(
                    &self.decl,
                    M::schema(),
                    self.target(),
                    self.join_model.as_ref(),
                )
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl<M> std::fmt::Debug for Relation<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relation")
            .field("decl", &self.decl)
            .finish_non_exhaustive()
    }
}
