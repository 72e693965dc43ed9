//! The SQL logger on every backend: every statement as a `tracing` event (text, params,
//! rows, elapsed), slow ones as warnings, failed ones as errors. Each test captures the
//! events of its own thread (its current-thread runtime runs the host's code there).
//!
//! The capture is one global subscriber handing events to the current thread's sink: a
//! per-thread default subscriber can miss events while other tests run on other threads
//! (tracing caches each call site's interest across dispatchers).

use std::{
    cell::RefCell,
    sync::{Arc, Mutex, Once},
    time::Duration,
};

use plugorm_tests::matrix::Backend;
use tracing::{
    field::{Field, Visit},
    Event, Subscriber,
};
use tracing_subscriber::{layer::Context, prelude::*, Layer};

plugorm_tests::matrix!(statements_are_logged_and_slow_ones_warned);

type Events = Arc<Mutex<Vec<(String, String)>>>;

thread_local! {
    static SINK: RefCell<Option<Events>> = const { RefCell::new(None) };
}

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!("{}={:?} ", field.name(), value));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push_str(&format!("{}={} ", field.name(), value));
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
                let mut f = Fields(String::new());
                event.record(&mut f);
                sink.lock()
                    .unwrap()
                    .push((event.metadata().level().to_string(), f.0));
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
    assert_eq!(first.0, "DEBUG");
    assert!(
        first.1.contains(logged) && first.1.contains("rows=1") && first.1.contains("elapsed_ms="),
        "{first:?}"
    );
    assert!(
        first.1.contains("I64(7)"),
        "parameters are logged: {first:?}"
    );
    let warned = events
        .iter()
        .find(|(l, m)| l == "WARN" && m.contains("slow statement"))
        .expect("slow warning");
    assert!(warned.1.contains("WITH RECURSIVE"), "{warned:?}");
    let failed = events
        .iter()
        .find(|(l, _)| l == "ERROR")
        .expect("error logged");
    assert!(failed.1.contains("missing_table"), "{failed:?}");
}
