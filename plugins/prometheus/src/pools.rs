//! The pool gauges and counters, read from the host's pools at each scrape.

use std::collections::BTreeMap;

use plugorm_plugin_api::host::HostPool;

use crate::{family::Snapshot, metrics::PoolFamilies};

/// Adds `value` to the series of `labels` (pools of the same label, such as a second
/// pool on one database, add up: the label names the database, not the pool object).
fn add(map: &mut BTreeMap<Vec<String>, f64>, labels: &[String], value: f64) {
    *map.entry(labels.to_vec()).or_insert(0.0) += value;
}

impl PoolFamilies {
    /// Replaces every pool series with the counters of `pools` now.
    pub(crate) fn refresh(&self, pools: &[HostPool]) {
        let mut open = BTreeMap::new();
        let mut idle = BTreeMap::new();
        let mut in_use = BTreeMap::new();
        let mut max = BTreeMap::new();
        let mut waits = BTreeMap::new();
        let mut wait_seconds = BTreeMap::new();
        for p in pools {
            let labels = [p.label.clone(), p.dialect.clone()];
            let stats = p.pool.stats();
            let w = p.pool.waits();
            add(&mut open, &labels, f64::from(stats.connections));
            add(&mut idle, &labels, f64::from(stats.idle));
            let busy = stats.connections.saturating_sub(stats.idle);
            add(&mut in_use, &labels, f64::from(busy));
            add(&mut max, &labels, f64::from(stats.max_connections));
            add(&mut waits, &labels, w.count as f64);
            add(&mut wait_seconds, &labels, w.nanos as f64 / 1e9);
        }
        let set = |family: &Snapshot, values: BTreeMap<Vec<String>, f64>| family.replace(values);
        set(&self.open, open);
        set(&self.idle, idle);
        set(&self.in_use, in_use);
        set(&self.max, max);
        set(&self.waits, waits);
        set(&self.wait_seconds, wait_seconds);
    }
}
