//! PostgreSQL databases for the tests: each test gets a fresh schema of its own on the
//! server at `PLUGORM_PG_URL` (default `postgres://postgres@127.0.0.1:5432/test`),
//! reached through the PostgreSQL plugin loaded from its `.so` (or, with `--features
//! static`, linked in).
//!
//! ```no_run
//! # async fn t() {
//! let Some(db) = plugorm_tests::postgres::database().await else { return };
//! db.exec("CREATE TABLE t (id serial PRIMARY KEY)", ()).await.unwrap();
//! # }
//! ```
//!
//! The schema is the connection's `search_path`, so unqualified tables land in it and
//! tests run in parallel without seeing each other. Its name, `plugorm_t_<unix
//! seconds>_<pid>_<n>`, is also the pool's `application_name`: schemas left by earlier
//! runs are dropped when older than two minutes and no session uses them any more.
//!
//! When the server cannot be reached the helpers return `None` after printing why, so a
//! machine without PostgreSQL skips these tests; under `CI=true` they panic instead.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::{SystemTime, UNIX_EPOCH},
};

use plugorm::{Db, Registry};
use plugorm_dialect_tests::url::with_query;
use tokio::sync::OnceCell;

use crate::{config_text, plugin_dir, STATIC};

/// The server URL: `PLUGORM_PG_URL`, else the local test server.
///
/// ```
/// assert!(plugorm_tests::postgres::server_url().starts_with("postgres"));
/// ```
pub fn server_url() -> String {
    std::env::var("PLUGORM_PG_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// Prefix of every test schema.
///
/// ```
/// assert!(plugorm_tests::postgres::SCHEMA_PREFIX.starts_with("plugorm"));
/// ```
pub const SCHEMA_PREFIX: &str = "plugorm_t_";

/// Test schemas older than this with no session are left-overs of earlier runs.
const STALE_AFTER_SECS: u64 = 120;

/// A `plugins.toml` text loading the SQLite and PostgreSQL plugins, followed by `extra`.
///
/// ```no_run
/// let text = plugorm_tests::postgres::config_text_with("");
/// assert!(text.contains("name = \"postgres\""));
/// ```
pub fn config_text_with(extra: &str) -> String {
    let so = plugin_dir().join(plugorm::loader::library_file_name("postgres"));
    assert!(
        STATIC || so.is_file(),
        "{} is missing: run `cargo build -p plugorm-postgres-dylib` (or the whole workspace) \
         before the tests",
        so.display()
    );
    config_text(&format!(
        "\n[[plugin]]\nname = \"postgres\"\nversion = \"^0.1\"\n{extra}"
    ))
}

/// A registry with the SQLite and PostgreSQL plugins and whatever `extra` adds (more
/// `[[plugin]]` entries).
///
/// ```no_run
/// let registry = plugorm_tests::postgres::registry_with("[[plugin]]\nname = \"soft-delete\"\n");
/// assert!(registry.dialect_for_scheme("postgresql").is_some());
/// ```
pub fn registry_with(extra: &str) -> Registry {
    crate::registry_from_text(&config_text_with(extra), "PostgreSQL")
}

/// A fresh schema and a database session whose `search_path` is it.
///
/// ```no_run
/// # async fn t() {
/// let Some(pg) = plugorm_tests::postgres::fresh_with("").await else { return };
/// let other = plugorm_tests::postgres::registry_with("").open(&pg.url).await.unwrap();
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct PgDatabase {
    /// Connected with `search_path` set to [`PgDatabase::schema`].
    pub db: Db,
    /// The test's own schema.
    pub schema: String,
    /// The URL `db` was opened with.
    pub url: String,
}

/// True when the tests must not skip (`CI=true`).
///
/// ```
/// if !plugorm_tests::postgres::required() {
///     println!("PostgreSQL tests may skip here");
/// }
/// ```
pub fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// Returns `None` after printing why, or panics under CI.
fn unavailable(why: String) -> Option<PgDatabase> {
    if required() {
        panic!(
            "PostgreSQL is required under CI=true but {why} (server {}; set PLUGORM_PG_URL)",
            plugorm::redact_url(&server_url())
        );
    }
    eprintln!("skipping: PostgreSQL is not available: {why}");
    None
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn new_schema_name() -> String {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    format!(
        "{SCHEMA_PREFIX}{}_{}_{}",
        now_secs(),
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}

/// Drops test schemas of earlier runs: older than [`STALE_AFTER_SECS`] and with no
/// session named after them. Runs once per test process.
async fn drop_stale_schemas(admin: &Db) {
    static DONE: OnceCell<()> = OnceCell::const_new();
    DONE.get_or_init(|| async {
        let rows = match admin
            .raw(
                "SELECT n.nspname AS name FROM pg_namespace n WHERE n.nspname LIKE ? \
                 AND NOT EXISTS (SELECT 1 FROM pg_stat_activity s \
                 WHERE s.application_name = n.nspname)",
                (format!("{}%", SCHEMA_PREFIX.replace('_', "\\_")),),
            )
            .await
        {
            Ok(r) => r,
            Err(e) => {
                eprintln!("cannot list stale test schemas: {e}");
                return;
            }
        };
        let now = now_secs();
        for row in rows.iter() {
            let Ok(name) = row.get::<String>("name") else {
                continue;
            };
            let created = name
                .strip_prefix(SCHEMA_PREFIX)
                .and_then(|rest| rest.split('_').next())
                .and_then(|secs| secs.parse::<u64>().ok());
            if created.is_some_and(|c| now.saturating_sub(c) > STALE_AFTER_SECS) {
                let sql = format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE");
                if let Err(e) = admin.exec(&sql, ()).await {
                    eprintln!("cannot drop stale test schema {name}: {e}");
                }
            }
        }
    })
    .await;
}

/// A fresh schema on the test server with a session in it, through a registry with the
/// PostgreSQL plugin and `extra` (more `[[plugin]]` entries, e.g. the soft-delete
/// plugin). `None` (after printing why) when the server is unreachable, unless `CI=true`.
///
/// ```no_run
/// # async fn t() {
/// let Some(pg) = plugorm_tests::postgres::fresh_with("").await else { return };
/// println!("testing in schema {}", pg.schema);
/// # }
/// ```
pub async fn fresh_with(extra: &str) -> Option<PgDatabase> {
    let registry = registry_with(extra);
    let base = server_url();
    // A short connect timeout: an unreachable server is reported quickly.
    let admin_options = plugorm::PoolOptions {
        max_connections: 1,
        connect_timeout_ms: 5_000,
        ..plugorm::PoolOptions::default()
    };
    let admin = match registry.open_with(&base, admin_options).await {
        Ok(db) => db,
        Err(e) => return unavailable(format!("cannot connect: {e}")),
    };
    drop_stale_schemas(&admin).await;
    let schema = new_schema_name();
    if let Err(e) = admin.exec(&format!("CREATE SCHEMA \"{schema}\""), ()).await {
        return unavailable(format!("cannot create schema {schema}: {e}"));
    }
    let _ = admin.close().await;
    let url = with_query(
        &base,
        &[("search_path", &schema), ("application_name", &schema)],
    );
    match registry.open(&url).await {
        Ok(db) => Some(PgDatabase { db, schema, url }),
        Err(e) => unavailable(format!("cannot open {}: {e}", plugorm::redact_url(&url))),
    }
}

/// A session in a fresh schema, with the PostgreSQL plugin only.
///
/// ```no_run
/// # async fn t() {
/// let Some(db) = plugorm_tests::postgres::database().await else { return };
/// db.exec("CREATE TABLE t (id serial PRIMARY KEY)", ()).await.unwrap();
/// # }
/// ```
pub async fn database() -> Option<Db> {
    fresh_with("").await.map(|d| d.db)
}

/// A session in a fresh schema, with the PostgreSQL plugin and `extra` plugins.
///
/// ```no_run
/// # async fn t() {
/// let db = plugorm_tests::postgres::database_with("[[plugin]]\nname = \"soft-delete\"\n").await;
/// # }
/// ```
pub async fn database_with(extra: &str) -> Option<Db> {
    fresh_with(extra).await.map(|d| d.db)
}

/// `products` (see [`crate::product`]) in PostgreSQL's types.
///
/// ```
/// assert!(plugorm_tests::postgres::PRODUCTS_DDL.contains("bigserial"));
/// ```
pub const PRODUCTS_DDL: &str = "CREATE TABLE products (id bigserial PRIMARY KEY, \
    code text NOT NULL UNIQUE, price bigint NOT NULL, created_at timestamp, \
    updated_at timestamp, deleted_at timestamp)";

/// A session with the soft-delete plugin and the `products` table, in a fresh schema:
/// PostgreSQL's counterpart of [`crate::products_db`].
///
/// ```no_run
/// # async fn t() {
/// let Some(db) = plugorm_tests::postgres::products_db().await else { return };
/// assert_eq!(db.raw("SELECT * FROM products", ()).await.unwrap().len(), 0);
/// # }
/// ```
pub async fn products_db() -> Option<Db> {
    let db = database_with("[[plugin]]\nname = \"soft-delete\"\n").await?;
    if let Err(e) = db.exec(PRODUCTS_DDL, ()).await {
        panic!("cannot create products: {e}");
    }
    Some(db)
}
