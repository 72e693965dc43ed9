//! [`Statements`]: the text of every statement the host runs on this thread, from the SQL
//! logger's `tracing` events, to count queries.
//!
//! One global subscriber is installed for the test binary, and each capture registers a
//! sink for its own thread (the tests run on current-thread runtimes, so every host
//! future is polled there). A global subscriber, unlike a per-thread default one, is
//! known to every call site from the start, so no event is lost to tracing's cached
//! per-call-site interest while other tests run on other threads.

use std::{
    cell::RefCell,
    sync::{Arc, Mutex, Once},
};

use tracing::{Event, Subscriber};
use tracing_subscriber::{layer::Context, prelude::*, Layer};

thread_local! {
    static SINK: RefCell<Option<Arc<Mutex<Vec<String>>>>> = const { RefCell::new(None) };
}

/// Records the statements of this thread while its [`Capture`] guard lives.
#[derive(Clone, Default)]
pub struct Statements(Arc<Mutex<Vec<String>>>);

/// Stops the capture when dropped.
pub struct Capture;

impl Drop for Capture {
    fn drop(&mut self) {
        SINK.with(|s| *s.borrow_mut() = None);
    }
}

struct SqlField(String);

impl tracing::field::Visit for SqlField {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "sql" {
            self.0 = format!("{value:?}");
        }
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "sql" {
            self.0 = value.to_string();
        }
    }
}

/// The global layer: hands each SQL event to the current thread's sink, if any.
struct ToThreadSink;

impl<S: Subscriber> Layer<S> for ToThreadSink {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if event.metadata().target() != "plugorm::sql" {
            return;
        }
        SINK.with(|s| {
            if let Some(sink) = &*s.borrow() {
                let mut f = SqlField(String::new());
                event.record(&mut f);
                sink.lock().unwrap().push(f.0);
            }
        });
    }
}

impl Statements {
    /// Captures the statements of this thread while the guard lives.
    pub fn capture() -> (Statements, Capture) {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            let subscriber = tracing_subscriber::registry().with(ToThreadSink);
            if tracing::subscriber::set_global_default(subscriber).is_err() {
                panic!("another global tracing subscriber is installed");
            }
        });
        let s = Statements::default();
        SINK.with(|sink| *sink.borrow_mut() = Some(s.0.clone()));
        (s, Capture)
    }

    /// The statements captured so far (and forgets them).
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}
