//! [`Query`]: the chainable builder of `db.model::<T>()` — conditions, selection, order,
//! paging — and its finishers (find, first, count, update, delete, …).
//!
//! A `Query` is a value: every method consumes and returns it, and cloning one gives an
//! independent copy, so no condition ever leaks from one query into the next.

mod clauses;
mod conditions;
mod create;
mod delete;
mod finish;
mod first_or;
pub(crate) mod preload;
mod raw;
mod rows;
mod scan;
mod source;
mod stream;
mod update;
mod where_list;

pub use rows::RowCursor;
pub use source::{QuerySource, Table};
pub use stream::{ModelStream, ScanStream};
pub(crate) use where_list::WhereList;

use std::marker::PhantomData;

use plugorm_plugin_api::{
    statement::{Expr, FromItem, RawSql, Select, TableRef},
    Value,
};

use crate::{args::IntoArgs, Db, Error, Model, Result};

/// A query about model `T`. Its methods, one file per concern (paths under
/// `host/src/query/`):
///
/// | concern | file | main methods |
/// |---|---|---|
/// | conditions (WHERE) | `conditions.rs` | [`Query::filter`], [`Query::filter_expr`], [`Query::filter_map`], [`Query::not`], [`Query::or`], [`Query::id`], [`Query::where_group`] |
/// | other clauses | `clauses.rs` | [`Query::select`], [`Query::omit`], [`Query::order`], [`Query::limit`], [`Query::group`], [`Query::unscoped`], [`Query::for_update`], [`Query::inner_join`], [`Query::from_subquery`], [`Query::modify`] |
/// | preloading | `preload/api.rs` | [`Query::preload`], [`Query::preload_with`], [`Query::join_relation`] |
/// | reading models | `finish.rs` | [`Query::find`], [`Query::first`], [`Query::take`], [`Query::last`], [`Query::find_as`], [`Query::find_sql`] |
/// | reading without a model | `scan.rs` | [`Query::count`], [`Query::pluck`], [`Query::exists`], [`Query::find_maps`], [`Query::scan`] |
/// | what a query reads from | `source.rs` | [`QuerySource`]: a [`Model`] or a [`Table`] ([`Db::table`]) |
/// | the WHERE list | `where_list.rs` | how `filter` / `or` / groups combine (GORM's flat rule) |
/// | rows and scalars | `rows.rs` | [`Query::rows`], [`Query::scalar`] |
/// | streaming and batches | `stream.rs` | [`Query::stream`], [`ScanStream`], [`Query::find_in_batches`] |
/// | find or create | `first_or.rs` | [`Query::attrs`], [`Query::assign`], [`Query::first_or_init`], [`Query::first_or_create`] |
/// | bulk updates | `update.rs` | [`Query::update`], [`Query::updates_map`], [`Query::updates`], [`Query::update_column`], [`Query::update_returning`] |
/// | bulk deletes | `delete.rs` | [`Query::delete`], [`Query::delete_returning`] |
/// | map creates | `create.rs` | [`Query::create_map`], [`Query::create_map_expr`] |
///
/// A query holds the [`Select`] its builder methods edit; a finisher completes it
/// (`build_select`: table, omitted columns, modifiers), runs it through the query
/// processor's chain (`crate::chain`), which renders and executes it (`crate::exec`), and
/// decodes the rows (`crate::decode`).
///
/// # Example
///
/// ```no_run
/// # use plugorm::Model;
/// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
/// let adults: Vec<User> = db.model::<User>()
///     .filter("age >= ?", (18,))
///     .order("name")
///     .limit(10)
///     .find()
///     .await?;
/// # Ok(()) }
/// ```
pub struct Query<T> {
    pub(crate) db: Db,
    /// The SELECT as the builder methods made it: columns, joins, conditions, grouping,
    /// order, paging, lock. Its FROM stays empty unless a sub-query replaces the table
    /// ([`Query::from_subquery`]); [`Query::build_select`] fills in the table.
    pub(crate) select: Select,
    /// The WHERE conditions, a flat list combined as GORM combines it
    /// ([`WhereList`]); [`Query::build_select`] writes them into the SELECT.
    pub(crate) where_list: WhereList,
    /// What a query holds beyond its SELECT.
    pub(crate) extras: QueryExtras,
    _model: PhantomData<fn() -> T>,
}

/// The parts of a [`Query`] that are no clause of its SELECT.
#[derive(Clone, Default)]
pub(crate) struct QueryExtras {
    /// The table the statement targets, when not the model's (`table`).
    pub(crate) table: Option<TableRef>,
    /// Fields left out of the column list (`omit`).
    pub(crate) omits: Vec<String>,
    pub(crate) unscoped: bool,
    /// Equality conditions (field, value), copied into records `first_or_*` builds.
    pub(crate) equalities: Vec<(usize, Value)>,
    pub(crate) attrs: Vec<(usize, Value)>,
    pub(crate) assigns: Vec<(usize, Value)>,
    pub(crate) modifiers: Vec<Modifier>,
    /// Relations to load after the query (`preload`).
    pub(crate) preloads: Vec<crate::query::preload::PreloadRequest>,
    /// The first error of a builder method that returns `Self` (an unknown name given to
    /// `omit`, a join table that is no plain name): reported when the query runs.
    pub(crate) deferred: Option<Error>,
}

impl<T> Clone for Query<T> {
    // By hand: a derived `Clone` would require `T: Clone`, which models need not be.
    fn clone(&self) -> Self {
        Query {
            db: self.db.clone(),
            select: self.select.clone(),
            where_list: self.where_list.clone(),
            extras: self.extras.clone(),
            _model: PhantomData,
        }
    }
}

impl<T: QuerySource> std::fmt::Debug for Query<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Query")
            .field("model", &T::source_schema().name.as_str())
            .field("select", &self.build_select())
            .field("unscoped", &self.extras.unscoped)
            .finish()
    }
}

impl Db {
    /// A query about model `T`.
    pub fn model<T: Model>(&self) -> Query<T> {
        Query::new(self.clone())
    }

    /// A query without a model (GORM's `db.Table("users")`): columns are named by the
    /// caller and quoted by the dialect, no model's conditions (soft delete) apply, and
    /// rows are read as maps, into any [`FromRow`](crate::FromRow) type, counted or
    /// plucked, updated, deleted. `schema.table` is quoted part by part; an alias
    /// (`users u`, `users AS u`) qualifies the columns.
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// use std::collections::BTreeMap;
    /// let adults: Vec<BTreeMap<String, plugorm::Value>> = db
    ///     .table("users")
    ///     .select(&["name", "age"])
    ///     .filter("age >= ?", (18,))
    ///     .find_maps()
    ///     .await?;
    /// let names: Vec<String> = db.table("users").distinct().pluck("name").await?;
    /// let pairs: Vec<(String, i64)> = db.table("users").select(&["name", "age"]).scan().await?;
    /// # Ok(()) }
    /// ```
    pub fn table(&self, name: &str) -> Query<Table> {
        Query::new(self.clone()).table(name)
    }
}

/// A function that edits the built SELECT (GORM's statement modifier).
pub(crate) type Modifier = std::sync::Arc<dyn Fn(&mut Select) + Send + Sync>;

/// A condition template with its arguments.
fn raw(sql: &str, args: impl IntoArgs) -> Expr {
    Expr::Raw(RawSql {
        sql: sql.into(),
        args: args.into_args().into(),
    })
}

impl<T: QuerySource> Query<T> {
    /// An empty query on `db`.
    fn new(db: Db) -> Self {
        Query {
            db,
            select: Select::empty(),
            where_list: WhereList::default(),
            extras: QueryExtras::default(),
            _model: PhantomData,
        }
    }

    /// The table the statement targets (the model's, unless overridden).
    pub(crate) fn table_ref(&self) -> TableRef {
        self.extras
            .table
            .clone()
            .unwrap_or_else(|| TableRef::parse(T::source_schema().table.as_str()))
    }

    /// The name columns are qualified with.
    pub(crate) fn qualifier(&self) -> String {
        self.table_ref().reference_name().to_string()
    }

    /// A column named by a caller: the model field with that Rust or column name, else
    /// an identifier the dialect quotes — never raw SQL, so a column-name argument can't
    /// smuggle in a statement or a sub-query. `table.column` is split once on the first
    /// `.` and each part quoted; any other text (more dots, spaces, quotes) becomes ONE
    /// quoted identifier, which the database rejects as unknown unless it really exists.
    /// `qualified` puts a model field behind the query's table name.
    pub(crate) fn column_expr(&self, name: &str, qualified: bool) -> Expr {
        if let Some(f) = T::source_schema().field(name) {
            return if qualified {
                Expr::col(self.qualifier(), f.column.as_str())
            } else {
                Expr::bare_col(f.column.as_str())
            };
        }
        match name.split_once('.') {
            Some((table, column))
                if !table.is_empty() && !column.is_empty() && !column.contains('.') =>
            {
                Expr::col(table, column)
            }
            _ => Expr::bare_col(name),
        }
    }

    /// The column of a field (by Rust name or column name).
    pub(crate) fn column_of(&self, name: &str) -> Result<String> {
        T::source_schema()
            .field(name)
            .map(|f| f.column.to_string())
            .ok_or_else(|| crate::model::unknown_field_in(T::source_schema(), name))
    }

    /// The column a write names (a map key, the column of `update`): a field of the model
    /// that this kind of write may set ([`Error::FieldNotWritable`] otherwise); without a
    /// model, the name itself, quoted by the dialect.
    pub(crate) fn written_column(
        &self,
        name: &str,
        kind: crate::model::WriteKind,
    ) -> Result<plugorm_plugin_api::types::Text> {
        self.check_deferred()?;
        match T::model_schema() {
            Some(schema) => {
                let i = crate::model::writable_field_in(schema, name, kind)?;
                Ok(schema.fields[i].column.clone())
            }
            None => Ok(name.into()),
        }
    }

    /// The column a condition names: a field of the model, qualified by the query's
    /// table ([`Error::InvalidField`] when the model has none of that name); without a
    /// model, the name itself as [`Query::column_expr`] quotes it, unqualified as GORM
    /// writes a map key.
    pub(crate) fn field_column(&self, name: &str) -> Result<Expr> {
        match T::model_schema() {
            Some(_) => Ok(Expr::col(self.qualifier(), self.column_of(name)?)),
            None => Ok(self.column_expr(name, false)),
        }
    }

    /// Keeps `e` to report when the query runs, unless an earlier builder error is kept
    /// already (the first error of a chain is the one reported).
    pub(crate) fn defer(&mut self, e: Error) {
        if self.extras.deferred.is_none() {
            self.extras.deferred = Some(e);
        }
    }

    /// The error a builder method kept, if any: every finisher checks it before it runs
    /// anything.
    pub(crate) fn check_deferred(&self) -> Result<()> {
        match &self.extras.deferred {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    /// [`Query::check_deferred`], then the refusal of a locking read that would lock
    /// nothing: a dialect without row locks (SQLite), outside a transaction. A dry run
    /// locks nothing either way and is let through, so its SQL can be inspected.
    pub(crate) fn check_read(&self) -> Result<()> {
        self.check_deferred()?;
        let db = &self.db;
        if self.select.lock.is_some()
            && !db.session.dry_run
            && !db.in_transaction()
            && !db.dialect().capabilities().row_locks
        {
            return Err(Error::RowLockOutsideTransaction {
                dialect: db.dialect().name().to_string(),
            });
        }
        Ok(())
    }

    /// The query processor's chain for a read of `select`, after the checks every read
    /// makes ([`Query::check_read`], the soft-delete guard) and, when `join_columns` is
    /// given, the joins of the relations `join_relation` asked for (listing the model's
    /// own columns too when it is `true`, to decode models; a stream takes none).
    pub(crate) fn read_chain(
        &self,
        mut select: Select,
        join_columns: Option<bool>,
    ) -> Result<crate::chain::ChainRun> {
        self.check_read()?;
        crate::chain::soft_delete::guard(&self.db, T::source_schema(), self.extras.unscoped)?;
        if let Some(columns) = join_columns {
            let q = self.qualifier();
            T::join_preloads(&self.db, &self.extras.preloads, &mut select, &q, columns)?;
        }
        Ok(crate::chain::ChainRun::start(
            &self.db,
            plugorm_plugin_api::Processor::Query,
            T::model_schema(),
            plugorm_plugin_api::statement::Statement::Select(select),
            self.extras.unscoped,
        ))
    }

    /// The SELECT this query renders (before plugin callbacks add their clauses): the
    /// one it holds, with its table, the columns `omit` leaves, the primary key, and the
    /// statement modifiers applied.
    pub(crate) fn build_select(&self) -> Select {
        let mut s = self.select.clone();
        s.conditions = self.where_list.to_conditions().into();
        if matches!(s.from, FromItem::Nothing) {
            s.from = FromItem::Table(self.table_ref());
        }
        if s.columns.is_empty() && !self.extras.omits.is_empty() {
            let q = self.qualifier();
            for f in T::source_schema().fields.iter().filter(|f| f.readable) {
                let omitted = self
                    .extras
                    .omits
                    .iter()
                    .any(|o| o == f.column.as_str() || o == f.name.as_str());
                if !omitted {
                    s.column(Expr::col(q.clone(), f.column.as_str()));
                }
            }
        }
        // With joins, `*` would read the joined tables' columns too, and a joined `id`
        // could be decoded into the model's: GORM lists the model's columns then.
        if s.columns.is_empty() && !s.joins.is_empty() {
            if let Some(schema) = T::model_schema() {
                let q = self.qualifier();
                for f in schema.fields.iter().filter(|f| f.readable) {
                    s.column(Expr::col(q.clone(), f.column.as_str()));
                }
            }
        }
        s.primary_key = T::source_schema()
            .primary_keys()
            .next()
            .map(|f| f.column.clone())
            .into();
        for m in &self.extras.modifiers {
            m(&mut s);
        }
        s
    }
}

/// One condition, or an AND group of several.
fn group_of(mut list: Vec<Expr>) -> Expr {
    if list.len() == 1 {
        list.remove(0)
    } else {
        Expr::And(list.into())
    }
}
