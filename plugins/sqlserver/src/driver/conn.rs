//! One connection: how a statement runs on SQL Server.
//!
//! * One statement per call: SQL Server runs every statement of a batch, so text with a
//!   second statement after a `;` is refused first (the kit's lexer, SQL Server's quotes).
//!   The one exception is the dialect's identity-insert envelope around one INSERT or
//!   MERGE (`SET IDENTITY_INSERT "t" ON;…;SET IDENTITY_INSERT "t" OFF;`, see `identity`).
//! * A statement with parameters runs through `sp_executesql` (tiberius' RPC), its
//!   parameters typed as `bind` says. One without parameters runs as a plain batch, so
//!   `SET` and `USE` keep their effect on the session, as they would in a script; only a
//!   write without parameters goes through `sp_executesql` too, which reports the rows
//!   it wrote (a batch's answer does not carry the counts through tiberius).
//! * A NULL parameter is sent as `nvarchar`; a statement the server then refuses with
//!   error 257 (no implicit conversion, which only the binary types lack) runs once more
//!   with its NULLs as `varbinary`. The refusal comes before the statement runs.
//! * Transaction control is T-SQL: `BEGIN TRANSACTION`, `SAVE TRANSACTION [sp]`,
//!   `ROLLBACK TRANSACTION [sp]`; releasing a savepoint is a no-op (SQL Server has no
//!   `RELEASE`; a savepoint lives until its transaction ends).

use std::sync::Arc;

use futures_util::TryStreamExt;
use plugorm_plugin_api::{
    kit::{
        driver::rows_affected,
        lexer::{one_statement, statement_kind, StatementKind},
        BatchSink, Cancel, DriverConnection,
    },
    row::RowsBuilder,
    DbError, DbResult, ExecResult, Rows, Sql, Value,
};
use tiberius::{error::Error as TdsError, QueryItem, QueryStream};

use super::{cancel::Kill, TdsClient};
use crate::{
    bind::{self, NullAs, LEXICON},
    decode,
    error::{ends_connection, refuses_text_null, translate},
    identity,
};

/// Why one attempt failed: a driver error (maybe worth a retry, maybe fatal to the
/// connection) or a final one of the plugin's own.
enum Failure {
    Tds(TdsError),
    Final(DbError),
}

impl From<TdsError> for Failure {
    fn from(e: TdsError) -> Failure {
        Failure::Tds(e)
    }
}

impl From<DbError> for Failure {
    fn from(e: DbError) -> Failure {
        Failure::Final(e)
    }
}

impl Failure {
    /// True when the same statement with its NULLs typed `varbinary` may succeed.
    fn retry_binary(&self, sql: &Sql, nulls: NullAs) -> bool {
        nulls == NullAs::Text
            && matches!(self, Failure::Tds(e) if refuses_text_null(e))
            && bind::has_null(sql)
    }
}

/// One open connection.
pub(crate) struct SqlServerConnection {
    client: TdsClient,
    /// Set after an error that left the session unusable (see [`ends_connection`]).
    broken: bool,
    kill: Arc<Kill>,
}

impl SqlServerConnection {
    pub(super) fn new(client: TdsClient, kill: Kill) -> SqlServerConnection {
        SqlServerConnection {
            client,
            broken: false,
            kill: Arc::new(kill),
        }
    }

    /// Translates a failure, noting first whether it broke the connection.
    fn failed(&mut self, f: Failure) -> DbError {
        match f {
            Failure::Tds(e) => {
                self.broken |= ends_connection(&e);
                translate(e)
            }
            Failure::Final(e) => e,
        }
    }
}

/// The session's id (`@@SPID`), which a `KILL` names.
pub(super) async fn session_id(client: &mut TdsClient) -> DbResult<i64> {
    let row = client
        .simple_query("SELECT @@SPID")
        .await
        .map_err(translate)?
        .into_row()
        .await
        .map_err(translate)?;
    let cell = row
        .map(|r| r.into_iter().next())
        .and_then(|c| c.map(|c| decode::cell(&c)));
    match cell.transpose()? {
        Some(Value::I64(id)) => Ok(id),
        other => Err(DbError::Decode {
            detail: format!("@@SPID answered {other:?}"),
        }),
    }
}

/// Ends session `session` (see `cancel`).
pub(super) async fn kill(client: &mut TdsClient, session: i64) -> Result<(), TdsError> {
    run_batch(client, &format!("KILL {session}")).await
}

/// Refuses text with more than one statement, except the identity-insert envelope around
/// one INSERT or MERGE that the dialect writes for a key set by the caller (`identity`).
fn one_statement_or_envelope(text: &str) -> DbResult<()> {
    one_statement(identity::split_envelope(text).unwrap_or(text), &LEXICON)
}

/// Starts `sql`: a batch without parameters, `sp_executesql` with them.
async fn start<'a>(
    client: &'a mut TdsClient,
    sql: &Sql,
    nulls: NullAs,
) -> Result<QueryStream<'a>, Failure> {
    one_statement_or_envelope(&sql.text)?;
    if sql.params.is_empty() {
        return Ok(client.simple_query(sql.text.to_string()).await?);
    }
    Ok(bind::query(sql, nulls)?.query(client).await?)
}

/// Reads a result to its end, dropping its rows.
async fn drain(mut stream: QueryStream<'_>) -> Result<(), TdsError> {
    while stream.try_next().await?.is_some() {}
    Ok(())
}

/// Runs fixed text (transaction control, a ping) as a batch.
async fn run_batch(client: &mut TdsClient, text: &str) -> Result<(), TdsError> {
    drain(client.simple_query(text.to_string()).await?).await
}

/// Runs `sql` for its effect; the rows the server counted.
async fn execute_once(
    client: &mut TdsClient,
    sql: &Sql,
    kind: StatementKind,
    nulls: NullAs,
) -> Result<u64, Failure> {
    if sql.params.is_empty() && kind != StatementKind::Write {
        drain(start(client, sql, nulls).await?).await?;
        return Ok(0);
    }
    one_statement_or_envelope(&sql.text)?;
    Ok(bind::query(sql, nulls)?.execute(client).await?.total())
}

/// Runs `sql` and reads its first result (later ones, from a procedure, are dropped).
async fn query_once(client: &mut TdsClient, sql: &Sql, nulls: NullAs) -> Result<Rows, Failure> {
    let mut stream = start(client, sql, nulls).await?;
    let mut first: Option<(usize, RowsBuilder)> = None;
    while let Some(item) = stream.try_next().await? {
        match (item, first.as_mut()) {
            (QueryItem::Metadata(m), None) => {
                let names = decode::names(m.columns());
                first = Some((m.result_index(), RowsBuilder::new(names)));
            }
            (QueryItem::Row(r), Some((index, rows))) if r.result_index() == *index => {
                decode::push_row(rows, r)?;
            }
            _ => {}
        }
    }
    Ok(first.map(|(_, rows)| rows.finish()).unwrap_or_default())
}

/// How a streamed statement ended.
enum Streamed {
    /// Its result was read to the end.
    Done,
    /// The reader went away: the rest of the result is still on its way.
    ReaderGone,
}

/// Streams the first result of `sql` into `sink`; an error says whether anything was
/// sent already (then it cannot be retried).
async fn stream_once(
    client: &mut TdsClient,
    sql: &Sql,
    nulls: NullAs,
    sink: &mut BatchSink,
) -> Result<Streamed, (Failure, bool)> {
    let mut stream = start(client, sql, nulls).await.map_err(|f| (f, false))?;
    let mut first: Option<(usize, RowsBuilder)> = None;
    loop {
        let sent = first.is_some();
        let Some(item) = stream.try_next().await.map_err(|e| (e.into(), sent))? else {
            break;
        };
        match (item, first.as_mut()) {
            (QueryItem::Metadata(m), None) => {
                let names = decode::names(m.columns());
                if !sink.names(names.clone()).await {
                    return Ok(Streamed::ReaderGone);
                }
                let rows = RowsBuilder::new(names).batch_rows(sink.batch_rows());
                first = Some((m.result_index(), rows));
            }
            (QueryItem::Row(r), Some((index, rows))) if r.result_index() == *index => {
                decode::push_row(rows, r).map_err(|e| (e.into(), true))?;
                if let Some(batch) = rows.take_batch() {
                    if !sink.send(batch).await {
                        return Ok(Streamed::ReaderGone);
                    }
                }
            }
            _ => {}
        }
    }
    if let Some((_, rows)) = first {
        for batch in rows.finish().batches {
            if !sink.send(batch).await {
                return Ok(Streamed::ReaderGone);
            }
        }
    }
    Ok(Streamed::Done)
}

/// The T-SQL of the kit's transaction control; `None` for what SQL Server has no
/// statement for (releasing a savepoint).
pub(crate) fn control_text(command: &str) -> Option<String> {
    if let Some(name) = command.strip_prefix("ROLLBACK TO SAVEPOINT ") {
        return Some(format!("ROLLBACK TRANSACTION {name}"));
    }
    if let Some(name) = command.strip_prefix("SAVEPOINT ") {
        return Some(format!("SAVE TRANSACTION {name}"));
    }
    if command.starts_with("RELEASE SAVEPOINT ") {
        return None;
    }
    Some(match command {
        "COMMIT" => "COMMIT TRANSACTION".into(),
        // A deadlock or a severe error already rolled the transaction back on the
        // server; a second ROLLBACK would fail and cost the connection.
        "ROLLBACK" => "IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION".into(),
        other => other.into(),
    })
}

impl DriverConnection for SqlServerConnection {
    async fn execute(&mut self, sql: &Sql) -> DbResult<ExecResult> {
        let inner = identity::split_envelope(&sql.text).unwrap_or(&sql.text);
        let kind = statement_kind(inner, &LEXICON);
        let mut nulls = NullAs::Text;
        let reported = loop {
            match execute_once(&mut self.client, sql, kind, nulls).await {
                Err(f) if f.retry_binary(sql, nulls) => nulls = NullAs::Binary,
                Err(f) => return Err(self.failed(f)),
                Ok(n) => break n,
            }
        };
        Ok(ExecResult {
            rows_affected: rows_affected(kind, reported, 0),
            last_insert_id: None.into(),
        })
    }

    async fn query(&mut self, sql: &Sql) -> DbResult<Rows> {
        let mut nulls = NullAs::Text;
        loop {
            match query_once(&mut self.client, sql, nulls).await {
                Err(f) if f.retry_binary(sql, nulls) => nulls = NullAs::Binary,
                Err(f) => return Err(self.failed(f)),
                Ok(rows) => return Ok(rows),
            }
        }
    }

    /// Reads rows as they arrive, `sink.batch_rows()` at a time. When the reader goes
    /// away the server is told to stop (a TDS attention), so the rest of a long result
    /// is not read and dropped.
    async fn stream(&mut self, sql: &Sql, sink: &mut BatchSink) -> DbResult<()> {
        let mut nulls = NullAs::Text;
        let streamed = loop {
            match stream_once(&mut self.client, sql, nulls, sink).await {
                Err((f, false)) if f.retry_binary(sql, nulls) => nulls = NullAs::Binary,
                Err((f, _)) => return Err(self.failed(f)),
                Ok(s) => break s,
            }
        };
        if let Streamed::ReaderGone = streamed {
            let r = self.client.cancel_query().await;
            if let Err(e) = r {
                self.broken = true;
                tracing::debug!(error = %e, "stopping an abandoned result failed");
            }
        }
        Ok(())
    }

    async fn control(&mut self, command: &str) -> DbResult<()> {
        let Some(text) = control_text(command) else {
            return Ok(());
        };
        let r = run_batch(&mut self.client, &text).await;
        r.map_err(|e| self.failed(e.into()))
    }

    async fn ping(&mut self) -> DbResult<()> {
        let r = run_batch(&mut self.client, "SELECT 1").await;
        r.map_err(|e| self.failed(e.into()))
    }

    fn canceller(&self) -> Option<Arc<dyn Cancel>> {
        Some(self.kill.clone())
    }

    /// Broken by an error, or ended by a `KILL` from the canceller.
    fn is_broken(&self) -> bool {
        self.broken || self.kill.killed()
    }

    async fn close(self) {
        if let Err(e) = self.client.close().await {
            tracing::debug!(error = %e, "closing a sqlserver connection failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::control_text;

    #[test]
    fn transaction_control_in_t_sql() {
        assert_eq!(
            control_text("BEGIN TRANSACTION").as_deref(),
            Some("BEGIN TRANSACTION")
        );
        assert_eq!(
            control_text("COMMIT").as_deref(),
            Some("COMMIT TRANSACTION")
        );
        assert_eq!(
            control_text("ROLLBACK").as_deref(),
            Some("IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION")
        );
        assert_eq!(
            control_text("SAVEPOINT [sp1]").as_deref(),
            Some("SAVE TRANSACTION [sp1]")
        );
        assert_eq!(
            control_text("ROLLBACK TO SAVEPOINT [sp1]").as_deref(),
            Some("ROLLBACK TRANSACTION [sp1]")
        );
        assert_eq!(control_text("RELEASE SAVEPOINT [sp1]"), None);
    }
}
