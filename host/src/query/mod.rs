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
mod named;
pub(crate) mod preload;
mod rows;
mod stream;
mod update;

pub use rows::RowCursor;
pub use stream::ModelStream;

use std::marker::PhantomData;

use plugorm_plugin_api::types::Boxed;
use plugorm_plugin_api::{
    statement::{Expr, FromItem, OrderBy, RawSql, Select, SelectItem, TableRef},
    Value,
};

use crate::{args::IntoArgs, Db, Error, Model, Result};

/// A query about model `T`.
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
            extras: self.extras.clone(),
            _model: PhantomData,
        }
    }
}

impl<T: Model> std::fmt::Debug for Query<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Query")
            .field("model", &T::schema().name.as_str())
            .field("select", &self.build_select())
            .field("unscoped", &self.extras.unscoped)
            .finish()
    }
}

impl Db {
    /// A query about model `T`.
    pub fn model<T: Model>(&self) -> Query<T> {
        Query {
            db: self.clone(),
            select: Select::empty(),
            extras: QueryExtras::default(),
            _model: PhantomData,
        }
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

impl<T: Model> Query<T> {
    /// The table the statement targets (the model's, unless overridden).
    pub(crate) fn table_ref(&self) -> TableRef {
        self.extras
            .table
            .clone()
            .unwrap_or_else(|| TableRef::parse(T::schema().table.as_str()))
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
        if let Some(f) = T::schema().field(name) {
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
        T::schema()
            .field(name)
            .map(|f| f.column.to_string())
            .ok_or_else(|| crate::model::unknown_field::<T>(name))
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

    /// Targets another table (`users_archive`, or `schema.table`) with the same model.
    pub fn table(mut self, name: &str) -> Self {
        self.extras.table = Some(TableRef::parse(name));
        self
    }

    /// Adds a condition: SQL with `?` placeholders and their arguments (ANDed with the
    /// others). A `Vec` argument expands to a list: `filter("id IN ?", (vec![1, 2],))`.
    pub fn filter(mut self, sql: &str, args: impl IntoArgs) -> Self {
        self.select.conditions.push(raw(sql, args));
        self
    }

    /// Adds a condition expression (from typed column handles or [`Expr`] builders).
    pub fn filter_expr(mut self, expr: Expr) -> Self {
        self.select.conditions.push(expr);
        self
    }

    /// `table.column = value` for each pair (keys in the order given; a NULL value
    /// becomes `IS NULL`, a list value `IN (…)`); several pairs form one AND group.
    pub fn filter_map<V: Into<Value>>(
        mut self,
        pairs: impl IntoIterator<Item = (&'static str, V)>,
    ) -> Result<Self> {
        let q = self.qualifier();
        let mut group = Vec::new();
        for (name, v) in pairs {
            let col = self.column_of(name)?;
            let v = v.into();
            if let Some(i) = T::schema().field_index(name) {
                self.extras.equalities.push((i, v.clone()));
            }
            group.push(Expr::col(q.clone(), col).eq(v));
        }
        self.select.conditions.push(group_of(group));
        Ok(self)
    }

    /// A condition from a model value: every non-zero field becomes `table.column = value`
    /// (zero fields are skipped, as in GORM); several form one AND group.
    pub fn filter_struct(mut self, example: &T) -> Self {
        let q = self.qualifier();
        let mut group = Vec::new();
        for (i, f) in T::schema().fields.iter().enumerate() {
            if f.readable && !example.is_zero_at(i) {
                let v = example.value_at(i);
                self.extras.equalities.push((i, v.clone()));
                group.push(Expr::col(q.clone(), f.column.as_str()).eq(v));
            }
        }
        if !group.is_empty() {
            self.select.conditions.push(group_of(group));
        }
        self
    }

    /// Adds typed conditions (from column handles: `User::AGE.gt(18)`), ANDed.
    pub fn filter_cols(mut self, exprs: impl IntoIterator<Item = Expr>) -> Self {
        self.select.conditions.extend(exprs);
        self
    }

    /// Reads only these typed columns.
    pub fn select_cols(mut self, columns: impl IntoIterator<Item = Expr>) -> Self {
        self.select
            .columns
            .extend(columns.into_iter().map(|expr| SelectItem { expr }));
        self
    }

    /// `NOT (condition)`.
    pub fn not(mut self, sql: &str, args: impl IntoArgs) -> Self {
        self.select.conditions.push(!raw(sql, args));
        self
    }

    /// ORs a condition with everything given so far: `filter(a).or(b)` is `a OR b`.
    pub fn or(self, sql: &str, args: impl IntoArgs) -> Self {
        self.or_expr(raw(sql, args))
    }

    /// ORs a condition expression with everything given so far (see [`Query::or`]).
    pub fn or_expr(mut self, right: Expr) -> Self {
        let left = std::mem::take(&mut self.select.conditions);
        let left = match left.len() {
            0 => {
                self.select.conditions.push(right);
                return self;
            }
            1 => left
                .into_iter()
                .next()
                .unwrap_or(Expr::And(Default::default())),
            _ => Expr::And(left),
        };
        self.select
            .conditions
            .push(Expr::Or(vec![left, right].into()));
        self
    }

    /// Restricts to the row with this primary key (`table.pk = v`).
    pub fn id(self, v: impl Into<Value>) -> Self {
        self.ids([v.into()])
    }

    /// Restricts to rows with these primary keys (`table.pk IN (…)`).
    pub fn ids<V: Into<Value>>(mut self, ids: impl IntoIterator<Item = V>) -> Self {
        let q = self.qualifier();
        if let Some(pk) = T::schema().primary_keys().next() {
            let list: Vec<Expr> = ids.into_iter().map(|v| Expr::value(v.into())).collect();
            self.select.conditions.push(Expr::In {
                expr: Boxed::new(Expr::col(q, pk.column.as_str())),
                list: list.into(),
                negated: false,
            });
        } else {
            self.select.conditions.push(Expr::raw("1 = 0", []));
        }
        self
    }

    /// Reads only these columns (field names or SQL expressions).
    pub fn select(mut self, columns: &[&str]) -> Self {
        for c in columns {
            self.select.column(match T::schema().field(c) {
                Some(f) => Expr::bare_col(f.column.as_str()),
                None => Expr::raw(*c, []),
            });
        }
        self
    }

    /// Reads every column except these fields (Rust or column names). A name that is no
    /// field of the model is an [`Error::InvalidField`] when the query runs — a typo
    /// never reads the column it meant to leave out.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let users: Vec<User> = db.model::<User>().omit(&["password_hash"]).find().await?;
    /// let typo = db.model::<User>().omit(&["pasword_hash"]).find().await;
    /// assert!(matches!(typo, Err(plugorm::Error::InvalidField { .. })));
    /// # Ok(()) }
    /// ```
    pub fn omit(mut self, columns: &[&str]) -> Self {
        for c in columns {
            if T::schema().field(c).is_none() {
                self.defer(crate::model::unknown_field::<T>(c));
            }
            self.extras.omits.push(c.to_string());
        }
        self
    }

    /// `SELECT DISTINCT`.
    pub fn distinct(mut self) -> Self {
        self.select.distinct = true;
        self
    }

    /// Adds an ORDER BY item as SQL text (`"age desc, name"`).
    pub fn order(mut self, sql: &str) -> Self {
        self.select.order_by.push(OrderBy::asc(Expr::raw(sql, [])));
        self
    }

    /// Adds an ORDER BY item.
    pub fn order_by(mut self, item: OrderBy) -> Self {
        self.select.order_by.push(item);
        self
    }

    /// At most `n` rows.
    pub fn limit(mut self, n: u64) -> Self {
        self.select.limit = Some(n).into();
        self
    }

    /// Skips `n` rows.
    pub fn offset(mut self, n: u64) -> Self {
        self.select.offset = Some(n).into();
        self
    }

    /// GROUP BY a column: a model field (Rust or column name), or else a column name the
    /// dialect quotes as an identifier (`table.column` is quoted part by part). It is
    /// never raw SQL; to group by an expression, edit the statement with
    /// [`Query::modify`] and push an `Expr::raw` onto `group_by`.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let ages = db.model::<User>().group("age").count().await?;
    /// # Ok(()) }
    /// ```
    pub fn group(mut self, column: &str) -> Self {
        let expr = self.column_expr(column, false);
        self.select.group_by.push(expr);
        self
    }

    /// A HAVING condition.
    pub fn having(mut self, sql: &str, args: impl IntoArgs) -> Self {
        self.select.having.push(raw(sql, args));
        self
    }

    /// Includes soft-deleted rows, and makes `delete` remove rows for real.
    pub fn unscoped(mut self) -> Self {
        self.extras.unscoped = true;
        self
    }

    /// Edits the SELECT this query builds, after every other method (GORM's statement
    /// modifiers): any clause of the statement tree is open to change.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let q = db.model::<User>().modify(|s| s.distinct = true);
    /// # Ok(()) }
    /// ```
    pub fn modify(mut self, f: impl Fn(&mut Select) + Send + Sync + 'static) -> Self {
        self.extras.modifiers.push(std::sync::Arc::new(f));
        self
    }

    /// The SELECT this query renders (before plugin callbacks add their clauses): the
    /// one it holds, with its table, the columns `omit` leaves, the primary key, and the
    /// statement modifiers applied.
    pub(crate) fn build_select(&self) -> Select {
        let mut s = self.select.clone();
        if matches!(s.from, FromItem::Nothing) {
            s.from = FromItem::Table(self.table_ref());
        }
        if s.columns.is_empty() && !self.extras.omits.is_empty() {
            let q = self.qualifier();
            for f in T::schema().fields.iter().filter(|f| f.readable) {
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
        s.primary_key = T::schema()
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
