//! The SQL Server of the live and conformance tests: `PLUGORM_MSSQL_URL`, or none (there
//! is no SQL Server on the development machines or CI; every test then says it skipped).

use plugorm_dialect_tests::{url::with_database, FreshDatabase, Plugin, Suite};

/// `PLUGORM_MSSQL_URL`, or `None` after printing why the caller skips.
pub fn server_url() -> Option<String> {
    let url = std::env::var("PLUGORM_MSSQL_URL")
        .ok()
        .filter(|u| !u.trim().is_empty());
    if url.is_none() {
        println!("skipped: PLUGORM_MSSQL_URL is not set");
    }
    url
}

/// The conformance suite on the server: each check in a database of its own, dropped
/// afterwards (sessions still in it are ended first: SQL Server refuses to drop a
/// database in use).
#[allow(dead_code)] // not every test file runs the suite
pub fn suite(plugin: Plugin, server: String) -> Suite {
    Suite::new(plugin, server.clone()).fresh_database(move |admin, name| {
        let url = with_database(&server, &name);
        async move {
            admin.exec(&format!("CREATE DATABASE [{name}]"), ()).await?;
            Ok(FreshDatabase::new(url)
                .cleanup(format!(
                    "ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE"
                ))
                .cleanup(format!("DROP DATABASE [{name}]")))
        }
    })
}
