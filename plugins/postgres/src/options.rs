//! Connection URLs.
//!
//! `postgres://` and `postgresql://` URLs as libpq writes them. The query keys sqlx knows
//! (TLS, host, port, user, password, dbname, application name, `options`, statement
//! cache) go to sqlx; every other key is a server setting sent at connection start-up
//! (`search_path=app,public` → `-c search_path=app,public`), so the server checks its
//! name and value when the pool opens. sqlx fixes `TimeZone` and `DateStyle` in its
//! start-up packet, which would override those, so they are set on each new connection
//! instead (`set_config`, the value bound); `client_encoding` must stay UTF-8.

use plugorm_plugin_api::{DbError, DbResult};
use sqlx_core::{connection::ConnectOptions, Url};
use sqlx_postgres::PgConnectOptions;

/// Query keys sqlx's PostgreSQL driver reads itself.
const SQLX_KEYS: &[&str] = &[
    "sslmode",
    "ssl-mode",
    "sslrootcert",
    "ssl-root-cert",
    "ssl-ca",
    "sslcert",
    "ssl-cert",
    "sslkey",
    "ssl-key",
    "statement-cache-capacity",
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "application_name",
    "options",
];

/// Where and how to connect.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) connect: PgConnectOptions,
    /// `host:port/database`, for messages (never the password).
    pub(crate) label: String,
    /// Prepared statements are cached per connection (sqlx's default; off with
    /// `statement-cache-capacity=0`).
    pub(crate) cache: bool,
    /// Settings applied on each new connection after start-up (`TimeZone`, `DateStyle`).
    pub(crate) session: Vec<(String, String)>,
}

/// Settings sqlx sends in its start-up packet, where they override `-c` options.
const PINNED_BY_SQLX: &[&str] = &["timezone", "datestyle"];

/// Reads a URL.
///
/// ```text
/// postgres://app:secret@db.internal:5432/shop?sslmode=verify-full&search_path=shop,public
/// ```
pub(crate) fn parse(url: &str) -> DbResult<Target> {
    let bad = |reason: String| DbError::InvalidUrl {
        url: redact(url),
        reason,
    };
    let scheme = url.split_once("://").map(|(s, _)| s);
    if !matches!(scheme, Some("postgres" | "postgresql")) {
        return Err(bad(
            "a PostgreSQL URL starts with `postgres://` or `postgresql://`".into(),
        ));
    }
    let mut parsed = Url::parse(url).map_err(|e| bad(e.to_string()))?;
    let mut settings: Vec<(String, String)> = Vec::new();
    let mut session: Vec<(String, String)> = Vec::new();
    let mut kept: Vec<(String, String)> = Vec::new();
    let mut cache = true;
    for (key, value) in parsed.query_pairs() {
        if key.trim().is_empty() {
            return Err(bad("a query parameter has no name".into()));
        }
        if key == "statement-cache-capacity" {
            let n: usize = value.parse().map_err(|_| {
                bad(format!(
                    "statement-cache-capacity must be a number, not `{value}`"
                ))
            })?;
            cache = n > 0;
        }
        if SQLX_KEYS.contains(&key.as_ref()) || key.starts_with("options[") {
            kept.push((key.into_owned(), value.into_owned()));
        } else if !valid_setting_name(&key) {
            return Err(bad(format!(
                "`{key}` is neither a connection parameter nor a server setting name"
            )));
        } else if key.eq_ignore_ascii_case("client_encoding") {
            if !matches!(
                value.to_ascii_lowercase().as_str(),
                "utf8" | "utf-8" | "unicode"
            ) {
                return Err(bad(format!(
                    "client_encoding must be UTF8 (plugorm reads text as UTF-8), not `{value}`"
                )));
            }
        } else if PINNED_BY_SQLX.contains(&key.to_ascii_lowercase().as_str()) {
            session.push((key.into_owned(), value.into_owned()));
        } else {
            settings.push((key.into_owned(), value.into_owned()));
        }
    }
    if kept.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(&kept);
    }
    let connect = PgConnectOptions::from_url(&parsed).map_err(|e| bad(e.to_string()))?;
    let connect = if settings.is_empty() {
        connect
    } else {
        connect.options(settings)
    };
    let label = format!(
        "{}:{}/{}",
        connect.get_host(),
        connect.get_port(),
        connect.get_database().unwrap_or(connect.get_username())
    );
    Ok(Target {
        connect,
        label,
        cache,
        session,
    })
}

/// Server setting names are identifiers, possibly dotted (`pg_trgm.similarity_threshold`).
fn valid_setting_name(key: &str) -> bool {
    key.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        && key
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
}

/// The URL without its password, for messages.
pub(crate) fn redact(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => "<unparseable URL>".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_become_startup_options_and_sqlx_keys_stay() {
        let t = parse(
            "postgres://u:pw@db.example:6543/shop?sslmode=require&search_path=app,public&statement_timeout=5000",
        )
        .unwrap();
        assert_eq!(t.label, "db.example:6543/shop");
        let options = t.connect.get_options().unwrap_or_default();
        assert!(options.contains("-c search_path=app,public"), "{options}");
        assert!(options.contains("-c statement_timeout=5000"), "{options}");
        assert!(matches!(
            t.connect.get_ssl_mode(),
            sqlx_postgres::PgSslMode::Require
        ));
        assert!(t.cache);
        let t = parse("postgres://h/db?TimeZone=Asia/Tokyo&client_encoding=UTF8").unwrap();
        assert_eq!(
            t.session,
            [("TimeZone".to_string(), "Asia/Tokyo".to_string())]
        );
        assert!(t.connect.get_options().is_none());
        assert!(
            !parse("postgresql://h/db?statement-cache-capacity=0")
                .unwrap()
                .cache
        );
    }

    #[test]
    fn bad_urls_are_refused_with_the_reason() {
        for (url, needle) in [
            ("mysql://h/db", "postgres://"),
            ("postgres://h/db?sslmode=sometimes", "sometimes"),
            ("postgres://h/db?bad%20key=1", "bad key"),
            ("postgres://h/db?statement-cache-capacity=x", "number"),
            ("postgres://h/db?client_encoding=LATIN1", "UTF8"),
        ] {
            match parse(url) {
                Err(DbError::InvalidUrl { reason, .. }) => {
                    assert!(reason.contains(needle), "{url}: {reason}")
                }
                other => panic!("{url}: {other:?}"),
            }
        }
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
    }
}
