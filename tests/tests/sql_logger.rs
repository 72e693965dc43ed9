//! The SQL logger on every backend: every statement as a `tracing` event (text, params,
//! rows, elapsed), slow ones as warnings, failed ones as errors; its message GORM's line
//! with the values inlined as the dialect's literals, and transactions' BEGIN / COMMIT /
//! ROLLBACK logged beside the statements. Each test captures the events of its own
//! thread (its current-thread runtime runs the host's code there).
//!
//! The capture is one global subscriber handing events to the current thread's sink: a
//! per-thread default subscriber can miss events while other tests run on other threads
//! (tracing caches each call site's interest across dispatchers).

use std::{
    cell::RefCell,
    sync::{Arc, Mutex, Once},
    time::Duration,
};

use chrono::{NaiveDate, NaiveDateTime};
use plugorm_tests::{matrix::Backend, product::Product};
use tracing::{
    field::{Field, Visit},
    Event, Subscriber,
};
use tracing_subscriber::{layer::Context, prelude::*, Layer};

plugorm_tests::matrix!(statements_are_logged_and_slow_ones_warned);
plugorm_tests::matrix!(lines_read_as_gorms_with_literals_and_transaction_commands);
plugorm_tests::matrix!(explained_text_runs_to_the_same_values);

type Events = Arc<Mutex<Vec<Logged>>>;

/// One captured event: its level, its fields as `name=value ` text, and the two fields
/// the GORM line is checked with.
#[derive(Debug, Clone, Default)]
struct Logged {
    level: String,
    fields: String,
    message: String,
    sql: String,
}

thread_local! {
    static SINK: RefCell<Option<Events>> = const { RefCell::new(None) };
}

impl Visit for Logged {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        }
        self.fields
            .push_str(&format!("{}={:?} ", field.name(), value));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "sql" {
            self.sql = value.to_string();
        }
        self.fields
            .push_str(&format!("{}={} ", field.name(), value));
    }
}

/// The global layer: each `plugorm::sql` event goes to the current thread's sink, if any.
struct ToThreadSink;

impl<S: Subscriber> Layer<S> for ToThreadSink {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if event.metadata().target() != "plugorm::sql" {
            return;
        }
        SINK.with(|sink| {
            if let Some(sink) = &*sink.borrow() {
                let mut logged = Logged {
                    level: event.metadata().level().to_string(),
                    ..Logged::default()
                };
                event.record(&mut logged);
                sink.lock().unwrap().push(logged);
            }
        });
    }
}

/// Captures this thread's SQL events from now on.
fn capture() -> Events {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::registry().with(ToThreadSink);
        if tracing::subscriber::set_global_default(subscriber).is_err() {
            panic!("another global tracing subscriber is installed");
        }
    });
    let events = Events::default();
    SINK.with(|sink| *sink.borrow_mut() = Some(events.clone()));
    events
}

async fn statements_are_logged_and_slow_ones_warned(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    // Started after opening: setting up a server's test database runs statements too.
    let captured = capture();
    // PostgreSQL cannot infer the type of a lone parameter in a select list: cast it.
    let (select, logged) = backend.pick(
        ("SELECT ? AS v", "sql=SELECT ? AS v"),
        (
            "SELECT CAST(? AS bigint) AS v",
            "sql=SELECT CAST($1 AS bigint) AS v",
        ),
        ("SELECT ? AS v", "sql=SELECT ? AS v"),
    );
    // Never slow: a loaded machine can take the default 200 ms to open the connection.
    db.slow_threshold(Duration::from_secs(3600))
        .raw(select, (7,))
        .await
        .unwrap();
    // Any statement is slow past a 1 µs threshold; this one runs on all three dialects.
    let slow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 500) SELECT count(*) FROM c";
    db.slow_threshold(Duration::from_micros(1))
        .raw(slow, ())
        .await
        .unwrap();
    let _ = db.raw("SELECT * FROM missing_table", ()).await;
    let events = captured.lock().unwrap().clone();
    let first = &events[0];
    assert_eq!(first.level, "DEBUG");
    assert!(
        first.fields.contains(logged)
            && first.fields.contains("rows=1")
            && first.fields.contains("elapsed_ms="),
        "{first:?}"
    );
    assert!(
        first.fields.contains("I64(7)"),
        "parameters are logged: {first:?}"
    );
    let explained = select.replace('?', "7");
    assert!(
        first.fields.contains(&format!("explained={explained} ")),
        "{first:?}"
    );
    let warned = events
        .iter()
        .find(|e| e.level == "WARN")
        .expect("slow warning");
    assert!(
        warned.message.starts_with("SLOW SQL >= 1µs [")
            && warned.message.contains("WITH RECURSIVE"),
        "{warned:?}"
    );
    let failed = events
        .iter()
        .find(|e| e.level == "ERROR")
        .expect("error logged");
    assert!(
        failed.message.contains("missing_table") && failed.message.contains("[rows:-] SELECT"),
        "{failed:?}"
    );
}

/// The creation time every statement of the test writes.
fn fixed_now() -> chrono::DateTime<chrono::Utc> {
    NaiveDate::from_ymd_opt(2024, 1, 31)
        .and_then(|d| d.and_hms_milli_opt(12, 30, 5, 120))
        .map(|t| t.and_utc())
        .unwrap_or_default()
}

/// Checks that `event` is GORM's line for `explained` with `rows`: `[1.234ms] [rows:n] …`.
fn assert_gorm_line(event: &Logged, rows: &str, explained: &str) {
    let m = &event.message;
    let (elapsed, rest) = m.split_once("ms] ").unwrap_or_else(|| panic!("{event:?}"));
    let digits = elapsed
        .strip_prefix('[')
        .unwrap_or_else(|| panic!("{event:?}"));
    let (whole, fraction) = digits
        .split_once('.')
        .unwrap_or_else(|| panic!("{event:?}"));
    assert!(
        whole.parse::<u64>().is_ok() && fraction.len() == 3,
        "elapsed time as GORM writes it: {event:?}"
    );
    assert_eq!(rest, format!("[rows:{rows}] {explained}"), "{event:?}");
}

async fn lines_read_as_gorms_with_literals_and_transaction_commands(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    let db = db
        .with_now(fixed_now)
        .slow_threshold(Duration::from_secs(3600));
    let captured = capture();
    db.transaction(|tx| async move {
        // The model's hook upper-cases the code.
        let mut p = Product {
            code: "it's ?".into(),
            price: 7,
            ..Default::default()
        };
        tx.create(&mut p).await?;
        Ok(())
    })
    .await
    .unwrap();
    let found = db
        .model::<Product>()
        .filter("code = ? AND code <> '??'", ("IT'S ?",))
        .find()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    let failed = db
        .transaction(|tx| async move {
            tx.exec("DELETE FROM missing_table WHERE id = ?", (1,))
                .await?;
            Ok(())
        })
        .await;
    assert!(failed.is_err());
    let events = captured.lock().unwrap().clone();

    let sent: Vec<&str> = events.iter().map(|e| e.sql.as_str()).collect();
    let insert = backend.pick(
        "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES (?,?,?,?,?)",
        r#"INSERT INTO "products" ("code","price","created_at","updated_at","deleted_at") VALUES ($1,$2,$3,$4,$5) RETURNING "id""#,
        "INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES (?,?,?,?,?)",
    );
    let select = backend.pick(
        "SELECT * FROM `products` WHERE (code = ? AND code <> '?') AND `products`.`deleted_at` IS NULL",
        r#"SELECT * FROM "products" WHERE (code = $1 AND code <> '?') AND "products"."deleted_at" IS NULL"#,
        "SELECT * FROM `products` WHERE (code = ? AND code <> '?') AND `products`.`deleted_at` IS NULL",
    );
    let delete = backend.pick(
        "DELETE FROM missing_table WHERE id = ?",
        "DELETE FROM missing_table WHERE id = $1",
        "DELETE FROM missing_table WHERE id = ?",
    );
    assert_eq!(
        sent,
        ["BEGIN", insert, "COMMIT", select, "BEGIN", delete, "ROLLBACK"],
        "{events:#?}"
    );

    let stamp = "'2024-01-31 12:30:05.12'";
    let explained_insert = backend.pick(
        format!("INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES ('IT''S ?',7,{stamp},{stamp},NULL)"),
        format!(r#"INSERT INTO "products" ("code","price","created_at","updated_at","deleted_at") VALUES ('IT''S ?',7,{stamp},{stamp},NULL) RETURNING "id""#),
        format!("INSERT INTO `products` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES ('IT''S ?',7,{stamp},{stamp},NULL)"),
    );
    let explained_select = select.replacen("code = ?", "code = 'IT''S ?'", 1).replacen(
        "code = $1",
        "code = 'IT''S ?'",
        1,
    );
    assert_gorm_line(&events[0], "-", "BEGIN");
    assert_gorm_line(&events[1], "1", &explained_insert);
    assert_gorm_line(&events[2], "-", "COMMIT");
    assert_gorm_line(&events[3], "1", &explained_select);
    assert_eq!(events[5].level, "ERROR", "{:?}", events[5]);
    assert!(
        events[5].message.contains("missing_table")
            && events[5].message.ends_with(&format!(
                "[rows:-] {}",
                delete.replace("$1", "1").replace('?', "1")
            )),
        "{:?}",
        events[5]
    );
    assert_gorm_line(&events[6], "-", "ROLLBACK");
    for e in &events {
        assert!(
            e.fields.contains("elapsed_ms=") && !e.message.contains("Text("),
            "{e:?}"
        );
    }
}

/// The explained text of a dry run is SQL the database runs to the values the bound
/// statement gives: strings with quotes and backslashes, bytes, numbers, booleans, NULL
/// and a timestamp, each as its dialect's literal.
async fn explained_text_runs_to_the_same_values(backend: Backend) {
    let Some(db) = backend.open("").await else {
        return;
    };
    // PostgreSQL cannot infer a lone parameter's type in a select list: cast each.
    let template = backend.pick(
        "SELECT ? AS t, ? AS b, ? AS i, ? AS f, ? AS n, ? AS ts",
        "SELECT CAST(? AS text) AS t, CAST(? AS bytea) AS b, CAST(? AS bigint) AS i, \
         CAST(? AS double precision) AS f, CAST(? AS text) AS n, CAST(? AS timestamp) AS ts",
        "SELECT ? AS t, ? AS b, ? AS i, ? AS f, ? AS n, ? AS ts",
    );
    let stamp: NaiveDateTime = fixed_now().naive_utc();
    let args = (
        r"it's a \ path, ''quoted''",
        vec![0u8, 10, 39, 92, 255],
        -5i64,
        2.5f64,
        None::<String>,
        stamp,
    );
    let dry = db.dry_run();
    dry.raw(template, args.clone()).await.unwrap();
    let statements = dry.dry_run_statements();
    let explained = db.explain(&statements[0]);
    assert!(
        !explained.contains('?') && !explained.contains("$1"),
        "{explained}"
    );
    let bytes = backend.pick("X'000a275cff'", r"'\x000a275cff'", "X'000a275cff'");
    assert!(explained.contains(bytes), "{explained}");
    let text = backend.pick(
        r"'it''s a \ path, ''''quoted'''''",
        r"'it''s a \ path, ''''quoted'''''",
        r"'it''s a \\ path, ''''quoted'''''",
    );
    assert!(explained.contains(text), "{explained}");

    let bound = db.raw(template, args).await.unwrap();
    let inlined = db.raw(&explained, ()).await.unwrap();
    let (bound, inlined) = (bound.iter().next().unwrap(), inlined.iter().next().unwrap());
    assert_eq!(
        inlined.get::<String>("t").unwrap(),
        bound.get::<String>("t").unwrap()
    );
    assert_eq!(
        inlined.get::<Vec<u8>>("b").unwrap(),
        bound.get::<Vec<u8>>("b").unwrap()
    );
    assert_eq!(inlined.get::<i64>("i").unwrap(), -5);
    assert_eq!(inlined.get::<f64>("f").unwrap(), 2.5);
    assert_eq!(inlined.get::<Option<String>>("n").unwrap(), None);
    assert_eq!(inlined.get::<NaiveDateTime>("ts").unwrap(), stamp);
    assert_eq!(bound.get::<NaiveDateTime>("ts").unwrap(), stamp);
}
