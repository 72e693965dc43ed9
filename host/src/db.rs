//! [`Db`]: a database handle — the dialect, its pool (or a transaction on it), the
//! callback processors and the session settings. Cheap to clone; every session method
//! returns a new handle.

use std::{
    future::Future,
    panic::AssertUnwindSafe,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use futures_util::FutureExt;
use plugorm_plugin_api::{
    statement::{RawSql, Statement},
    Dialect, ExecResult, Executor, Pool, PoolStats, Rows, Sql, Transaction,
};

use crate::{
    args::IntoArgs,
    callbacks::{CallbackApi, Callbacks},
    error::{Error, Result},
    session::{NowFn, Session},
};

/// An open database.
///
/// ```no_run
/// # async fn run() -> Result<(), plugorm::Error> {
/// let db = plugorm::open("sqlite::memory:").await?;
/// db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)", ()).await?;
/// db.exec("INSERT INTO t (name) VALUES (?)", ("a",)).await?;
/// let rows = db.raw("SELECT id, name FROM t WHERE name IN ?", (vec!["a", "b"],)).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Db {
    pub(crate) shared: Arc<Shared>,
    pub(crate) conn: Conn,
    pub(crate) session: Arc<Session>,
}

pub(crate) struct Shared {
    pub(crate) dialect: Arc<dyn Dialect>,
    pub(crate) pool: Arc<dyn Pool>,
    pub(crate) callbacks: Arc<Callbacks>,
    pub(crate) url: String,
}

/// Where statements run.
#[derive(Clone)]
pub(crate) enum Conn {
    Pool,
    Tx(Arc<TxState>),
}

pub(crate) struct TxState {
    pub(crate) tx: Arc<dyn Transaction>,
    savepoints: AtomicU64,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("dialect", &self.shared.dialect.name())
            .field("url", &self.shared.url)
            .field("in_transaction", &self.in_transaction())
            .field("session", &self.session)
            .finish()
    }
}

/// What the SQL logger needs of a statement after it ran (the statement itself is handed
/// to the plugin): its text, and its parameters only when debug logging will show them —
/// copying every parameter of every statement cost a 1,000-row INSERT its 4,000 values.
struct Shown {
    text: plugorm_plugin_api::types::Text,
    count: usize,
    params: Option<Vec<plugorm_plugin_api::FfiValue>>,
}

impl Shown {
    fn of(sql: &Sql) -> Shown {
        let debug = tracing::enabled!(target: "plugorm::sql", tracing::Level::DEBUG);
        Shown {
            text: sql.text.clone(),
            count: sql.params.len(),
            params: debug.then(|| sql.params.to_vec()),
        }
    }
}

/// Renders a raw template through the dialect (so `?` becomes the dialect's placeholder).
pub(crate) fn render_raw(dialect: &dyn Dialect, sql: &str, args: impl IntoArgs) -> Result<Sql> {
    let raw = RawSql {
        sql: sql.into(),
        args: args.into_args().into(),
    };
    Ok(dialect.render(&Statement::Raw(raw))?)
}

impl Db {
    pub(crate) fn new(
        dialect: Arc<dyn Dialect>,
        pool: Arc<dyn Pool>,
        callbacks: Callbacks,
        url: String,
    ) -> Db {
        Db {
            shared: Arc::new(Shared {
                dialect,
                pool,
                callbacks: Arc::new(callbacks),
                url,
            }),
            conn: Conn::Pool,
            session: Arc::new(Session::default()),
        }
    }

    /// The dialect this database speaks.
    pub fn dialect(&self) -> &Arc<dyn Dialect> {
        &self.shared.dialect
    }

    /// The connection pool.
    pub fn pool(&self) -> &Arc<dyn Pool> {
        &self.shared.pool
    }

    /// The session settings of this handle.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The callback processors (shared by every session of this database).
    pub fn callbacks(&self) -> CallbackApi {
        CallbackApi(self.shared.callbacks.clone())
    }

    /// True when this handle runs inside a transaction.
    pub fn in_transaction(&self) -> bool {
        matches!(self.conn, Conn::Tx(_))
    }

    pub(crate) fn executor(&self) -> &dyn Executor {
        match &self.conn {
            Conn::Pool => &*self.shared.pool,
            Conn::Tx(t) => &*t.tx,
        }
    }

    pub(crate) fn with_session(&self, change: impl FnOnce(&mut Session)) -> Db {
        let mut s = (*self.session).clone();
        change(&mut s);
        Db {
            shared: self.shared.clone(),
            conn: self.conn.clone(),
            session: Arc::new(s),
        }
    }

    /// A session that renders every statement without running it; see
    /// [`Db::dry_run_statements`]. Finishers return empty results.
    pub fn dry_run(&self) -> Db {
        self.with_session(|s| {
            s.dry_run = true;
            s.captured = Some(Arc::new(Mutex::new(Vec::new())));
        })
    }

    /// The statements a dry-run session rendered, in order.
    pub fn dry_run_statements(&self) -> Vec<Sql> {
        self.session
            .captured
            .as_ref()
            .and_then(|c| c.lock().ok().map(|v| v.clone()))
            .unwrap_or_default()
    }

    /// A session whose model hooks do not run.
    pub fn skip_hooks(&self) -> Db {
        self.with_session(|s| s.skip_hooks = true)
    }

    /// A session whose writes run without the default transaction.
    pub fn skip_default_transaction(&self) -> Db {
        self.with_session(|s| s.skip_default_transaction = true)
    }

    /// A session that allows UPDATE and DELETE without conditions.
    pub fn allow_global_update(&self) -> Db {
        self.with_session(|s| s.allow_global_update = true)
    }

    /// A session whose automatic timestamps come from `now`.
    pub fn with_now(
        &self,
        now: impl Fn() -> chrono::DateTime<chrono::Utc> + Send + Sync + 'static,
    ) -> Db {
        let f: NowFn = Arc::new(now);
        self.with_session(|s| s.now = Some(f))
    }

    /// A session whose every statement is cancelled after `timeout` (the query is
    /// dropped mid-flight and the error is [`plugorm_plugin_api::DbError::Timeout`]).
    pub fn with_timeout(&self, timeout: Duration) -> Db {
        self.with_session(|s| s.timeout = Some(timeout))
    }

    /// A session creating slices in INSERTs of `size` rows.
    pub fn create_batch_size(&self, size: usize) -> Db {
        self.with_session(|s| s.create_batch_size = size)
    }

    /// A session whose creates become upserts: `db.on_conflict(OnConflict::update_all()).create(&mut u)`.
    pub fn on_conflict(&self, conflict: crate::OnConflict) -> Db {
        self.with_session(|s| s.on_conflict = Some(conflict))
    }

    pub(crate) fn with_changed(&self, fields: Vec<String>) -> Db {
        self.with_session(|s| s.changed = Some(Arc::new(fields)))
    }

    /// Inside an update's hooks: whether the update writes this field (GORM's
    /// `Statement.Changed`). Outside an update, false.
    pub fn changed(&self, field: &str) -> bool {
        self.session
            .changed
            .as_ref()
            .is_some_and(|c| c.iter().any(|f| f == field))
    }

    /// A session logging statements slower than `threshold` as warnings.
    pub fn slow_threshold(&self, threshold: Duration) -> Db {
        self.with_session(|s| s.slow_threshold = threshold)
    }

    async fn timed<T>(&self, fut: impl Future<Output = Result<T>>) -> Result<T> {
        match self.session.timeout {
            None => fut.await,
            Some(limit) => match tokio::time::timeout(limit, fut).await {
                Ok(r) => r,
                Err(_) => Err(Error::Db(plugorm_plugin_api::DbError::Timeout(format!(
                    "statement cancelled after {limit:?}"
                )))),
            },
        }
    }

    fn log(&self, sql: &Shown, elapsed: Duration, rows: Option<u64>, error: Option<&Error>) {
        let ms = elapsed.as_secs_f64() * 1000.0;
        let params = sql.count;
        match error {
            Some(e) => {
                tracing::error!(target: "plugorm::sql", sql = %sql.text, params, elapsed_ms = ms, error = %e, "statement failed")
            }
            None if elapsed >= self.session.slow_threshold => {
                tracing::warn!(target: "plugorm::sql", sql = %sql.text, params, rows, elapsed_ms = ms, threshold_ms = self.session.slow_threshold.as_millis() as u64, "slow statement")
            }
            None => {
                let params = sql.params.as_deref().unwrap_or(&[]);
                tracing::debug!(target: "plugorm::sql", sql = %sql.text, sql.params = ?params, rows, elapsed_ms = ms, "statement")
            }
        }
    }

    pub(crate) fn capture_sql(&self, sql: &Sql) {
        if let Some(c) = &self.session.captured {
            if let Ok(mut v) = c.lock() {
                v.push(sql.clone());
            }
        }
    }

    /// Runs a rendered statement that returns no rows (the one path every write takes).
    pub async fn execute_sql(&self, sql: Sql) -> Result<ExecResult> {
        if self.session.dry_run {
            self.capture_sql(&sql);
            return Ok(ExecResult::default());
        }
        let start = Instant::now();
        let shown = Shown::of(&sql);
        let r = self
            .timed(async { Ok(self.executor().execute(sql).await?) })
            .await;
        self.log(
            &shown,
            start.elapsed(),
            r.as_ref().ok().map(|r| r.rows_affected),
            r.as_ref().err(),
        );
        r
    }

    /// Runs a rendered query (the one path every read takes).
    pub async fn query_sql(&self, sql: Sql) -> Result<Rows> {
        if self.session.dry_run {
            self.capture_sql(&sql);
            return Ok(Rows::default());
        }
        let start = Instant::now();
        let shown = Shown::of(&sql);
        let r = self
            .timed(async { Ok(self.executor().query(sql).await?) })
            .await;
        self.log(
            &shown,
            start.elapsed(),
            r.as_ref().ok().map(|r| r.len() as u64),
            r.as_ref().err(),
        );
        r
    }

    /// Renders and runs a statement tree that returns no rows.
    pub async fn execute_statement(&self, stmt: &Statement) -> Result<ExecResult> {
        let sql = crate::query::render_statement(self, stmt)?;
        self.execute_sql(sql).await
    }

    /// Renders and runs a statement tree that returns rows.
    pub async fn query_statement(&self, stmt: &Statement) -> Result<Rows> {
        let sql = crate::query::render_statement(self, stmt)?;
        self.query_sql(sql).await
    }

    /// Runs a statement that returns no rows; `?` placeholders take `args` (a `Vec` or
    /// slice argument expands to a list).
    pub async fn exec(&self, sql: &str, args: impl IntoArgs) -> Result<ExecResult> {
        let sql = render_raw(&*self.shared.dialect, sql, args)?;
        self.execute_sql(sql).await
    }

    /// Runs a query and returns its rows; `?` placeholders take `args`.
    pub async fn raw(&self, sql: &str, args: impl IntoArgs) -> Result<Rows> {
        let sql = render_raw(&*self.shared.dialect, sql, args)?;
        self.query_sql(sql).await
    }

    /// Renders a statement tree without running it.
    pub fn render(&self, stmt: &Statement) -> Result<Sql> {
        crate::query::render_statement(self, stmt)
    }

    /// Renders a raw template with its arguments without running it.
    pub fn render_raw(&self, sql: &str, args: impl IntoArgs) -> Result<Sql> {
        render_raw(&*self.shared.dialect, sql, args)
    }

    /// Runs `f` on a dry-run session and returns the last statement it rendered
    /// (GORM's `ToSQL`).
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let sql = db.to_sql(|tx| async move { tx.exec("DELETE FROM t WHERE id = ?", (1,)).await }).await?;
    /// assert_eq!(sql.text.as_str(), "DELETE FROM t WHERE id = ?");
    /// # Ok(()) }
    /// ```
    pub async fn to_sql<F, Fut, R>(&self, f: F) -> Result<Sql>
    where
        F: FnOnce(Db) -> Fut,
        Fut: Future<Output = Result<R>>,
    {
        let dry = self.dry_run();
        f(dry.clone()).await?;
        dry.dry_run_statements()
            .pop()
            .ok_or_else(|| Error::DryRunUnsupported("the closure rendered no statement".into()))
    }

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
        let tx = self.shared.pool.begin().await?;
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
            state.tx.savepoint(&name).await?;
            return match AssertUnwindSafe(f(self.clone())).catch_unwind().await {
                Ok(Ok(v)) => {
                    state.tx.release(&name).await?;
                    Ok(v)
                }
                Ok(Err(e)) => {
                    if let Err(undo) = state.tx.rollback_to(&name).await {
                        undo_failed(&e, &undo.into());
                    }
                    Err(e)
                }
                Err(panic) => {
                    let _ = state.tx.rollback_to(&name).await;
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
        Ok(self.tx_state()?.tx.savepoint(name).await?)
    }

    /// Rolls back to a savepoint of this handle's transaction.
    pub async fn rollback_to(&self, name: &str) -> Result<()> {
        Ok(self.tx_state()?.tx.rollback_to(name).await?)
    }

    /// Releases a savepoint of this handle's transaction.
    pub async fn release(&self, name: &str) -> Result<()> {
        Ok(self.tx_state()?.tx.release(name).await?)
    }

    fn tx_state(&self) -> Result<&TxState> {
        match &self.conn {
            Conn::Tx(t) => Ok(t),
            Conn::Pool => Err(Error::InvalidTransaction("not in a transaction".into())),
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<()> {
        Ok(self.shared.pool.ping().await?)
    }

    /// Pool counters.
    pub fn pool_stats(&self) -> PoolStats {
        self.shared.pool.stats()
    }

    /// Closes the pool.
    pub async fn close(&self) -> Result<()> {
        Ok(self.shared.pool.close().await?)
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
        Ok(self.db.tx_state()?.tx.commit().await?)
    }

    /// Rolls back.
    pub async fn rollback(self) -> Result<()> {
        Ok(self.db.tx_state()?.tx.rollback().await?)
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
