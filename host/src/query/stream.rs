//! Reading large results: [`ModelStream`] and [`ScanStream`] (rows one at a time, a
//! batch in memory) and
//! `find_in_batches` (keyset pages with a callback that can stop early).

use plugorm_plugin_api::{
    statement::{Expr, OrderBy},
    steps::BuiltinStep,
    RowStream, Rows,
};

use super::{Query, QuerySource, Table};
use crate::{
    chain::{Operation, Stage},
    Error, FromRow, Model, Result,
};

/// Rows per batch a stream asks the plugin for.
const STREAM_BATCH: u32 = 512;

/// Rows of a query read into `S` (any [`FromRow`] type), one batch at a time; what a
/// query without a model streams.
///
/// ```no_run
/// # async fn run(db: plugorm::Db) -> Result<(), plugorm::Error> {
/// use std::collections::BTreeMap;
/// let mut rows = db.table("events").stream::<BTreeMap<String, plugorm::Value>>().await?;
/// while let Some(row) = rows.next().await? {
///     // one row at a time; memory stays bounded by the batch size
/// }
/// # Ok(()) }
/// ```
pub struct ScanStream<S> {
    inner: Box<dyn RowStream>,
    names: Vec<plugorm_plugin_api::types::Text>,
    buffered: std::vec::IntoIter<S>,
}

impl<S: FromRow> ScanStream<S> {
    /// The next row, or `None` after the last.
    pub async fn next(&mut self) -> Result<Option<S>> {
        loop {
            if let Some(item) = self.buffered.next() {
                return Ok(Some(item));
            }
            match self.inner.next_batch().await? {
                None => return Ok(None),
                Some(batch) => {
                    let rows = Rows {
                        names: self.names.clone().into(),
                        batches: vec![batch].into(),
                    };
                    self.buffered = S::from_rows(&rows)?.into_iter();
                }
            }
        }
    }
}

/// Models of a query, decoded one batch at a time, `after_find` run on each.
///
/// ```no_run
/// # use plugorm::Model;
/// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
/// let mut users = db.model::<User>().stream().await?;
/// while let Some(user) = users.next().await? {
///     // one user at a time; memory stays bounded by the batch size
/// }
/// # Ok(()) }
/// ```
pub struct ModelStream<T> {
    rows: ScanStream<T>,
    db: crate::Db,
}

impl<T: Model> ModelStream<T> {
    /// The next model, or `None` after the last; `after_find` runs on each.
    pub async fn next(&mut self) -> Result<Option<T>> {
        let Some(mut item) = self.rows.next().await? else {
            return Ok(None);
        };
        if !self.db.session.skip_hooks {
            item.after_find(&self.db).await?;
        }
        Ok(Some(item))
    }
}

/// The query step of a stream: the SELECT opened as a row stream.
struct OpenStream {
    stream: Option<Box<dyn RowStream>>,
}

impl Operation for OpenStream {
    async fn step(&mut self, step: BuiltinStep, stage: Stage<'_>) -> Result<()> {
        if step == BuiltinStep::Query {
            // The statement pass, as for any read: a stream runs on one table only (a
            // fanned-out handle refuses SQL text).
            let passed = stage.db.statement_pass(stage.statement, true)?;
            let (db, stmt) = match &passed {
                Some((db, stmt)) => (db, stmt),
                None => (stage.db, &*stage.statement),
            };
            let sql = db.render(stmt)?;
            self.stream = Some(db.query_stream_sql(sql, STREAM_BATCH).await?);
        }
        Ok(())
    }
}

impl<T: Model> Query<T> {
    /// Streams the matching rows (soft-delete and other plugin clauses apply).
    pub async fn stream(&self) -> Result<ModelStream<T>> {
        let (rows, db) = self.scan_stream().await?;
        Ok(ModelStream { rows, db })
    }

    /// Reads the matching rows in pages of `size`, ordered by primary key, calling `f`
    /// with each page; `f` returns `Ok(false)` to stop. Pages are fetched by key
    /// (`pk > last`), so `f` may update or delete the rows it is given. Returns the number
    /// of rows handed to `f`.
    pub async fn find_in_batches<F>(&self, size: u64, mut f: F) -> Result<u64>
    where
        F: AsyncFnMut(Vec<T>) -> Result<bool>,
    {
        let schema = T::schema();
        let (pk_index, pk) = schema
            .fields
            .iter()
            .enumerate()
            .find(|(_, f)| f.primary_key)
            .ok_or_else(|| {
                Error::PrimaryKeyRequired(format!("find_in_batches on `{}`", schema.name))
            })?;
        let column = Expr::col(self.qualifier(), pk.column.as_str());
        let mut last = None;
        let mut total = 0;
        loop {
            let mut page = self.clone().limit(size.max(1));
            page.select.order_by = vec![OrderBy::asc(column.clone())].into();
            if let Some(v) = last.take() {
                page.where_list.and_whole(column.clone().gt(v));
            }
            let batch = page.find().await?;
            let n = batch.len() as u64;
            if n == 0 {
                break;
            }
            last = batch.last().map(|b| b.value_at(pk_index));
            total += n;
            if !f(batch).await? || n < size {
                break;
            }
        }
        Ok(total)
    }
}

impl Query<Table> {
    /// Streams the matching rows read into `S`: maps, tuples or any [`FromRow`] type.
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let mut names = db.table("users").select(&["name"]).stream::<(String,)>().await?;
    /// while let Some((name,)) = names.next().await? {}
    /// # Ok(()) }
    /// ```
    pub async fn stream<S: FromRow>(&self) -> Result<ScanStream<S>> {
        Ok(self.scan_stream().await?.0)
    }
}

impl<T: QuerySource> Query<T> {
    /// The matching rows as a stream of `S`, and the session it runs in.
    async fn scan_stream<S: FromRow>(&self) -> Result<(ScanStream<S>, crate::Db)> {
        let (inner, db) = self.open_stream(self.build_select()).await?;
        let names = inner.names().into_iter().map(Into::into).collect();
        let rows = ScanStream {
            inner,
            names,
            buffered: Vec::new().into_iter(),
        };
        Ok((rows, db))
    }

    /// Runs `select` through the query processor as a stream; the session it ran in.
    pub(super) async fn open_stream(
        &self,
        select: plugorm_plugin_api::statement::Select,
    ) -> Result<(Box<dyn RowStream>, crate::Db)> {
        let mut op = OpenStream { stream: None };
        let db = self.read_chain(select, None)?.drive(&mut op).await?;
        let inner = op.stream.ok_or_else(|| {
            Error::Callback("the query step was removed; nothing to stream".into())
        })?;
        Ok((inner, db))
    }
}
