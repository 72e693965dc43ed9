//! # plugorm-dbresolver
//!
//! Read/write splitting across database servers, as GORM's dbresolver: writes go to the
//! sources, reads to healthy replicas, per table or by name, with a load-balancing
//! policy; everything inside a transaction stays on the transaction's connection.
//! Configured only in plugins.toml (see `config` for every key):
//!
//! ```toml
//! [[plugin]]
//! name = "dbresolver"
//! version = "^0.1"
//! [plugin.config]
//! sources  = ["postgres://app@primary/app"]
//! replicas = ["postgres://app@replica1/app", "postgres://app@replica2/app"]
//! policy   = "round_robin"
//! ```
//!
//! The plugin links no dialect: the host opens its pools through the loaded dialects
//! (plugin API 0.2.2 host services) and runs each statement on the pool the plugin's
//! callback names. A replica that does not answer is taken out of the rotation and tried
//! again with back-off; a read whose replica cannot be reached moves on to the next
//! replica, then to a source. An application steers single statements with session
//! settings: `db.plugin_setting("dbresolver:operation", "write")` (or `"read"`) and
//! `db.plugin_setting("dbresolver:use", "orders")`.
//!
//! ```
//! let m = (plugorm_dbresolver::PLUGIN.manifest)();
//! assert_eq!(m.name.as_str(), "dbresolver");
//! ```

mod config;
mod health;
mod policy;
mod resolver;
mod route;

pub use route::{OPERATION, USE};

use std::{sync::Arc, time::Duration};

use plugorm_plugin_api::{
    host::Host,
    manifest::{Manifest, PluginDescriptor, PluginInstance, PluginKind},
    CallbackSpec, DbResult, FeaturePlugin, Placement, Processor,
};

use config::Config;
use health::{Backoff, CheckSettings};
use resolver::Resolvers;
use route::Router;

struct DbResolver;

impl FeaturePlugin for DbResolver {
    fn initialize_with_host(&self, host: &Host, config_json: &str) -> DbResult<Vec<CallbackSpec>> {
        let config = Config::parse(config_json)?;
        if config.sources.is_empty() && config.replicas.is_empty() && config.resolvers.is_empty() {
            // Linked into a binary and not configured: route nothing, cost nothing.
            tracing::info!(
                "the dbresolver plugin has no sources, replicas or resolvers: it routes nothing"
            );
            return Ok(Vec::new());
        }
        let resolvers = Arc::new(Resolvers::open(host, &config)?);
        health::spawn_checker(
            Arc::downgrade(&resolvers),
            CheckSettings {
                interval: Duration::from_millis(config.health_check_interval_ms),
                backoff: Backoff {
                    first: Duration::from_millis(config.retry_backoff_ms),
                    max: Duration::from_millis(config.max_retry_backoff_ms),
                },
                max_lag: config.max_replica_lag_ms.map(Duration::from_millis),
            },
        );
        let router: Arc<Router> = Arc::new(Router {
            resolvers,
            trace: config.trace,
            fallback: config.fallback_to_sources,
        });
        // First in every chain (GORM: `Before("*")`), so later callbacks see the route.
        Ok(Processor::ALL
            .iter()
            .map(|&processor| CallbackSpec {
                processor,
                name: format!("dbresolver:{}", processor.name()),
                placement: Placement::Before("*".into()),
                callback: router.clone(),
            })
            .collect())
    }
}

fn manifest() -> Manifest {
    Manifest::new(
        "dbresolver",
        PluginKind::Feature,
        env!("CARGO_PKG_VERSION"),
        "read/write splitting: sources, replicas, per-table resolvers, health checks",
    )
}

fn instantiate() -> DbResult<PluginInstance> {
    Ok(PluginInstance::Feature(Arc::new(DbResolver)))
}

/// The plugin's descriptor.
pub static PLUGIN: PluginDescriptor = PluginDescriptor {
    manifest,
    instantiate,
};

plugorm_plugin_api::register_static_plugin!(PLUGIN);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unconfigured_it_registers_nothing_and_configured_it_needs_the_host() {
        let none = DbResolver.initialize_with_host(&Host::detached(), "{}");
        assert!(none.unwrap().is_empty());
        // A host without services cannot open the pools: refused, naming the key.
        let e = DbResolver
            .initialize_with_host(&Host::detached(), r#"{"replicas":["postgres://r/app"]}"#)
            .unwrap_err();
        assert!(
            matches!(&e, plugorm_plugin_api::DbError::Config { key: Some(k), .. } if k == "replicas"),
            "{e}"
        );
    }
}
