//! SQL Server for the tests. No SQL Server runs on our machines, so:
//!
//! - the live suite runs on the server at `PLUGORM_MSSQL_URL` when it is set (each test
//!   in a database of its own, `plugorm_t_<pid>_<n>`), and is otherwise skipped with a
//!   printed reason — also under `CI=true`, unlike PostgreSQL and MariaDB;
//! - golden SQL runs everywhere, on a dry-run database of the SQL Server plugin that
//!   opens nothing ([`dry_products`]).
//!
//! ```no_run
//! # async fn t() {
//! let Some(db) = plugorm_tests::mssql::open("").await else { return };   // skipped
//! # }
//! ```

use std::sync::atomic::{AtomicU32, Ordering};

use plugorm::{Db, Registry};

use crate::{matrix::SOFT_DELETE, product::Product};

static NEXT: AtomicU32 = AtomicU32::new(0);

/// The server URL from `PLUGORM_MSSQL_URL`, if set.
///
/// ```
/// if std::env::var("PLUGORM_MSSQL_URL").is_err() {
///     assert!(plugorm_tests::mssql::server_url().is_none());
/// }
/// ```
pub fn server_url() -> Option<String> {
    std::env::var("PLUGORM_MSSQL_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// A `plugins.toml` text loading the SQLite and SQL Server plugins, then `extra`.
///
/// ```no_run
/// assert!(plugorm_tests::mssql::config_text("").contains("sqlserver"));
/// ```
pub fn config_text(extra: &str) -> String {
    crate::config_text(&format!(
        "\n[[plugin]]\nname = \"sqlserver\"\nversion = \"^0.1\"\n{extra}"
    ))
}

/// A registry with the SQLite and SQL Server plugins and the `extra` entries.
pub fn registry(extra: &str) -> Registry {
    crate::registry_from_text(&config_text(extra), "SQL Server")
}

/// A fresh database on the server at `PLUGORM_MSSQL_URL`, with its URL; `None` after
/// printing why when the variable is not set.
pub async fn open(extra: &str) -> Option<(Db, String)> {
    let Some(server) = server_url() else {
        println!("skipped: sqlserver: PLUGORM_MSSQL_URL is not set (no SQL Server here)");
        return None;
    };
    let registry = registry(extra);
    let admin = match registry.open(&server).await {
        Ok(db) => db,
        Err(e) => panic!("cannot open {}: {e}", plugorm::redact_url(&server)),
    };
    let name = format!(
        "plugorm_t_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let create =
        format!("IF DB_ID('{name}') IS NOT NULL DROP DATABASE [{name}]; CREATE DATABASE [{name}]");
    for sql in create.split("; ") {
        if let Err(e) = admin.exec(sql, ()).await {
            panic!("cannot create the test database {name}: {e}");
        }
    }
    let url = with_database(&server, &name);
    match registry.open(&url).await {
        Ok(db) => Some((db, url)),
        Err(e) => panic!("cannot open {}: {e}", plugorm::redact_url(&url)),
    }
}

/// `url` with its `database` query key set to `name`.
///
/// ```
/// use plugorm_tests::mssql::with_database;
/// assert_eq!(with_database("sqlserver://h?encrypt=false", "x"), "sqlserver://h?encrypt=false&database=x");
/// assert_eq!(with_database("sqlserver://h?database=a&x=1", "b"), "sqlserver://h?x=1&database=b");
/// assert_eq!(with_database("sqlserver://h", "b"), "sqlserver://h?database=b");
/// ```
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut pairs: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.to_ascii_lowercase().starts_with("database="))
        .collect();
    let db = format!("database={name}");
    pairs.push(&db);
    format!("{base}?{}", pairs.join("&"))
}

/// The SQL Server plugin's dry-run database with the soft-delete plugin and `products`
/// "created" (rendered, not run): golden SQL without a server.
pub async fn dry_products() -> Db {
    let db = match registry(SOFT_DELETE).open_dry_run("sqlserver://") {
        Ok(db) => db,
        Err(e) => panic!("cannot open the SQL Server dry-run database: {e}"),
    };
    if let Err(e) = db.auto_migrate::<Product>().await {
        panic!("cannot render products' DDL for SQL Server: {e}");
    }
    // A fresh record of statements: the DDL above is not the test's.
    db.dry_run()
}
