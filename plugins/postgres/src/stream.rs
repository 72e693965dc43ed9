//! Streaming rows: a task on the plugin runtime reads rows from sqlx and sends them in
//! batches through a channel of capacity one, so at most two batches exist at a time;
//! dropping the stream aborts the task and releases the connection.
//!
//! The first message carries the column names (from the prepared statement, so an empty
//! result has them too), then come the batches.

use futures_util::TryStreamExt;
use plugorm_plugin_api::{runtime, BoxFuture, DbError, DbResult, RowBatch, RowStream, Sql};
use sqlx_postgres::PgConnection;
use tokio::sync::{mpsc, Mutex};

use crate::{
    bind, decode,
    exec::{self, Failure, Mode},
};

pub(crate) enum Message {
    Names(Vec<String>),
    Batch(RowBatch),
    Failed(DbError),
}

/// Reports a failure before any row.
pub(crate) async fn fail(tx: &mpsc::Sender<Message>, e: DbError) {
    let _ = tx.send(Message::Failed(e)).await;
}

/// Reads `sql` on `conn`, sending batches of about `batch_rows` rows until the receiver
/// goes away.
pub(crate) async fn produce(
    conn: &mut PgConnection,
    sql: &Sql,
    batch_rows: u32,
    mode: Mode,
    tx: &mpsc::Sender<Message>,
) {
    let batch_rows = batch_rows.max(1) as usize;
    let values = match bind::values(&sql.params) {
        Ok(v) => v,
        Err(e) => return fail(tx, e).await,
    };
    let mut retried = false;
    loop {
        match attempt(conn, sql, &values, batch_rows, mode, tx).await {
            Ok(()) => return,
            Err((f, false)) if !retried && f.retryable(mode) => {
                if let Err(e) = exec::recover(conn).await {
                    return fail(tx, e).await;
                }
                retried = true;
            }
            Err((f, _)) => return fail(tx, f.into_db()).await,
        }
    }
}

/// One run of the query; the error says whether anything was sent already.
async fn attempt(
    conn: &mut PgConnection,
    sql: &Sql,
    values: &[&plugorm_plugin_api::Value],
    batch_rows: usize,
    mode: Mode,
    tx: &mpsc::Sender<Message>,
) -> Result<(), (Failure, bool)> {
    let mut bound = exec::bind(conn, sql, values, mode)
        .await
        .map_err(|f| (f, false))?;
    let arguments = std::mem::take(&mut bound.arguments);
    let mut readers = bound
        .statement
        .as_ref()
        .map(|s| decode::readers(sqlx_core::statement::Statement::columns(s)));
    // Nothing is sent before the first answer, so a stale cached statement can still be
    // prepared again and retried.
    let mut sent = false;
    let mut rows = exec::query(sql, &bound, arguments).fetch(&mut *conn);
    let mut buf = Vec::with_capacity(batch_rows.min(decode::BATCH * 8));
    loop {
        let next = rows
            .try_next()
            .await
            .map_err(|e| (Failure::Driver(e), sent))?;
        let done = next.is_none();
        if !sent {
            if readers.is_none() {
                readers = next
                    .as_ref()
                    .map(|row| decode::readers(sqlx_core::row::Row::columns(row)));
            }
            let names = readers.as_deref().map(decode::names).unwrap_or_default();
            if tx.send(Message::Names(names)).await.is_err() {
                return Ok(());
            }
            sent = true;
        }
        if let Some(row) = next {
            buf.push(row);
            if buf.len() < batch_rows {
                continue;
            }
        }
        if !buf.is_empty() {
            let msg = match readers.as_deref().map(|r| decode::batch(r, &buf)) {
                Some(Ok(b)) => Message::Batch(b),
                Some(Err(e)) => Message::Failed(e),
                None => Message::Failed(DbError::Decode {
                    detail: "rows arrived without column descriptions".into(),
                }),
            };
            buf.clear();
            if tx.send(msg).await.is_err() {
                return Ok(()); // the consumer is gone
            }
        }
        if done {
            return Ok(());
        }
    }
}

/// The consumer side.
pub(crate) struct ChannelStream {
    names: Vec<String>,
    rx: std::sync::Arc<Mutex<mpsc::Receiver<Message>>>,
    task: tokio::task::AbortHandle,
}

impl Drop for ChannelStream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Spawns `producer` (which must send into the channel) and waits for its first message
/// so the column names are known.
pub(crate) async fn start<F>(
    producer: impl FnOnce(mpsc::Sender<Message>) -> F,
) -> DbResult<Box<dyn RowStream>>
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let (tx, mut rx) = mpsc::channel(1);
    let task = runtime::handle()?.spawn(producer(tx)).abort_handle();
    let names = match rx.recv().await {
        None => Vec::new(),
        Some(Message::Failed(e)) => return Err(e),
        Some(Message::Names(n)) => n,
        Some(Message::Batch(_)) => {
            return Err(DbError::Decode {
                detail: "rows arrived before their column names".into(),
            })
        }
    };
    Ok(Box::new(ChannelStream {
        names,
        rx: std::sync::Arc::new(Mutex::new(rx)),
        task,
    }))
}

impl RowStream for ChannelStream {
    fn names(&self) -> Vec<String> {
        self.names.clone()
    }

    fn next_batch(&self) -> BoxFuture<Option<RowBatch>> {
        let rx = self.rx.clone();
        Box::pin(runtime::in_runtime(async move {
            match rx.lock().await.recv().await {
                None => Ok(None),
                Some(Message::Failed(e)) => Err(e),
                Some(Message::Batch(b)) => Ok(Some(b)),
                Some(Message::Names(_)) => Err(DbError::Decode {
                    detail: "column names arrived twice".into(),
                }),
            }
        }))
    }
}
