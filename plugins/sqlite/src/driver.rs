//! The SQLite driver for the plugin-API driver kit: opening a libsqlite3 connection
//! (through rusqlite) and running one statement on it. Pooling, transactions,
//! cancellation, the connection's thread and the stream's channel are the kit's
//! (`KitPool`); what stays here is SQLite's own: binding, decoding as rows are stepped,
//! error translation.

use plugorm_plugin_api::{
    kit::{
        lexer::{one_statement, statement_kind, Lexicon, StatementKind},
        BatchSink, Cancel, CancelFlag, Driver, DriverConnection, Threading,
    },
    DbError, DbResult, ExecResult, Rows, Sql,
};
use rusqlite::{CachedStatement, Connection};
use std::{sync::Arc, time::Duration};

use crate::{
    bind::bind_all,
    decode::RowsBuilder,
    error::translate,
    url::{SqliteUrl, Target},
};

/// How long a statement waits for another connection's lock before it fails as busy.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Prepared statements kept per connection (the least recently used one goes first).
const STATEMENT_CACHE: usize = 100;

/// Opens SQLite connections to the database of one URL.
pub(crate) struct SqliteDriver {
    pub(crate) url: SqliteUrl,
}

impl Driver for SqliteDriver {
    type Connection = SqliteConn;

    async fn connect(&self) -> DbResult<SqliteConn> {
        let label = &self.url.label;
        let failed = |e: rusqlite::Error| DbError::Connect {
            message: format!("{label}: {e}"),
        };
        // A file: WAL (readers do not block the writer), fsync at checkpoints rather than
        // at every commit. Foreign keys are enforced everywhere.
        let (conn, pragmas) = match &self.url.target {
            Target::Memory => (Connection::open_in_memory(), "PRAGMA foreign_keys = ON;"),
            Target::Named { filename, flags } => (
                Connection::open_with_flags(filename, *flags),
                "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
            ),
        };
        let conn = conn.map_err(failed)?;
        // Before the pragmas: switching to WAL takes a lock another connection may hold.
        conn.busy_timeout(BUSY_TIMEOUT).map_err(failed)?;
        conn.execute_batch(pragmas).map_err(failed)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let interrupt = Arc::new(CancelFlag::default());
        let raised = interrupt.clone();
        conn.progress_handler(PROGRESS_STEPS, Some(move || raised.is_raised()))
            .map_err(failed)?;
        Ok(SqliteConn { conn, interrupt })
    }

    /// A thread of each connection's own by default (libsqlite3 blocks); `Inline` when
    /// the URL asks for it (`?threading=inline`).
    fn threading(&self) -> Threading {
        self.url.threading
    }

    /// `BEGIN IMMEDIATE`: a transaction takes the database's write lock when it begins,
    /// so two transactions that read and then write queue at `BEGIN` (within
    /// `busy_timeout`) instead of one failing with `SQLITE_BUSY_SNAPSHOT` (517) when it
    /// upgrades its read to a write. Readers outside transactions are not blocked (WAL).
    fn begin_sql(&self) -> &'static str {
        "BEGIN IMMEDIATE"
    }

    /// Backticks, as for every other identifier this dialect writes.
    fn quote_savepoint(&self, name: &str) -> String {
        format!("`{}`", name.replace('`', "``"))
    }

    /// SQLite's four quoting styles, for the kit's reading of a statement's keyword.
    fn lexicon(&self) -> Lexicon {
        Lexicon::SQLITE
    }
}

/// How many virtual-machine steps SQLite runs between two looks at the [`CancelFlag`]: a
/// look is one atomic load, and a step a few nanoseconds, so a cancelled statement stops
/// within microseconds at no measurable cost.
const PROGRESS_STEPS: i32 = 1000;

// The interrupt is the kit's `CancelFlag`: the progress handler sees it raised and
// SQLite ends the statement with `SQLITE_INTERRUPT` (inside a transaction, a write
// statement so interrupted rolls the transaction back). The connection stays usable.

/// One open SQLite connection.
pub(crate) struct SqliteConn {
    conn: Connection,
    interrupt: Arc<CancelFlag>,
}

impl SqliteConn {
    /// The cached prepared statement of `sql`, its parameters bound. One call runs one
    /// statement: text with a second statement after a `;` is refused (the kit's lexer
    /// gives the error its offset).
    fn prepare(&self, sql: &Sql) -> DbResult<CachedStatement<'_>> {
        one_statement(&sql.text, &Lexicon::SQLITE)?;
        let mut stmt = self.conn.prepare_cached(&sql.text).map_err(translate)?;
        bind_all(&mut stmt, sql)?;
        Ok(stmt)
    }
}

/// True for text without a statement (blanks and `;`): SQLite prepares no statement for
/// it, and the call answers as for a statement without effect or rows.
fn blank(sql: &Sql) -> bool {
    sql.text
        .trim_matches(|c: char| c.is_whitespace() || c == ';')
        .is_empty()
}

impl DriverConnection for SqliteConn {
    /// SQLite counts the changes of the last INSERT, UPDATE or DELETE per connection, and
    /// leaves the count (and the last rowid) in place across other statements: only a
    /// write reports them, any other statement changed no row. Rows a statement returns
    /// (`RETURNING`) are stepped through and dropped.
    async fn execute(&mut self, sql: &Sql) -> DbResult<ExecResult> {
        if blank(sql) {
            return Ok(ExecResult::default());
        }
        let mut stmt = self.prepare(sql)?;
        let mut rows = stmt.raw_query();
        while rows.next().map_err(translate)?.is_some() {}
        drop(rows);
        drop(stmt);
        if statement_kind(&sql.text, &Lexicon::SQLITE) != StatementKind::Write {
            return Ok(ExecResult::default());
        }
        Ok(ExecResult {
            rows_affected: self.conn.changes(),
            last_insert_id: Some(self.conn.last_insert_rowid()).into(),
        })
    }

    async fn query(&mut self, sql: &Sql) -> DbResult<Rows> {
        if blank(sql) {
            return Ok(Rows::default());
        }
        let mut stmt = self.prepare(sql)?;
        let mut out = RowsBuilder::for_statement(&stmt);
        let mut rows = stmt.raw_query();
        while let Some(row) = rows.next().map_err(translate)? {
            out.push(row)?;
        }
        drop(rows);
        out.refresh(&stmt);
        Ok(out.finish())
    }

    /// Decodes rows as they are stepped and hands each batch over as soon as it is full,
    /// from synchronous code (a prepared statement cannot be held across an `await`), so
    /// at most a batch or two of a long result is ever held. The names go with the first
    /// row (or the end), so a statement that fails at its first step fails the stream's
    /// opening.
    async fn stream(&mut self, sql: &Sql, sink: &mut BatchSink) -> DbResult<()> {
        if blank(sql) {
            sink.names_blocking(Vec::new());
            return Ok(());
        }
        let mut stmt = self.prepare(sql)?;
        let mut out = RowsBuilder::for_statement(&stmt).batch_rows(sink.batch_rows());
        let mut rows = stmt.raw_query();
        while let Some(row) = rows.next().map_err(translate)? {
            let first = out.is_empty();
            out.push(row)?;
            if first && !sink.names_blocking(out.names()) {
                return Ok(());
            }
            if let Some(batch) = out.take_sealed() {
                if !sink.send_blocking(batch) {
                    return Ok(()); // the reader is gone: the statement is reset unread
                }
            }
        }
        drop(rows);
        out.refresh(&stmt);
        if !sink.names_blocking(out.names()) {
            return Ok(());
        }
        for batch in out.finish().batches {
            if !sink.send_blocking(batch) {
                break;
            }
        }
        Ok(())
    }

    fn canceller(&self) -> Option<Arc<dyn Cancel>> {
        Some(self.interrupt.clone())
    }
}
