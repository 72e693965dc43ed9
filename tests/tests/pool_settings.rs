//! Pool settings reach the dialect's pool: from the application, from `[plugin.pool]` in
//! `plugins.toml`, and from the URL's query string, each layer overriding the one below;
//! bad values are typed errors naming the key (and the line, in `plugins.toml`).

use plugorm::{config::PluginsConfig, loader::LoadError, Error, PoolOptions, Registry};
use plugorm_tests::{config, config_text, plugin_dir, registry};

fn file_url(dir: &tempfile::TempDir, query: &str) -> String {
    format!("sqlite://{}{query}", dir.path().join("pool.db").display())
}

#[tokio::test]
async fn url_pool_keys_reach_the_pool_and_are_hidden_from_the_driver() {
    let dir = tempfile::tempdir().unwrap();
    // sqlx's SQLite driver refuses unknown query keys: opening proves they were removed.
    let db = registry()
        .open(&file_url(
            &dir,
            "?max_connections=3&idle_timeout=none&max_lifetime=10m",
        ))
        .await
        .unwrap();
    assert_eq!(db.pool_stats().max_connections, 3);
    db.exec("CREATE TABLE t (x INTEGER)", ()).await.unwrap();
}

#[tokio::test]
async fn plugins_toml_pool_applies_and_the_url_overrides_it() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::load(&config(
        "[plugin.pool]\nmax_connections = 2\nconnect_timeout = \"5s\"\n",
    ))
    .unwrap();
    let db = registry.open(&file_url(&dir, "")).await.unwrap();
    assert_eq!(db.pool_stats().max_connections, 2);
    let db = registry
        .open(&file_url(&dir, "?max_connections=4"))
        .await
        .unwrap();
    assert_eq!(db.pool_stats().max_connections, 4);
    // The application's options are the lowest layer.
    let db = registry
        .open_with(
            &file_url(&dir, ""),
            PoolOptions {
                max_connections: 7,
                ..PoolOptions::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        db.pool_stats().max_connections,
        2,
        "plugins.toml overrides code defaults"
    );
}

#[tokio::test]
async fn bad_url_pool_values_are_invalid_url_errors_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    for (query, needle) in [
        ("?max_connections=many", "max_connections"),
        ("?max_connections=0", "at least 1"),
        ("?idle_timeout=soon", "idle_timeout"),
        ("?min_connections=9&max_connections=2", "exceeds"),
    ] {
        match registry().open(&file_url(&dir, query)).await {
            Err(Error::InvalidUrl { reason, url }) => {
                assert!(reason.contains(needle), "{query}: {reason}");
                assert!(url.starts_with("sqlite://"), "{url}");
            }
            Err(other) => panic!("{query}: expected InvalidUrl, got {other}"),
            Ok(_) => panic!("{query}: opened"),
        }
    }
}

#[test]
fn bad_plugins_toml_pool_values_name_key_and_line() {
    let text = config_text("[plugin.pool]\nmax_connections = 5\nidle_timeout = true\n");
    let err = PluginsConfig::parse(&text, &plugin_dir().join("plugins.toml")).unwrap_err();
    let line = text
        .lines()
        .position(|l| l.starts_with("idle_timeout"))
        .unwrap()
        + 1;
    assert_eq!(err.line, Some(line), "{err}");
    assert!(err.message.contains("idle_timeout"), "{err}");

    let text = config_text("[plugin.pool]\nmax_conections = 5\n");
    let err = PluginsConfig::parse(&text, &plugin_dir().join("plugins.toml")).unwrap_err();
    assert!(
        err.message.contains("unknown pool key `max_conections`"),
        "{err}"
    );
}

#[test]
fn pool_settings_on_a_feature_plugin_are_refused() {
    let cfg = config("[[plugin]]\nname = \"soft-delete\"\n[plugin.pool]\nmax_connections = 5\n");
    match Registry::load(&cfg) {
        Err(Error::Load(LoadError::BadConfig { plugin, key, .. })) => {
            assert_eq!(plugin, "soft-delete");
            assert_eq!(key.as_deref(), Some("pool"));
        }
        Err(other) => panic!("expected BadConfig, got {other}"),
        Ok(_) => panic!("loaded"),
    }
}
