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
