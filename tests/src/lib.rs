//! Shared helpers of plugorm's integration tests: where the built plugin libraries are,
//! a `plugins.toml` pointing at them, and databases for each test.
//!
//! The same tests run with plugins loaded from their `.so` files (default) and with the
//! plugin crates linked statically (`--features static`). Tests that hold on every
//! database run through [`matrix!`] on SQLite, PostgreSQL and MariaDB alike.
//!
//! Servers a test needs beyond the shared ones are launched per test on free loopback
//! ports in temporary folders: a PostgreSQL primary with a hot standby
//! ([`replication`]) and a Prometheus scraping one target ([`prometheus_server`]), with
//! what they share in [`launch`].

pub mod golden_models;
pub mod hand_schema;
pub mod http;
pub mod launch;
pub mod matrix;
pub mod mssql;
pub mod mysql;
pub mod postgres;
pub mod product;
pub mod prometheus_server;
pub mod replication;

use std::path::PathBuf;

use plugorm::{config::PluginsConfig, Db, Registry};

/// True when the plugins are linked into the test binary.
pub const STATIC: bool = cfg!(feature = "static");

/// The folder holding the built plugin libraries (`target/debug`), found from the test
/// executable (`target/debug/deps/…`), so a custom `CARGO_TARGET_DIR` works too.
pub fn plugin_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let deps = exe.parent().map(PathBuf::from).unwrap_or_default();
    let dir = deps.parent().map(PathBuf::from).unwrap_or_default();
    let so = dir.join(plugorm::loader::library_file_name("sqlite"));
    assert!(
        so.is_file(),
        "{} is missing: run `cargo build --workspace` before the tests",
        so.display()
    );
    dir
}

/// The feature plugins the single-binary build links.
const FEATURE_PLUGINS: [&str; 6] = [
    "soft-delete",
    "dbresolver",
    "prometheus",
    "hints",
    "serializer",
    "sharding",
];

/// A `plugins.toml` text loading the SQLite plugin from [`plugin_dir`], followed by `extra`.
///
/// A linked feature plugin runs unless the configuration disables it, so in the
/// single-binary build the text disables each feature plugin `extra` does not name: a
/// test gets a feature plugin only by asking for it, in both builds.
pub fn config_text(extra: &str) -> String {
    let unless_named: String = FEATURE_PLUGINS
        .iter()
        .filter(|name| STATIC && !extra.contains(&format!("\"{name}\"")))
        .map(|name| format!("\n[[plugin]]\nname = \"{name}\"\nenabled = false\n"))
        .collect();
    format!(
        "search_paths = [{:?}]\n\n[[plugin]]\nname = \"sqlite\"\nversion = \"^0.1\"\n{extra}{unless_named}",
        plugin_dir().display().to_string()
    )
}

/// Parses [`config_text`] as if it were `dir/plugins.toml`.
pub fn config(extra: &str) -> PluginsConfig {
    let text = config_text(extra);
    match PluginsConfig::parse(&text, &plugin_dir().join("plugins.toml")) {
        Ok(c) => c,
        Err(e) => panic!("test configuration does not parse: {e}\n{text}"),
    }
}

/// A registry loaded from a whole `plugins.toml` text (as if it were
/// `dir/plugins.toml`); `what` names the plugins in a failure.
pub fn registry_from_text(text: &str, what: &str) -> Registry {
    let config = match PluginsConfig::parse(text, &plugin_dir().join("plugins.toml")) {
        Ok(c) => c,
        Err(e) => panic!("test configuration does not parse: {e}\n{text}"),
    };
    match Registry::load(&config) {
        Ok(r) => r,
        Err(e) => panic!("cannot load the {what} plugin: {e}"),
    }
}

/// A registry with the SQLite plugin.
pub fn registry() -> Registry {
    match Registry::load(&config("")) {
        Ok(r) => r,
        Err(e) => panic!("cannot load the SQLite plugin: {e}"),
    }
}

/// A private in-memory SQLite database.
pub async fn sqlite_memory() -> Db {
    match registry().open("sqlite::memory:").await {
        Ok(db) => db,
        Err(e) => panic!("cannot open sqlite::memory:: {e}"),
    }
}

/// A SQLite database in a fresh file; keep the returned directory alive while using it.
pub async fn sqlite_file() -> (Db, tempfile::TempDir) {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("cannot create a temporary directory: {e}"),
    };
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    match registry().open(&url).await {
        Ok(db) => (db, dir),
        Err(e) => panic!("cannot open {url}: {e}"),
    }
}

/// The values a statement binds, in order (a parameter the test cannot read as a
/// [`plugorm::Value`] shows as `Null`).
///
/// ```
/// let sql = plugorm::Sql::new("SELECT ?", [plugorm::Value::I64(1)]);
/// assert_eq!(plugorm_tests::bound_values(&sql), [plugorm::Value::I64(1)]);
/// ```
pub fn bound_values(sql: &plugorm::Sql) -> Vec<plugorm::Value> {
    sql.params
        .iter()
        .map(|p| p.as_enum().cloned().unwrap_or(plugorm::Value::Null))
        .collect()
}

/// A registry with the SQLite plugin and the soft-delete plugin.
pub fn registry_with_soft_delete() -> Registry {
    match Registry::load(&config("[[plugin]]\nname = \"soft-delete\"\n")) {
        Ok(r) => r,
        Err(e) => panic!("cannot load the plugins: {e}"),
    }
}

/// An in-memory SQLite database with the soft-delete plugin and the `products` table
/// (created by AutoMigrate from [`product::Product`]); [`matrix::Backend::products`] is
/// the same on every backend.
pub async fn products_db() -> Db {
    let db = match registry_with_soft_delete().open("sqlite::memory:").await {
        Ok(db) => db,
        Err(e) => panic!("cannot open sqlite::memory:: {e}"),
    };
    if let Err(e) = db.auto_migrate::<product::Product>().await {
        panic!("cannot create products: {e}");
    }
    db
}
