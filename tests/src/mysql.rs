//! MariaDB / MySQL databases for the tests: each test gets a database of its own on the
//! server at `PLUGORM_MYSQL_URL` (default [`DEFAULT_URL`]), opened through the MySQL
//! plugin — loaded from its `.so`, or linked in under `--features static`.
//!
//! ```no_run
//! # async fn t() {
//! let Some(db) = plugorm_tests::mysql::database().await else { return };   // skipped
//! db.exec("CREATE TABLE t (id int)", ()).await.unwrap();
//! # }
//! ```
//!
//! When the server cannot be reached the test is skipped with a printed reason — except
//! under `CI=true`, where that is a panic: CI must run these tests. Databases are named
//! `plugorm_t_<pid>_<n>`; the first database a test process creates first drops those of
//! earlier processes that are no longer running, so crashed or finished runs leave
//! nothing behind for long.

use std::sync::atomic::{AtomicU32, Ordering};

use plugorm::{Db, Registry};

/// The server used when `PLUGORM_MYSQL_URL` is not set.
pub const DEFAULT_URL: &str = "mysql://root@127.0.0.1:3306/test";

/// The prefix of every test database's name.
pub const PREFIX: &str = "plugorm_t_";

static NEXT: AtomicU32 = AtomicU32::new(0);
static SWEPT: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();

/// The server URL from `PLUGORM_MYSQL_URL`, or [`DEFAULT_URL`].
pub fn server_url() -> String {
    std::env::var("PLUGORM_MYSQL_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_URL.to_string())
}

/// `url` with its database (the URL path) replaced by `database`, the query kept (the
/// conformance kit's helper).
///
/// ```
/// assert_eq!(plugorm_tests::mysql::with_database("mariadb://h", "x"), "mariadb://h/x");
/// ```
pub use plugorm_dialect_tests::url::with_database;

/// A `plugins.toml` text loading the SQLite and MySQL plugins from the build folder,
/// followed by `extra` (more `[[plugin]]` entries).
pub fn config_text(extra: &str) -> String {
    if !crate::STATIC {
        let so = crate::plugin_dir().join(plugorm::loader::library_file_name("mysql"));
        assert!(
            so.is_file(),
            "{} is missing: run `cargo build -p plugorm-mysql-dylib` before the tests",
            so.display()
        );
    }
    crate::config_text(&format!(
        "\n[[plugin]]\nname = \"mysql\"\nversion = \"^0.1\"\n{extra}"
    ))
}

/// A registry with the SQLite and MySQL plugins and the `extra` entries.
pub fn registry(extra: &str) -> Registry {
    crate::registry_from_text(&config_text(extra), "MySQL")
}

/// A fresh database of one test.
pub struct TestDatabase {
    /// Connected to the database.
    pub db: Db,
    /// Its URL (for a second pool, or another registry).
    pub url: String,
    /// Its name.
    pub name: String,
    /// The registry `db` was opened from.
    pub registry: Registry,
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    match rest[..end].rsplit_once('@') {
        Some((user, host)) if user.contains(':') => {
            let name = user.split(':').next().unwrap_or("");
            format!("{scheme}://{name}:***@{host}{}", &rest[end..])
        }
        _ => url.to_string(),
    }
}

fn unreachable(url: &str, e: &dyn std::fmt::Display) -> Option<TestDatabase> {
    let reason = format!(
        "MariaDB / MySQL at {} is not reachable ({e}); set PLUGORM_MYSQL_URL to a server",
        redact(url)
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true requires the MySQL tests to run: {reason}");
    }
    eprintln!("skipping MySQL test: {reason}");
    None
}

fn ci_or_panic<T, E: std::fmt::Display>(r: Result<T, E>, what: &str) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("{what}: {e}"),
    }
}

/// Whether a process id is running (databases of dead processes are stale).
fn process_alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// Drops the test databases of processes that are no longer running.
async fn sweep(admin: &Db) {
    let rows = ci_or_panic(
        admin
            .raw(
                "SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?",
                (format!("{}%", PREFIX.replace('_', "\\_")),),
            )
            .await,
        "listing test databases",
    );
    let me = std::process::id();
    for row in rows.iter() {
        let name: String = ci_or_panic(row.get("name"), "test database name");
        let pid = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('_').next())
            .and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|p| p != me && !process_alive(p)) {
            let drop = format!("DROP DATABASE IF EXISTS `{}`", name.replace('`', "``"));
            if let Err(e) = admin.exec(&drop, ()).await {
                eprintln!("could not drop stale test database {name}: {e}");
            }
        }
    }
}

/// A fresh, empty database with the MySQL plugin and the `extra` plugin entries; `None`
/// (with the reason printed) when the server is unreachable outside CI.
pub async fn open(extra: &str) -> Option<TestDatabase> {
    let server = server_url();
    let registry = registry(extra);
    let admin_options = plugorm::PoolOptions {
        max_connections: 1,
        connect_timeout_ms: 10_000,
        ..plugorm::PoolOptions::default()
    };
    let admin = match registry.open_with(&server, admin_options).await {
        Ok(db) => db,
        Err(e) => return unreachable(&server, &e),
    };
    SWEPT.get_or_init(|| sweep(&admin)).await;
    let name = format!(
        "{PREFIX}{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    ci_or_panic(
        admin
            .exec(&format!("DROP DATABASE IF EXISTS `{name}`"), ())
            .await,
        "dropping a leftover test database",
    );
    ci_or_panic(
        admin.exec(&format!("CREATE DATABASE `{name}`"), ()).await,
        "creating the test database",
    );
    let _ = admin.close().await;
    let url = with_database(&server, &name);
    let db = ci_or_panic(registry.open(&url).await, "opening the test database");
    Some(TestDatabase {
        db,
        url,
        name,
        registry,
    })
}

/// A fresh, empty database with the MySQL plugin only (see [`open`]).
pub async fn database() -> Option<Db> {
    open("").await.map(|t| t.db)
}

/// A fresh, empty database with the MySQL and soft-delete plugins (see [`open`]).
pub async fn database_with_soft_delete() -> Option<Db> {
    open("[[plugin]]\nname = \"soft-delete\"\n")
        .await
        .map(|t| t.db)
}
