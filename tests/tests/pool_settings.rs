//! Pool settings reach the dialect's pool on every backend: from the application, from
//! `[plugin.pool]` in `plugins.toml`, and from the URL's query string, each layer
//! overriding the one below; bad values are typed errors naming the key (and the line, in
//! `plugins.toml`, which is checked once: parsing does not depend on the backend). The
//! application's options bound the pool and its wait; a closed pool refuses work; a
//! connection held out of the pool keeps its session.

use plugorm::{
    config::PluginsConfig, loader::LoadError, DbError, Error, PoolOptions, Registry, Sql, Value,
};
use plugorm_tests::{config, config_text, hand_schema::db_err, matrix::Backend, plugin_dir};

plugorm_tests::matrix!(
    url_pool_keys_reach_the_pool_and_are_hidden_from_the_driver,
    plugins_toml_pool_applies_and_the_url_overrides_it,
    bad_url_pool_values_are_invalid_url_errors_naming_the_key,
    application_options_bound_the_pool_and_a_closed_pool_refuses_work,
    a_held_connection_keeps_its_session_and_runs_transactions,
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

async fn application_options_bound_the_pool_and_a_closed_pool_refuses_work(backend: Backend) {
    let Some(setup) = backend.open_file("").await else {
        return;
    };
    let options = PoolOptions {
        max_connections: 2,
        min_connections: 1,
        connect_timeout_ms: 300,
        idle_timeout_ms: Some(60_000).into(),
        max_lifetime_ms: Some(120_000).into(),
    };
    let db = setup.registry().open_with(setup.url(), options).await;
    let db = db.unwrap();
    assert_eq!(db.pool_stats().max_connections, 2);
    // Both connections held: a third statement waits for the connect timeout, then
    // fails with a typed timeout whose message names the wait.
    let a = db.pool().acquire().await.unwrap();
    let b = db.pool().acquire().await.unwrap();
    assert!(db.pool_stats().connections <= 2);
    match db_err(db.raw("SELECT 1", ()).await.unwrap_err()) {
        DbError::Timeout(m) => assert!(m.contains("300ms") && m.contains("connection"), "{m}"),
        other => panic!("expected a pool timeout, got {other:?}"),
    }
    drop(a);
    let n: i64 = db.raw_scalar("SELECT 2", ()).await.unwrap().unwrap();
    assert_eq!(n, 2);
    drop(b);
    db.ping().await.unwrap();
    db.close().await.unwrap();
    assert!(matches!(
        db_err(db.raw("SELECT 1", ()).await.unwrap_err()),
        DbError::Pool(_)
    ));
}

/// A connection taken out of the pool runs statements (their text as the driver takes
/// it), keeps what its session set up, streams, and runs transactions of its own.
async fn a_held_connection_keeps_its_session_and_runs_transactions(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    let conn = db.pool().acquire().await.unwrap();
    // A temporary table lives as long as its session.
    let temp = "CREATE TEMPORARY TABLE held (v varchar(10))";
    conn.execute(Sql::new(temp, [])).await.unwrap();
    if backend == Backend::Postgres {
        let set = "SET application_name = 'held'";
        conn.execute(Sql::new(set, [])).await.unwrap();
        let name = "SELECT current_setting('application_name') AS a";
        let rows = conn.query(Sql::new(name, [])).await.unwrap();
        assert_eq!(
            rows.iter().next().unwrap().get::<String>("a").unwrap(),
            "held"
        );
    }
    let plus_one = backend.pick(
        "SELECT ? + 1 AS n",
        "SELECT $1::int + 1 AS n",
        "SELECT ? + 1 AS n",
    );
    let rows = conn.query(Sql::new(plus_one, [Value::I64(41)])).await;
    assert_eq!(
        rows.unwrap()
            .iter()
            .next()
            .unwrap()
            .get::<i64>("n")
            .unwrap(),
        42
    );
    conn.ping().await.unwrap();

    let tx = conn.begin().await.unwrap();
    let insert = backend.pick(
        "INSERT INTO held VALUES (?)",
        "INSERT INTO held VALUES ($1)",
        "INSERT INTO held VALUES (?)",
    );
    tx.execute(Sql::new(insert, [Value::from("in tx")]))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert!(matches!(
        tx.commit().await,
        Err(DbError::TransactionFinished)
    ));
    let n = conn
        .query(Sql::new("SELECT count(*) AS n FROM held", []))
        .await;
    assert_eq!(
        n.unwrap().iter().next().unwrap().get::<i64>("n").unwrap(),
        0
    );

    let three = backend.pick(
        "WITH RECURSIVE c(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM c WHERE g < 3) SELECT g FROM c",
        "SELECT generate_series(1, 3) AS g",
        "SELECT 1 AS g UNION ALL SELECT 2 UNION ALL SELECT 3",
    );
    let stream = conn.query_stream(Sql::new(three, []), 2).await.unwrap();
    let (mut seen, mut batches) = (0, 0);
    while let Some(b) = stream.next_batch().await.unwrap() {
        seen += b.len;
        batches += 1;
    }
    assert_eq!((seen, batches), (3, 2));
}
