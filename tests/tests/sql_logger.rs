//! The SQL logger: every statement as a `tracing` event (text, rows, elapsed), slow ones
//! as warnings. Its own test binary: it installs the global subscriber.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use tracing::{
    field::{Field, Visit},
    Event, Subscriber,
};
use tracing_subscriber::{layer::Context, prelude::*, Layer};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<(String, String)>>>);

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!("{}={:?} ", field.name(), value));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push_str(&format!("{}={} ", field.name(), value));
    }
}

impl<S: Subscriber> Layer<S> for Captured {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if event.metadata().target() == "plugorm::sql" {
            let mut f = Fields(String::new());
            event.record(&mut f);
            self.0
                .lock()
                .unwrap()
                .push((event.metadata().level().to_string(), f.0));
        }
    }
}

#[tokio::test]
async fn statements_are_logged_and_slow_ones_warned() {
    let captured = Captured::default();
    tracing_subscriber::registry().with(captured.clone()).init();
    let db = plugorm_tests::sqlite_memory().await;
    db.raw("SELECT ? AS v", (7,)).await.unwrap();
    let slow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) SELECT count(*) FROM c";
    db.slow_threshold(Duration::from_micros(1))
        .raw(slow, ())
        .await
        .unwrap();
    let _ = db.raw("SELECT * FROM missing_table", ()).await;
    let events = captured.0.lock().unwrap().clone();
    let first = &events[0];
    assert_eq!(first.0, "DEBUG");
    assert!(
        first.1.contains("sql=SELECT ? AS v")
            && first.1.contains("rows=1")
            && first.1.contains("elapsed_ms="),
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
