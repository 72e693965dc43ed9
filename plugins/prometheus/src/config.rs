//! The plugin's `[plugin.config]`, read from the JSON text the host passes.
//!
//! Every key is checked by name before any value is read, so a misspelt key is refused
//! naming it rather than silently ignored; a bad value is refused naming its key too.

use std::{net::SocketAddr, time::Duration};

use plugorm_plugin_api::{DbError, DbResult};
use serde::{de::DeserializeOwned, Deserialize};
use serde_json::{Map, Value};

/// The path served when `path` is not set.
pub const DEFAULT_PATH: &str = "/metrics";
/// How often the database collectors run when `refresh_interval_ms` is not set.
pub const DEFAULT_REFRESH: Duration = Duration::from_secs(15);

const KEYS: &[&str] = &[
    "listen",
    "path",
    "buckets",
    "refresh_interval_ms",
    "pg_stat_database",
    "mysql_status",
    "collectors",
    "push",
];

/// The plugin's settings, defaults filled in.
///
/// ```
/// use plugorm_prometheus::config::Config;
/// let c = Config::parse(r#"{"listen": "127.0.0.1:0", "buckets": [0.01, 0.1, 1]}"#).unwrap();
/// assert_eq!(c.path, "/metrics");
/// assert_eq!(c.buckets, [0.01, 0.1, 1.0]);
/// let e = Config::parse(r#"{"listn": "127.0.0.1:0"}"#).unwrap_err();
/// assert!(e.to_string().contains("listn"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The address the metrics page is served on (`127.0.0.1:9464`; port 0 picks a free
    /// one). Unset: nothing listens (a plugin linked into a binary opens no port unless
    /// its configuration asks).
    pub listen: Option<SocketAddr>,
    /// The path served (`/metrics`); every other path is answered 404.
    pub path: String,
    /// The upper bounds of the duration histogram's buckets, in seconds, increasing.
    pub buckets: Vec<f64>,
    /// How often the database collectors run.
    pub refresh_interval: Duration,
    /// Whether PostgreSQL pools report `pg_stat_database` for their database.
    pub pg_stat_database: bool,
    /// The `SHOW GLOBAL STATUS` variables MySQL / MariaDB pools report.
    pub mysql_status: Vec<String>,
    /// The operator's own gauges, each from a raw SQL query.
    pub collectors: Vec<UserCollector>,
    /// Pushing to a Pushgateway, when set.
    pub push: Option<Push>,
}

/// A gauge the operator defines in `[[plugin.config.collectors]]`: the first column of
/// the first row `query` returns, on every pool `pool` matches.
///
/// The query is raw SQL, run as written on each matching pool at every refresh: it is
/// the operator's own text from `plugins.toml`, never built from user input.
///
/// ```
/// use plugorm_prometheus::config::Config;
/// let c = Config::parse(r#"{"collectors": [{"name": "app_users", "help": "Users.",
///     "query": "SELECT count(*) FROM users", "pool": "postgres"}]}"#).unwrap();
/// assert_eq!(c.collectors[0].name, "app_users");
/// assert!(c.collectors[0].matches("postgres", "postgres://db/app"));
/// assert!(!c.collectors[0].matches("mysql", "mysql://db/app"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserCollector {
    /// The gauge's name (`app_users`).
    pub name: String,
    /// Its help text.
    #[serde(default)]
    pub help: String,
    /// The raw SQL whose first column of the first row is the value.
    pub query: String,
    /// A dialect name (`postgres`) or a pool label (the URL without password): only
    /// matching pools run the query. Every pool when unset.
    #[serde(default)]
    pub pool: Option<String>,
}

impl UserCollector {
    /// Whether the query runs on a pool of this dialect and label.
    ///
    /// ```
    /// let c = plugorm_prometheus::config::UserCollector {
    ///     name: "n".into(), help: String::new(), query: "SELECT 1".into(), pool: None,
    /// };
    /// assert!(c.matches("sqlite", "sqlite::memory:"));
    /// ```
    pub fn matches(&self, dialect: &str, label: &str) -> bool {
        self.pool
            .as_deref()
            .is_none_or(|p| p == dialect || p == label)
    }
}

/// `[plugin.config.push]`: PUT the metrics to a Pushgateway every `interval_ms`.
///
/// ```
/// use plugorm_prometheus::config::Config;
/// let c = Config::parse(r#"{"push": {"url": "http://127.0.0.1:9091", "job": "app"}}"#).unwrap();
/// let push = c.push.unwrap();
/// assert_eq!((push.job.as_str(), push.interval_ms), ("app", 15_000));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Push {
    /// The Pushgateway's base URL (`http://host:9091`; plain HTTP).
    pub url: String,
    /// The `job` grouping key.
    #[serde(default = "default_job")]
    pub job: String,
    /// How often to push, in milliseconds.
    #[serde(default = "default_push_interval")]
    pub interval_ms: u64,
}

fn default_job() -> String {
    "plugorm".into()
}

fn default_push_interval() -> u64 {
    15_000
}

fn refused(key: &str, message: impl Into<String>) -> DbError {
    DbError::Config {
        key: Some(key.into()),
        message: message.into(),
    }
}

/// The value of `key`, if set, as a `T`; a value of the wrong shape is refused naming
/// the key.
fn field<T: DeserializeOwned>(map: &Map<String, Value>, key: &str) -> DbResult<Option<T>> {
    map.get(key)
        .map(|v| T::deserialize(v).map_err(|e| refused(key, e.to_string())))
        .transpose()
}

impl Config {
    /// Reads the configuration from the JSON text of `[plugin.config]` (`{}` when the
    /// table is absent).
    ///
    /// ```
    /// let c = plugorm_prometheus::config::Config::parse("{}").unwrap();
    /// assert_eq!(c.listen, None); // nothing listens unless asked
    /// assert_eq!(c.refresh_interval, std::time::Duration::from_secs(15));
    /// ```
    pub fn parse(json: &str) -> DbResult<Config> {
        let root: Value = serde_json::from_str(json).map_err(|e| DbError::Config {
            key: None,
            message: format!("the configuration is not valid JSON: {e}"),
        })?;
        let empty = Map::new();
        let map = match &root {
            Value::Object(m) => m,
            Value::Null => &empty,
            _ => {
                return Err(DbError::Config {
                    key: None,
                    message: "the configuration must be a table".into(),
                })
            }
        };
        if let Some(key) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(refused(
                key,
                format!(
                    "unknown key of the prometheus plugin (known keys: {})",
                    KEYS.join(", ")
                ),
            ));
        }
        let listen = field::<String>(map, "listen")?
            .map(|text| {
                text.parse().map_err(|e| {
                    refused(
                        "listen",
                        format!("`{text}` is not an address to listen on ({e}); write IP:PORT such as \"127.0.0.1:9464\""),
                    )
                })
            })
            .transpose()?;
        let path: String = field(map, "path")?.unwrap_or_else(|| DEFAULT_PATH.to_string());
        if !path.starts_with('/') || path.contains(char::is_whitespace) {
            return Err(refused(
                "path",
                format!("`{path}` is not an HTTP path: it must start with `/` and hold no spaces"),
            ));
        }
        let buckets: Vec<f64> =
            field(map, "buckets")?.unwrap_or_else(|| prometheus::DEFAULT_BUCKETS.to_vec());
        check_buckets(&buckets)?;
        let refresh_ms: u64 =
            field(map, "refresh_interval_ms")?.unwrap_or(DEFAULT_REFRESH.as_millis() as u64);
        if refresh_ms == 0 {
            return Err(refused("refresh_interval_ms", "must be at least 1 ms"));
        }
        let push: Option<Push> = field(map, "push")?;
        if let Some(p) = &push {
            check_push(p)?;
        }
        let collectors: Vec<UserCollector> = field(map, "collectors")?.unwrap_or_default();
        for c in &collectors {
            check_collector(c)?;
        }
        Ok(Config {
            listen,
            path,
            buckets,
            refresh_interval: Duration::from_millis(refresh_ms),
            pg_stat_database: field(map, "pg_stat_database")?.unwrap_or(true),
            mysql_status: field(map, "mysql_status")?.unwrap_or_default(),
            collectors,
            push,
        })
    }
}

fn check_buckets(buckets: &[f64]) -> DbResult<()> {
    if buckets.is_empty() {
        return Err(refused(
            "buckets",
            "give at least one bucket bound (seconds)",
        ));
    }
    if let Some(b) = buckets.iter().find(|b| !b.is_finite()) {
        return Err(refused(
            "buckets",
            format!("{b} is not a finite number of seconds (+Inf is always added)"),
        ));
    }
    if let Some(w) = buckets.windows(2).find(|w| w[0] >= w[1]) {
        return Err(refused(
            "buckets",
            format!(
                "bounds must increase strictly: {} is followed by {}",
                w[0], w[1]
            ),
        ));
    }
    Ok(())
}

fn check_push(p: &Push) -> DbResult<()> {
    if !p.url.starts_with("http://") {
        return Err(refused(
            "push",
            format!(
                "url `{}` must be a plain http:// address of a Pushgateway",
                p.url
            ),
        ));
    }
    if p.job.is_empty() || p.job.contains(['/', ' ', '?', '#']) {
        return Err(refused(
            "push",
            format!(
                "job `{}` must be a non-empty word (no `/`, spaces, `?`, `#`)",
                p.job
            ),
        ));
    }
    if p.interval_ms == 0 {
        return Err(refused("push", "interval_ms must be at least 1"));
    }
    Ok(())
}

fn check_collector(c: &UserCollector) -> DbResult<()> {
    let valid_name = c.name.chars().enumerate().all(|(i, ch)| {
        ch.is_ascii_alphabetic() || ch == '_' || ch == ':' || (i > 0 && ch.is_ascii_digit())
    });
    if c.name.is_empty() || !valid_name {
        return Err(refused(
            "collectors",
            format!(
                "`{}` is not a metric name: use letters, digits, `_` and `:`, not starting with a digit",
                c.name
            ),
        ));
    }
    if c.query.trim().is_empty() {
        return Err(refused(
            "collectors",
            format!("collector `{}` has an empty query", c.name),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_of(json: &str) -> Option<String> {
        match Config::parse(json) {
            Err(DbError::Config { key, .. }) => key,
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn defaults() {
        let c = Config::parse("{}").unwrap();
        assert_eq!(c.path, "/metrics");
        assert_eq!(c.buckets, prometheus::DEFAULT_BUCKETS.to_vec());
        assert!(c.pg_stat_database);
        assert!(c.mysql_status.is_empty() && c.collectors.is_empty() && c.push.is_none());
    }

    #[test]
    fn refusals_name_their_key() {
        assert_eq!(key_of(r#"{"port": 1}"#).as_deref(), Some("port"));
        assert_eq!(
            key_of(r#"{"listen": "localhost"}"#).as_deref(),
            Some("listen")
        );
        assert_eq!(key_of(r#"{"listen": 9464}"#).as_deref(), Some("listen"));
        assert_eq!(key_of(r#"{"path": "metrics"}"#).as_deref(), Some("path"));
        assert_eq!(
            key_of(r#"{"buckets": [1, 0.5]}"#).as_deref(),
            Some("buckets")
        );
        assert_eq!(key_of(r#"{"buckets": []}"#).as_deref(), Some("buckets"));
        assert_eq!(key_of(r#"{"buckets": ["a"]}"#).as_deref(), Some("buckets"));
        assert_eq!(
            key_of(r#"{"refresh_interval_ms": 0}"#).as_deref(),
            Some("refresh_interval_ms")
        );
        assert_eq!(
            key_of(r#"{"collectors": [{"name": "9x", "query": "SELECT 1"}]}"#).as_deref(),
            Some("collectors")
        );
        assert_eq!(
            key_of(r#"{"collectors": [{"name": "x", "query": "SELECT 1", "typo": 1}]}"#).as_deref(),
            Some("collectors")
        );
        assert_eq!(
            key_of(r#"{"push": {"url": "https://gw"}}"#).as_deref(),
            Some("push")
        );
    }
}
