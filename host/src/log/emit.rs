//! The `plugorm::sql` events: one per statement the host runs (and per transaction
//! command), with GORM's line as the message and the parts as fields.

use std::time::Duration;

use plugorm_plugin_api::FfiValue;

use super::{
    explain::explain,
    line::{Outcome, SqlLine},
    style::ExplainStyle,
};
use crate::Error;

/// One statement that ran, as the log reports it.
pub(crate) struct Ran<'a> {
    /// The text sent, with the dialect's placeholders.
    pub(crate) sql: &'a str,
    /// How many parameters it bound.
    pub(crate) count: usize,
    /// Its parameters and the dialect's style to inline them in, kept only when the
    /// `debug` level is on (see `exec::Shown`).
    pub(crate) values: Option<(&'a [FfiValue], &'a ExplainStyle)>,
    pub(crate) rows: Option<u64>,
    pub(crate) elapsed: Duration,
    pub(crate) error: Option<&'a Error>,
    pub(crate) slow_threshold: Duration,
}

/// True when `debug` events of `plugorm::sql` are recorded: only then are a statement's
/// parameters kept for the log.
pub(crate) fn debug_enabled() -> bool {
    tracing::enabled!(target: "plugorm::sql", tracing::Level::DEBUG)
}

/// Emits the event of a statement: `error` when it failed, `warn` when it was slow,
/// `debug` otherwise.
///
/// Fields: `sql` (the text sent), `params` (how many), `elapsed_ms`, `rows` (when known),
/// `explained` (the text with its values inlined, when they were kept), and
/// `sql.params` (the values, on `debug` events), `threshold_ms` (slow), `error` (failed).
pub(crate) fn statement(ran: Ran<'_>) {
    let explained = ran
        .values
        .filter(|(p, _)| !p.is_empty())
        .map(|(p, style)| explain(ran.sql, p, style));
    let shown = explained.as_deref().unwrap_or(ran.sql);
    let elapsed_ms = ran.elapsed.as_secs_f64() * 1000.0;
    let line = |outcome| SqlLine {
        elapsed_ms,
        rows: ran.rows,
        sql: shown,
        outcome,
    };
    let (sql, params, rows) = (ran.sql, ran.count, ran.rows);
    let explained = explained.as_deref();
    match ran.error {
        Some(e) => {
            let error = e.to_string();
            let line = line(Outcome::Failed { error: &error });
            tracing::error!(target: "plugorm::sql", sql, params, elapsed_ms, explained, error, "{line}")
        }
        None if ran.elapsed >= ran.slow_threshold => {
            let threshold_ms = ran.slow_threshold.as_secs_f64() * 1000.0;
            let line = line(Outcome::Slow { threshold_ms });
            tracing::warn!(target: "plugorm::sql", sql, params, rows, elapsed_ms, explained, threshold_ms, "{line}")
        }
        None => {
            let values = ran.values.map_or(&[][..], |(p, _)| p);
            let line = line(Outcome::Done);
            tracing::debug!(target: "plugorm::sql", sql, params, sql.params = ?values, rows, elapsed_ms, explained, "{line}")
        }
    }
}

/// Emits the event of a transaction command (`BEGIN`, `COMMIT`, `ROLLBACK`, the
/// savepoint commands): a statement without parameters or rows.
pub(crate) fn command(
    sql: &str,
    elapsed: Duration,
    error: Option<&Error>,
    slow_threshold: Duration,
) {
    statement(Ran {
        sql,
        count: 0,
        values: None,
        rows: None,
        elapsed,
        error,
        slow_threshold,
    });
}
