//! The metrics of one plugin instance, in a [`prometheus::Registry`] of its own (never the
//! crate's global one: several registries of the host may each load the plugin in one
//! process), and the [`Observer`] that counts every operation.

use std::collections::HashMap;

use plugorm_plugin_api::host::{Observer, OperationEvent, PluginInfo};
use prometheus::{CounterVec, Encoder, HistogramOpts, HistogramVec, Opts, Registry, TextEncoder};

use crate::family::{Kind, Snapshot};

/// The labels of every operation metric.
const OPERATION_LABELS: &[&str] = &["operation", "table", "database"];
/// The labels of every pool metric.
const POOL_LABELS: &[&str] = &["pool", "dialect"];
/// The `pg_stat_database` columns exposed, and whether each is a gauge (the others are
/// running totals, exposed as `…_total` counters).
pub(crate) const PG_STAT_COLUMNS: &[(&str, Kind)] = &[
    ("numbackends", Kind::Gauge),
    ("xact_commit", Kind::Counter),
    ("xact_rollback", Kind::Counter),
    ("blks_read", Kind::Counter),
    ("blks_hit", Kind::Counter),
    ("tup_returned", Kind::Counter),
    ("tup_fetched", Kind::Counter),
    ("tup_inserted", Kind::Counter),
    ("tup_updated", Kind::Counter),
    ("tup_deleted", Kind::Counter),
    ("deadlocks", Kind::Counter),
];

/// The pool families, filled from the host's pools at each scrape.
#[derive(Debug)]
pub(crate) struct PoolFamilies {
    pub(crate) open: Snapshot,
    pub(crate) idle: Snapshot,
    pub(crate) in_use: Snapshot,
    pub(crate) max: Snapshot,
    pub(crate) waits: Snapshot,
    pub(crate) wait_seconds: Snapshot,
}

/// Everything the plugin exposes (see the crate documentation for the names).
///
/// ```
/// use plugorm_plugin_api::{host::{Observer, OperationEvent}, Processor};
/// let m = plugorm_prometheus::metrics::Metrics::new(&[0.1, 1.0], &[]).unwrap();
/// m.observe(&OperationEvent {
///     processor: Processor::Create,
///     table: "users".into(),
///     pool: 1,
///     database: "sqlite".into(),
///     elapsed_nanos: 2_000_000,
///     rows: 1,
///     error: None.into(),
///     extra: Default::default(),
/// });
/// let text = m.encode().unwrap();
/// assert!(text.contains(r#"plugorm_operations_total{database="sqlite",operation="create",table="users"} 1"#));
/// ```
pub struct Metrics {
    registry: Registry,
    operations: CounterVec,
    durations: HistogramVec,
    errors: CounterVec,
    rows: CounterVec,
    pub(crate) pools: PoolFamilies,
    /// `pg_stat_database`, one family per column, in [`PG_STAT_COLUMNS`] order.
    pub(crate) pg_stat: Vec<Snapshot>,
    pub(crate) mysql_status: Snapshot,
    /// The operator's collectors, by name.
    pub(crate) user: HashMap<String, Snapshot>,
    pub(crate) collector_errors: CounterVec,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

fn register<C: prometheus::core::Collector + Clone + 'static>(
    registry: &Registry,
    c: C,
) -> prometheus::Result<C> {
    registry.register(Box::new(c.clone()))?;
    Ok(c)
}

/// A [`Snapshot`] shared between the registry (which collects it) and the plugin (which
/// fills it).
fn snapshot(
    registry: &Registry,
    name: &str,
    help: &str,
    kind: Kind,
    labels: &[&str],
) -> prometheus::Result<Snapshot> {
    let family = Snapshot::new(name, help, kind, labels)?;
    registry.register(Box::new(family.clone()))?;
    Ok(family)
}

impl Metrics {
    /// The metrics with these histogram buckets (seconds) and the operator's collectors
    /// (name and help); an invalid name or bucket list is an error.
    ///
    /// ```
    /// let m = plugorm_prometheus::metrics::Metrics::new(&[0.5], &[("app_users", "Users.")]).unwrap();
    /// assert!(plugorm_prometheus::metrics::Metrics::new(&[0.5], &[("app users", "")]).is_err());
    /// ```
    pub fn new(buckets: &[f64], user: &[(&str, &str)]) -> prometheus::Result<Metrics> {
        let registry = Registry::new();
        let counter = |name: &str, help: &str, labels: &[&str]| {
            register(&registry, CounterVec::new(Opts::new(name, help), labels)?)
        };
        let operations = counter(
            "plugorm_operations_total",
            "Operations completed (create, query, update, delete, row, raw).",
            OPERATION_LABELS,
        )?;
        let durations = register(
            &registry,
            HistogramVec::new(
                HistogramOpts::new(
                    "plugorm_operation_duration_seconds",
                    "How long operations took, callbacks and statements included.",
                )
                .buckets(buckets.to_vec()),
                OPERATION_LABELS,
            )?,
        )?;
        let errors = counter(
            "plugorm_operation_errors_total",
            "Operations that failed, by error kind.",
            &["operation", "table", "database", "kind"],
        )?;
        let rows = counter(
            "plugorm_rows_total",
            "Rows written (create, update, delete, raw) or returned (query, row).",
            OPERATION_LABELS,
        )?;
        let collector_errors = counter(
            "plugorm_collector_errors_total",
            "Database collector runs that failed (see the log for the error).",
            &["collector", "pool"],
        )?;
        let pool =
            |name: &str, help: &str, kind: Kind| snapshot(&registry, name, help, kind, POOL_LABELS);
        let pools = PoolFamilies {
            open: pool("plugorm_pool_connections", "Connections open.", Kind::Gauge)?,
            idle: pool(
                "plugorm_pool_idle_connections",
                "Open connections that are idle.",
                Kind::Gauge,
            )?,
            in_use: pool(
                "plugorm_pool_in_use_connections",
                "Open connections in use (open minus idle).",
                Kind::Gauge,
            )?,
            max: pool(
                "plugorm_pool_max_connections",
                "The pool's configured maximum of connections.",
                Kind::Gauge,
            )?,
            waits: pool(
                "plugorm_pool_waits_total",
                "Acquisitions that waited for a free connection.",
                Kind::Counter,
            )?,
            wait_seconds: pool(
                "plugorm_pool_wait_seconds_total",
                "Time spent waiting for a free connection.",
                Kind::Counter,
            )?,
        };
        let pg_stat = PG_STAT_COLUMNS
            .iter()
            .map(|(column, kind)| {
                let suffix = if *kind == Kind::Counter { "_total" } else { "" };
                snapshot(
                    &registry,
                    &format!("plugorm_pg_stat_database_{column}{suffix}"),
                    &format!("pg_stat_database.{column} of the pool's current database."),
                    *kind,
                    &["pool", "datname"],
                )
            })
            .collect::<prometheus::Result<Vec<_>>>()?;
        let mysql_status = snapshot(
            &registry,
            "plugorm_mysql_global_status",
            "SHOW GLOBAL STATUS variables chosen in the configuration (mysql_status).",
            Kind::Gauge,
            &["pool", "variable"],
        )?;
        let user = user
            .iter()
            .map(|(name, help)| {
                let family = snapshot(&registry, name, help, Kind::Gauge, POOL_LABELS)?;
                Ok((name.to_string(), family))
            })
            .collect::<prometheus::Result<HashMap<_, _>>>()?;
        Ok(Metrics {
            registry,
            operations,
            durations,
            errors,
            rows,
            pools,
            pg_stat,
            mysql_status,
            user,
            collector_errors,
        })
    }

    /// Sets `plugorm_plugin_info{name,version,kind,api_version,linked} 1`, one series per
    /// loaded plugin.
    ///
    /// ```
    /// use plugorm_plugin_api::host::PluginInfo;
    /// let m = plugorm_prometheus::metrics::Metrics::new(&[1.0], &[]).unwrap();
    /// m.set_plugins(&[PluginInfo {
    ///     name: "sqlite".into(), version: "0.1.0".into(), kind: "dialect".into(),
    ///     api_version: "0.2.2".into(), linked: false,
    /// }]).unwrap();
    /// assert!(m.encode().unwrap().contains(r#"plugorm_plugin_info{api_version="0.2.2",kind="dialect",linked="false",name="sqlite",version="0.1.0"} 1"#));
    /// ```
    pub fn set_plugins(&self, plugins: &[PluginInfo]) -> prometheus::Result<()> {
        let info = snapshot(
            &self.registry,
            "plugorm_plugin_info",
            "The loaded plugins (always 1).",
            Kind::Gauge,
            &["name", "version", "kind", "api_version", "linked"],
        )?;
        info.replace(plugins.iter().map(|p| {
            (
                vec![
                    p.name.clone(),
                    p.version.clone(),
                    p.kind.clone(),
                    p.api_version.clone(),
                    p.linked.to_string(),
                ],
                1.0,
            )
        }));
        Ok(())
    }

    /// Every metric in the text exposition format.
    ///
    /// ```
    /// let m = plugorm_prometheus::metrics::Metrics::new(&[1.0], &[]).unwrap();
    /// assert_eq!(m.encode().unwrap(), ""); // nothing observed yet
    /// ```
    pub fn encode(&self) -> prometheus::Result<String> {
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut out)?;
        String::from_utf8(out).map_err(|e| prometheus::Error::Msg(e.to_string()))
    }
}

impl Observer for Metrics {
    /// Counts the operation: a few atomic additions behind a read lock, never a wait on
    /// IO (the host calls this on the caller's task).
    fn observe(&self, event: &OperationEvent) {
        let labels = [
            event.processor.name(),
            event.table.as_str(),
            event.database.as_str(),
        ];
        self.operations.with_label_values(&labels).inc();
        self.durations
            .with_label_values(&labels)
            .observe(event.elapsed_nanos as f64 / 1e9);
        // Touched at zero too, so a series exists for every operation seen.
        self.rows
            .with_label_values(&labels)
            .inc_by(event.rows as f64);
        if let Some(kind) = event.error.as_ref() {
            self.errors
                .with_label_values(&[labels[0], labels[1], labels[2], kind.as_str()])
                .inc();
        }
    }
}
