//! Connection URLs: `mysql://` and `mariadb://`, the plugin's own query keys, and sqlx's
//! connect options.

use std::str::FromStr;

use plugorm_plugin_api::{DbError, DbResult};
use sqlx_mysql::MySqlConnectOptions;

use crate::table_options::{self, TableOptions};

/// A URL split into what sqlx reads and what the plugin reads.
pub(crate) struct ParsedUrl {
    pub connect: MySqlConnectOptions,
    pub table_options: TableOptions,
    /// `host:port/database`, for messages (never the password).
    pub label: String,
}

/// Parses a `mysql://` or `mariadb://` URL. The plugin's keys ([`table_options::KEYS`])
/// are taken out of the query; every other key is sqlx's (`ssl-mode`, `ssl-ca`,
/// `ssl-cert`, `ssl-key`, `charset`, `collation`, `timezone`, `socket`,
/// `statement-cache-capacity`).
pub(crate) fn parse(url: &str) -> DbResult<ParsedUrl> {
    let bad = |reason: String| DbError::InvalidUrl {
        url: redact(url),
        reason,
    };
    let rest = url
        .strip_prefix("mysql://")
        .or_else(|| url.strip_prefix("mariadb://"))
        .ok_or_else(|| bad("a MySQL URL starts with `mysql://` or `mariadb://`".into()))?;
    let (before_query, query) = match rest.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (rest, None),
    };
    let mut table_options = TableOptions::default();
    let mut kept = Vec::new();
    for pair in query.into_iter().flat_map(|q| q.split('&')) {
        if pair.is_empty() {
            continue;
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if table_options::KEYS.contains(&key) {
            table_options
                .set(key, &percent_decode(value))
                .map_err(|e| bad(e.to_string()))?;
        } else {
            kept.push(pair);
        }
    }
    let mut driver_url = format!("mysql://{before_query}");
    if !kept.is_empty() {
        driver_url.push('?');
        driver_url.push_str(&kept.join("&"));
    }
    let connect = MySqlConnectOptions::from_str(&driver_url).map_err(|e| bad(e.to_string()))?;
    let label = format!(
        "{}:{}/{}",
        connect.get_host(),
        connect.get_port(),
        connect.get_database().unwrap_or("")
    );
    Ok(ParsedUrl {
        connect,
        table_options,
        label,
    })
}

/// The URL with its password replaced by `***`, for error messages.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// Decodes `%XX` escapes (and `+` as a space, as in query strings).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
                continue;
            }
            (b'+', _) => out.push(b' '),
            (b, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_schemes_and_plugin_keys() {
        let p = parse("mariadb://root@127.0.0.1:3306/app?engine=InnoDB&ssl-mode=disabled&table_charset=utf8mb4").unwrap();
        assert_eq!(p.label, "127.0.0.1:3306/app");
        assert_eq!(p.table_options.engine.as_deref(), Some("InnoDB"));
        assert_eq!(p.table_options.charset.as_deref(), Some("utf8mb4"));
        assert!(parse("mysql://root@localhost/app").is_ok());
        assert!(matches!(
            parse("postgres://x/y"),
            Err(DbError::InvalidUrl { .. })
        ));
        assert!(matches!(
            parse("mysql://h/app?ssl-mode=sometimes"),
            Err(DbError::InvalidUrl { .. })
        ));
        assert!(matches!(
            parse("mysql://h/app?engine=a%20b"),
            Err(DbError::InvalidUrl { .. })
        ));
    }

    #[test]
    fn redaction_hides_the_password() {
        assert_eq!(redact("mysql://u:secret@h/db"), "mysql://u:***@h/db");
        assert_eq!(redact("mysql://u@h/db"), "mysql://u@h/db");
        assert_eq!(percent_decode("a%2Bb+c%"), "a+b c%");
    }
}
