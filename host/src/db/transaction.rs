//! Transactions on a [`Db`]: `begin` / [`Tx`], closures (`transaction`, nested as
//! savepoints), and named savepoints. Retrying a transaction is in `retry.rs`.

use std::{
    future::Future,
    panic::AssertUnwindSafe,
    sync::{atomic::AtomicU64, atomic::Ordering, Arc},
    time::Instant,
};

use futures_util::FutureExt;
use plugorm_plugin_api::{host::PoolId, DbResult, Transaction};

use super::{
    retry::{jitter, RetryPolicy},
    Conn, Db,
};
use crate::{Error, Result};

/// The transaction a handle is bound to, with its savepoint counter.
pub(crate) struct TxState {
    pub(crate) tx: Arc<dyn Transaction>,
    savepoints: AtomicU64,
    /// The pool the transaction began on.
    pub(crate) pool_id: PoolId,
}

impl Db {
    /// Starts a transaction. Dropping the returned [`Tx`] without committing rolls back.
    ///
    /// On a handle already inside a transaction this is [`Error::InvalidTransaction`],
    /// as GORM's `Begin` on a transaction is `ErrInvalidTransaction`: nothing is sent and
    /// the open transaction goes on. Nest with [`Db::transaction`] (a savepoint) or
    /// [`Db::savepoint`] instead.
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let tx = db.begin().await?;
    /// assert!(matches!(tx.begin().await, Err(plugorm::Error::InvalidTransaction(_))));
    /// tx.transaction(|sp| async move { sp.exec("DELETE FROM t", ()).await.map(drop) }).await?;
    /// tx.commit().await?;
    /// # Ok(()) }
    /// ```
    pub async fn begin(&self) -> Result<Tx> {
        if self.in_transaction() {
            return Err(Error::InvalidTransaction(
                "already in a transaction: use `transaction` (a savepoint) or `savepoint`".into(),
            ));
        }
        // A router may choose where the transaction begins (dbresolver: the sources,
        // unless the session asks for a replica or a named resolver).
        self.route_begin()?.begin_here().await
    }

    /// Begins on the pool this handle runs on now (its own, or where it was routed).
    pub(crate) async fn begin_here(&self) -> Result<Tx> {
        let begun = match &self.conn {
            Conn::Routed(r) => r.first().1.begin(),
            _ => self.shared.pool.begin(),
        };
        let tx = self.logged("BEGIN", begun).await?;
        Ok(Tx {
            db: self.bind_tx(tx),
        })
    }

    pub(crate) fn bind_tx(&self, tx: Arc<dyn Transaction>) -> Db {
        Db {
            shared: self.shared.clone(),
            conn: Conn::Tx(Arc::new(TxState {
                tx,
                savepoints: AtomicU64::new(0),
                pool_id: self.pool_id(),
            })),
            session: self.session.clone(),
        }
    }

    /// Runs `f` in a transaction: commit when it returns `Ok`, roll back on `Err` or
    /// panic (the panic then continues). Inside a transaction it nests as a savepoint.
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// db.transaction(|tx| async move {
    ///     tx.exec("INSERT INTO t (name) VALUES (?)", ("a",)).await?;
    ///     Ok(())
    /// }).await?;
    /// # Ok(()) }
    /// ```
    pub async fn transaction<F, Fut, R>(&self, f: F) -> Result<R>
    where
        F: FnOnce(Db) -> Fut,
        Fut: Future<Output = Result<R>>,
    {
        if let Conn::Tx(state) = &self.conn {
            let name = format!("sp{}", state.savepoints.fetch_add(1, Ordering::Relaxed) + 1);
            self.savepoint(&name).await?;
            return match AssertUnwindSafe(f(self.clone())).catch_unwind().await {
                Ok(Ok(v)) => {
                    self.release(&name).await?;
                    Ok(v)
                }
                Ok(Err(e)) => {
                    if let Err(undo) = self.rollback_to(&name).await {
                        undo_failed(&e, &undo);
                    }
                    Err(e)
                }
                Err(panic) => {
                    let _ = self.rollback_to(&name).await;
                    std::panic::resume_unwind(panic)
                }
            };
        }
        let tx = self.begin().await?;
        match AssertUnwindSafe(f(tx.db.clone())).catch_unwind().await {
            Ok(Ok(v)) => {
                tx.commit().await?;
                Ok(v)
            }
            Ok(Err(e)) => {
                if let Err(undo) = tx.rollback().await {
                    undo_failed(&e, &undo);
                }
                Err(e)
            }
            Err(panic) => {
                let _ = tx.rollback().await;
                std::panic::resume_unwind(panic)
            }
        }
    }

    /// Sets a savepoint in this handle's transaction.
    pub async fn savepoint(&self, name: &str) -> Result<()> {
        let tx = &self.tx_state()?.tx;
        self.logged(&format!("SAVEPOINT {name}"), tx.savepoint(name))
            .await
    }

    /// Rolls back to a savepoint of this handle's transaction.
    pub async fn rollback_to(&self, name: &str) -> Result<()> {
        let tx = &self.tx_state()?.tx;
        self.logged(
            &format!("ROLLBACK TO SAVEPOINT {name}"),
            tx.rollback_to(name),
        )
        .await
    }

    /// Releases a savepoint of this handle's transaction.
    pub async fn release(&self, name: &str) -> Result<()> {
        let tx = &self.tx_state()?.tx;
        self.logged(&format!("RELEASE SAVEPOINT {name}"), tx.release(name))
            .await
    }

    /// Runs a transaction command, logged under `plugorm::sql` as `sql` with its elapsed
    /// time (the text a dialect sends may differ: MySQL quotes a savepoint's name).
    async fn logged<T>(&self, sql: &str, command: impl Future<Output = DbResult<T>>) -> Result<T> {
        let start = Instant::now();
        let r = command.await.map_err(Error::from);
        crate::log::command(
            sql,
            start.elapsed(),
            r.as_ref().err(),
            self.session.slow_threshold,
        );
        r
    }

    fn tx_state(&self) -> Result<&TxState> {
        match &self.conn {
            Conn::Tx(t) => Ok(t),
            Conn::Pool | Conn::Routed(_) | Conn::FanOut(_) => {
                Err(Error::InvalidTransaction("not in a transaction".into()))
            }
        }
    }

    /// Runs `f` in a transaction like [`Db::transaction`], and runs it again, in a new
    /// transaction, while it fails with an error the database calls retryable
    /// ([`Error::is_retryable`]: serialization failure, deadlock, busy, lock timeout),
    /// up to the policy's attempts; the last error is returned then. Any other error
    /// ends it at once. `f` may run several times, so it must not keep effects outside
    /// the database that a retry would repeat.
    ///
    /// Inside a transaction it runs once, as a savepoint: the retryable failures abort
    /// the enclosing transaction, so only the outermost one can be retried.
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// use plugorm::RetryPolicy;
    /// db.transaction_with_retry(RetryPolicy::default(), |tx| async move {
    ///     tx.exec("UPDATE accounts SET balance = balance - ? WHERE id = ?", (10, 1)).await?;
    ///     tx.exec("UPDATE accounts SET balance = balance + ? WHERE id = ?", (10, 2)).await?;
    ///     Ok(())
    /// }).await?;
    /// # Ok(()) }
    /// ```
    pub async fn transaction_with_retry<F, Fut, R>(
        &self,
        policy: RetryPolicy,
        mut f: F,
    ) -> Result<R>
    where
        F: FnMut(Db) -> Fut,
        Fut: Future<Output = Result<R>>,
    {
        if self.in_transaction() {
            return self.transaction(f).await;
        }
        let mut attempt = 1;
        loop {
            match self.transaction(&mut f).await {
                Err(e) if e.is_retryable() && attempt < policy.max_attempts() => {
                    let pause = jitter(policy.backoff(attempt));
                    tracing::debug!(
                        target: "plugorm::transaction",
                        attempt,
                        error = %e,
                        pause_ms = pause.as_secs_f64() * 1000.0,
                        "retrying the transaction"
                    );
                    tokio::time::sleep(pause).await;
                    attempt += 1;
                }
                r => return r,
            }
        }
    }
}

/// A transaction: a [`Db`] bound to it (every method of `Db` runs inside it), plus
/// commit and rollback. Dropping it without committing rolls back.
pub struct Tx {
    db: Db,
}

impl std::ops::Deref for Tx {
    type Target = Db;
    fn deref(&self) -> &Db {
        &self.db
    }
}

impl Tx {
    /// Commits.
    pub async fn commit(self) -> Result<()> {
        let tx = &self.db.tx_state()?.tx;
        self.db.logged("COMMIT", tx.commit()).await
    }

    /// Rolls back.
    pub async fn rollback(self) -> Result<()> {
        let tx = &self.db.tx_state()?.tx;
        self.db.logged("ROLLBACK", tx.rollback()).await
    }

    /// The handle bound to this transaction.
    pub fn db(&self) -> &Db {
        &self.db
    }
}

/// A failed closure's transaction could not be undone (its connection is gone, so the
/// server ends the transaction itself): the closure's error is the one returned, as the
/// cause; the failed undo is logged with it.
fn undo_failed(cause: &Error, undo: &Error) {
    tracing::warn!(
        target: "plugorm::transaction",
        error = %cause,
        rollback_error = %undo,
        "rolling back a failed transaction also failed"
    );
}
