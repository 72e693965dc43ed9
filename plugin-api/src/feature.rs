//! Feature plugins: [`FeaturePlugin`] registers [`Callback`]s into the host's processors.

use std::sync::Arc;

use abi_stable::{
    std_types::{ROption, RString, RVec},
    StableAbi,
};

use crate::{schema::ModelSchema, statement::Statement, DbResult};

/// The host's processors, one per kind of operation (GORM's `Create()`, `Query()`, …).
#[repr(u8)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Processor {
    Create,
    Query,
    Update,
    Delete,
    Row,
    Raw,
}

impl Processor {
    /// Every processor.
    pub const ALL: [Processor; 6] = [
        Processor::Create,
        Processor::Query,
        Processor::Update,
        Processor::Delete,
        Processor::Row,
        Processor::Raw,
    ];

    /// The processor's name (`create`).
    pub fn name(self) -> &'static str {
        match self {
            Processor::Create => "create",
            Processor::Query => "query",
            Processor::Update => "update",
            Processor::Delete => "delete",
            Processor::Row => "row",
            Processor::Raw => "raw",
        }
    }
}

/// Where a callback goes in its processor's chain.
#[repr(C, u8)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// Appended (after every callback registered before it, unless others ask otherwise).
    Register,
    /// Before the named callback (`"*"`: first).
    Before(RString),
    /// After the named callback (`"*"`: last).
    After(RString),
    /// Replaces the named callback.
    Replace(RString),
    /// Removes the named callback (this registration's own callback is unused).
    Remove(RString),
}

/// A key/value setting on a statement (`unscoped = true`), extensible without changing
/// the layout of [`CallbackContext`].
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub key: RString,
    pub value: RString,
}

/// Well-known [`Setting`] keys the host sets on every statement.
pub mod setting {
    /// `"true"` when the statement is unscoped (soft-deleted rows included, real deletes).
    pub const UNSCOPED: &str = "orm:unscoped";
    /// The session's current time, as microseconds since the Unix epoch (UTC).
    pub const NOW_MICROS: &str = "orm:now_micros";
    /// `"true"` when global updates / deletes are allowed.
    pub const ALLOW_GLOBAL_UPDATE: &str = "orm:allow_global_update";
}

/// The callback a feature plugin must register on the delete processor to serve models
/// with a soft-delete field; without it such models are refused rather than hard-deleted.
pub const SOFT_DELETE_CALLBACK: &str = "soft_delete:delete";

/// What a callback sees and may change.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct CallbackContext<'a> {
    pub processor: Processor,
    /// The statement being built; callbacks may add or rewrite clauses.
    pub statement: Statement,
    /// The model's schema, when the statement is about a model.
    pub schema: ROption<&'a ModelSchema>,
    /// Session and statement settings (see [`setting`]).
    pub settings: RVec<Setting>,
}

impl CallbackContext<'_> {
    /// True when the setting is `"true"`.
    pub fn flag(&self, key: &str) -> bool {
        self.setting(key) == Some("true")
    }
    /// The value of a setting.
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|s| s.key.as_str() == key)
            .map(|s| s.value.as_str())
    }
    /// Sets (or replaces) a setting.
    pub fn set(&mut self, key: &str, value: &str) {
        match self.settings.iter_mut().find(|s| s.key.as_str() == key) {
            Some(s) => s.value = value.into(),
            None => self.settings.push(Setting {
                key: key.into(),
                value: value.into(),
            }),
        }
    }
}

/// A named step in a processor's chain.
pub trait Callback: Send + Sync + 'static {
    /// Runs the step; an error stops the chain and becomes the operation's error.
    fn call(&self, ctx: &mut CallbackContext<'_>) -> DbResult<()>;
}

/// One callback registration.
#[derive(Clone)]
pub struct CallbackSpec {
    pub processor: Processor,
    /// Its name (`soft_delete:query`).
    pub name: String,
    pub placement: Placement,
    pub callback: Arc<dyn Callback>,
}

impl std::fmt::Debug for CallbackSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackSpec")
            .field("processor", &self.processor)
            .field("name", &self.name)
            .field("placement", &self.placement)
            .finish_non_exhaustive()
    }
}

/// A feature plugin (soft delete, read/write splitting, metrics…).
pub trait FeaturePlugin: Send + Sync + 'static {
    /// Reads its `[plugin.config]` (as JSON text) and returns the callbacks to register.
    /// A bad configuration is a [`crate::DbError::Config`] naming the key.
    fn initialize(&self, config_json: &str) -> DbResult<Vec<CallbackSpec>>;
}
