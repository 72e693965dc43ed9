//! The sharding plugin on real servers: PostgreSQL and MariaDB, each with the shards
//! spread over two databases (shards 0 and 1 in the database the application opens,
//! 2 and 3 in a second database of the same server, created by the test), so a statement
//! that reaches the wrong shard finds no table.
//!
//! One body runs on both servers: AutoMigrate of every shard, create (with snowflake ids
//! read back), find, update, delete and raw SQL by key, a find by id alone, the typed
//! missing-key refusal, a batch across shards refused with nothing written, fan-out reads
//! (merged order, limit, offset and count), and 64 concurrent writers whose ids are all
//! distinct.

use std::collections::HashSet;

use plugorm::{Db, DbError, Error, Model};
use plugorm_tests::{mysql, postgres};

/// The plugin's settings and codes (spelled out: linking the plugin crate for its
/// constants would register it statically in the dynamic-loading run too).
const FAN_OUT: &str = "sharding:fan_out";
const IGNORE: &str = "sharding:ignore";
const MISSING_KEY: &str = "missing_sharding_key";
const DIFFERENT_SHARDS: &str = "different_shards";

#[derive(Model, Debug, Default, Clone, PartialEq)]
pub struct Order {
    pub id: i64,
    pub user_id: i64,
    pub product: String,
}

fn order(user_id: i64, product: &str) -> Order {
    Order {
        user_id,
        product: product.into(),
        ..Order::default()
    }
}

/// The `[[plugin]]` entry sharding `orders` by `user_id` into 4 shards over `databases`.
fn entry(databases: &[&str]) -> String {
    format!(
        "\n[[plugin]]\nname = \"sharding\"\nversion = \"^0.1\"\n\
         [[plugin.config.tables]]\ntables = [\"orders\"]\nkey = \"user_id\"\nshards = 4\n\
         databases = {databases:?}\n"
    )
}

/// The sharding code of an error, when it is a sharding refusal.
fn code(e: &Error) -> Option<&str> {
    match e {
        Error::Db(DbError::Plugin { code, .. }) => code.strip_prefix("sharding:"),
        _ => None,
    }
}

/// The products of shard table `table` read directly (no plugin) through `plain`.
async fn products_in(plain: &Db, table: &str) -> Vec<String> {
    let sql = format!("SELECT product FROM {table} ORDER BY product");
    plain
        .raw_as::<(String,)>(&sql, ())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .map(|(p,)| p)
        .collect()
}

/// The whole suite: `db` is the sharded handle (own database = `own`), `other` the
/// second database, both also reachable without the plugin as `own_plain` / `other`.
async fn suite(db: Db, own_plain: Db, other: Db) {
    // AutoMigrate creates every shard where it lives, and not the logical table.
    db.auto_migrate::<Order>().await.unwrap();
    let m_own = own_plain.migrator();
    let m_other = other.migrator();
    for (table, here) in [
        ("orders_0", true),
        ("orders_1", true),
        ("orders_2", false),
        ("orders_3", false),
    ] {
        assert_eq!(
            m_own.has_table_named(table).await.unwrap(),
            here,
            "{table} in the own database"
        );
        assert_eq!(
            m_other.has_table_named(table).await.unwrap(),
            !here,
            "{table} in the other"
        );
    }
    assert!(!m_own.has_table_named("orders").await.unwrap());
    assert!(
        db.auto_migrate::<Order>().await.unwrap().is_empty(),
        "a second run does nothing"
    );

    // Create: each row lands in its shard (100 % 4 = 0, 102 % 4 = 2), with a fresh id.
    let mut a = order(100, "apple");
    let mut b = order(102, "banana");
    db.create(&mut a).await.unwrap();
    db.create(&mut b).await.unwrap();
    assert!(a.id > 0 && b.id > 0 && a.id != b.id, "{} {}", a.id, b.id);
    assert_eq!(products_in(&own_plain, "orders_0").await, ["apple"]);
    assert_eq!(products_in(&other, "orders_2").await, ["banana"]);
    let stored: Vec<(i64,)> = other.raw_as("SELECT id FROM orders_2", ()).await.unwrap();
    assert_eq!(stored, [(b.id,)], "the generated id is the record's");

    // Reads by key, as a column condition or a raw fragment, and by id alone.
    let found: Vec<Order> = db
        .model::<Order>()
        .filter("user_id = ?", (102,))
        .find()
        .await
        .unwrap();
    assert_eq!(found, [b.clone()]);
    let first = db
        .model::<Order>()
        .filter("user_id = 100", ())
        .first()
        .await
        .unwrap();
    assert_eq!(first, a);
    let by_id = db.model::<Order>().first_id(b.id).await.unwrap();
    assert_eq!(by_id, b, "a snowflake id names its shard");

    // Update and delete by key.
    let n = db
        .model::<Order>()
        .filter("user_id = ?", (102,))
        .update("product", "blueberry")
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(products_in(&other, "orders_2").await, ["blueberry"]);

    // Raw SQL is parsed and rewritten the same way.
    let rows = db
        .raw("SELECT * FROM orders WHERE user_id = ?", (102,))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    db.exec(
        "UPDATE orders SET product = ? WHERE orders.user_id = ?",
        ("avocado", 100),
    )
    .await
    .unwrap();
    assert_eq!(products_in(&own_plain, "orders_0").await, ["avocado"]);
    db.exec(
        "INSERT INTO orders (id, user_id, product) VALUES (?, ?, ?)",
        (7, 101, "cherry"),
    )
    .await
    .unwrap();
    assert_eq!(products_in(&own_plain, "orders_1").await, ["cherry"]);

    // Without the key: a typed refusal, for reads, writes and raw SQL alike.
    let e = db.model::<Order>().find().await.unwrap_err();
    assert_eq!(code(&e), Some(MISSING_KEY), "{e}");
    assert!(e.to_string().contains("user_id"), "{e}");
    let e = db
        .model::<Order>()
        .filter("user_id > ?", (1,))
        .update("product", "x")
        .await
        .unwrap_err();
    assert_eq!(code(&e), Some(MISSING_KEY), "{e}");
    let e = db
        .raw("SELECT * FROM orders WHERE product = ?", ("x",))
        .await
        .unwrap_err();
    assert_eq!(code(&e), Some(MISSING_KEY), "{e}");

    // A batch across shards is refused before anything is written.
    let mut batch = vec![order(104, "date"), order(105, "elderberry")];
    let e = db.create_many(&mut batch).await.unwrap_err();
    assert_eq!(code(&e), Some(DIFFERENT_SHARDS), "{e}");
    assert_eq!(products_in(&own_plain, "orders_0").await, ["avocado"]);
    assert_eq!(products_in(&own_plain, "orders_1").await, ["cherry"]);
    // One shard's batch is one INSERT with an id per row.
    let mut same = vec![order(104, "date"), order(108, "fig")];
    db.create_many(&mut same).await.unwrap();
    assert!(same.iter().all(|o| o.id > 0));

    // Fan-out, when asked for: every shard, merged.
    let all = db.plugin_setting(FAN_OUT, "true");
    let everything: Vec<Order> = all.model::<Order>().order("product").find().await.unwrap();
    let names: Vec<&str> = everything.iter().map(|o| o.product.as_str()).collect();
    assert_eq!(names, ["avocado", "blueberry", "cherry", "date", "fig"]);
    assert_eq!(all.model::<Order>().count().await.unwrap(), 5);
    let page: Vec<Order> = all
        .model::<Order>()
        .order("product DESC")
        .limit(2)
        .offset(1)
        .find()
        .await
        .unwrap();
    let names: Vec<&str> = page.iter().map(|o| o.product.as_str()).collect();
    assert_eq!(names, ["date", "cherry"]);
    let e = all
        .model::<Order>()
        .filter("product = ?", ("fig",))
        .delete()
        .await
        .unwrap_err();
    assert_eq!(code(&e), Some(MISSING_KEY), "a write never fans out: {e}");

    // Delete by key.
    assert_eq!(
        db.model::<Order>()
            .filter("user_id = ?", (101,))
            .delete()
            .await
            .unwrap(),
        1
    );
    assert!(products_in(&own_plain, "orders_1").await.is_empty());

    // `sharding:ignore` leaves the statement alone: the logical table does not exist.
    let e = db
        .plugin_setting(IGNORE, "true")
        .model::<Order>()
        .find()
        .await
        .unwrap_err();
    assert_eq!(code(&e), None, "{e}");

    // 64 writers at once: every generated id distinct, every row stored.
    let mut tasks = Vec::new();
    for w in 0..64i64 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in 0..5i64 {
                let mut o = order(w * 5 + i, "load");
                db.create(&mut o).await.unwrap();
                ids.push(o.id);
            }
            ids
        }));
    }
    let mut ids = HashSet::new();
    for t in tasks {
        ids.extend(t.await.unwrap());
    }
    assert_eq!(ids.len(), 320, "snowflake ids are unique under concurrency");
    let loaded = all
        .model::<Order>()
        .filter("product = ?", ("load",))
        .count()
        .await
        .unwrap();
    assert_eq!(loaded, 320);
}

/// Prefix of the PostgreSQL databases these tests create (then the process id).
const PG_DATABASE_PREFIX: &str = "plugorm_shard_";

/// A database of its own on the PostgreSQL test server, named after this process;
/// databases of processes no longer running are dropped first.
async fn pg_database(admin: &Db) -> (String, String) {
    let stale = admin
        .raw(
            "SELECT datname FROM pg_database WHERE datname LIKE ?",
            (format!("{}%", PG_DATABASE_PREFIX.replace('_', "\\_")),),
        )
        .await
        .unwrap();
    for row in stale.iter() {
        let name: String = row.get("datname").unwrap();
        let pid = name
            .strip_prefix(PG_DATABASE_PREFIX)
            .and_then(|rest| rest.split('_').next())
            .and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|p| !std::path::Path::new(&format!("/proc/{p}")).exists()) {
            let _ = admin
                .exec(
                    &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
                    (),
                )
                .await;
        }
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .subsec_nanos();
    let name = format!("{PG_DATABASE_PREFIX}{}_{nanos}", std::process::id());
    admin
        .exec(&format!("CREATE DATABASE \"{name}\""), ())
        .await
        .unwrap();
    let server = postgres::server_url();
    let base = server.split('?').next().unwrap_or(&server);
    let url = match base.rsplit_once('/') {
        Some((host, _)) => format!("{host}/{name}"),
        None => panic!("no database in {base}"),
    };
    (name, url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_shards_over_two_databases() {
    let Some(own) = postgres::fresh_with("").await else {
        return;
    };
    // The second database is a database of its own, not a schema of the first.
    let (name, other_url) = pg_database(&own.db).await;
    let other = postgres::registry_with("").open(&other_url).await.unwrap();
    let registry = postgres::registry_with(&entry(&[&own.url, &other_url]));
    let db = registry.open(&own.url).await.unwrap();
    suite(db, own.db.clone(), other.clone()).await;
    other.close().await.unwrap();
    drop(registry);
    own.db
        .exec(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"), ())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mariadb_shards_over_two_databases() {
    let Some(own) = mysql::open("").await else {
        return;
    };
    let Some(other) = mysql::open("").await else {
        return;
    };
    let db = mysql::registry(&entry(&[&own.url, &other.url]))
        .open(&own.url)
        .await
        .unwrap();
    suite(db, own.db.clone(), other.db.clone()).await;
}

#[tokio::test]
async fn bad_configurations_are_refused_naming_the_key() {
    for (config, key) in [
        (
            "tables = [\"orders\"]\nkey = \"user_id\"\nshards = 0\n",
            "shards",
        ),
        (
            "tables = [\"orders\"]\nkey = \"user_id\"\nshards = 2\nalgorithm = \"nope\"\n",
            "algorithm",
        ),
        (
            "tables = [\"orders\"]\nkey = \"user_id\"\nshards = 2\nsuffix = \"_%s\"\n",
            "suffix",
        ),
        (
            "tables = [\"orders\"]\nkey = \"user_id\"\nshards = 2\nid = \"uuid\"\n",
            "id",
        ),
        (
            "tables = [\"orders\"]\nkey = \"user_id\"\nshards = 2000\n",
            "shards",
        ),
        (
            "tables = [\"orders\"]\nkey = \"user_id\"\nshards = 2\nbogus = 1\n",
            "bogus",
        ),
    ] {
        let text = plugorm_tests::config_text(&format!(
            "\n[[plugin]]\nname = \"sharding\"\n[[plugin.config.tables]]\n{config}"
        ));
        let parsed = plugorm::config::PluginsConfig::parse(
            &text,
            &plugorm_tests::plugin_dir().join("plugins.toml"),
        )
        .unwrap();
        let e = match plugorm::Registry::load(&parsed) {
            Ok(_) => panic!("accepted: {config}"),
            Err(e) => e.to_string(),
        };
        assert!(e.contains(key), "{config}: {e}");
    }
}

#[tokio::test]
async fn sqlite_golden_statements_name_the_shard() {
    // Dry runs on SQLite show the text each statement becomes (GORM's G148 / G151 / G152
    // shapes), with every shard in the database itself.
    let registry =
        plugorm_tests::registry_from_text(&plugorm_tests::config_text(&entry(&[])), "sharding");
    let db = registry.open("sqlite::memory:").await.unwrap();
    let dry = db.dry_run();
    dry.model::<Order>()
        .filter("user_id = ?", (101,))
        .filter("id = ?", (5,))
        .find()
        .await
        .unwrap();
    dry.model::<Order>()
        .filter("user_id = ?", (100,))
        .update("product", "new title")
        .await
        .unwrap();
    let texts: Vec<String> = dry
        .dry_run_statements()
        .iter()
        .map(|s| s.text.to_string())
        .collect();
    assert_eq!(
        texts,
        [
            "SELECT * FROM `orders_1` WHERE user_id = ? AND id = ?",
            "UPDATE `orders_0` SET `product`=? WHERE user_id = ?",
        ]
    );
}
