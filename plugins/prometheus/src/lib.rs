//! # plugorm-prometheus
//!
//! Prometheus metrics as a feature plugin: every operation the host completes is counted
//! by an observer, the pools' counters and the loaded plugins are read at each scrape,
//! database statistics are collected on an interval, and the page is served over HTTP
//! (and optionally pushed to a Pushgateway). Configured only in `plugins.toml`:
//!
//! ```toml
//! [[plugin]]
//! name = "prometheus"
//! [plugin.config]
//! listen = "127.0.0.1:9464"          # unset: nothing listens; port 0 picks a free port
//! path = "/metrics"                  # default
//! buckets = [0.001, 0.01, 0.1, 1.0]  # seconds; default: 5 ms … 10 s
//! refresh_interval_ms = 15000        # database collectors; default 15 s
//! pg_stat_database = true            # default
//! mysql_status = ["Threads_connected", "Questions"]
//! [[plugin.config.collectors]]       # raw SQL written by the operator
//! name = "app_users"
//! help = "Registered users."
//! query = "SELECT count(*) FROM users"
//! pool = "postgres"                  # a dialect or a pool label; every pool if unset
//! [plugin.config.push]               # optional
//! url = "http://127.0.0.1:9091"
//! job = "plugorm"
//! interval_ms = 15000
//! ```
//!
//! Metrics: `plugorm_operations_total`, `plugorm_operation_duration_seconds`,
//! `plugorm_operation_errors_total` (with `kind`), `plugorm_rows_total` labelled
//! `operation`, `table`, `database`; `plugorm_pool_connections`,
//! `plugorm_pool_idle_connections`, `plugorm_pool_in_use_connections`,
//! `plugorm_pool_max_connections`, `plugorm_pool_waits_total`,
//! `plugorm_pool_wait_seconds_total` labelled `pool`, `dialect`; `plugorm_plugin_info`;
//! `plugorm_pg_stat_database_*`; `plugorm_mysql_global_status{variable}`; each user
//! collector's gauge; `plugorm_collector_errors_total`.
//!
//! Each plugin instance (one per host registry) has a [`prometheus::Registry`] of its
//! own and serves until the registry and every database it opened are dropped. With
//! neither `listen` nor `push` configured it does nothing at all: a binary that links
//! the plugin opens no port unless its `plugins.toml` asks.
//!
//! ```
//! let m = (plugorm_prometheus::PLUGIN.manifest)();
//! assert_eq!(m.name.as_str(), "prometheus");
//! ```

mod collectors;
pub mod config;
mod exporter;
pub mod family;
pub mod metrics;
mod pools;
pub mod push;
mod server;

use std::sync::Arc;

use plugorm_plugin_api::{
    host::Host,
    manifest::{Manifest, PluginDescriptor, PluginInstance, PluginKind},
    CallbackSpec, DbError, DbResult, FeaturePlugin, Placement, Processor,
};

use crate::{config::Config, exporter::Exporter, metrics::Metrics};

/// The name of the callback that keeps the exporter running while the registry or one
/// of its databases lives (it does nothing when run).
///
/// ```
/// assert_eq!(plugorm_prometheus::KEEPALIVE_CALLBACK, "prometheus:keepalive");
/// ```
pub const KEEPALIVE_CALLBACK: &str = "prometheus:keepalive";

/// The plugin: each initialization starts an exporter of its own.
///
/// ```
/// use plugorm_plugin_api::{host::Host, FeaturePlugin};
/// let specs = plugorm_prometheus::Prometheus
///     .initialize_with_host(&Host::detached(), r#"{"listen": "127.0.0.1:0"}"#)
///     .unwrap();
/// assert_eq!(specs[0].name, plugorm_prometheus::KEEPALIVE_CALLBACK);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Prometheus;

impl FeaturePlugin for Prometheus {
    /// Without host services (an older host) nothing is observed and no pool is listed,
    /// but the page is served; a current host calls `initialize_with_host`.
    fn initialize(&self, config_json: &str) -> DbResult<Vec<CallbackSpec>> {
        self.initialize_with_host(&Host::detached(), config_json)
    }

    fn initialize_with_host(&self, host: &Host, config_json: &str) -> DbResult<Vec<CallbackSpec>> {
        let config = Config::parse(config_json)?;
        if config.listen.is_none() && config.push.is_none() {
            // Linked into a binary and not configured: export nothing, cost nothing.
            tracing::info!("the prometheus plugin has neither `listen` nor `push` configured: nothing is exported");
            return Ok(Vec::new());
        }
        let user: Vec<(&str, &str)> = config
            .collectors
            .iter()
            .map(|c| (c.name.as_str(), c.help.as_str()))
            .collect();
        let metrics = Metrics::new(&config.buckets, &user).map_err(|e| DbError::Config {
            key: Some("collectors".into()),
            message: format!("cannot register the collectors' gauges: {e}"),
        })?;
        metrics
            .set_plugins(&host.plugins())
            .map_err(|e| DbError::Other(format!("cannot register plugorm_plugin_info: {e}")))?;
        let metrics = Arc::new(metrics);
        let exporter = Exporter::start(host.clone(), config, Arc::clone(&metrics))?;
        host.add_observer(metrics);
        Ok(vec![CallbackSpec {
            processor: Processor::Raw,
            name: KEEPALIVE_CALLBACK.into(),
            placement: Placement::Register,
            callback: Arc::new(exporter::KeepAlive(exporter)),
        }])
    }
}

fn manifest() -> Manifest {
    Manifest::new(
        "prometheus",
        PluginKind::Feature,
        env!("CARGO_PKG_VERSION"),
        "Prometheus metrics: operations, pools, database statistics on /metrics",
    )
}

fn instantiate() -> DbResult<PluginInstance> {
    Ok(PluginInstance::Feature(Arc::new(Prometheus)))
}

/// The plugin's descriptor.
///
/// ```
/// assert_eq!((plugorm_prometheus::PLUGIN.manifest)().kind.to_string(), "feature");
/// ```
pub static PLUGIN: PluginDescriptor = PluginDescriptor {
    manifest,
    instantiate,
};

plugorm_plugin_api::register_static_plugin!(PLUGIN);
