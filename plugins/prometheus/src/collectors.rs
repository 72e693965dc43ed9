//! The database collectors, run on the plugin's own thread at each refresh:
//! `pg_stat_database` on PostgreSQL pools, chosen `SHOW GLOBAL STATUS` variables on
//! MySQL / MariaDB pools, and the operator's own queries.
//!
//! Their futures are driven with [`plugorm_plugin_api::runtime::handle`] (this thread is
//! none of the host's), each bounded by [`QUERY_LIMIT`] so a database that hangs delays
//! the next refresh, never stops them.

use std::time::Duration;

use plugorm_plugin_api::{host::HostPool, runtime, DbError, DbResult, Rows, Sql};

use crate::{
    config::{Config, UserCollector},
    metrics::{Metrics, PG_STAT_COLUMNS},
};

/// How long one collector query may run.
pub const QUERY_LIMIT: Duration = Duration::from_secs(10);

/// Runs `sql` on `pool` from a thread outside any runtime.
fn query(pool: &HostPool, sql: &str) -> DbResult<Rows> {
    let handle = runtime::handle()?;
    let future = pool.pool.query(Sql::new(sql, []));
    handle.block_on(async {
        tokio::time::timeout(QUERY_LIMIT, future)
            .await
            .unwrap_or_else(|_| {
                Err(DbError::Timeout(format!(
                    "no answer within {}s",
                    QUERY_LIMIT.as_secs()
                )))
            })
    })
}

/// `pg_stat_database`'s counters of the pool's current database.
fn pg_stat_database(metrics: &Metrics, pool: &HostPool) -> DbResult<()> {
    let columns: Vec<&str> = PG_STAT_COLUMNS.iter().map(|(c, _)| *c).collect();
    let sql = format!(
        "SELECT datname, {} FROM pg_stat_database WHERE datname = current_database()",
        columns.join(", ")
    );
    let rows = query(pool, &sql)?;
    let row = rows.row(0).ok_or_else(|| {
        DbError::Other("pg_stat_database has no row for the current database".into())
    })?;
    let datname: String = row.get_at(0)?;
    for (i, family) in metrics.pg_stat.iter().enumerate() {
        let value: f64 = row.get_at(i + 1)?;
        family.replace_for(
            &pool.label,
            [(vec![pool.label.clone(), datname.clone()], value)],
        );
    }
    Ok(())
}

/// The configured `SHOW GLOBAL STATUS` variables (names compared as MySQL does, without
/// regard to case; labelled as the configuration spells them).
fn mysql_status(metrics: &Metrics, pool: &HostPool, wanted: &[String]) -> DbResult<()> {
    let rows = query(pool, "SHOW GLOBAL STATUS")?;
    let mut series = Vec::new();
    for row in rows.iter() {
        let name: String = row.get_at(0)?;
        let Some(label) = wanted.iter().find(|w| w.eq_ignore_ascii_case(&name)) else {
            continue;
        };
        match row.get_at::<f64>(1) {
            Ok(value) => series.push((vec![pool.label.clone(), label.clone()], value)),
            Err(e) => tracing::warn!(variable = %name, error = %e,
                "a SHOW GLOBAL STATUS variable in mysql_status is not a number: left out"),
        }
    }
    metrics.mysql_status.replace_for(&pool.label, series);
    Ok(())
}

/// The operator's gauge: the first column of the first row (no row or NULL: no series).
fn user_collector(metrics: &Metrics, pool: &HostPool, c: &UserCollector) -> DbResult<()> {
    let Some(family) = metrics.user.get(&c.name) else {
        return Ok(());
    };
    let rows = query(pool, &c.query)?;
    let value: Option<f64> = match rows.row(0) {
        Some(row) => row.get_at(0)?,
        None => None,
    };
    let series = value.map(|v| (vec![pool.label.clone(), pool.dialect.clone()], v));
    family.replace_for(&pool.label, series);
    Ok(())
}

/// Counts and logs a collector's failure, and drops its stale series for that pool.
fn failed(metrics: &Metrics, collector: &str, pool: &HostPool, e: &DbError) {
    metrics
        .collector_errors
        .with_label_values(&[collector, &pool.label])
        .inc();
    tracing::warn!(collector, pool = %pool.label, error = %e, "a prometheus collector failed");
}

/// Runs every collector that applies on every pool, then forgets the series of pools
/// that are gone.
pub(crate) fn refresh(metrics: &Metrics, config: &Config, pools: &[HostPool]) {
    for pool in pools {
        if config.pg_stat_database && pool.dialect == "postgres" {
            if let Err(e) = pg_stat_database(metrics, pool) {
                metrics
                    .pg_stat
                    .iter()
                    .for_each(|f| f.replace_for(&pool.label, []));
                failed(metrics, "pg_stat_database", pool, &e);
            }
        }
        if !config.mysql_status.is_empty() && pool.dialect == "mysql" {
            if let Err(e) = mysql_status(metrics, pool, &config.mysql_status) {
                metrics.mysql_status.replace_for(&pool.label, []);
                failed(metrics, "mysql_status", pool, &e);
            }
        }
        for c in config
            .collectors
            .iter()
            .filter(|c| c.matches(&pool.dialect, &pool.label))
        {
            if let Err(e) = user_collector(metrics, pool, c) {
                if let Some(f) = metrics.user.get(&c.name) {
                    f.replace_for(&pool.label, []);
                }
                failed(metrics, &c.name, pool, &e);
            }
        }
    }
    let open = |label: &str| pools.iter().any(|p| p.label == label);
    metrics.pg_stat.iter().for_each(|f| f.retain(open));
    metrics.mysql_status.retain(open);
    metrics.user.values().for_each(|f| f.retain(open));
}
