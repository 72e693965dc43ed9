//! The conditions of a [`Query`] (its WHERE): SQL templates, expressions, maps and
//! structs, NOT and OR, primary keys, grouped conditions (nested AND / OR), IN over
//! several columns, and inline conditions on the finishers.

use plugorm_plugin_api::types::Boxed;
use plugorm_plugin_api::{statement::Expr, Value};

use super::QuerySource;
use super::{group_of, raw, Query};
use crate::{args::IntoArgs, Model, Result};

impl<T: QuerySource> Query<T> {
    /// Adds a condition: SQL with `?` placeholders and their arguments (ANDed with the
    /// others). A `Vec` argument expands to a list: `filter("id IN ?", (vec![1, 2],))`.
    pub fn filter(mut self, sql: &str, args: impl IntoArgs) -> Self {
        self.where_list.and(raw(sql, args));
        self
    }

    /// Adds a condition expression (from typed column handles or [`Expr`] builders).
    pub fn filter_expr(mut self, expr: Expr) -> Self {
        self.where_list.and(expr);
        self
    }

    /// `table.column = value` for each pair (a NULL value becomes `IS NULL`, a list
    /// value `IN (…)`); several pairs form one AND group, keys sorted by name as GORM
    /// sorts a map's keys.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// // WHERE (`users`.`age` = ? AND `users`.`name` = ?)
    /// let q = db.model::<User>().filter_map([("name", "jinzhu".into()), ("age", plugorm::Value::from(20))])?;
    /// # Ok(()) }
    /// ```
    pub fn filter_map<V: Into<Value>>(
        mut self,
        pairs: impl IntoIterator<Item = (&'static str, V)>,
    ) -> Result<Self> {
        let mut group = Vec::new();
        let mut pairs: Vec<_> = pairs.into_iter().collect();
        pairs.sort_by_key(|p| p.0);
        for (name, v) in pairs {
            let col = self.field_column(name)?;
            let v = v.into();
            if let Some(i) = T::source_schema().field_index(name) {
                self.extras.equalities.push((i, v.clone()));
            }
            group.push(col.eq(v));
        }
        self.where_list.and(group_of(group));
        Ok(self)
    }

    /// Adds typed conditions (from column handles: `User::AGE.gt(18)`), ANDed.
    pub fn filter_cols(mut self, exprs: impl IntoIterator<Item = Expr>) -> Self {
        for e in exprs {
            self.where_list.and(e);
        }
        self
    }

    /// `NOT (condition)`.
    pub fn not(mut self, sql: &str, args: impl IntoArgs) -> Self {
        self.where_list.and(!raw(sql, args));
        self
    }

    /// Adds a condition joined to the one before it by OR, as GORM's `Or`: the WHERE
    /// is one flat list in which AND binds tighter, so `filter(a).or(b).filter(c)` is
    /// `a OR b AND c` (SQL reads `a OR (b AND c)`). To OR with everything before, group
    /// explicitly: `q.where_group(a_and_b).or(c)`, or [`Query::or_group`].
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// // WHERE role = ? OR age > ? AND active = ?
    /// let q = db.model::<User>()
    ///     .filter("role = ?", ("admin",))
    ///     .or("age > ?", (60,))
    ///     .filter("active = ?", (true,));
    /// # Ok(()) }
    /// ```
    pub fn or(self, sql: &str, args: impl IntoArgs) -> Self {
        self.or_expr(raw(sql, args))
    }

    /// Adds a condition expression joined to the one before it by OR (see
    /// [`Query::or`]).
    ///
    /// ```no_run
    /// # use plugorm::{Model, plugin_api::statement::Expr};
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let q = db.model::<User>().filter("age < ?", (18,)).or_expr(Expr::raw("age > ?", [60.into()]));
    /// # Ok(()) }
    /// ```
    pub fn or_expr(mut self, right: Expr) -> Self {
        self.where_list.or(right);
        self
    }

    /// Restricts to the row with this primary key (`table.pk = v`).
    pub fn id(self, v: impl Into<Value>) -> Self {
        self.ids([v.into()])
    }

    /// Restricts to rows with these primary keys (`table.pk IN (…)`).
    pub fn ids<V: Into<Value>>(mut self, ids: impl IntoIterator<Item = V>) -> Self {
        let q = self.qualifier();
        if let Some(pk) = T::source_schema().primary_keys().next() {
            let list: Vec<Expr> = ids.into_iter().map(|v| Expr::value(v.into())).collect();
            self.where_list.and(Expr::In {
                expr: Boxed::new(Expr::col(q, pk.column.as_str())),
                list: list.into(),
                negated: false,
            });
        } else {
            self.where_list.and(Expr::raw("1 = 0", []));
        }
        self
    }

    /// The conditions of `group` as one parenthesised group, ANDed with the others
    /// (GORM's `db.Where(db.Where(..).Or(..))`). Only `group`'s conditions are used.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<Pizza: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// // WHERE (pizza = ? AND (size = ? OR size = ?)) OR (pizza = ? AND size = ?)
    /// let q = db.model::<Pizza>();
    /// let pizzas = q.clone()
    ///     .where_group(q.clone().filter("pizza = ?", ("pepperoni",)).where_group(
    ///         q.clone().filter("size = ?", ("small",)).or("size = ?", ("medium",)),
    ///     ))
    ///     .or_group(q.clone().filter("pizza = ?", ("hawaiian",)).filter("size = ?", ("xlarge",)))
    ///     .find()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn where_group(mut self, group: Query<T>) -> Self {
        if let Some(g) = conditions_of(group) {
            self.where_list.and(g);
        }
        self
    }

    /// The conditions of `group` as one parenthesised group, joined to the condition
    /// before it by OR (GORM's `Or(db.Where(..).Where(..))`).
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let q = db.model::<User>();
    /// let n = q.clone().filter("age > ?", (60,))
    ///     .or_group(q.clone().filter("age < ?", (18,)).filter("name <> ?", ("x",)))
    ///     .count()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn or_group(self, group: Query<T>) -> Self {
        match conditions_of(group) {
            Some(g) => self.or_expr(g),
            None => self,
        }
    }

    /// `NOT (group)`: the conditions of `group`, negated as one (GORM's
    /// `db.Not(db.Where(..).Or(..))`).
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let q = db.model::<User>();
    /// let rest = q.clone().not_group(q.clone().filter("age < ?", (18,)).or("age > ?", (60,)));
    /// # Ok(()) }
    /// ```
    pub fn not_group(mut self, group: Query<T>) -> Self {
        if let Some(g) = conditions_of(group) {
            self.where_list.and(!g);
        }
        self
    }

    /// `(col1,col2,…) IN ((?,?,…),(?,?,…))`: rows of values over several fields (by Rust
    /// or column name); every row must have one value per column.
    ///
    /// ```no_run
    /// # use plugorm::{Model, Value};
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let pairs = vec![
    ///     vec![Value::from("jinzhu"), Value::from(18)],
    ///     vec![Value::from("jinzhu2"), Value::from(19)],
    /// ];
    /// let users = db.model::<User>().filter_in_columns(&["name", "age"], pairs)?.find().await?;
    /// # Ok(()) }
    /// ```
    pub fn filter_in_columns(
        mut self,
        columns: &[&str],
        rows: impl IntoIterator<Item = Vec<Value>>,
    ) -> Result<Self> {
        let mut cols = Vec::with_capacity(columns.len());
        for c in columns {
            cols.push(self.field_column(c)?);
        }
        let mut list = Vec::new();
        for (i, row) in rows.into_iter().enumerate() {
            if row.len() != cols.len() {
                return Err(crate::Error::Db(plugorm_plugin_api::DbError::Render(
                    format!(
                        "row {i} of the IN list over ({}) has {} value(s), expected {}",
                        columns.join(", "),
                        row.len(),
                        cols.len()
                    ),
                )));
            }
            list.push(Expr::List(row.into_iter().map(Expr::value).collect()));
        }
        self.where_list.and(Expr::In {
            expr: Boxed::new(Expr::List(cols.into())),
            list: list.into(),
            negated: false,
        });
        Ok(self)
    }

    /// The negation of [`Query::filter_map`]: `table.column <> value` for each pair (NULL:
    /// `IS NOT NULL`); several form one AND group, as GORM renders `db.Not(map…)`.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let q = db.model::<User>().not_map([("name", "jinzhu")])?;
    /// # Ok(()) }
    /// ```
    pub fn not_map<V: Into<Value>>(
        mut self,
        pairs: impl IntoIterator<Item = (&'static str, V)>,
    ) -> Result<Self> {
        let mut group = Vec::new();
        let mut pairs: Vec<_> = pairs.into_iter().collect();
        pairs.sort_by_key(|p| p.0);
        for (name, v) in pairs {
            group.push(self.field_column(name)?.ne(v.into()));
        }
        if !group.is_empty() {
            self.where_list.and(group_of(group));
        }
        Ok(self)
    }

    /// `table.column NOT IN (values…)`; an empty list is `IS NOT NULL` (GORM's
    /// `db.Not(map{"name": []string{…}})`).
    ///
    /// ```no_run
    /// # use plugorm::{Model, Value};
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let q = db.model::<User>().not_in("name", [Value::from("a"), Value::from("b")])?;
    /// # Ok(()) }
    /// ```
    pub fn not_in(mut self, column: &str, values: impl IntoIterator<Item = Value>) -> Result<Self> {
        let col = self.field_column(column)?;
        self.where_list.and(Expr::In {
            expr: Boxed::new(col),
            list: values.into_iter().map(Expr::value).collect(),
            negated: true,
        });
        Ok(self)
    }

    /// The same query with no conditions (a builder for a group).
    fn clone_empty(&self) -> Self {
        let mut q = Query::new(self.db.clone());
        q.extras.table = self.extras.table.clone();
        q
    }
}

impl<T: Model> Query<T> {
    /// A condition from a model value: every non-zero field becomes `table.column = value`
    /// (zero fields are skipped, as in GORM); several form one AND group.
    pub fn filter_struct(self, example: &T) -> Self {
        self.struct_condition(example, |i, _| !example.is_zero_at(i))
    }

    /// A condition on the named fields of a model value, zero or not (GORM's
    /// `Where(&User{Name: "jinzhu"}, "name", "Age")`): `table.column = value` for each,
    /// in the model's field order, as one AND group. A name that is no field is an
    /// [`Error::InvalidField`](crate::Error::InvalidField) when the query runs.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model + Default>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// // WHERE (`users`.`name` = ? AND `users`.`age` = ?) with age 0
    /// let q = db.model::<User>().filter_struct_fields(&User::default(), &["name", "age"]);
    /// # Ok(()) }
    /// ```
    pub fn filter_struct_fields(mut self, example: &T, fields: &[&str]) -> Self {
        for name in fields {
            if T::schema().field(name).is_none() {
                self.defer(crate::model::unknown_field::<T>(name));
            }
        }
        self.struct_condition(example, |_, f| {
            fields
                .iter()
                .any(|n| *n == f.name.as_str() || *n == f.column.as_str())
        })
    }

    /// Field `i` of `example` as a condition compares it: a serializer field in its
    /// stored form. An encoding error is kept for the query to report (the value is then
    /// NULL, never run).
    fn written_value(&mut self, example: &T, i: usize) -> Value {
        match example.try_value_at(i) {
            Ok(v) => v,
            Err(e) => {
                self.defer(e);
                Value::Null
            }
        }
    }

    /// `table.column = value` for each readable field `include` picks, as one AND group;
    /// the values are also kept for the records `first_or_*` builds.
    fn struct_condition(
        mut self,
        example: &T,
        include: impl Fn(usize, &plugorm_plugin_api::schema::FieldSchema) -> bool,
    ) -> Self {
        let q = self.qualifier();
        let mut group = Vec::new();
        for (i, f) in T::schema().fields.iter().enumerate() {
            if f.readable && include(i, f) {
                let v = self.written_value(example, i);
                self.extras.equalities.push((i, v.clone()));
                group.push(Expr::col(q.clone(), f.column.as_str()).eq(v));
            }
        }
        if !group.is_empty() {
            self.where_list.and(group_of(group));
        }
        self
    }

    /// The negation of [`Query::filter_struct`], as GORM renders it: every non-zero field
    /// becomes `table.column <> value` (several form one AND group, GORM's text for
    /// `db.Not(User{Name: "jinzhu", Age: 18})`).
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model + Default>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let others = db.model::<User>().not_struct(&User::default()).find().await?;
    /// # Ok(()) }
    /// ```
    pub fn not_struct(mut self, example: &T) -> Self {
        let q = self.qualifier();
        let mut group: Vec<Expr> = Vec::new();
        for (i, f) in T::source_schema().fields.iter().enumerate() {
            if f.readable && !example.is_zero_at(i) {
                let v = self.written_value(example, i);
                group.push(Expr::col(q.clone(), f.column.as_str()).ne(v));
            }
        }
        if !group.is_empty() {
            self.where_list.and(group_of(group));
        }
        self
    }

    /// A struct condition (its non-zero fields, ANDed in one group) joined to the
    /// condition before it by OR (GORM's `Or(User{…})`).
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model + Default>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let q = db.model::<User>().filter("name = ?", ("a",)).or_struct(&User::default());
    /// # Ok(()) }
    /// ```
    pub fn or_struct(self, example: &T) -> Self {
        let group = self.clone_empty().filter_struct(example);
        self.or_group(group)
    }

    /// The first row by primary key matching an inline condition (GORM's
    /// `First(&user, "name = ?", x)`); the chain's other conditions apply too.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let u: User = db.model::<User>().first_where("name = ?", ("jinzhu",)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn first_where(&self, sql: &str, args: impl IntoArgs) -> Result<T> {
        self.clone().filter(sql, args).first().await
    }

    /// Every row matching an inline condition (GORM's `Find(&users, "age > ?", 18)`).
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let adults: Vec<User> = db.model::<User>().find_where("age > ?", (18,)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn find_where(&self, sql: &str, args: impl IntoArgs) -> Result<Vec<T>> {
        self.clone().filter(sql, args).find().await
    }

    /// The row with this primary key (GORM's `First(&user, 10)`).
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let u: User = db.model::<User>().first_id(10).await?;
    /// # Ok(()) }
    /// ```
    pub async fn first_id(&self, id: impl Into<Value>) -> Result<T> {
        self.clone().id(id).first().await
    }

    /// The rows with these primary keys (GORM's `Find(&users, []int{1,2,3})`).
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let us: Vec<User> = db.model::<User>().find_ids([1, 2, 3]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn find_ids<V: Into<Value>>(
        &self,
        ids: impl IntoIterator<Item = V>,
    ) -> Result<Vec<T>> {
        self.clone().ids(ids).find().await
    }
}

/// The conditions of a query as one expression (`None` when it has none).
fn conditions_of<T>(group: Query<T>) -> Option<Expr> {
    group.where_list.into_group()
}
