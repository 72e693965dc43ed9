//! The SQL log, as GORM's logger writes it.
//!
//! Every statement the host runs — and every `BEGIN`, `COMMIT`, `ROLLBACK` and savepoint
//! command — is a `tracing` event with target `plugorm::sql`: `debug` when it ran,
//! `warn` when it took the session's slow threshold or longer, `error` when it failed.
//! Its message is GORM's line ([`SqlLine`]),
//! `[2.345ms] [rows:1] INSERT INTO "users" ("name","age") VALUES ('jinzhu',18)`, and its
//! fields carry the parts for machines: `sql` (the text sent, with placeholders),
//! `params` (how many), `sql.params` (the values, on `debug` events), `rows`,
//! `elapsed_ms`, `explained` (the text with the values inlined as literals of the
//! dialect), `threshold_ms` (slow), `error` (failed).
//!
//! The values are kept for the log only while the target's `debug` level is on: keeping
//! every statement's values in case it turns out slow or fails would cost each large
//! INSERT a copy of all its values. With only `warn` on, a slow or failed statement is
//! shown with its placeholders.
//!
//! [`crate::Db::explain`] gives the same inlined text for a statement in hand, such as a
//! dry run's.

mod emit;
mod explain;
mod line;
mod literal;
mod style;
#[cfg(test)]
mod tests;

pub(crate) use emit::{command, debug_enabled, statement, Ran};
pub(crate) use explain::explain;
pub use line::{Outcome, SqlLine};
pub(crate) use style::ExplainStyle;
