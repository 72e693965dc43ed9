//! The names of the host's built-in callback steps (GORM's `gorm:*` callbacks under the
//! `orm:` prefix), one definition shared by the host, plugins and user code.
//!
//! Use them to place a callback relative to a built-in step instead of spelling the name:
//!
//! ```
//! use plugorm_plugin_api::{steps, Placement};
//! let p = Placement::Before(steps::QUERY.into());
//! assert_eq!(p, Placement::Before("orm:query".into()));
//! assert!(steps::ALL.contains(&steps::DELETE));
//! ```

/// Opens the transaction a write runs in (create, update, delete).
pub const BEGIN_TRANSACTION: &str = "orm:begin_transaction";
/// Commits the write's transaction, or rolls it back after an error.
pub const COMMIT_OR_ROLLBACK: &str = "orm:commit_or_rollback_transaction";
/// Runs the model's `before_save` / `before_create` hooks.
pub const BEFORE_CREATE: &str = "orm:before_create";
/// Saves belongs-to associations before the row is written.
pub const SAVE_BEFORE_ASSOCIATIONS: &str = "orm:save_before_associations";
/// Runs the INSERT.
pub const CREATE: &str = "orm:create";
/// Saves has-one / has-many / many-to-many associations after the row is written.
pub const SAVE_AFTER_ASSOCIATIONS: &str = "orm:save_after_associations";
/// Runs the model's `after_create` / `after_save` hooks.
pub const AFTER_CREATE: &str = "orm:after_create";
/// Runs the SELECT.
pub const QUERY: &str = "orm:query";
/// Loads the requested preloads.
pub const PRELOAD: &str = "orm:preload";
/// Runs the model's `after_find` hooks.
pub const AFTER_QUERY: &str = "orm:after_query";
/// Reads the values an update writes from the model.
pub const SETUP_REFLECT_VALUE: &str = "orm:setup_reflect_value";
/// Runs the model's `before_save` / `before_update` hooks.
pub const BEFORE_UPDATE: &str = "orm:before_update";
/// Runs the UPDATE.
pub const UPDATE: &str = "orm:update";
/// Runs the model's `after_update` / `after_save` hooks.
pub const AFTER_UPDATE: &str = "orm:after_update";
/// Runs the model's `before_delete` hooks.
pub const BEFORE_DELETE: &str = "orm:before_delete";
/// Deletes the associations a delete selected with `select(…)`.
pub const DELETE_BEFORE_ASSOCIATIONS: &str = "orm:delete_before_associations";
/// Runs the DELETE.
pub const DELETE: &str = "orm:delete";
/// Runs the model's `after_delete` hooks.
pub const AFTER_DELETE: &str = "orm:after_delete";
/// Runs a `row` / `rows` query.
pub const ROW: &str = "orm:row";
/// Runs a raw statement (`exec`).
pub const RAW: &str = "orm:raw";

/// Not a step of any chain but the point where each statement tree runs (plugin API
/// 0.2.4). A callback placed `Before(STATEMENT)` on a processor runs on every statement of
/// that kind — an INSERT on [`crate::Processor::Create`], a SELECT on `Query`, an UPDATE
/// on `Update`, a DELETE on `Delete`, raw SQL on `Raw` (run) or `Row` (read) — right
/// before it is rendered, complete: an INSERT with its rows, a preload's SELECT, a
/// record's UPDATE. It may rewrite the statement (another table) and route it
/// ([`crate::setting::POOL`], or [`crate::setting::FAN_OUT`] for a SELECT). It runs for
/// statements built by the host; SQL the host renders itself (DDL, introspection) does
/// not pass here. A table sharder lives here.
///
/// ```
/// use plugorm_plugin_api::{steps, Placement};
/// let p = Placement::Before(steps::STATEMENT.into());
/// assert!(!steps::ALL.contains(&steps::STATEMENT));
/// ```
pub const STATEMENT: &str = "orm:statement";

/// Every built-in step name.
pub const ALL: [&str; 20] = [
    BEGIN_TRANSACTION,
    COMMIT_OR_ROLLBACK,
    BEFORE_CREATE,
    SAVE_BEFORE_ASSOCIATIONS,
    CREATE,
    SAVE_AFTER_ASSOCIATIONS,
    AFTER_CREATE,
    QUERY,
    PRELOAD,
    AFTER_QUERY,
    SETUP_REFLECT_VALUE,
    BEFORE_UPDATE,
    UPDATE,
    AFTER_UPDATE,
    BEFORE_DELETE,
    DELETE_BEFORE_ASSOCIATIONS,
    DELETE,
    AFTER_DELETE,
    ROW,
    RAW,
];

/// A built-in step, typed: the host matches on this rather than on name strings, and a
/// name that is no built-in step is `None` from [`BuiltinStep::from_name`] — never
/// mistaken for one.
///
/// ```
/// use plugorm_plugin_api::steps::{self, BuiltinStep};
/// assert_eq!(BuiltinStep::from_name(steps::QUERY), Some(BuiltinStep::Query));
/// assert_eq!(BuiltinStep::Query.name(), "orm:query");
/// assert_eq!(BuiltinStep::from_name("orm:qeury"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BuiltinStep {
    /// [`BEGIN_TRANSACTION`]
    BeginTransaction,
    /// [`COMMIT_OR_ROLLBACK`]
    CommitOrRollback,
    /// [`BEFORE_CREATE`]
    BeforeCreate,
    /// [`SAVE_BEFORE_ASSOCIATIONS`]
    SaveBeforeAssociations,
    /// [`CREATE`]
    Create,
    /// [`SAVE_AFTER_ASSOCIATIONS`]
    SaveAfterAssociations,
    /// [`AFTER_CREATE`]
    AfterCreate,
    /// [`QUERY`]
    Query,
    /// [`PRELOAD`]
    Preload,
    /// [`AFTER_QUERY`]
    AfterQuery,
    /// [`SETUP_REFLECT_VALUE`]
    SetupReflectValue,
    /// [`BEFORE_UPDATE`]
    BeforeUpdate,
    /// [`UPDATE`]
    Update,
    /// [`AFTER_UPDATE`]
    AfterUpdate,
    /// [`BEFORE_DELETE`]
    BeforeDelete,
    /// [`DELETE_BEFORE_ASSOCIATIONS`]
    DeleteBeforeAssociations,
    /// [`DELETE`]
    Delete,
    /// [`AFTER_DELETE`]
    AfterDelete,
    /// [`ROW`]
    Row,
    /// [`RAW`]
    Raw,
}

impl BuiltinStep {
    /// Every built-in step, in the order of [`ALL`].
    pub const ALL: [BuiltinStep; 20] = [
        BuiltinStep::BeginTransaction,
        BuiltinStep::CommitOrRollback,
        BuiltinStep::BeforeCreate,
        BuiltinStep::SaveBeforeAssociations,
        BuiltinStep::Create,
        BuiltinStep::SaveAfterAssociations,
        BuiltinStep::AfterCreate,
        BuiltinStep::Query,
        BuiltinStep::Preload,
        BuiltinStep::AfterQuery,
        BuiltinStep::SetupReflectValue,
        BuiltinStep::BeforeUpdate,
        BuiltinStep::Update,
        BuiltinStep::AfterUpdate,
        BuiltinStep::BeforeDelete,
        BuiltinStep::DeleteBeforeAssociations,
        BuiltinStep::Delete,
        BuiltinStep::AfterDelete,
        BuiltinStep::Row,
        BuiltinStep::Raw,
    ];

    /// The step's name (one of the constants of this module).
    pub const fn name(self) -> &'static str {
        match self {
            BuiltinStep::BeginTransaction => BEGIN_TRANSACTION,
            BuiltinStep::CommitOrRollback => COMMIT_OR_ROLLBACK,
            BuiltinStep::BeforeCreate => BEFORE_CREATE,
            BuiltinStep::SaveBeforeAssociations => SAVE_BEFORE_ASSOCIATIONS,
            BuiltinStep::Create => CREATE,
            BuiltinStep::SaveAfterAssociations => SAVE_AFTER_ASSOCIATIONS,
            BuiltinStep::AfterCreate => AFTER_CREATE,
            BuiltinStep::Query => QUERY,
            BuiltinStep::Preload => PRELOAD,
            BuiltinStep::AfterQuery => AFTER_QUERY,
            BuiltinStep::SetupReflectValue => SETUP_REFLECT_VALUE,
            BuiltinStep::BeforeUpdate => BEFORE_UPDATE,
            BuiltinStep::Update => UPDATE,
            BuiltinStep::AfterUpdate => AFTER_UPDATE,
            BuiltinStep::BeforeDelete => BEFORE_DELETE,
            BuiltinStep::DeleteBeforeAssociations => DELETE_BEFORE_ASSOCIATIONS,
            BuiltinStep::Delete => DELETE,
            BuiltinStep::AfterDelete => AFTER_DELETE,
            BuiltinStep::Row => ROW,
            BuiltinStep::Raw => RAW,
        }
    }

    /// The step of this name; `None` for any other name.
    pub fn from_name(name: &str) -> Option<BuiltinStep> {
        BuiltinStep::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether the step runs the operation's statement (INSERT, SELECT, UPDATE, DELETE,
    /// or the row / raw statement), as opposed to hooks, associations or transactions.
    pub const fn runs_statement(self) -> bool {
        matches!(
            self,
            BuiltinStep::Create
                | BuiltinStep::Query
                | BuiltinStep::Update
                | BuiltinStep::Delete
                | BuiltinStep::Row
                | BuiltinStep::Raw
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_steps_and_names_are_the_same_list() {
        let names: Vec<&str> = BuiltinStep::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(names, ALL);
        for s in BuiltinStep::ALL {
            assert_eq!(BuiltinStep::from_name(s.name()), Some(s));
        }
        assert_eq!(BuiltinStep::from_name("audit:create"), None);
    }
}
