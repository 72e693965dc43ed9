//! A plugin's `tracing` events reach the host's subscriber through the host-services
//! bridge (its own test binary: it installs the global subscriber).

use std::sync::{Arc, Mutex};

use plugorm::{
    plugin_api::{
        statement::{Expr, Select, Statement, TableRef},
        CallbackContext, DbError, Processor,
    },
    Registry,
};
use plugorm_tests::config;
use tracing::{
    field::{Field, Visit},
    Event, Subscriber,
};
use tracing_subscriber::{layer::Context, prelude::*, Layer};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<String>>>);

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
        let mut f = Fields(format!("target={} ", event.metadata().target()));
        event.record(&mut f);
        self.0.lock().unwrap().push(f.0);
    }
}

fn context() -> CallbackContext<'static> {
    CallbackContext {
        processor: Processor::Query,
        statement: Statement::Select(Select::from_table(TableRef::new("users"))),
        schema: None.into(),
        settings: Default::default(),
    }
}

#[test]
fn plugin_events_reach_the_host_subscriber_and_callbacks_cross_the_boundary() {
    let captured = Captured::default();
    tracing_subscriber::registry()
        .with(
            captured
                .clone()
                .with_filter(tracing_subscriber::filter::LevelFilter::INFO),
        )
        .init();

    let registry = Registry::load(&config("[[plugin]]\nname = \"fixture\"\n")).unwrap();
    let spec = registry
        .callbacks()
        .find(|c| c.name == "fixture:tag")
        .expect("registered");
    assert_eq!(spec.processor, Processor::Query);

    let mut ctx = context();
    spec.callback.call(&mut ctx).unwrap();
    let Statement::Select(s) = &ctx.statement else {
        panic!()
    };
    assert_eq!(
        s.conditions.len(),
        1,
        "the plugin's change is visible to the host"
    );
    assert_eq!(s.conditions[0], Expr::bare_col("fixture_tag").eq(1i64));

    let events = captured.0.lock().unwrap().clone();
    let bridged = events
        .iter()
        .find(|e| e.contains("fixture callback ran"))
        .unwrap_or_else(|| panic!("event not bridged; captured: {events:#?}"));
    assert!(bridged.contains("target=plugorm::plugin"), "{bridged}");
    assert!(bridged.contains("plugin=fixture"), "{bridged}");
    assert!(
        bridged.contains("processor=query"),
        "fields are forwarded: {bridged}"
    );

    // A debug event is filtered by the host's level (INFO).
    assert!(!events.iter().any(|e| e.contains("level=DEBUG")));
}

#[test]
fn panicking_callback_becomes_an_error() {
    let registry = Registry::load(&config(
        "[[plugin]]\nname = \"fixture\"\n[plugin.config]\npanic = \"callback\"\n",
    ))
    .unwrap();
    let spec = registry
        .callbacks()
        .find(|c| c.name == "fixture:panic")
        .expect("registered");
    let err = spec.callback.call(&mut context()).unwrap_err();
    let DbError::Panicked(msg) = &err else {
        panic!("{err}")
    };
    assert!(msg.contains("panicked on purpose"), "{msg}");
}
