//! URL helpers for [`crate::Suite::fresh_database`] hooks: point a server URL at a fresh
//! database or schema.

/// `url` with its database (the URL path) replaced by `database`, the query kept.
///
/// ```
/// use plugorm_dialect_tests::url::with_database;
/// assert_eq!(with_database("mysql://root@h:3306/test?ssl-mode=disabled", "x"),
///            "mysql://root@h:3306/x?ssl-mode=disabled");
/// assert_eq!(with_database("mariadb://h", "x"), "mariadb://h/x");
/// ```
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{database}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// `url` with `key=value` pairs appended to its query string.
///
/// ```
/// use plugorm_dialect_tests::url::with_query;
/// assert_eq!(with_query("postgres://h/db", &[("search_path", "s1")]),
///            "postgres://h/db?search_path=s1");
/// assert_eq!(with_query("postgres://h/db?sslmode=disable", &[("a", "1"), ("b", "2")]),
///            "postgres://h/db?sslmode=disable&a=1&b=2");
/// ```
pub fn with_query(url: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = url.to_string();
    for (k, v) in pairs {
        out.push(if out.contains('?') { '&' } else { '?' });
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}
