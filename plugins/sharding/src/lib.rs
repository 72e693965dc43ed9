//! # plugorm-sharding
//!
//! Table sharding, as GORM's sharding plugin: a logical table (`orders`) is split into
//! shard tables (`orders_0` … `orders_3`) by the value of a key column, and the shards
//! may live in several databases. Statements the host builds are moved to their shard by
//! the key's value in the WHERE or in the inserted rows; raw SQL is parsed and rewritten
//! the same way. Configured in plugins.toml (see the `config` module for every key):
//!
//! ```toml
//! [[plugin]]
//! name = "sharding"
//! version = "^0.1"
//! [[plugin.config.tables]]
//! tables    = ["orders"]
//! key       = "user_id"
//! shards    = 4
//! databases = ["postgres://app@db-a/app", "postgres://app@db-b/app"]
//! ```
//!
//! * A statement on a sharded table without the key (or, with snowflake ids, the id)
//!   given with `=` is refused with the code [`MISSING_SHARDING_KEY`]
//!   ([`error_code`] reads it off the error); a read may instead run on every shard,
//!   merged by the host, when fan-out is allowed.
//! * One INSERT whose rows fall into different shards is refused
//!   ([`DIFFERENT_SHARDS`]): create each shard's rows in its own call.
//! * Rows inserted without an id get a snowflake id whose node is their shard, so
//!   `WHERE id = …` alone finds the shard too.
//! * AutoMigrate of a sharded model creates every shard table on its database.
//! * `db.plugin_setting("sharding:ignore", "true")` leaves statements alone;
//!   `db.plugin_setting("sharding:fan_out", "true")` lets reads without the key run on
//!   every shard.
//!
//! It works through the plugin API 0.2.4 statement pass (callbacks placed before
//! `orm:statement`), which sees each statement complete, with its rows.
//!
//! ```
//! let m = (plugorm_sharding::PLUGIN.manifest)();
//! assert_eq!(m.name.as_str(), "sharding");
//! ```

mod algorithm;
mod config;
mod error;
mod group;
mod parse;
mod router;
mod snowflake;
mod suffix;

pub use algorithm::{register_algorithm, AlgorithmFn};
pub use error::{
    error_code, BAD_SHARDING_KEY, DIFFERENT_SHARDS, MISSING_SHARDING_KEY,
    SHARD_OUTSIDE_TRANSACTION, UNSUPPORTED_SQL,
};
pub use router::{FAN_OUT, IGNORE};

use std::sync::Arc;

use plugorm_plugin_api::{
    host::Host,
    manifest::{Manifest, PluginDescriptor, PluginInstance, PluginKind},
    setting,
    statement::TableRef,
    steps,
    target::format_targets,
    Callback, CallbackContext, CallbackSpec, DbResult, FeaturePlugin, Placement, Processor,
};

use config::Config;
use group::{Group, Groups};
use router::Router;

struct Sharding;

impl FeaturePlugin for Sharding {
    fn initialize_with_host(&self, host: &Host, config_json: &str) -> DbResult<Vec<CallbackSpec>> {
        let config = Config::parse(config_json)?;
        if !config.enabled || config.tables.is_empty() {
            // Linked into a binary and not configured: shard nothing, cost nothing.
            return Ok(Vec::new());
        }
        let groups = config
            .tables
            .into_iter()
            .map(|g| Group::compile(host, g).map(Arc::new))
            .collect::<DbResult<Vec<_>>>()?;
        let groups = Arc::new(Groups(groups));
        let router: Arc<Router> = Arc::new(Router {
            groups: Arc::clone(&groups),
        });
        let mut specs: Vec<CallbackSpec> = Processor::ALL
            .iter()
            .map(|&processor| CallbackSpec {
                processor,
                name: format!("sharding:{}", processor.name()),
                placement: Placement::Before(steps::STATEMENT.into()),
                callback: router.clone(),
            })
            .collect();
        let spread = Arc::new(SpreadWrites {
            groups: Arc::clone(&groups),
        });
        for processor in [Processor::Create, Processor::Update, Processor::Delete] {
            specs.push(CallbackSpec {
                processor,
                name: format!("sharding:{}_transaction", processor.name()),
                placement: Placement::Before("*".into()),
                callback: spread.clone(),
            });
        }
        specs.push(CallbackSpec {
            processor: Processor::Raw,
            name: "sharding:migrate".into(),
            placement: Placement::Before("*".into()),
            callback: Arc::new(Migrate { groups }),
        });
        Ok(specs)
    }
}

/// A write on a table whose shards are in several databases runs without the default
/// transaction ([`setting::SKIP_DEFAULT_TRANSACTION`]): the transaction would begin on
/// the database itself before the statement names its shard. Each statement is then its
/// own transaction on its shard's database.
struct SpreadWrites {
    groups: Arc<Groups>,
}

impl Callback for SpreadWrites {
    fn call(&self, ctx: &mut CallbackContext<'_>) -> DbResult<()> {
        if ctx.flag(IGNORE) || ctx.flag(setting::IN_TRANSACTION) {
            return Ok(());
        }
        let table = match ctx.schema.as_ref() {
            Some(schema) => TableRef::parse(schema.table.as_str()),
            None => return Ok(()),
        };
        if self
            .groups
            .for_table(table.name.as_str())
            .is_some_and(|g| g.spans_databases())
        {
            ctx.set(setting::SKIP_DEFAULT_TRANSACTION, "true");
        }
        Ok(())
    }
}

/// Answers AutoMigrate's question where a table lives ([`setting::MIGRATE_TABLE`]):
/// every shard of a sharded table.
struct Migrate {
    groups: Arc<Groups>,
}

impl Callback for Migrate {
    fn call(&self, ctx: &mut CallbackContext<'_>) -> DbResult<()> {
        if ctx.flag(IGNORE) {
            return Ok(());
        }
        let Some(table) = ctx.setting(setting::MIGRATE_TABLE) else {
            return Ok(());
        };
        let table = TableRef::parse(table);
        let Some(group) = self.groups.for_table(table.name.as_str()) else {
            return Ok(());
        };
        let own = ctx
            .setting(setting::DATABASE_POOL)
            .and_then(|v| v.parse().ok())
            .unwrap_or_default();
        let targets = format_targets(&group.targets(&table, own));
        ctx.set(setting::MIGRATE_TARGETS, &targets);
        Ok(())
    }
}

fn manifest() -> Manifest {
    Manifest::new(
        "sharding",
        PluginKind::Feature,
        env!("CARGO_PKG_VERSION"),
        "table sharding by key: shard tables across databases, snowflake ids, fan-out reads",
    )
}

fn instantiate() -> DbResult<PluginInstance> {
    Ok(PluginInstance::Feature(Arc::new(Sharding)))
}

/// The plugin's descriptor.
pub static PLUGIN: PluginDescriptor = PluginDescriptor {
    manifest,
    instantiate,
};

plugorm_plugin_api::register_static_plugin!(PLUGIN);
