//! [`RelationError`]: a relation that cannot be resolved or used as asked.

/// Why a relation could not be resolved or used.
///
/// ```
/// let e = plugorm::relation::RelationError::Unknown {
///     model: "User".into(), name: "Petz".into(), available: vec!["pets".into()],
/// };
/// assert!(e.to_string().contains("pets"));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RelationError {
    /// No relation of that name.
    #[error("model `{model}` has no relation `{name}` (its relations: {})", if available.is_empty() { "none".to_string() } else { available.join(", ") })]
    Unknown {
        model: String,
        name: String,
        available: Vec<String>,
    },
    /// No foreign key found by the conventions or the declaration.
    #[error("invalid field found for model `{model}`'s field `{field}`: define a valid foreign key for the relation (tried {})", tried.join(", "))]
    NoForeignKey {
        model: String,
        field: String,
        tried: Vec<String>,
    },
    /// A key field named in the declaration does not exist.
    #[error("relation `{model}.{field}`: {role} `{name}` is not a field of `{on}`")]
    UnknownKeyField {
        model: String,
        field: String,
        role: &'static str,
        name: String,
        on: String,
    },
    /// The referenced side has no primary key to default to.
    #[error("relation `{model}.{field}`: `{on}` has no primary key to reference (name one with `references`)")]
    NoPrimaryKey {
        model: String,
        field: String,
        on: String,
    },
    /// Foreign keys and references differ in number.
    #[error("relation `{model}.{field}`: {foreign} foreign key field(s) but {references} referenced field(s)")]
    KeyCount {
        model: String,
        field: String,
        foreign: usize,
        references: usize,
    },
    /// A polymorphic relation whose related model lacks the type or id field.
    #[error(
        "invalid polymorphic relation `{model}.{field}`: `{target}` is missing field `{missing}`"
    )]
    Polymorphic {
        model: String,
        field: String,
        target: String,
        missing: String,
    },
    /// The declared kind does not fit the field (`belongs_to` on a `Vec`).
    #[error("relation `{model}.{field}`: {reason}")]
    Invalid {
        model: String,
        field: String,
        reason: String,
    },
    /// Association mode or a preload condition used with another model than the relation's.
    #[error("relation `{model}.{field}` is to `{expected}`, not `{found}`")]
    WrongTarget {
        model: String,
        field: String,
        expected: String,
        found: String,
    },
}
