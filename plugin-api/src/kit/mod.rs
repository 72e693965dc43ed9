//! The driver kit: everything between a database driver and the host, written once.
//!
//! A dialect implements [`Driver`] (open a connection) and [`DriverConnection`] (run one
//! statement, stream rows, optionally ping and classify breakage) and calls
//! [`KitPool::open`]. The kit supplies:
//!
//! - the [`crate::Pool`], [`crate::Connection`] and [`crate::Transaction`] objects;
//! - a connection *worker* per connection (a task on the plugin runtime, or a thread of
//!   its own for blocking drivers, see [`Threading`]) that rolls back and releases leases
//!   and, for blocking drivers, runs every statement; together with the caller-driven
//!   path, every statement runs to its end, so a caller cancelled at any await point
//!   leaves the connection in a known state;
//! - the transaction state machine: `BEGIN` / `COMMIT` / `ROLLBACK`, savepoints with the
//!   driver's quoting, rollback when a transaction is dropped unfinished, and no
//!   connection back in the pool while a transaction is open on it;
//! - streaming with bounded memory ([`BatchSink`]; from synchronous code too, for
//!   blocking drivers: [`BatchSink::send_blocking`]);
//! - the pool limits of [`crate::PoolOptions`] (max and min connections, acquire and
//!   connect timeout, idle timeout, max lifetime);
//! - the refusal of SQL text a client library could misread ([`check_text`]), and a
//!   lexer for drivers whose library runs every `;`-separated statement ([`lexer`]);
//! - the grouping of catalog rows into index and foreign-key descriptions, and a whole
//!   table description from four conventionally named catalog results
//!   ([`introspect::table_info`]);
//! - cancellation: a statement whose caller goes away mid-flight is stopped through the
//!   driver's [`Cancel`] on both paths, the caller's task (async drivers) and the
//!   connection's own thread ([`Threading::OwnThread`]), and the connection runs nothing
//!   else until the cancel has finished; [`Threading::Inline`] trades that away for
//!   statements with no thread hand-off (they complete inside the caller's poll).
//!
//! A driver that yields rows one at a time builds its results with
//! [`crate::row::RowsBuilder`].
//!
//! The fast path: a statement on the pool takes a permit and the most recently used idle
//! connection (no timer, no ping, no task spawned) and, for async drivers, runs in the
//! caller's own task (`direct.rs`); a caller that goes away mid-statement hands the rest
//! to the plugin runtime, which finishes it before the connection serves anyone else.
//! [`Threading::Inline`] reuses that path for blocking drivers: the driver's future
//! completes inside the one poll, on the caller's thread, while the connection's own
//! thread (as for [`Threading::OwnThread`]) runs its streams and the rollbacks of
//! transactions and leases dropped open.
pub mod definition;
mod direct;
pub mod driver;
mod handles;
pub mod introspect;
pub mod lexer;
mod pool;
pub mod script;
pub mod stream;
mod worker;

#[cfg(test)]
mod tests;

pub use driver::{Cancel, CancelFlag, CancelFuture, Driver, DriverConnection, Threading};
pub use handles::{check_text, KitPool};
pub use stream::BatchSink;
