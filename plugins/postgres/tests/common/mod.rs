//! The PostgreSQL server of the conformance tests, and a schema of its own per check.

use plugorm_dialect_tests::{url::with_query, FreshDatabase, Plugin, Suite};

/// `PLUGORM_PG_URL`, or the local test server.
pub fn server_url() -> String {
    std::env::var("PLUGORM_PG_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// The suite on the server: each check in a fresh schema (the session's
/// `search_path`), dropped with its tables afterwards.
pub fn suite(plugin: Plugin) -> Suite {
    let server = server_url();
    Suite::new(plugin, server.clone())
        .fresh_database(move |admin, name| {
            let url = with_query(
                &server,
                &[("search_path", &name), ("application_name", &name)],
            );
            async move {
                admin.exec(&format!("CREATE SCHEMA \"{name}\""), ()).await?;
                Ok(FreshDatabase::new(url).cleanup(format!("DROP SCHEMA \"{name}\" CASCADE")))
            }
        })
        .golden(plugorm_dialect_tests::golden::POSTGRES)
}
