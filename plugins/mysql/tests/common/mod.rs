//! The MariaDB / MySQL server of the conformance tests, and a database of its own per
//! check.

use plugorm_dialect_tests::{url::with_database, FreshDatabase, Plugin, Suite};

/// `PLUGORM_MYSQL_URL`, or the local test server.
pub fn server_url() -> String {
    std::env::var("PLUGORM_MYSQL_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "mysql://root@127.0.0.1:3306/test".to_string())
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
