//! Metrics whose values are read from elsewhere (a pool's counters, a database's
//! statistics) rather than counted here: each refresh replaces the whole family at once.
//!
//! The prometheus crate's counters only go up by increments; a value the database
//! already counts (`xact_commit`, a pool's waits) is exposed as it is, typed counter or
//! gauge, and series that disappear (a closed pool) disappear with the next refresh.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, MutexGuard},
};

use prometheus::{
    core::{Collector, Desc},
    proto::{self, LabelPair, MetricFamily, MetricType},
};

/// Whether a [`Snapshot`] is a gauge or a counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A value that goes up and down.
    Gauge,
    /// A running total (its name ends in `_total`).
    Counter,
}

/// A family of series set from outside, whole (see the module documentation).
///
/// ```
/// use plugorm_prometheus::family::{Kind, Snapshot};
/// use prometheus::core::Collector;
/// let f = Snapshot::new("db_connections", "Open connections.", Kind::Gauge, &["pool"]).unwrap();
/// f.replace([(vec!["main".to_string()], 3.0)]);
/// assert_eq!(f.collect()[0].get_metric().len(), 1);
/// ```
///
/// Clones share their series: the registry collects one clone while the plugin fills
/// another.
#[derive(Debug, Clone)]
pub struct Snapshot {
    desc: Desc,
    kind: Kind,
    labels: Vec<String>,
    values: Arc<Mutex<BTreeMap<Vec<String>, f64>>>,
}

impl Snapshot {
    /// A family named `name` with these label names; an invalid name is an error.
    ///
    /// ```
    /// use plugorm_prometheus::family::{Kind, Snapshot};
    /// assert!(Snapshot::new("bad name", "h", Kind::Gauge, &[]).is_err());
    /// ```
    pub fn new(
        name: &str,
        help: &str,
        kind: Kind,
        labels: &[&str],
    ) -> prometheus::Result<Snapshot> {
        // The text format needs a help line; an empty help is refused by `Desc`.
        let help = if help.is_empty() { name } else { help };
        let labels: Vec<String> = labels.iter().map(|l| l.to_string()).collect();
        Ok(Snapshot {
            desc: Desc::new(name.into(), help.into(), labels.clone(), Default::default())?,
            kind,
            labels,
            values: Arc::new(Mutex::new(BTreeMap::new())),
        })
    }

    fn values(&self) -> MutexGuard<'_, BTreeMap<Vec<String>, f64>> {
        // Only whole-map swaps and reads happen under the lock: recover from poison.
        self.values.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Replaces every series: label values (in the family's label order) and value.
    ///
    /// ```
    /// use plugorm_prometheus::family::{Kind, Snapshot};
    /// let f = Snapshot::new("x_total", "X.", Kind::Counter, &["pool"]).unwrap();
    /// f.replace([(vec!["a".to_string()], 1.0), (vec!["b".to_string()], 2.0)]);
    /// f.replace([(vec!["b".to_string()], 5.0)]);
    /// assert_eq!(f.get(&["b"]), Some(5.0));
    /// assert_eq!(f.get(&["a"]), None);
    /// ```
    pub fn replace(&self, series: impl IntoIterator<Item = (Vec<String>, f64)>) {
        let fresh: BTreeMap<Vec<String>, f64> = series.into_iter().collect();
        *self.values() = fresh;
    }

    /// Replaces the series whose first label value is `first`, keeping the others: a
    /// refresh of one pool leaves the other pools' series alone.
    ///
    /// ```
    /// use plugorm_prometheus::family::{Kind, Snapshot};
    /// let f = Snapshot::new("g", "G.", Kind::Gauge, &["pool", "v"]).unwrap();
    /// let s = |p: &str, v: &str| vec![p.to_string(), v.to_string()];
    /// f.replace([(s("a", "x"), 1.0), (s("b", "x"), 2.0)]);
    /// f.replace_for("a", [(s("a", "y"), 3.0)]);
    /// assert_eq!((f.get(&["a", "x"]), f.get(&["a", "y"]), f.get(&["b", "x"])), (None, Some(3.0), Some(2.0)));
    /// ```
    pub fn replace_for(&self, first: &str, series: impl IntoIterator<Item = (Vec<String>, f64)>) {
        let mut values = self.values();
        values.retain(|k, _| k.first().map(String::as_str) != Some(first));
        values.extend(series);
    }

    /// Keeps only the series whose first label value `keep` accepts (pools still open).
    ///
    /// ```
    /// use plugorm_prometheus::family::{Kind, Snapshot};
    /// let f = Snapshot::new("g", "G.", Kind::Gauge, &["pool"]).unwrap();
    /// f.replace([(vec!["a".to_string()], 1.0), (vec!["b".to_string()], 2.0)]);
    /// f.retain(|pool| pool == "b");
    /// assert_eq!((f.get(&["a"]), f.get(&["b"])), (None, Some(2.0)));
    /// ```
    pub fn retain(&self, keep: impl Fn(&str) -> bool) {
        self.values()
            .retain(|k, _| k.first().is_some_and(|first| keep(first)));
    }

    /// The value of one series.
    ///
    /// ```
    /// use plugorm_prometheus::family::{Kind, Snapshot};
    /// let f = Snapshot::new("g", "G.", Kind::Gauge, &[]).unwrap();
    /// assert_eq!(f.get(&[]), None);
    /// f.replace([(vec![], 1.5)]);
    /// assert_eq!(f.get(&[]), Some(1.5));
    /// ```
    pub fn get(&self, labels: &[&str]) -> Option<f64> {
        let key: Vec<String> = labels.iter().map(|l| l.to_string()).collect();
        self.values().get(&key).copied()
    }

    fn metric(&self, label_values: &[String], value: f64) -> proto::Metric {
        // Sorted by name, as the crate writes its own metrics' labels.
        let mut pairs: Vec<LabelPair> = self
            .labels
            .iter()
            .zip(label_values)
            .map(|(name, value)| {
                let mut pair = LabelPair::default();
                pair.set_name(name.clone());
                pair.set_value(value.clone());
                pair
            })
            .collect();
        pairs.sort_by(|a, b| a.name().cmp(b.name()));
        let mut m = proto::Metric::default();
        m.set_label(pairs);
        match self.kind {
            Kind::Gauge => {
                let mut g = proto::Gauge::default();
                g.set_value(value);
                m.set_gauge(g);
            }
            Kind::Counter => {
                let mut c = proto::Counter::default();
                c.set_value(value);
                m.set_counter(c);
            }
        }
        m
    }
}

impl Collector for Snapshot {
    fn desc(&self) -> Vec<&Desc> {
        vec![&self.desc]
    }

    fn collect(&self) -> Vec<MetricFamily> {
        let values = self.values();
        if values.is_empty() {
            return Vec::new();
        }
        let mut family = MetricFamily::default();
        family.set_name(self.desc.fq_name.clone());
        family.set_help(self.desc.help.clone());
        family.set_field_type(match self.kind {
            Kind::Gauge => MetricType::GAUGE,
            Kind::Counter => MetricType::COUNTER,
        });
        family.set_metric(
            values
                .iter()
                .map(|(labels, value)| self.metric(labels, *value))
                .collect(),
        );
        vec![family]
    }
}
