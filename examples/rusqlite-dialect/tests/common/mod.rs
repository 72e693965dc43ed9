//! How this dialect's tests reach a database: the one file a conformance kit
//! (`plugorm-dialect-tests`) would take as its input. Everything here names the dialect;
//! nothing in `conformance.rs` does.
//!
//! The plugin is loaded from its `.so` (`target/<profile>/libplugorm_rusqlite.so`,
//! built by `cargo build --workspace`), through a `plugins.toml`, exactly as an
//! application loads it: the tests cross the same ABI boundary.

#![allow(dead_code)] // each test file uses part of it

use std::path::PathBuf;

use plugorm::{config::PluginsConfig, Db, Registry};

/// The dialect's plugin name and URL scheme.
pub const PLUGIN: &str = "rusqlite";

/// A statement that runs until it is interrupted.
pub const ENDLESS: &str =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c";

/// Rows without end.
pub const ENDLESS_ROWS: &str =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c";

/// The numbers 1 to `n`, one a row, in a column `x`.
pub fn numbers(n: u64) -> String {
    format!("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n}) SELECT x FROM c")
}

/// The folder holding the built binaries and plugin libraries (`target/debug`), found
/// from the test executable (`target/debug/deps/…`).
pub fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .map(PathBuf::from)
        .unwrap_or_default();
    for name in [PLUGIN, "soft-delete"] {
        let so = dir.join(plugorm::loader::library_file_name(name));
        assert!(
            so.is_file(),
            "{} is missing: run `cargo build --workspace` before the tests",
            so.display()
        );
    }
    dir
}

/// A `plugins.toml` loading this dialect and the soft-delete plugin from [`target_dir`],
/// followed by `extra`.
pub fn config_text(extra: &str) -> String {
    format!(
        "search_paths = [{:?}]\n\n[[plugin]]\nname = \"{PLUGIN}\"\n\n[[plugin]]\nname = \"soft-delete\"\n{extra}",
        target_dir().display().to_string()
    )
}

/// The registry of [`config_text`].
pub fn registry() -> Registry {
    let text = config_text("");
    let config = PluginsConfig::parse(&text, &target_dir().join("plugins.toml"))
        .unwrap_or_else(|e| panic!("test configuration does not parse: {e}\n{text}"));
    Registry::load(&config).unwrap_or_else(|e| panic!("cannot load the plugins: {e}"))
}

/// A private in-memory database.
pub async fn memory() -> Db {
    let url = format!("{PLUGIN}::memory:");
    registry()
        .open(&url)
        .await
        .unwrap_or_else(|e| panic!("cannot open {url}: {e}"))
}

/// A database in a fresh file, with pool keys `pool` (`max_connections=1`) if any; keep
/// the directory alive while using it.
pub async fn file(pool: &str) -> (Db, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut url = format!("{PLUGIN}:{}", dir.path().join("test.db").display());
    if !pool.is_empty() {
        url = format!("{url}?{pool}");
    }
    let db = registry()
        .open(&url)
        .await
        .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    (db, dir)
}
