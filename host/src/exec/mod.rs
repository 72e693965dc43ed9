//! Statement execution: every statement a query, a write, an association or the migrator
//! builds is rendered here — through the prepared-statement cache ([`prepared`]) when the
//! session has one — and run on the pool or transaction, with the session's timeout, dry
//! run and SQL log.
//!
//! [`Runner`] is what running needs of a handle, handed over by `Db` (so this module
//! knows nothing of handles, sessions or models: it sits below all of them).

mod merge;
mod prepared;
mod rewrite;

pub(crate) use merge::MergePlan;
pub use prepared::PreparedStats;
pub(crate) use prepared::StatementCache;
pub(crate) use rewrite::Rewrite;

use std::{
    future::Future,
    sync::Mutex,
    time::{Duration, Instant},
};

use plugorm_plugin_api::{
    statement::{RawSql, Statement},
    BufferedStream, Dialect, ExecResult, Executor, RowStream, Rows, Sql,
};

use crate::{
    args::IntoArgs,
    log::{self, ExplainStyle},
    Error, Result,
};

/// Where and how statements run: the parts of a handle and its session that matter.
pub(crate) struct Runner<'a> {
    pub dialect: &'a dyn Dialect,
    /// The pool, or the transaction the handle is bound to.
    pub executor: &'a dyn Executor,
    /// The statement cache of prepared-statement mode.
    pub cache: Option<&'a StatementCache>,
    /// Render every statement, run none.
    pub dry_run: bool,
    /// Where a dry run records what it rendered.
    pub captured: Option<&'a Mutex<Vec<Sql>>>,
    pub timeout: Option<Duration>,
    pub slow_threshold: Duration,
    /// How the SQL log inlines this dialect's parameters.
    pub explain: &'a ExplainStyle,
    /// The plugins' rewriters and what they read.
    pub rewrite: Rewrite<'a>,
}

impl Runner<'_> {
    /// Renders a statement tree (through the cache in prepared mode), then rewrites the
    /// text with the plugins' rewriters (the cache keeps the text as rendered).
    pub fn render(&self, stmt: &Statement) -> Result<Sql> {
        self.rewrite
            .apply(prepared::render(self.dialect, self.cache, stmt)?)
    }

    /// Renders a raw template with its arguments (see [`render_raw`]), rewritten as
    /// [`Runner::render`] does.
    pub fn render_raw(&self, sql: &str, args: impl IntoArgs) -> Result<Sql> {
        self.rewrite.apply(render_raw(self.dialect, sql, args)?)
    }

    /// Runs a rendered statement that returns no rows (the one path every write takes).
    pub async fn execute(&self, sql: Sql) -> Result<ExecResult> {
        if self.dry_run {
            self.capture(&sql);
            return Ok(ExecResult::default());
        }
        let start = Instant::now();
        let shown = Shown::of(&sql);
        let r = self
            .timed(async { Ok(self.executor.execute(sql).await?) })
            .await;
        let rows = r.as_ref().ok().map(|r| r.rows_affected);
        self.log(&shown, start.elapsed(), rows, r.as_ref().err());
        r
    }

    /// Runs a rendered query (the one path every read takes).
    pub async fn query(&self, sql: Sql) -> Result<Rows> {
        if self.dry_run {
            self.capture(&sql);
            return Ok(Rows::default());
        }
        let start = Instant::now();
        let shown = Shown::of(&sql);
        let r = self
            .timed(async { Ok(self.executor.query(sql).await?) })
            .await;
        let rows = r.as_ref().ok().map(|r| r.len() as u64);
        self.log(&shown, start.elapsed(), rows, r.as_ref().err());
        r
    }

    /// Opens a rendered query as a stream of row batches (dry run: an empty stream).
    pub async fn query_stream(&self, sql: Sql, batch_rows: u32) -> Result<Box<dyn RowStream>> {
        if self.dry_run {
            self.capture(&sql);
            return Ok(Box::new(BufferedStream::new(Rows::default())));
        }
        let start = Instant::now();
        let shown = Shown::of(&sql);
        let r = self
            .executor
            .query_stream(sql, batch_rows)
            .await
            .map_err(Error::from);
        // The rows are not known when the stream opens.
        self.log(&shown, start.elapsed(), None, r.as_ref().err());
        r
    }

    fn capture(&self, sql: &Sql) {
        if let Some(c) = self.captured {
            if let Ok(mut v) = c.lock() {
                v.push(sql.clone());
            }
        }
    }

    async fn timed<T>(&self, fut: impl Future<Output = Result<T>>) -> Result<T> {
        match self.timeout {
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
        log::statement(log::Ran {
            sql: &sql.text,
            count: sql.count,
            values: sql.params.as_deref().map(|p| (p, self.explain)),
            rows,
            elapsed,
            error,
            slow_threshold: self.slow_threshold,
        });
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
        let debug = log::debug_enabled();
        Shown {
            text: sql.text.clone(),
            count: sql.params.len(),
            params: debug.then(|| sql.params.to_vec()),
        }
    }
}
