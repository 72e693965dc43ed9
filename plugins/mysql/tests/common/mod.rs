//! The MariaDB / MySQL server of the conformance tests, and a database of its own per
//! check.

use plugorm_dialect_tests::{FreshDatabase, Plugin, Suite};

/// `PLUGORM_MYSQL_URL`, or the local test server.
pub fn server_url() -> String {
    std::env::var("PLUGORM_MYSQL_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "mysql://root@127.0.0.1:3306/test".to_string())
}

/// `url` naming `database` (the URL path replaced, the query kept).
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority = base.find("://").map_or(0, |i| i + 3);
    let end = base[authority..]
        .find('/')
        .map_or(base.len(), |i| authority + i);
    let mut out = format!("{}/{database}", &base[..end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// The suite on the server: each check in a fresh database, dropped afterwards.
pub fn suite(plugin: Plugin) -> Suite {
    let server = server_url();
    Suite::new(plugin, server.clone())
        .fresh_database(move |admin, name| {
            let url = with_database(&server, &name);
            async move {
                admin.exec(&format!("CREATE DATABASE `{name}`"), ()).await?;
                Ok(FreshDatabase::new(url).cleanup(format!("DROP DATABASE `{name}`")))
            }
        })
        .golden(plugorm_dialect_tests::golden::MYSQL)
}

#[test]
fn urls_name_the_database() {
    assert_eq!(
        with_database("mysql://root@h:3306/test?ssl-mode=disabled", "x"),
        "mysql://root@h:3306/x?ssl-mode=disabled"
    );
    assert_eq!(with_database("mariadb://h", "x"), "mariadb://h/x");
}
