//! Feature plugins: [`FeaturePlugin`] registers [`Callback`]s into the host's processors.

use std::sync::Arc;

use crate::types::{List, Optional, Text};
use abi_stable::StableAbi;

use crate::{schema::ModelSchema, statement::Statement, DbError, DbResult};

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
    Before(Text),
    /// After the named callback (`"*"`: last).
    After(Text),
    /// Replaces the named callback.
    Replace(Text),
    /// Removes the named callback (this registration's own callback is unused).
    Remove(Text),
}

/// A key/value setting on a statement (`unscoped = true`), extensible without changing
/// the layout of [`CallbackContext`].
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub key: Text,
    pub value: Text,
}

/// Well-known [`Setting`] keys the host sets on every statement.
///
/// Settings travel as text so that new ones do not change the layout of
/// [`CallbackContext`] (the plugin ABI); read them through the typed accessors
/// [`CallbackContext::unscoped`], [`CallbackContext::now_micros`] and
/// [`CallbackContext::allow_global_update`] rather than parsing them.
pub mod setting {
    /// `"true"` when the statement is unscoped (soft-deleted rows included, real deletes).
    pub const UNSCOPED: &str = "orm:unscoped";
    /// The session's current time, as microseconds since the Unix epoch (UTC).
    pub const NOW_MICROS: &str = "orm:now_micros";
    /// `"true"` when global updates / deletes are allowed.
    pub const ALLOW_GLOBAL_UPDATE: &str = "orm:allow_global_update";
    /// Where the statement runs, set by a routing callback (plugin API 0.2.2): a
    /// [`crate::host::PoolId`] the host opened, or several separated by commas, tried in
    /// order while the one before fails to connect (reads only, outside a transaction).
    /// Ignored inside a transaction: everything there runs on the transaction's
    /// connection.
    pub const POOL: &str = "orm:pool";
    /// The [`crate::host::PoolId`] of the database's own pool (0.2.2): where a router
    /// sends what it does not route elsewhere, or a read's last fallback.
    pub const DATABASE_POOL: &str = "orm:database_pool";
    /// `"true"` inside a transaction (0.2.2): a routing choice is ignored there.
    pub const IN_TRANSACTION: &str = "orm:in_transaction";
    /// `"true"` on the Raw chain's run that asks where a transaction should begin
    /// (`Db::begin`): a router answers with [`POOL`] as for a statement.
    pub const BEGIN: &str = "orm:begin";
    /// A read that runs on several tables of several pools and is merged by the host
    /// (plugin API 0.2.4), set by a callback of the query or row processor: targets
    /// `POOL/TABLE` separated by commas (`3/orders_0,4/orders_1`), each a pool id the
    /// host opened and the table the statement's own table is replaced with there (see
    /// [`crate::statement::Statement::retarget`]). The host runs a `SELECT` of model
    /// rows on every target and merges the rows: ORDER BY, LIMIT and OFFSET apply to the
    /// merged rows, and a bare `count(*)` is summed; a grouping, DISTINCT or another
    /// aggregate is refused, as is a fan-out inside a transaction on pools other than the
    /// transaction's.
    pub const FAN_OUT: &str = "orm:fan_out";
    /// `"true"`, set by a callback before the operation's `orm:begin_transaction` step
    /// (0.2.4): the operation runs without its default transaction, each statement on its
    /// own, because its statements may go to different databases (a sharder spreading a
    /// table over several) where one transaction cannot follow.
    pub const SKIP_DEFAULT_TRANSACTION: &str = "orm:skip_default_transaction";
    /// `"TABLE"` on the Raw chain's run that asks where AutoMigrate should create a
    /// model's table (0.2.4): a callback that spreads the table answers with
    /// [`MIGRATE_TARGETS`].
    pub const MIGRATE_TABLE: &str = "orm:migrate_table";
    /// The answer to [`MIGRATE_TABLE`] (0.2.4): `POOL/TABLE` targets separated by commas,
    /// as for [`FAN_OUT`]; AutoMigrate creates the model's table under each name on each
    /// pool instead of the table itself.
    pub const MIGRATE_TARGETS: &str = "orm:migrate_targets";
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
    pub schema: Optional<&'a ModelSchema>,
    /// Session and statement settings (see [`setting`]).
    pub settings: List<Setting>,
}

impl CallbackContext<'_> {
    /// Whether the statement is unscoped ([`setting::UNSCOPED`]): soft-deleted rows are
    /// included and deletes are real.
    ///
    /// ```
    /// # use plugorm_plugin_api::{feature::{CallbackContext, Processor}, setting, statement::{Statement, Select, TableRef}};
    /// let mut ctx = CallbackContext {
    ///     processor: Processor::Query,
    ///     statement: Statement::Select(Select::from_table(TableRef::new("t"))),
    ///     schema: None.into(),
    ///     settings: Default::default(),
    /// };
    /// assert!(!ctx.unscoped());
    /// ctx.set(setting::UNSCOPED, "true");
    /// assert!(ctx.unscoped());
    /// ```
    pub fn unscoped(&self) -> bool {
        self.flag(setting::UNSCOPED)
    }

    /// Whether updates and deletes without conditions are allowed
    /// ([`setting::ALLOW_GLOBAL_UPDATE`]).
    ///
    /// ```
    /// # use plugorm_plugin_api::{feature::{CallbackContext, Processor}, setting, statement::{Statement, Select, TableRef}};
    /// let mut ctx = CallbackContext {
    ///     processor: Processor::Delete,
    ///     statement: Statement::Select(Select::from_table(TableRef::new("t"))),
    ///     schema: None.into(),
    ///     settings: Default::default(),
    /// };
    /// ctx.set(setting::ALLOW_GLOBAL_UPDATE, "true");
    /// assert!(ctx.allow_global_update());
    /// ```
    pub fn allow_global_update(&self) -> bool {
        self.flag(setting::ALLOW_GLOBAL_UPDATE)
    }

    /// The session's current time ([`setting::NOW_MICROS`]) as microseconds since the Unix
    /// epoch (UTC), parsed; a missing or malformed value is a [`DbError::Other`] naming
    /// the setting, so a callback needs no parsing of its own.
    ///
    /// ```
    /// # use plugorm_plugin_api::{feature::{CallbackContext, Processor}, setting, statement::{Statement, Select, TableRef}};
    /// let mut ctx = CallbackContext {
    ///     processor: Processor::Delete,
    ///     statement: Statement::Select(Select::from_table(TableRef::new("t"))),
    ///     schema: None.into(),
    ///     settings: Default::default(),
    /// };
    /// assert!(ctx.now_micros().is_err());
    /// ctx.set(setting::NOW_MICROS, "1700000000000000");
    /// assert_eq!(ctx.now_micros().unwrap(), 1_700_000_000_000_000);
    /// ctx.set(setting::NOW_MICROS, "soon");
    /// assert!(ctx.now_micros().is_err());
    /// ```
    pub fn now_micros(&self) -> DbResult<i64> {
        let text = self.setting(setting::NOW_MICROS).ok_or_else(|| {
            DbError::Other(format!(
                "the host did not pass the current time (`{}`)",
                setting::NOW_MICROS
            ))
        })?;
        text.parse().map_err(|_| {
            DbError::Other(format!(
                "the host passed a malformed current time (`{}` = {text:?})",
                setting::NOW_MICROS
            ))
        })
    }

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
///
/// Implement [`FeaturePlugin::initialize`], or [`FeaturePlugin::initialize_with_host`]
/// when the plugin needs the host's services (pools, observers; plugin API 0.2.2).
pub trait FeaturePlugin: Send + Sync + 'static {
    /// Reads its `[plugin.config]` (as JSON text) and returns the callbacks to register.
    /// A bad configuration is a [`crate::DbError::Config`] naming the key.
    fn initialize(&self, config_json: &str) -> DbResult<Vec<CallbackSpec>> {
        let _ = config_json;
        Ok(Vec::new())
    }

    /// As [`FeaturePlugin::initialize`], with the host's services to keep: the host
    /// calls this one (since plugin API 0.2.2); by default it forwards to `initialize`.
    ///
    /// ```
    /// use plugorm_plugin_api::{host::Host, CallbackSpec, DbResult, FeaturePlugin};
    /// struct Metrics;
    /// impl FeaturePlugin for Metrics {
    ///     fn initialize_with_host(&self, host: &Host, _config: &str) -> DbResult<Vec<CallbackSpec>> {
    ///         let _pools = host.pools(); // keep `host.clone()` to ask again later
    ///         Ok(Vec::new())
    ///     }
    /// }
    /// assert!(Metrics.initialize_with_host(&Host::detached(), "{}").unwrap().is_empty());
    /// ```
    fn initialize_with_host(
        &self,
        host: &crate::host::Host,
        config_json: &str,
    ) -> DbResult<Vec<CallbackSpec>> {
        let _ = host;
        self.initialize(config_json)
    }
}
