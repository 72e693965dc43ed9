//! The dbresolver plugin on real servers.
//!
//! * Routing on MariaDB, with three databases of one server standing in for the
//!   database's own pool, a source and a replica (no replication: a row is where it was
//!   written, so where a statement ran is plain to see).
//! * Read/write splitting on a real PostgreSQL primary and streaming hot standby started
//!   by the test (`replication`): reads hit the standby (`pg_is_in_recovery()`), writes
//!   the primary, reads inside a transaction see its writes, reads fail over while the
//!   standby is down and come back when it returns, and a lagging standby is skipped.

use std::time::Duration;

use plugorm::{Db, Error, Model, Registry};
use plugorm_tests::{
    launch::or_skip,
    mysql, postgres,
    replication::{ReplicaSet, Role},
};

/// The plugin's session settings (spelled out: linking the plugin crate for its
/// constants would register it statically in the dynamic-loading run too).
const OPERATION: &str = "dbresolver:operation";
const USE: &str = "dbresolver:use";

#[derive(Model, Debug, Default, Clone, PartialEq)]
pub struct Item {
    pub id: i64,
    pub name: String,
}

#[derive(Model, Debug, Default, Clone, PartialEq)]
pub struct Order {
    pub id: i64,
    pub name: String,
}

fn item(name: &str) -> Item {
    Item {
        name: name.into(),
        ..Item::default()
    }
}

/// The names of the items `db` reads, in key order.
async fn names(db: &Db) -> Vec<String> {
    let items: Vec<Item> = db.model::<Item>().order("id").find().await.unwrap();
    items.into_iter().map(|i| i.name).collect()
}

/// The `[[plugin]]` entry of the dbresolver plugin with `config` as its TOML body.
fn entry(config: &str) -> String {
    format!("\n[[plugin]]\nname = \"dbresolver\"\nversion = \"^0.1\"\n[plugin.config]\n{config}\n")
}

struct Three {
    own: mysql::TestDatabase,
    source: mysql::TestDatabase,
    replica: mysql::TestDatabase,
}

async fn three_databases() -> Option<Three> {
    let three = Three {
        own: mysql::open("").await?,
        source: mysql::open("").await?,
        replica: mysql::open("").await?,
    };
    for t in [&three.own, &three.source, &three.replica] {
        t.db.auto_migrate::<Item>().await.unwrap();
        t.db.auto_migrate::<Order>().await.unwrap();
    }
    Some(three)
}

/// A registry whose global resolver writes to `source` and reads `replica`, and whose
/// `orders` resolver does the opposite.
fn resolver_registry(three: &Three) -> Registry {
    mysql::registry(&entry(&format!(
        "sources = [{:?}]\nreplicas = [{:?}]\ntrace = true\n\
         [[plugin.config.resolvers]]\nname = \"orders\"\ntables = [\"orders\"]\n\
         sources = [{:?}]\nreplicas = [{:?}]\n",
        three.source.url, three.replica.url, three.replica.url, three.source.url
    )))
}

/// The three databases, and the own one opened through [`resolver_registry`].
async fn routed() -> Option<(Three, Db)> {
    let three = three_databases().await?;
    let db = resolver_registry(&three)
        .open(&three.own.url)
        .await
        .unwrap();
    Some((three, db))
}

#[tokio::test]
async fn writes_go_to_the_source_reads_to_the_replica_and_settings_steer() {
    let Some((three, db)) = routed().await else {
        return;
    };

    db.create(&mut item("written")).await.unwrap();
    assert_eq!(names(&three.source.db).await, ["written"]);
    assert!(names(&three.own.db).await.is_empty(), "not the own pool");
    assert!(names(&three.replica.db).await.is_empty());

    // Reads go to the replica, which has only what was put there.
    three
        .replica
        .db
        .create(&mut item("replica row"))
        .await
        .unwrap();
    assert_eq!(names(&db).await, ["replica row"]);
    assert_eq!(db.model::<Item>().count().await.unwrap(), 1);
    let raw = db.raw("SELECT name FROM items", ()).await.unwrap();
    assert_eq!(raw.len(), 1, "a raw SELECT reads the replica");
    let raw = db
        .raw(
            "  \n SELECT name FROM items WHERE name = ?",
            ("replica row",),
        )
        .await
        .unwrap();
    assert_eq!(raw.len(), 1, "blanks before SELECT change nothing");

    // Locking reads, writes and the `write` setting go to the source.
    let locked = db
        .raw("SELECT name FROM items FOR UPDATE", ())
        .await
        .unwrap();
    assert_eq!(
        locked.iter().next().unwrap().get::<String>("name").unwrap(),
        "written"
    );
    let write = db.plugin_setting(OPERATION, "write");
    assert_eq!(names(&write).await, ["written"]);
    db.exec(
        "UPDATE items SET name = ? WHERE name = ?",
        ("renamed", "written"),
    )
    .await
    .unwrap();
    assert_eq!(names(&three.source.db).await, ["renamed"]);

    // A table's own resolver: orders are written to the replica database, read from
    // the source one.
    db.create(&mut Order {
        name: "order".into(),
        ..Order::default()
    })
    .await
    .unwrap();
    assert_eq!(three.replica.db.model::<Order>().count().await.unwrap(), 1);
    assert_eq!(db.model::<Order>().count().await.unwrap(), 0);
    // `dbresolver:use` picks that resolver for another table's statement.
    let orders_side = db.plugin_setting(USE, "orders");
    assert_eq!(
        names(&orders_side).await,
        ["renamed"],
        "read from the source db"
    );
}

#[tokio::test]
async fn transactions_stay_where_they_began() {
    let Some((three, db)) = routed().await else {
        return;
    };
    three
        .replica
        .db
        .create(&mut item("replica row"))
        .await
        .unwrap();

    // A transaction begins on the source; its reads see its own writes.
    let seen = db
        .transaction(|tx| async move {
            tx.create(&mut item("in tx")).await?;
            Ok(names(&tx).await)
        })
        .await
        .unwrap();
    assert_eq!(seen, ["in tx"]);
    assert_eq!(names(&three.source.db).await, ["in tx"]);

    // One begun with the `read` setting runs on the replica.
    let tx = db.plugin_setting(OPERATION, "read").begin().await.unwrap();
    assert_eq!(names(tx.db()).await, ["replica row"]);
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn bad_settings_are_refused_naming_them() {
    let Some((three, db)) = routed().await else {
        return;
    };
    let e = db
        .plugin_setting(USE, "nosuch")
        .model::<Item>()
        .count()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("no resolver is named `nosuch`") && e.contains("orders"),
        "{e}"
    );
    let e = db
        .plugin_setting(OPERATION, "sideways")
        .raw("SELECT name FROM items", ())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`sideways`") && e.contains("`write` or `read`"),
        "{e}"
    );
    // A setting for a plugin that is not loaded is an error, never ignored.
    let plain = three.own.registry.open(&three.own.url).await.unwrap();
    let e = plain
        .plugin_setting("dbresolver:operation", "write")
        .model::<Item>()
        .count()
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Callback(m) if m.contains("plugin `dbresolver`")),
        "{e}"
    );
}

/// The error loading a registry with the plugin configured by `config`.
fn load_error(config: &str) -> String {
    let text = mysql::config_text(&entry(config));
    let path = plugorm_tests::plugin_dir().join("plugins.toml");
    let config = plugorm::config::PluginsConfig::parse(&text, &path).unwrap();
    match Registry::load(&config) {
        Ok(_) => panic!("loaded with a bad configuration:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_bad_configuration_is_refused_at_load_naming_the_key() {
    let e = load_error("replica = [\"mysql://x/y\"]");
    assert!(e.contains("replica") && e.contains("dbresolver"), "{e}");
    let e = load_error("sources = [\"oracle://x/y\"]");
    assert!(e.contains("oracle") && e.contains("sources"), "{e}");
}

/// Whether `db`'s plain reads run on a server in recovery (the standby).
async fn reads_standby(db: &Db) -> plugorm::Result<bool> {
    let rows = db.raw("SELECT pg_is_in_recovery() AS standby", ()).await?;
    let row = rows.iter().next().ok_or(Error::RecordNotFound)?;
    Ok(row.get::<bool>("standby")?)
}

/// Polls until `db`'s reads run on the standby (`true`) or the primary, within 20 s.
async fn until_reads_standby(db: &Db, want: bool) {
    for _ in 0..100 {
        if reads_standby(db).await.ok() == Some(want) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!(
        "reads did not move to the {}",
        if want { "standby" } else { "primary" }
    );
}

#[tokio::test]
async fn reads_hit_the_standby_fail_over_and_come_back() {
    let Some(set) = or_skip(ReplicaSet::start().await) else {
        return;
    };
    set.sql(
        Role::Primary,
        "CREATE TABLE items (id bigserial PRIMARY KEY, name text)",
    )
    .await
    .unwrap();
    set.wait_replayed().await.unwrap();
    let config = format!(
        "sources = [{:?}]\nreplicas = [{:?}]\nhealth_check_interval_ms = 200\n\
         retry_backoff_ms = 200\nmax_retry_backoff_ms = 400\nmax_replica_lag_ms = 1000\n\
         [plugin.config.pool]\nconnect_timeout_ms = 2000\n",
        set.primary_url(),
        set.standby_url()
    );
    let registry = postgres::registry_with(&entry(&config));
    let db = registry.open(&set.primary_url()).await.unwrap();

    assert!(
        reads_standby(&db).await.unwrap(),
        "plain reads go to the standby"
    );
    db.create(&mut item("from the app")).await.unwrap();
    let on_primary = set
        .sql(Role::Primary, "SELECT name FROM items")
        .await
        .unwrap();
    assert_eq!(on_primary, "from the app", "writes go to the primary");
    let write = db.plugin_setting(OPERATION, "write");
    assert!(!reads_standby(&write).await.unwrap());
    // Read-your-writes inside a transaction: it runs on the primary.
    let (seen, standby) = db
        .transaction(|tx| async move {
            tx.create(&mut item("in tx")).await?;
            Ok((names(&tx).await, reads_standby(&tx).await?))
        })
        .await
        .unwrap();
    assert_eq!(seen, ["from the app", "in tx"]);
    assert!(!standby);

    // The standby goes away: every read still succeeds, on the primary.
    set.stop_standby().await.unwrap();
    for _ in 0..5 {
        assert!(
            !reads_standby(&db).await.unwrap(),
            "reads fall over to the primary"
        );
    }
    // It comes back: the health checks return reads to it.
    set.start_standby().await.unwrap();
    until_reads_standby(&db, true).await;

    // A standby that stops replaying falls behind and is skipped until it catches up.
    set.sql(Role::Standby, "SELECT pg_wal_replay_pause()")
        .await
        .unwrap();
    set.sql(Role::Primary, "INSERT INTO items (name) VALUES ('behind')")
        .await
        .unwrap();
    until_reads_standby(&db, false).await;
    set.sql(Role::Standby, "SELECT pg_wal_replay_resume()")
        .await
        .unwrap();
    until_reads_standby(&db, true).await;

    // Off in plugins.toml: the same database reads its own pool (the primary).
    let off = postgres::registry_with("\n[[plugin]]\nname = \"dbresolver\"\nenabled = false\n");
    let plain = off.open(&set.primary_url()).await.unwrap();
    assert!(!reads_standby(&plain).await.unwrap());
}

#[tokio::test]
async fn an_unreachable_replica_falls_back_to_the_source_or_fails_when_told() {
    let Some(three) = three_databases().await else {
        return;
    };
    three
        .source
        .db
        .create(&mut item("on the source"))
        .await
        .unwrap();
    // Nothing listens on this port.
    let port = plugorm_tests::launch::free_port().unwrap();
    let dead = format!("mysql://root@127.0.0.1:{port}/nothing");
    let with = |fallback: bool| {
        mysql::registry(&entry(&format!(
            "sources = [{:?}]\nreplicas = [{dead:?}]\nfallback_to_sources = {fallback}\n\
             health_check_interval_ms = 100\n[plugin.config.pool]\nconnect_timeout_ms = 1000\n",
            three.source.url
        )))
    };
    let db = with(true).open(&three.own.url).await.unwrap();
    // Before and after the health check takes the replica out, reads are served.
    for _ in 0..3 {
        assert_eq!(names(&db).await, ["on the source"]);
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    let strict = with(false).open(&three.own.url).await.unwrap();
    for _ in 0..3 {
        // Unreachable at first, then out of the rotation: a connection error either way.
        let e = strict.model::<Item>().count().await.unwrap_err();
        assert_eq!(e.kind(), "connect", "{e}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}
