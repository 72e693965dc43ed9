//! The kit driver: opening a rusqlite connection and running one statement on it.
//! Pooling, transactions, the connection's own thread and cancellation are the kit's.

use std::{path::PathBuf, sync::Arc, time::Duration};

use plugorm_plugin_api::{
    kit::{BatchSink, Cancel, CancelFlag, Driver, DriverConnection, Threading},
    row::{RowsBuilder, DEFAULT_BATCH_ROWS},
    DbError, DbResult, ExecResult, Rows, Sql, Value,
};
use rusqlite::{types::Value as Sqlite, types::ValueRef, Connection, Statement};

/// Opens connections to one database (`None`: a private in-memory one).
pub(crate) struct RusqliteDriver {
    pub(crate) path: Option<PathBuf>,
}

/// How many SQLite virtual-machine steps run between two looks at the [`CancelFlag`]:
/// raised, SQLite ends the statement with `SQLITE_INTERRUPT`.
const PROGRESS_STEPS: i32 = 1000;

impl Driver for RusqliteDriver {
    type Connection = RusqliteConn;

    async fn connect(&self) -> DbResult<RusqliteConn> {
        let conn = match &self.path {
            None => Connection::open_in_memory(),
            Some(path) => Connection::open(path),
        };
        let label = self.path.as_ref().map(|p| p.display().to_string());
        let failed = |e: rusqlite::Error| DbError::Connect {
            message: format!("{}: {e}", label.as_deref().unwrap_or(":memory:")),
        };
        let conn = conn.map_err(failed)?;
        // A file: WAL, with fsync at checkpoints rather than at every commit.
        let wal = match self.path {
            Some(_) => "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
            None => "",
        };
        conn.execute_batch(&format!("PRAGMA foreign_keys = ON; {wal}"))
            .map_err(failed)?;
        conn.busy_timeout(Duration::from_secs(5)).map_err(failed)?;
        conn.set_prepared_statement_cache_capacity(256);
        let interrupt = Arc::new(CancelFlag::default());
        let raised = interrupt.clone();
        let handler = move || raised.is_raised();
        conn.progress_handler(PROGRESS_STEPS, Some(handler))
            .map_err(failed)?;
        Ok(RusqliteConn { conn, interrupt })
    }

    /// rusqlite blocks: each connection gets a thread of its own.
    fn threading(&self) -> Threading {
        Threading::OwnThread
    }

    /// Takes the write lock at BEGIN, so two transactions that read and then write queue
    /// there instead of one failing half-way with `SQLITE_BUSY_SNAPSHOT`.
    fn begin_sql(&self) -> &'static str {
        "BEGIN IMMEDIATE"
    }
}

/// One open connection.
pub(crate) struct RusqliteConn {
    conn: Connection,
    interrupt: Arc<CancelFlag>,
}

impl RusqliteConn {
    /// The cached prepared statement with every parameter bound (rusqlite refuses text
    /// holding a second statement).
    fn prepare(&self, sql: &Sql) -> DbResult<rusqlite::CachedStatement<'_>> {
        let mut stmt = self.conn.prepare_cached(&sql.text).map_err(error)?;
        for (i, value) in sql.values().enumerate() {
            stmt.raw_bind_parameter(i + 1, bind(value?)?)
                .map_err(error)?;
        }
        Ok(stmt)
    }
}

impl DriverConnection for RusqliteConn {
    async fn execute(&mut self, sql: &Sql) -> DbResult<ExecResult> {
        let rows_affected = self.prepare(sql)?.raw_execute().map_err(error)? as u64;
        let last_insert_id = Some(self.conn.last_insert_rowid()).into();
        Ok(ExecResult {
            rows_affected,
            last_insert_id,
        })
    }

    async fn query(&mut self, sql: &Sql) -> DbResult<Rows> {
        let mut stmt = self.prepare(sql)?;
        read_rows(&mut stmt, DEFAULT_BATCH_ROWS, |_| true).map(RowsBuilder::finish)
    }

    /// Hands each batch over as soon as it is full, from synchronous code (a rusqlite
    /// statement cannot be held across an `await`): at most two batches exist.
    async fn stream(&mut self, sql: &Sql, sink: &mut BatchSink) -> DbResult<()> {
        let mut stmt = self.prepare(sql)?;
        let names = stmt.column_names().into_iter().map(String::from).collect();
        if !sink.names_blocking(names) {
            return Ok(());
        }
        let batch_rows = sink.batch_rows();
        let full = |b: &mut RowsBuilder| b.take_batch().is_none_or(|x| sink.send_blocking(x));
        let rest = read_rows(&mut stmt, batch_rows, full)?.finish();
        rest.batches.into_iter().all(|x| sink.send_blocking(x));
        Ok(())
    }

    fn canceller(&self) -> Option<Arc<dyn Cancel>> {
        Some(self.interrupt.clone())
    }
}

/// Reads the rows of a bound statement in batches of `batch_rows`, offering the builder
/// to `full` after each row; stops early when `full` returns false.
fn read_rows(
    stmt: &mut Statement<'_>,
    batch_rows: usize,
    mut full: impl FnMut(&mut RowsBuilder) -> bool,
) -> DbResult<RowsBuilder> {
    let names = stmt.column_names().into_iter().map(String::from).collect();
    let width = stmt.column_count();
    let mut out = RowsBuilder::new(names).batch_rows(batch_rows);
    let mut rows = stmt.raw_query();
    while let Some(row) = rows.next().map_err(error)? {
        let cells: DbResult<Vec<Value>> = (0..width)
            .map(|i| row.get_ref(i).map_err(error).and_then(cell))
            .collect();
        out.push_row(cells?);
        if !full(&mut out) {
            break;
        }
    }
    Ok(out)
}

/// A value as SQLite stores it: booleans as integers, everything without a storage
/// class of its own as its canonical text.
fn bind(v: &Value) -> DbResult<Sqlite> {
    Ok(match v {
        Value::Null => Sqlite::Null,
        Value::Bool(b) => Sqlite::Integer(i64::from(*b)),
        Value::I64(i) => Sqlite::Integer(*i),
        Value::F64(f) => Sqlite::Real(*f),
        Value::Bytes(b) => Sqlite::Blob(b.to_vec()),
        other => Sqlite::Text(other.text_form().ok_or_else(|| DbError::UnsupportedValue {
            detail: format!(
                "the rusqlite dialect cannot bind a {} value",
                other.kind_name()
            ),
        })?),
    })
}

/// A cell as it is stored; the host's decoders read dates, UUIDs, … from their text.
fn cell(v: ValueRef<'_>) -> DbResult<Value> {
    Ok(match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::I64(i),
        ValueRef::Real(f) => Value::F64(f),
        ValueRef::Text(t) => Value::Text(
            std::str::from_utf8(t)
                .map_err(|e| DbError::Decode {
                    detail: format!("text that is not UTF-8: {e}"),
                })?
                .into(),
        ),
        ValueRef::Blob(b) => Value::Bytes(b.to_vec().into()),
    })
}

/// SQLite's extended result codes onto the typed errors.
fn error(e: rusqlite::Error) -> DbError {
    let (code, message) = match &e {
        rusqlite::Error::SqliteFailure(failure, Some(m)) => (failure.extended_code, m.clone()),
        rusqlite::Error::SqlInputError { error, msg, .. } => (error.extended_code, msg.clone()),
        _ => return DbError::Other(e.to_string()),
    };
    let subject = message
        .split_once("failed: ")
        .map(|(_, s)| s.trim().to_string());
    match code {
        1555 | 2067 => DbError::UniqueViolation {
            constraint: subject,
            message,
        },
        787 => DbError::ForeignKeyViolation {
            constraint: subject,
            message,
        },
        1299 => DbError::NotNullViolation {
            column: subject,
            message,
        },
        275 => DbError::CheckViolation {
            constraint: subject,
            message,
        },
        c if matches!(c & 0xff, 5 | 6) => DbError::Busy { message },
        c => DbError::Database {
            code: Some(c.to_string()),
            message,
        },
    }
}
