//! Replica health: a replica that does not answer a ping is taken out of the rotation and
//! pinged again after a back-off that doubles up to a bound; one that answers is taken
//! back. With `max_replica_lag_ms`, a PostgreSQL replica further behind its primary than
//! that is skipped too (it still answers, so it is not "down").
//!
//! The checks run on a thread of the plugin's own, every `health_check_interval_ms`,
//! and end when the plugin's resolvers are dropped (the registry that loaded it is gone).

use std::{
    sync::{Arc, Mutex, MutexGuard, Weak},
    time::{Duration, Instant},
};

use plugorm_plugin_api::{Sql, Value};

use crate::resolver::{Resolvers, Target};

/// One pool's health.
#[derive(Debug, Default)]
pub(crate) struct Health(Mutex<State>);

#[derive(Debug, Default)]
struct State {
    /// Set while the pool is out of the rotation: when to ping it next.
    retry_at: Option<Instant>,
    /// Consecutive failed pings.
    failures: u32,
    lagging: bool,
}

/// The back-off rule.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Backoff {
    pub first: Duration,
    pub max: Duration,
}

impl Health {
    fn state(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// True when reads may go here.
    pub(crate) fn usable(&self) -> bool {
        let s = self.state();
        s.retry_at.is_none() && !s.lagging
    }

    /// True when the pool is due a check at `now` (every round while healthy; when its
    /// back-off ran out while down).
    fn due(&self, now: Instant) -> bool {
        self.state().retry_at.is_none_or(|at| at <= now)
    }

    /// Records a failed ping; true when this took the pool out of the rotation.
    pub(crate) fn failed(&self, now: Instant, backoff: Backoff) -> bool {
        let mut s = self.state();
        s.failures = s.failures.saturating_add(1);
        let factor = 1u32 << s.failures.saturating_sub(1).min(16);
        let wait = backoff.first.saturating_mul(factor).min(backoff.max);
        let was_up = s.retry_at.is_none();
        s.retry_at = Some(now + wait);
        was_up
    }

    /// Records an answered ping; true when this brought the pool back.
    pub(crate) fn answered(&self) -> bool {
        let mut s = self.state();
        s.failures = 0;
        s.retry_at.take().is_some()
    }

    /// Records whether the replica is too far behind; true when that changed.
    pub(crate) fn set_lagging(&self, lagging: bool) -> bool {
        let mut s = self.state();
        std::mem::replace(&mut s.lagging, lagging) != lagging
    }
}

/// How far a PostgreSQL standby is behind, in milliseconds: zero when it has replayed
/// all it received, else the age of the last transaction it replayed.
const PG_LAG_MS: &str = "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() \
     THEN 0::float8 ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) \
     * 1000, 0)::float8 END";

/// What the checker needs besides the resolvers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CheckSettings {
    pub interval: Duration,
    pub backoff: Backoff,
    pub max_lag: Option<Duration>,
}

/// Starts the checker thread; it ends once `resolvers` is dropped.
pub(crate) fn spawn_checker(resolvers: Weak<Resolvers>, settings: CheckSettings) {
    let spawned = std::thread::Builder::new()
        .name("plugorm-dbresolver-health".into())
        .spawn(move || {
            let runtime = match plugorm_plugin_api::runtime::handle() {
                Ok(h) => h,
                Err(e) => {
                    tracing::error!("dbresolver: no runtime for health checks: {e}");
                    return;
                }
            };
            loop {
                std::thread::sleep(settings.interval);
                let Some(resolvers) = resolvers.upgrade() else {
                    return;
                };
                let targets = resolvers.replicas();
                drop(resolvers);
                runtime.block_on(check_all(&targets, settings));
            }
        });
    if let Err(e) = spawned {
        tracing::error!("dbresolver: cannot start the health checker: {e}");
    }
}

async fn check_all(targets: &[Arc<Target>], settings: CheckSettings) {
    let now = Instant::now();
    // A ping waits at most the interval (at least a second), so a server that does not
    // answer at all cannot stall the rounds.
    let limit = settings.interval.max(Duration::from_secs(1));
    for t in targets.iter().filter(|t| t.health.due(now)) {
        match tokio::time::timeout(limit, t.pool.ping()).await {
            Ok(Ok(())) => {
                if t.health.answered() {
                    tracing::info!(pool = %t.label, "dbresolver: replica answers again; back in the rotation");
                }
                if let Some(max) = settings.max_lag {
                    check_lag(t, max, limit).await;
                }
            }
            Ok(Err(e)) => failed(t, now, settings.backoff, &e.to_string()),
            Err(_) => failed(t, now, settings.backoff, "no answer to a ping"),
        }
    }
}

fn failed(t: &Target, now: Instant, backoff: Backoff, why: &str) {
    if t.health.failed(now, backoff) {
        tracing::warn!(pool = %t.label, error = why, "dbresolver: replica taken out of the rotation");
    }
}

async fn check_lag(t: &Target, max: Duration, limit: Duration) {
    if t.dialect != "postgres" {
        return;
    }
    let Ok(Ok(rows)) = tokio::time::timeout(limit, t.pool.query(Sql::new(PG_LAG_MS, []))).await
    else {
        return;
    };
    let lag_ms = rows
        .iter()
        .next()
        .and_then(|r| r.get_at::<Value>(0).ok())
        .and_then(|v| match v {
            Value::F64(f) => Some(f),
            Value::I64(i) => Some(i as f64),
            _ => None,
        })
        .unwrap_or(0.0);
    let lagging = lag_ms > max.as_millis() as f64;
    if t.health.set_lagging(lagging) {
        if lagging {
            tracing::warn!(pool = %t.label, lag_ms, "dbresolver: replica lags; reads skip it");
        } else {
            tracing::info!(pool = %t.label, lag_ms, "dbresolver: replica caught up");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_pool_backs_off_doubling_up_to_the_bound_and_comes_back() {
        let h = Health::default();
        let backoff = Backoff {
            first: Duration::from_millis(100),
            max: Duration::from_millis(350),
        };
        let t0 = Instant::now();
        assert!(h.usable() && h.due(t0));
        assert!(h.failed(t0, backoff), "the first failure takes it out");
        assert!(!h.usable());
        assert!(!h.due(t0 + Duration::from_millis(99)));
        assert!(h.due(t0 + Duration::from_millis(100)));
        assert!(!h.failed(t0, backoff), "already out");
        assert!(
            !h.due(t0 + Duration::from_millis(199)),
            "second wait doubles"
        );
        h.failed(t0, backoff);
        assert!(h.due(t0 + Duration::from_millis(350)), "bounded by max");
        assert!(h.answered());
        assert!(h.usable() && !h.answered());
        assert!(h.set_lagging(true) && !h.usable());
        assert!(h.set_lagging(false) && h.usable());
    }
}
