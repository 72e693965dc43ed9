//! Streaming rows (the same design as the SQLite plugin's): a task on the plugin runtime reads rows from sqlx and sends them in
//! batches through a channel of capacity one, so at most two batches exist at a time;
//! dropping the stream aborts the task and releases the connection.

use futures_util::TryStreamExt;
use plugorm_plugin_api::{runtime, BoxFuture, DbError, DbResult, RowBatch, RowStream, Rows, Sql};
use sqlx_mysql::MySqlConnection;
use tokio::sync::{mpsc, Mutex};

use crate::{bind::bind_all, decode::rows_to_batches, error::translate};

pub(crate) enum Message {
    Batch(Rows),
    Failed(DbError),
}

/// Reads `sql` on `conn`, sending batches of `batch_rows` rows until the receiver goes.
pub(crate) async fn produce(
    conn: &mut MySqlConnection,
    sql: &Sql,
    batch_rows: usize,
    tx: &mpsc::Sender<Message>,
) {
    let text = sqlx_core::sql_str::AssertSqlSafe(sql.text.as_str());
    let mut rows = if sql.params.is_empty() {
        sqlx_core::raw_sql::raw_sql(text).fetch(conn)
    } else {
        match bind_all(sqlx_core::query::query(text), &sql.params) {
            Ok(q) => q.fetch(conn),
            Err(e) => {
                let _ = tx.send(Message::Failed(e)).await;
                return;
            }
        }
    };
    let mut buf = Vec::with_capacity(batch_rows);
    loop {
        match rows.try_next().await {
            Ok(Some(row)) => {
                buf.push(row);
                if buf.len() < batch_rows {
                    continue;
                }
            }
            Ok(None) => {}
            Err(e) => {
                let _ = tx.send(Message::Failed(translate(e))).await;
                return;
            }
        }
        let done = buf.len() < batch_rows;
        if !buf.is_empty() {
            let msg = match rows_to_batches(&buf) {
                Ok(r) => Message::Batch(r),
                Err(e) => Message::Failed(e),
            };
            buf.clear();
            if tx.send(msg).await.is_err() {
                return; // the consumer is gone
            }
        }
        if done {
            return;
        }
    }
}

/// The message reporting a failure before any row.
pub(crate) fn failed(e: DbError) -> Message {
    Message::Failed(e)
}

/// The consumer side.
pub(crate) struct ChannelStream {
    names: Vec<String>,
    first: std::sync::Mutex<Option<RowBatch>>,
    rx: std::sync::Arc<Mutex<mpsc::Receiver<Message>>>,
    task: tokio::task::AbortHandle,
}

impl Drop for ChannelStream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn first_batch(rows: Rows) -> (Vec<String>, Option<RowBatch>) {
    let names = rows.names.iter().map(|n| n.to_string()).collect();
    (names, rows.batches.into_iter().next())
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
    let (names, first) = match rx.recv().await {
        None => (Vec::new(), None),
        Some(Message::Failed(e)) => return Err(e),
        Some(Message::Batch(rows)) => first_batch(rows),
    };
    Ok(Box::new(ChannelStream {
        names,
        first: std::sync::Mutex::new(first),
        rx: std::sync::Arc::new(Mutex::new(rx)),
        task,
    }))
}

impl RowStream for ChannelStream {
    fn names(&self) -> Vec<String> {
        self.names.clone()
    }

    fn next_batch(&self) -> BoxFuture<Option<RowBatch>> {
        if let Some(b) = self.first.lock().ok().and_then(|mut f| f.take()) {
            return Box::pin(std::future::ready(Ok(Some(b))));
        }
        let rx = self.rx.clone();
        Box::pin(runtime::in_runtime(async move {
            match rx.lock().await.recv().await {
                None => Ok(None),
                Some(Message::Failed(e)) => Err(e),
                Some(Message::Batch(rows)) => Ok(rows.batches.into_iter().next()),
            }
        }))
    }
}
