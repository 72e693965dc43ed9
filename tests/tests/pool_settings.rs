//! Pool settings reach the dialect's pool on every backend: from the application, from
//! `[plugin.pool]` in `plugins.toml`, and from the URL's query string, each layer
//! overriding the one below; bad values are typed errors naming the key (and the line, in
//! `plugins.toml`, which is checked once: parsing does not depend on the backend).

use plugorm::{config::PluginsConfig, loader::LoadError, Error, PoolOptions, Registry};
use plugorm_tests::{config, config_text, matrix::Backend, plugin_dir};

plugorm_tests::matrix!(
    url_pool_keys_reach_the_pool_and_are_hidden_from_the_driver,
    plugins_toml_pool_applies_and_the_url_overrides_it,
    bad_url_pool_values_are_invalid_url_errors_naming_the_key,
);

async fn url_pool_keys_reach_the_pool_and_are_hidden_from_the_driver(backend: Backend) {
    let Some(db) = backend.open_file("").await else {
        return;
    };
    // sqlx's SQLite driver refuses unknown query keys: there, opening proves they were
    // removed. On every backend the pool's maximum shows they were read.
    let url = db.url_with("max_connections=3&idle_timeout=none&max_lifetime=10m");
    let pool = db.registry().open(&url).await.unwrap();
    assert_eq!(pool.pool_stats().max_connections, 3);
    pool.exec("CREATE TABLE t (x INTEGER)", ()).await.unwrap();
}

async fn plugins_toml_pool_applies_and_the_url_overrides_it(backend: Backend) {
    let Some(db) = backend
        .open_file("[plugin.pool]\nmax_connections = 2\nconnect_timeout = \"5s\"\n")
        .await
    else {
        return;
    };
    assert_eq!(db.pool_stats().max_connections, 2);
    let registry = db.registry();
    let more = registry
        .open(&db.url_with("max_connections=4"))
        .await
        .unwrap();
    assert_eq!(more.pool_stats().max_connections, 4);
    // The application's options are the lowest layer.
    let coded = registry
        .open_with(
            db.url(),
            PoolOptions {
                max_connections: 7,
                ..PoolOptions::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        coded.pool_stats().max_connections,
        2,
        "plugins.toml overrides code defaults"
    );
}

async fn bad_url_pool_values_are_invalid_url_errors_naming_the_key(backend: Backend) {
    let Some(db) = backend.open_file("").await else {
        return;
    };
    // The error names the URL that was opened (`mysql://` or `mariadb://`, as configured).
    let scheme = db.url().split("://").next().unwrap().to_string() + "://";
    for (query, needle) in [
        ("max_connections=many", "max_connections"),
        ("max_connections=0", "at least 1"),
        ("idle_timeout=soon", "idle_timeout"),
        ("min_connections=9&max_connections=2", "exceeds"),
    ] {
        match db.registry().open(&db.url_with(query)).await {
            Err(Error::InvalidUrl { reason, url }) => {
                assert!(reason.contains(needle), "{query}: {reason}");
                assert!(url.starts_with(&scheme), "{url}");
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
