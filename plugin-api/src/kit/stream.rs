//! Streaming rows out of a connection's worker with bounded memory.
//!
//! The worker writes into a [`BatchSink`]; the reader holds a [`KitStream`]. They share a
//! channel of capacity one, so at most two batches exist at a time (one queued, one
//! being filled). Dropping the stream makes the next [`BatchSink::send`] return `false`,
//! and the driver stops reading.

use std::sync::Arc;

use crate::types::Text;
use tokio::sync::{mpsc, Mutex};

use crate::{
    connection::{BoxFuture, RowStream},
    row::{RowBatch, Rows},
    DbError, DbResult,
};

pub(crate) enum StreamMsg {
    Names(Vec<String>),
    Batch(RowBatch),
    Failed(DbError),
    /// The statement ended cleanly (a closed channel without it means the worker died).
    End,
}

/// Where a driver writes a streamed result: column names first, then batches.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use plugorm_plugin_api::kit::BatchSink;
/// let (mut sink, stream) = BatchSink::pair(100);
/// let reader = tokio::spawn(async move {
///     let stream = stream.await.unwrap();
///     stream.names()
/// });
/// assert!(sink.names(vec!["id".into()]).await);
/// drop(sink);
/// assert_eq!(reader.await.unwrap(), vec!["id".to_string()]);
/// # }
/// ```
pub struct BatchSink {
    tx: mpsc::Sender<StreamMsg>,
    batch_rows: usize,
    named: bool,
}

impl BatchSink {
    /// A sink and the future of the stream reading it (ready once the names are sent).
    pub fn pair(
        batch_rows: u32,
    ) -> (
        BatchSink,
        impl std::future::Future<Output = DbResult<Box<dyn RowStream>>> + Send + 'static,
    ) {
        let (tx, rx) = mpsc::channel(1);
        let sink = BatchSink {
            tx,
            batch_rows: batch_rows.max(1) as usize,
            named: false,
        };
        (sink, KitStream::open(rx))
    }

    /// About how many rows each batch should hold.
    pub fn batch_rows(&self) -> usize {
        self.batch_rows
    }

    /// True once the reader has gone away: stop reading rows.
    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }

    /// Sends the column names (once, before any batch). Returns `false` when the reader
    /// is gone.
    pub async fn names(&mut self, names: Vec<String>) -> bool {
        if self.named {
            return !self.is_closed();
        }
        self.named = true;
        self.tx.send(StreamMsg::Names(names)).await.is_ok()
    }

    /// Sends one batch (the names first, empty, if none were sent). Returns `false` when
    /// the reader is gone.
    pub async fn send(&mut self, batch: RowBatch) -> bool {
        if !self.named && !self.names(Vec::new()).await {
            return false;
        }
        self.tx.send(StreamMsg::Batch(batch)).await.is_ok()
    }

    /// Sends the names and every batch of a whole result.
    pub async fn send_rows(&mut self, rows: Rows) -> bool {
        let names = rows.names.iter().map(Text::to_string).collect();
        if !self.names(names).await {
            return false;
        }
        for batch in rows.batches {
            if !self.send(batch).await {
                return false;
            }
        }
        true
    }

    /// Reports the statement's error to the reader (the first error only).
    pub(crate) async fn fail(&mut self, e: DbError) {
        self.named = true;
        let _ = self.tx.send(StreamMsg::Failed(e)).await;
    }

    /// Ends the stream: a reader still waiting for names gets an empty result.
    pub(crate) async fn finish(mut self) {
        if !self.named {
            let _ = self.names(Vec::new()).await;
        }
        let _ = self.tx.send(StreamMsg::End).await;
    }
}

/// The reading side of a streamed result.
pub(crate) struct KitStream {
    names: Vec<String>,
    /// The channel, `None` once the end was read.
    rx: Arc<Mutex<Option<mpsc::Receiver<StreamMsg>>>>,
}

impl KitStream {
    async fn open(mut rx: mpsc::Receiver<StreamMsg>) -> DbResult<Box<dyn RowStream>> {
        let names = match rx.recv().await {
            Some(StreamMsg::Names(n)) => n,
            Some(StreamMsg::Failed(e)) => return Err(e),
            Some(StreamMsg::Batch(_)) | Some(StreamMsg::End) => {
                return Err(DbError::Decode {
                    detail: "rows arrived before their column names".into(),
                })
            }
            None => return Err(super::worker::gone()),
        };
        Ok(Box::new(KitStream {
            names,
            rx: Arc::new(Mutex::new(Some(rx))),
        }))
    }
}

impl RowStream for KitStream {
    fn names(&self) -> Vec<String> {
        self.names.clone()
    }

    fn next_batch(&self) -> BoxFuture<Option<RowBatch>> {
        let rx = self.rx.clone();
        Box::pin(async move {
            let mut slot = rx.lock().await;
            let Some(rx) = slot.as_mut() else {
                return Ok(None);
            };
            let msg = rx.recv().await;
            if !matches!(msg, Some(StreamMsg::Batch(_))) {
                *slot = None; // every other message ends the stream
            }
            match msg {
                Some(StreamMsg::Batch(b)) => Ok(Some(b)),
                Some(StreamMsg::End) => Ok(None),
                Some(StreamMsg::Failed(e)) => Err(e),
                Some(StreamMsg::Names(_)) => Err(DbError::Decode {
                    detail: "column names arrived twice".into(),
                }),
                None => Err(super::worker::gone()),
            }
        })
    }
}
