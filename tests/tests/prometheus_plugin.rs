//! The prometheus plugin: a known workload is counted exactly, with the right labels; the
//! pools, the loaded plugins, PostgreSQL's `pg_stat_database`, MariaDB's global status
//! and the operator's own collectors are exposed; `enabled = false` switches it off; a bad
//! key is refused naming it; the server stops with the last database; a real Prometheus
//! scrapes it. The same in the dynamic build (the plugin's `.so`) and the static one.

use std::{collections::BTreeMap, time::Duration};

use plugorm::{config::PluginsConfig, Model, Registry};
use plugorm_tests::{
    config_text, http,
    launch::{free_port, or_skip, wait_until, WAIT},
    matrix::Backend,
    plugin_dir,
    prometheus_server::PrometheusServer,
    registry_from_text, STATIC,
};

/// The workload's model: a table of its own, with a unique code to fail on.
#[derive(Model, Debug, Default, Clone, PartialEq)]
#[orm(table = "metric_items")]
pub struct MetricItem {
    pub id: i64,
    #[orm(unique, not_null)]
    pub code: String,
}

/// The `plugins.toml` entry of the plugin serving on `addr`, with `more` config lines.
fn entry(addr: &str, more: &str) -> String {
    format!(
        "[[plugin]]\nname = \"prometheus\"\n[plugin.config]\nlisten = \"{addr}\"\n\
         refresh_interval_ms = 200\n{more}"
    )
}

fn free_addr() -> String {
    format!("127.0.0.1:{}", free_port().unwrap())
}

/// One series of the text format: its name, labels and value.
#[derive(Debug, Clone, PartialEq)]
struct Series {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// Reads the samples of a metrics page (label values here hold no escaped quotes).
fn parse(page: &str) -> Vec<Series> {
    page.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let (head, value) = line.rsplit_once(' ').unwrap();
            let (name, labels) = match head.split_once('{') {
                Some((name, rest)) => (name, rest.trim_end_matches('}')),
                None => (head, ""),
            };
            let labels = labels
                .split("\",")
                .filter(|p| !p.is_empty())
                .map(|pair| {
                    let (k, v) = pair.split_once("=\"").unwrap();
                    (k.to_string(), v.trim_end_matches('"').to_string())
                })
                .collect();
            Series {
                name: name.to_string(),
                labels,
                value: value.parse().unwrap(),
            }
        })
        .collect()
}

/// The series named `name` whose labels include `labels`.
fn find<'a>(page: &'a [Series], name: &str, labels: &[(&str, &str)]) -> Vec<&'a Series> {
    page.iter()
        .filter(|s| {
            s.name == name
                && labels
                    .iter()
                    .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .collect()
}

/// The value of the one series named `name` with `labels`; panics naming it otherwise.
fn value(page: &[Series], name: &str, labels: &[(&str, &str)]) -> f64 {
    match find(page, name, labels).as_slice() {
        [one] => one.value,
        other => panic!("expected one {name}{labels:?}, found {other:?}"),
    }
}

async fn scrape(addr: &str) -> Vec<Series> {
    let page = http::get(addr, "/metrics").await.unwrap();
    assert_eq!(page.status, 200, "{}", page.body);
    parse(&page.body)
}

/// Scrapes until one series `name` with `labels` satisfies `ready` (collectors refresh
/// on their own thread, and a database's statistics lag its statements).
async fn scrape_until(
    addr: &str,
    name: &str,
    labels: &[(&str, &str)],
    ready: impl Fn(f64) -> bool,
) -> Vec<Series> {
    wait_until(
        &format!("{name}{labels:?} is served with the expected value"),
        WAIT,
        None,
        || async {
            let page = scrape(addr).await;
            let found: Vec<f64> = find(&page, name, labels).iter().map(|s| s.value).collect();
            let done = matches!(found.as_slice(), [v] if ready(*v));
            Ok::<_, String>(done.then_some(page))
        },
    )
    .await
    .unwrap()
}

/// Three creates, one create refused as a duplicate, two queries of three rows.
async fn workload(db: &plugorm::Db) {
    db.auto_migrate::<MetricItem>().await.unwrap();
    for code in ["a", "b", "c"] {
        let mut item = MetricItem {
            code: code.into(),
            ..Default::default()
        };
        db.create(&mut item).await.unwrap();
    }
    let mut twin = MetricItem {
        code: "a".into(),
        ..Default::default()
    };
    let e = db.create(&mut twin).await.unwrap_err();
    assert_eq!(e.kind(), "unique_violation", "{e}");
    for _ in 0..2 {
        assert_eq!(db.model::<MetricItem>().find().await.unwrap().len(), 3);
    }
}

/// Every metric of the workload, the pool, the plugins and the collectors, on one backend.
async fn counts_a_workload_exactly(backend: Backend) {
    let addr = free_addr();
    let more = format!(
        "mysql_status = [\"Threads_connected\", \"Questions\"]\n\
         [[plugin.config.collectors]]\nname = \"app_metric_items\"\nhelp = \"Items.\"\n\
         query = \"SELECT count(*) FROM metric_items\"\npool = \"{}\"\n",
        backend.name()
    );
    let Some(db) = backend.open(&entry(&addr, &more)).await else {
        return;
    };
    workload(&db).await;
    let page = scrape(&addr).await;
    let dialect = backend.name();
    let op = |operation| {
        [
            ("operation", operation),
            ("table", "metric_items"),
            ("database", dialect),
        ]
    };
    assert_eq!(value(&page, "plugorm_operations_total", &op("create")), 4.0);
    assert_eq!(value(&page, "plugorm_operations_total", &op("query")), 2.0);
    assert_eq!(
        value(
            &page,
            "plugorm_operation_duration_seconds_count",
            &op("create")
        ),
        4.0
    );
    // Three rows written (the duplicate wrote none), two finds of three rows.
    assert_eq!(value(&page, "plugorm_rows_total", &op("create")), 3.0);
    assert_eq!(value(&page, "plugorm_rows_total", &op("query")), 6.0);
    let [o, t, d] = op("create");
    assert_eq!(
        value(
            &page,
            "plugorm_operation_errors_total",
            &[o, t, d, ("kind", "unique_violation")]
        ),
        1.0
    );
    assert!(
        find(
            &page,
            "plugorm_operation_errors_total",
            &[("table", "metric_items")]
        )
        .len()
            == 1,
        "only the duplicate failed"
    );
    assert!(find(&page, "plugorm_operation_errors_total", &op("query")).is_empty());

    let pool_label = plugorm::redact_url(db.url());
    let pool = [("pool", pool_label.as_str()), ("dialect", dialect)];
    let max = value(&page, "plugorm_pool_max_connections", &pool);
    assert_eq!(max, f64::from(db.pool_stats().max_connections));
    let open = value(&page, "plugorm_pool_connections", &pool);
    let idle = value(&page, "plugorm_pool_idle_connections", &pool);
    assert!(open >= 1.0 && open <= max, "open {open} of {max}");
    assert_eq!(
        value(&page, "plugorm_pool_in_use_connections", &pool),
        open - idle
    );
    // Waits depend on the collectors' queries sharing the pool: only their agreement
    // is certain.
    let waits = value(&page, "plugorm_pool_waits_total", &pool);
    let waited = value(&page, "plugorm_pool_wait_seconds_total", &pool);
    assert_eq!(waits == 0.0, waited == 0.0, "{waits} waits, {waited} s");

    let linked = STATIC.to_string();
    for (name, kind) in [("prometheus", "feature"), (dialect, "dialect")] {
        let info = [
            ("name", name),
            ("kind", kind),
            ("linked", linked.as_str()),
            ("api_version", plugorm::plugin_api::PLUGIN_API_VERSION),
        ];
        assert_eq!(value(&page, "plugorm_plugin_info", &info), 1.0);
    }

    let items = [("pool", pool_label.as_str()), ("dialect", dialect)];
    // The gauge reaches the three rows at the first refresh after the workload.
    let page = scrape_until(&addr, "app_metric_items", &items, |v| v == 3.0).await;
    assert_eq!(value(&page, "app_metric_items", &items), 3.0);
    match backend {
        Backend::Postgres => {
            let at = [("pool", pool_label.as_str())];
            let datname: String = db
                .raw_scalar("SELECT current_database()", ())
                .await
                .unwrap()
                .unwrap();
            let commits = "plugorm_pg_stat_database_xact_commit_total";
            // At least the three inserts, once PostgreSQL has flushed its statistics.
            let page = scrape_until(&addr, commits, &at, |v| v >= 3.0).await;
            for column in [
                "numbackends",
                "xact_commit_total",
                "xact_rollback_total",
                "blks_read_total",
                "blks_hit_total",
                "tup_returned_total",
                "tup_fetched_total",
                "tup_inserted_total",
                "tup_updated_total",
                "tup_deleted_total",
                "deadlocks_total",
            ] {
                let name = format!("plugorm_pg_stat_database_{column}");
                let series = find(&page, &name, &at);
                assert_eq!(series.len(), 1, "{name}: {series:?}");
                assert_eq!(series[0].labels["datname"], datname, "{name}");
            }
            let backends = value(&page, "plugorm_pg_stat_database_numbackends", &at);
            assert!(
                backends >= 1.0,
                "this test's own connection counts: {backends}"
            );
        }
        Backend::Mysql => {
            let threads = [
                ("pool", pool_label.as_str()),
                ("variable", "Threads_connected"),
            ];
            let page =
                scrape_until(&addr, "plugorm_mysql_global_status", &threads, |v| v >= 1.0).await;
            assert!(value(&page, "plugorm_mysql_global_status", &threads) >= 1.0);
            let questions = [("pool", pool_label.as_str()), ("variable", "Questions")];
            assert!(value(&page, "plugorm_mysql_global_status", &questions) >= 1.0);
            // Only the chosen variables are exposed.
            assert_eq!(
                find(
                    &page,
                    "plugorm_mysql_global_status",
                    &[("pool", pool_label.as_str())]
                )
                .len(),
                2
            );
        }
        _ => assert!(find(&page, "plugorm_mysql_global_status", &[]).is_empty()),
    }
}

plugorm_tests::matrix!(counts_a_workload_exactly);

/// The same `plugins.toml` with `enabled = false`: nothing listens, nothing is counted;
/// with the line removed the plugin serves (no rebuild).
#[tokio::test]
async fn enabled_false_switches_the_plugin_off() {
    let addr = free_addr();
    let on = config_text(&entry(&addr, ""));
    let off = on.replace(
        "name = \"prometheus\"\n",
        "name = \"prometheus\"\nenabled = false\n",
    );
    let registry = registry_from_text(&off, "prometheus (disabled)");
    assert!(registry.get("prometheus").is_none());
    let db = registry.open("sqlite::memory:").await.unwrap();
    workload(&db).await;
    assert!(
        std::net::TcpStream::connect(&addr).is_err(),
        "something listens at {addr}"
    );
    let raw = db.callbacks().raw().names();
    assert!(!raw.iter().any(|n| n.starts_with("prometheus:")), "{raw:?}");

    let registry = registry_from_text(&on, "prometheus");
    let db = registry.open("sqlite::memory:").await.unwrap();
    workload(&db).await;
    let page = scrape(&addr).await;
    assert_eq!(
        value(
            &page,
            "plugorm_operations_total",
            &[("operation", "create"), ("table", "metric_items")]
        ),
        4.0
    );
}

/// What `Registry::load` says about `plugins.toml` text.
fn load_error(config: &str) -> String {
    let text = config_text(config);
    let parsed = PluginsConfig::parse(&text, &plugin_dir().join("plugins.toml")).unwrap();
    match Registry::load(&parsed) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("loaded although the configuration is bad:\n{text}"),
    }
}

#[test]
fn a_bad_configuration_is_refused_naming_the_key() {
    let unknown =
        load_error("[[plugin]]\nname = \"prometheus\"\n[plugin.config]\nlistn = \"127.0.0.1:0\"\n");
    assert!(unknown.contains("listn"), "{unknown}");
    let address =
        load_error("[[plugin]]\nname = \"prometheus\"\n[plugin.config]\nlisten = \"localhost\"\n");
    assert!(
        address.contains("listen") && address.contains("localhost"),
        "{address}"
    );
    let buckets = load_error("[[plugin]]\nname = \"prometheus\"\n[plugin.config]\nlisten = \"127.0.0.1:0\"\nbuckets = [1.0, 0.5]\n");
    assert!(buckets.contains("buckets"), "{buckets}");
}

#[test]
fn a_taken_address_is_refused_naming_listen() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let e = load_error(&entry(&addr, ""));
    assert!(e.contains("listen") && e.contains(&addr), "{e}");
}

/// The server lives while the registry or one of its databases does, and stops after.
#[tokio::test]
async fn the_server_stops_with_the_last_database() {
    let addr = free_addr();
    let registry = registry_from_text(&config_text(&entry(&addr, "")), "prometheus");
    let db = registry.open("sqlite::memory:").await.unwrap();
    drop(registry);
    db.exec("SELECT 1", ()).await.unwrap();
    let page = scrape(&addr).await;
    assert_eq!(
        value(
            &page,
            "plugorm_operations_total",
            &[("operation", "raw"), ("table", "")]
        ),
        1.0
    );
    drop(db);
    wait_until(
        &format!("nothing listens at {addr}"),
        WAIT,
        None,
        || async { Ok::<_, String>(std::net::TcpStream::connect(&addr).is_err().then_some(())) },
    )
    .await
    .unwrap();
}

/// Other paths are 404; several registries serve side by side with their own counts.
#[tokio::test]
async fn registries_count_apart_and_other_paths_are_404() {
    let (a, b) = (free_addr(), free_addr());
    let db_a = registry_from_text(&config_text(&entry(&a, "")), "prometheus")
        .open("sqlite::memory:")
        .await
        .unwrap();
    let db_b = registry_from_text(&config_text(&entry(&b, "")), "prometheus")
        .open("sqlite::memory:")
        .await
        .unwrap();
    workload(&db_a).await;
    db_b.exec("CREATE TABLE t (v INTEGER)", ()).await.unwrap();
    db_b.exec("INSERT INTO t (v) VALUES (?), (?)", (1, 2))
        .await
        .unwrap();
    let create = [("operation", "create"), ("table", "metric_items")];
    assert_eq!(
        value(&scrape(&a).await, "plugorm_operations_total", &create),
        4.0
    );
    let page_b = scrape(&b).await;
    assert!(find(&page_b, "plugorm_operations_total", &create).is_empty());
    let raw = [("operation", "raw"), ("table", ""), ("database", "sqlite")];
    assert_eq!(value(&page_b, "plugorm_operations_total", &raw), 2.0);
    assert_eq!(value(&page_b, "plugorm_rows_total", &raw), 2.0);
    let other = http::get(&a, "/").await.unwrap();
    assert_eq!(other.status, 404);
}

/// A real Prometheus scrapes the page and sees the counts.
#[tokio::test]
async fn prometheus_scrapes_the_counts() {
    let addr = free_addr();
    let registry = registry_from_text(&config_text(&entry(&addr, "")), "prometheus");
    let db = registry.open("sqlite::memory:").await.unwrap();
    workload(&db).await;
    let Some(prom) = or_skip(PrometheusServer::start(&addr, "/metrics").await) else {
        return;
    };
    let query = r#"plugorm_operations_total{operation="create",table="metric_items"}"#;
    let samples = prom
        .wait_for_series(query, Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(samples.len(), 1, "{samples:?}");
    assert_eq!(samples[0].value, 4.0);
    assert_eq!(samples[0].labels["database"], "sqlite");
    assert_eq!(samples[0].labels["instance"], addr);
    let errors = prom
        .query(r#"plugorm_operation_errors_total{kind="unique_violation"}"#)
        .await
        .unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].value, 1.0);
}

/// Reads one HTTP request (head and `Content-Length` body) and answers 200.
fn accept_one_request(listener: std::net::TcpListener) -> String {
    use std::io::{Read, Write};
    let (mut stream, _) = listener.accept().unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).unwrap();
        got.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&got).to_string();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("Content-Length: "))
                .unwrap()
                .parse()
                .unwrap();
            if body.len() >= length || n == 0 {
                stream
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                    .unwrap();
                return text;
            }
        }
        assert!(n > 0, "the request ended early: {text}");
    }
}

/// With `push` and no `listen`, the page is PUT to the gateway under the job.
#[tokio::test]
async fn pushes_to_a_pushgateway() {
    let gateway = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", gateway.local_addr().unwrap());
    let received = std::thread::spawn(move || accept_one_request(gateway));
    let text = config_text(&format!(
        "[[plugin]]\nname = \"prometheus\"\n[plugin.config.push]\nurl = \"{url}\"\n\
         job = \"plugorm_test\"\ninterval_ms = 100\n"
    ));
    let registry = registry_from_text(&text, "prometheus");
    let _db = registry.open("sqlite::memory:").await.unwrap();
    let request = tokio::task::spawn_blocking(move || received.join().unwrap())
        .await
        .unwrap();
    assert!(
        request.starts_with("PUT /metrics/job/plugorm_test HTTP/1.1\r\n"),
        "{request}"
    );
    let body = request.split_once("\r\n\r\n").unwrap().1;
    let page = parse(body);
    assert_eq!(
        value(&page, "plugorm_plugin_info", &[("name", "prometheus")]),
        1.0
    );
}

/// Linked into the binary and not configured, the plugin is loaded but does nothing: no
/// port, no callback (the single-binary build links it into every registry).
#[tokio::test]
async fn a_linked_plugin_without_configuration_does_nothing() {
    if !STATIC {
        return; // nothing is linked: the dynamic build loads only what plugins.toml names
    }
    let registry = Registry::load(&PluginsConfig::default()).unwrap();
    assert_eq!(
        registry.get("prometheus").map(|p| p.origin.clone()),
        Some(plugorm::Origin::Static)
    );
    let db = registry.open("sqlite::memory:").await.unwrap();
    let raw = db.callbacks().raw().names();
    assert!(!raw.iter().any(|n| n.starts_with("prometheus:")), "{raw:?}");
}
