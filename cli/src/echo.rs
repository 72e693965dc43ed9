//! [`SqlEcho`]: the demo's statement echo — every `plugorm::sql` event printed to stdout
//! as GORM's logger prints it (`[0.412ms] [rows:1] INSERT INTO … VALUES ('D42',100,…)`),
//! in GORM's colours on a terminal.

use std::io::IsTerminal as _;

use plugorm::log::{Outcome, SqlLine};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, Layer};

/// Prints every statement plugorm runs, indented under the demo's steps.
pub struct SqlEcho {
    colour: bool,
}

impl SqlEcho {
    /// Colours when stdout is a terminal and `NO_COLOR` is unset or empty.
    pub fn for_stdout() -> SqlEcho {
        SqlEcho {
            colour: std::io::stdout().is_terminal() && !no_color(),
        }
    }
}

/// `NO_COLOR` set to anything but the empty string turns colours off (no-color.org).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// The fields of one event that make its line.
#[derive(Default)]
struct Fields {
    sql: String,
    explained: Option<String>,
    rows: Option<u64>,
    elapsed_ms: f64,
    threshold_ms: Option<f64>,
    error: Option<String>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "sql" => self.sql = value.to_owned(),
            "explained" => self.explained = Some(value.to_owned()),
            "error" => self.error = Some(value.to_owned()),
            _ => {}
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "rows" {
            self.rows = Some(value);
        }
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        match field.name() {
            "elapsed_ms" => self.elapsed_ms = value,
            "threshold_ms" => self.threshold_ms = Some(value),
            _ => {}
        }
    }

    fn record_debug(&mut self, _field: &Field, _value: &dyn std::fmt::Debug) {}
}

impl<S: tracing::Subscriber> Layer<S> for SqlEcho {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        if event.metadata().target() != "plugorm::sql" {
            return;
        }
        let mut f = Fields::default();
        event.record(&mut f);
        if f.sql.is_empty() {
            return;
        }
        let outcome = match (&f.error, f.threshold_ms) {
            (Some(error), _) => Outcome::Failed { error },
            (None, Some(threshold_ms)) => Outcome::Slow { threshold_ms },
            (None, None) => Outcome::Done,
        };
        let line = SqlLine {
            elapsed_ms: f.elapsed_ms,
            rows: f.rows,
            sql: f.explained.as_deref().unwrap_or(&f.sql),
            outcome,
        };
        if self.colour {
            println!("   {}", line.colored());
        } else {
            println!("   {line}");
        }
    }
}
