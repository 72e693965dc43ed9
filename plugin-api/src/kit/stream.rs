//! Streaming rows out of a connection's worker with bounded memory.
//!
//! The worker writes into a [`BatchSink`]; the reader holds a `KitStream`. They share a
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

    /// [`BatchSink::names`] from synchronous code, for a driver on
    /// [`super::Threading::OwnThread`] whose rows cannot be held across an `await`
    /// (rusqlite's borrowed statements): blocks the connection's own thread.
    pub fn names_blocking(&mut self, names: Vec<String>) -> bool {
        wait(self.names(names))
    }

    /// [`BatchSink::send`] from synchronous code, for a driver on
    /// [`super::Threading::OwnThread`]: blocks the connection's own thread until the
    /// reader has room (at most two batches exist), so a long result streams with bounded
    /// memory. Returns `false` when the reader is gone: stop reading rows.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use plugorm_plugin_api::{kit::BatchSink, row::RowsBuilder, Value};
    /// let (mut sink, stream) = BatchSink::pair(1);
    /// let driver = std::thread::spawn(move || {
    ///     sink.names_blocking(vec!["v".into()]);
    ///     let mut rows = RowsBuilder::new(vec!["v".into()]).batch_rows(1);
    ///     for i in 0..500 {
    ///         rows.push_row([Value::I64(i)]);
    ///         let batch = rows.take_batch().expect("a full batch");
    ///         if !sink.send_blocking(batch) {
    ///             return i;
    ///         }
    ///     }
    ///     500
    /// });
    /// let stream = stream.await.unwrap();
    /// let mut read = 0;
    /// while read < 500 {
    ///     read += stream.next_batch().await.unwrap().map_or(0, |batch| batch.len);
    /// }
    /// assert_eq!(driver.join().unwrap(), 500, "every batch crossed");
    /// # }
    /// ```
    pub fn send_blocking(&mut self, batch: RowBatch) -> bool {
        wait(self.send(batch))
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

/// Runs a future that needs no runtime (a channel send) to its end on this thread,
/// parking it while the future waits. Outside tokio's cooperative budget, which would
/// otherwise run out after many sends inside one poll of the connection's task and
/// never refill while the thread is blocked here.
fn wait<F: std::future::Future>(f: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = std::task::Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = std::task::Context::from_waker(&waker);
    let mut f = std::pin::pin!(tokio::task::unconstrained(f));
    loop {
        if let std::task::Poll::Ready(v) = std::future::Future::poll(f.as_mut(), &mut cx) {
            return v;
        }
        std::thread::park();
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
