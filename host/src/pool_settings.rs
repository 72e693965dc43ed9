//! [`PoolSettings`]: connection-pool settings an operator gives without recompiling — in
//! the database URL's query string or in a dialect's `[plugin.pool]` table of
//! `plugins.toml` — layered over the [`PoolOptions`] the application passes.
//!
//! The keys are the same in both places:
//!
//! | key | value |
//! | --- | --- |
//! | `max_connections` | a whole number ≥ 1 |
//! | `min_connections` | a whole number ≤ `max_connections` |
//! | `connect_timeout` | a duration |
//! | `idle_timeout` | a duration, or `none` (idle connections are kept) |
//! | `max_lifetime` | a duration, or `none` (connections are never recycled by age) |
//!
//! A duration is a number with a unit — `500ms`, `30s`, `10m`, `1h` — or a bare number of
//! seconds. The host removes these keys from the URL before handing it to the dialect,
//! so a driver never sees them.

use std::time::Duration;

use plugorm_plugin_api::types::Optional;
use plugorm_plugin_api::PoolOptions;

/// The pool keys this module understands, in documentation order.
pub const POOL_KEYS: [&str; 5] = [
    "max_connections",
    "min_connections",
    "connect_timeout",
    "idle_timeout",
    "max_lifetime",
];

/// Pool settings, each optional: only those given override the layer below.
///
/// ```
/// use plugorm::config::PoolSettings;
/// use plugorm::PoolOptions;
///
/// let mut s = PoolSettings::default();
/// s.set("max_connections", "4").unwrap();
/// s.set("idle_timeout", "none").unwrap();
/// let o = s.apply(PoolOptions::default());
/// assert_eq!(o.max_connections, 4);
/// assert!(o.idle_timeout_ms.is_none());
/// assert!(s.set("max_lifetime", "soon").unwrap_err().contains("max_lifetime"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PoolSettings {
    pub max_connections: Option<u32>,
    pub min_connections: Option<u32>,
    pub connect_timeout: Option<Duration>,
    /// `Some(None)`: explicitly no idle timeout.
    pub idle_timeout: Option<Option<Duration>>,
    /// `Some(None)`: explicitly no maximum lifetime.
    pub max_lifetime: Option<Option<Duration>>,
}

impl PoolSettings {
    /// Sets one key from its text form; the error names the key and what was wrong.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let value = value.trim();
        match key {
            "max_connections" => {
                let n = parse_count(key, value)?;
                if n == 0 {
                    return Err(format!(
                        "`max_connections` must be at least 1, not `{value}`"
                    ));
                }
                self.max_connections = Some(n);
            }
            "min_connections" => self.min_connections = Some(parse_count(key, value)?),
            "connect_timeout" => {
                self.connect_timeout = Some(
                    parse_duration(value)
                        .ok_or_else(|| bad_duration(key, value, false))?
                        .ok_or_else(|| bad_duration(key, value, false))?,
                )
            }
            "idle_timeout" => {
                self.idle_timeout =
                    Some(parse_duration(value).ok_or_else(|| bad_duration(key, value, true))?)
            }
            "max_lifetime" => {
                self.max_lifetime =
                    Some(parse_duration(value).ok_or_else(|| bad_duration(key, value, true))?)
            }
            other => {
                return Err(format!(
                    "unknown pool key `{other}` (expected one of: {})",
                    POOL_KEYS.join(", ")
                ))
            }
        }
        Ok(())
    }

    /// Layers these settings over `base`; checks the result is coherent.
    pub fn apply(&self, mut base: PoolOptions) -> PoolOptions {
        if let Some(n) = self.max_connections {
            base.max_connections = n;
        }
        if let Some(n) = self.min_connections {
            base.min_connections = n;
        }
        if let Some(d) = self.connect_timeout {
            base.connect_timeout_ms = millis(d);
        }
        if let Some(d) = self.idle_timeout {
            base.idle_timeout_ms = d.map(millis).into();
        }
        if let Some(d) = self.max_lifetime {
            base.max_lifetime_ms = d.map(millis).into();
        }
        base
    }

    /// True when no key is set.
    pub fn is_empty(&self) -> bool {
        *self == PoolSettings::default()
    }
}

/// Checks options an application or operator assembled: a pool must allow a connection
/// and cannot keep more idle than it may open.
pub(crate) fn check(options: &PoolOptions) -> Result<(), String> {
    if options.max_connections == 0 {
        return Err("`max_connections` must be at least 1".into());
    }
    if options.min_connections > options.max_connections {
        return Err(format!(
            "`min_connections` ({}) exceeds `max_connections` ({})",
            options.min_connections, options.max_connections
        ));
    }
    if let Optional::Some(0) = options.idle_timeout_ms {
        return Err("`idle_timeout` must be longer than 0 (or `none`)".into());
    }
    Ok(())
}

/// Removes the pool keys from a URL's query string: the URL the dialect gets, and the
/// settings found. Other query parameters (TLS modes, search paths…) stay in place, in
/// their order.
///
/// ```
/// use plugorm::config::split_pool_keys;
/// let (url, s) = split_pool_keys("postgres://h/db?sslmode=require&max_connections=3").unwrap();
/// assert_eq!(url, "postgres://h/db?sslmode=require");
/// assert_eq!(s.max_connections, Some(3));
/// ```
pub fn split_pool_keys(url: &str) -> Result<(String, PoolSettings), String> {
    let mut settings = PoolSettings::default();
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), settings));
    };
    let (query, fragment) = match query.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (query, None),
    };
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if POOL_KEYS.contains(&key) {
            settings.set(key, value)?;
        } else {
            kept.push(pair);
        }
    }
    let mut out = base.to_string();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    Ok((out, settings))
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn parse_count(key: &str, value: &str) -> Result<u32, String> {
    value
        .parse::<u32>()
        .map_err(|_| format!("`{key}` must be a whole number, not `{value}`"))
}

fn bad_duration(key: &str, value: &str, none_allowed: bool) -> String {
    format!(
        "`{key}` must be a duration such as `500ms`, `30s`, `10m`, `1h` or a number of seconds{}, not `{value}`",
        if none_allowed { ", or `none`" } else { "" }
    )
}

/// `500ms`, `30s`, `10m`, `1h`, `45` (seconds) → `Some(Some(d))`; `none` → `Some(None)`;
/// anything else → `None`.
fn parse_duration(value: &str) -> Option<Option<Duration>> {
    if value.eq_ignore_ascii_case("none") {
        return Some(None);
    }
    let split = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let n: u64 = number.parse().ok()?;
    let d = match unit.trim() {
        "" | "s" => Duration::from_secs(n),
        "ms" => Duration::from_millis(n),
        "m" | "min" => Duration::from_secs(n.checked_mul(60)?),
        "h" => Duration::from_secs(n.checked_mul(3600)?),
        _ => return None,
    };
    Some(Some(d))
}

/// The scheme of a URL (`postgres` of `postgres://…`), checked: a letter, then letters,
/// digits, `+`, `-`, `.`; the reason otherwise.
pub(crate) fn url_scheme(url: &str) -> Result<&str, &'static str> {
    let (scheme, _) = url
        .split_once(':')
        .ok_or("no scheme (expected `scheme:…`, e.g. `sqlite::memory:`)")?;
    let valid = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !valid {
        return Err(
            "the scheme must start with a letter and hold only letters, digits, `+`, `-`, `.`",
        );
    }
    Ok(scheme)
}

/// The URL the driver gets and the pool options: `options`, then the dialect's
/// `[plugin.pool]` settings, then the pool keys of the URL, each layer overriding what
/// it sets; the reason when a key or the result is invalid.
pub(crate) fn layered_options(
    dialect_pool: &PoolSettings,
    url: &str,
    options: PoolOptions,
) -> Result<(String, PoolOptions), String> {
    let (driver_url, from_url) = split_pool_keys(url)?;
    let options = from_url.apply(dialect_pool.apply(options));
    check(&options)?;
    Ok((driver_url, options))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_accept_units_and_none() {
        assert_eq!(
            parse_duration("250ms"),
            Some(Some(Duration::from_millis(250)))
        );
        assert_eq!(parse_duration("2m"), Some(Some(Duration::from_secs(120))));
        assert_eq!(parse_duration("7"), Some(Some(Duration::from_secs(7))));
        assert_eq!(parse_duration("None"), Some(None));
        assert_eq!(parse_duration("5 weeks"), None);
        assert_eq!(parse_duration("-1s"), None);
    }

    #[test]
    fn url_keys_are_removed_and_the_rest_kept_in_order() {
        let (url, s) = split_pool_keys(
            "mysql://root@h/db?max_connections=5&ssl-mode=disabled&idle_timeout=none&charset=utf8mb4",
        )
        .unwrap();
        assert_eq!(url, "mysql://root@h/db?ssl-mode=disabled&charset=utf8mb4");
        assert_eq!(s.max_connections, Some(5));
        assert_eq!(s.idle_timeout, Some(None));
        let (url, s) = split_pool_keys("sqlite://a.db?max_lifetime=1h").unwrap();
        assert_eq!(url, "sqlite://a.db");
        assert_eq!(s.max_lifetime, Some(Some(Duration::from_secs(3600))));
        assert_eq!(
            split_pool_keys("sqlite::memory:").unwrap().0,
            "sqlite::memory:"
        );
    }

    #[test]
    fn bad_values_name_the_key() {
        let e = split_pool_keys("postgres://h/db?max_connections=lots").unwrap_err();
        assert!(e.contains("max_connections") && e.contains("lots"), "{e}");
        let e = split_pool_keys("postgres://h/db?max_connections=0").unwrap_err();
        assert!(e.contains("at least 1"), "{e}");
        let e = split_pool_keys("postgres://h/db?connect_timeout=none").unwrap_err();
        assert!(e.contains("connect_timeout"), "{e}");
    }

    #[test]
    fn layers_override_only_what_they_set() {
        let mut s = PoolSettings::default();
        s.set("min_connections", "2").unwrap();
        let o = s.apply(PoolOptions::default());
        assert_eq!(o.min_connections, 2);
        assert_eq!(o.max_connections, PoolOptions::default().max_connections);
        assert!(check(&o).is_ok());
        s.set("max_connections", "1").unwrap();
        assert!(check(&s.apply(PoolOptions::default()))
            .unwrap_err()
            .contains("exceeds"));
    }
}
