//! The plugin's `[plugin.config]`, as plugins.toml gives it:
//!
//! ```toml
//! [plugin.config]
//! sources  = ["postgres://app@primary/app"]   # writes; empty: the database's own pool
//! replicas = ["postgres://app@replica/app"]   # reads; empty: the sources
//! policy   = "round_robin"                    # random (default) | round_robin | least_busy
//! trace    = true                             # log which pool served each statement
//! fallback_to_sources = true                  # reads go to a source when no replica is healthy
//! max_replica_lag_ms  = 5000                  # PostgreSQL replicas further behind are skipped
//! health_check_interval_ms = 1000
//! retry_backoff_ms = 500                      # first retry of a failed replica; doubles
//! max_retry_backoff_ms = 30000
//! [plugin.config.pool]                        # pool settings of every resolver's pools
//! max_connections = 10
//!
//! [[plugin.config.resolvers]]                 # per table, or by name (`dbresolver:use`)
//! name     = "orders"
//! tables   = ["orders", "order_items"]
//! sources  = ["postgres://app@orders-primary/app"]
//! replicas = []
//! ```

use serde::Deserialize;

use plugorm_plugin_api::{types::Optional, DbError, DbResult, PoolOptions};

use crate::policy::Policy;

/// The whole configuration.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct Config {
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub replicas: Vec<String>,
    #[serde(default)]
    pub policy: Policy,
    #[serde(default)]
    pub trace: bool,
    #[serde(default = "yes")]
    pub fallback_to_sources: bool,
    #[serde(default)]
    pub max_replica_lag_ms: Option<u64>,
    #[serde(default = "default_interval")]
    pub health_check_interval_ms: u64,
    #[serde(default = "default_backoff")]
    pub retry_backoff_ms: u64,
    #[serde(default = "default_max_backoff")]
    pub max_retry_backoff_ms: u64,
    #[serde(default)]
    pub pool: PoolConfig,
    #[serde(default)]
    pub resolvers: Vec<ResolverConfig>,
}

fn yes() -> bool {
    true
}
fn default_interval() -> u64 {
    1000
}
fn default_backoff() -> u64 {
    500
}
fn default_max_backoff() -> u64 {
    30_000
}

/// A resolver for some tables, or one chosen by name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResolverConfig {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub tables: Vec<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub replicas: Vec<String>,
    #[serde(default)]
    pub policy: Option<Policy>,
    #[serde(default)]
    pub pool: Option<PoolConfig>,
}

/// Pool settings (each unset one keeps the dialect's default).
#[derive(Debug, Clone, Copy, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct PoolConfig {
    pub max_connections: Option<u32>,
    pub min_connections: Option<u32>,
    pub connect_timeout_ms: Option<u64>,
    pub idle_timeout_ms: Option<u64>,
    pub max_lifetime_ms: Option<u64>,
}

impl PoolConfig {
    pub(crate) fn options(&self) -> PoolOptions {
        let d = PoolOptions::default();
        PoolOptions {
            max_connections: self.max_connections.unwrap_or(d.max_connections),
            min_connections: self.min_connections.unwrap_or(d.min_connections),
            connect_timeout_ms: self.connect_timeout_ms.unwrap_or(d.connect_timeout_ms),
            idle_timeout_ms: self
                .idle_timeout_ms
                .map_or(d.idle_timeout_ms, Optional::Some),
            max_lifetime_ms: self
                .max_lifetime_ms
                .map_or(d.max_lifetime_ms, Optional::Some),
        }
    }
}

fn config_error(key: Option<String>, message: impl Into<String>) -> DbError {
    DbError::Config {
        key,
        message: message.into(),
    }
}

impl Config {
    /// Parses and checks the JSON the host hands over (`{}` when the section is absent).
    pub(crate) fn parse(json: &str) -> DbResult<Config> {
        let config: Config = serde_json::from_str(json).map_err(|e| {
            let text = e.to_string();
            // serde names an unknown field as "unknown field `x`": point at that key.
            let key = text
                .split('`')
                .nth(1)
                .filter(|_| text.starts_with("unknown field"))
                .map(str::to_string);
            config_error(key, format!("dbresolver configuration: {text}"))
        })?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> DbResult<()> {
        if self.health_check_interval_ms == 0 {
            return Err(config_error(
                Some("health_check_interval_ms".into()),
                "must be at least 1 (milliseconds)",
            ));
        }
        if self.retry_backoff_ms == 0 || self.max_retry_backoff_ms < self.retry_backoff_ms {
            return Err(config_error(
                Some("retry_backoff_ms".into()),
                "must be at least 1 and at most `max_retry_backoff_ms`",
            ));
        }
        let mut names = std::collections::BTreeSet::new();
        let mut tables = std::collections::BTreeSet::new();
        for (i, r) in self.resolvers.iter().enumerate() {
            if r.name.is_none() && r.tables.is_empty() {
                return Err(config_error(
                    Some("resolvers".into()),
                    format!("resolver #{} has neither a `name` nor `tables`", i + 1),
                ));
            }
            if r.sources.is_empty() && r.replicas.is_empty() {
                return Err(config_error(
                    Some("resolvers".into()),
                    format!(
                        "resolver `{}` has neither `sources` nor `replicas`",
                        r.label(i)
                    ),
                ));
            }
            if let Some(n) = &r.name {
                if !names.insert(n.as_str()) {
                    return Err(config_error(
                        Some("resolvers".into()),
                        format!("two resolvers are named `{n}`"),
                    ));
                }
            }
            for t in &r.tables {
                if !tables.insert(t.as_str()) {
                    return Err(config_error(
                        Some("resolvers".into()),
                        format!("table `{t}` is in two resolvers"),
                    ));
                }
            }
        }
        Ok(())
    }
}

impl ResolverConfig {
    /// How messages name it: its name, else its first table, else its position.
    pub(crate) fn label(&self, index: usize) -> String {
        self.name
            .clone()
            .or_else(|| self.tables.first().cloned())
            .unwrap_or_else(|| format!("#{}", index + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_a_full_configuration() {
        let c = Config::parse("{}").unwrap();
        assert!(c.sources.is_empty() && c.fallback_to_sources && !c.trace);
        assert_eq!(c.health_check_interval_ms, 1000);
        let c = Config::parse(
            r#"{"sources":["mysql://a/x"],"replicas":["mysql://b/x"],"policy":"least_busy",
                "pool":{"max_connections":3},
                "resolvers":[{"name":"orders","tables":["orders"],"sources":["mysql://c/x"]}]}"#,
        )
        .unwrap();
        assert_eq!(c.policy, Policy::LeastBusy);
        assert_eq!(c.pool.options().max_connections, 3);
        assert_eq!(c.resolvers[0].label(0), "orders");
    }

    #[test]
    fn bad_configurations_name_their_key() {
        let key = |json: &str| match Config::parse(json) {
            Err(DbError::Config { key, message }) => (key, message),
            other => panic!("{json}: {other:?}"),
        };
        assert_eq!(key(r#"{"replica":[]}"#).0.as_deref(), Some("replica"));
        let (k, m) = key(r#"{"policy":"fastest"}"#);
        assert!(k.is_none() && m.contains("fastest"), "{m}");
        assert_eq!(
            key(r#"{"health_check_interval_ms":0}"#).0.as_deref(),
            Some("health_check_interval_ms")
        );
        let (k, m) = key(r#"{"resolvers":[{"tables":["a"]}]}"#);
        assert_eq!(k.as_deref(), Some("resolvers"));
        assert!(m.contains("neither `sources` nor `replicas`"), "{m}");
        let (_, m) = key(
            r#"{"resolvers":[{"tables":["a"],"sources":["x://"]},{"tables":["a"],"sources":["x://"]}]}"#,
        );
        assert!(m.contains("table `a` is in two resolvers"), "{m}");
    }
}
