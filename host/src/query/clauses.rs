//! The clauses of a [`Query`] besides its conditions: the table, the columns (`select`,
//! `omit`), DISTINCT, ORDER BY, LIMIT / OFFSET, GROUP BY / HAVING, `unscoped`, statement
//! modifiers, row locks, joins, sub-queries, named arguments and scopes.

use plugorm_plugin_api::types::{Boxed, List, Optional};
use plugorm_plugin_api::{
    statement::{
        Expr, FromItem, Join, JoinKind, Lock, LockStrength, LockWait, OrderBy, RawSql, Select,
        SelectItem, TableRef,
    },
    Processor, Value,
};

use super::QuerySource;
use super::{raw, Query};
use crate::{args::IntoArgs, Error, Result};

impl<T: QuerySource> Query<T> {
    /// Targets another table with the same model: `users_archive`, `schema.table`, and
    /// either with an alias (`users u`, `users AS u`), which then qualifies the query's
    /// columns. Each name is quoted by the dialect; anything else is an
    /// [`Error::InvalidIdentifier`] when the query runs.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// // SELECT `name` FROM `users_2024` AS `u` WHERE …
    /// let old = db.model::<User>().table("users_2024 AS u").select(&["name"]).find().await?;
    /// # Ok(()) }
    /// ```
    pub fn table(mut self, name: &str) -> Self {
        match table_target(name, "table") {
            Ok(t) => self.extras.table = Some(t),
            Err(e) => self.defer(e),
        }
        self
    }

    /// Reads only these typed columns.
    pub fn select_cols(mut self, columns: impl IntoIterator<Item = Expr>) -> Self {
        self.select
            .columns
            .extend(columns.into_iter().map(|expr| SelectItem { expr }));
        self
    }

    /// Reads only these columns: a model field (written bare, as GORM does), a plain
    /// column name (`name`, `users.name`: quoted by the dialect), or else an SQL
    /// expression taken as written (`count(*) AS n`, `max(age)`).
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// // SELECT `name`,count(*) AS n FROM `users` GROUP BY `name`
    /// let rows = db.table("users").select(&["name", "count(*) AS n"]).group("name").find_maps().await?;
    /// # Ok(()) }
    /// ```
    pub fn select(mut self, columns: &[&str]) -> Self {
        for c in columns {
            let expr = if T::source_schema().field(c).is_some() || is_column_name(c) {
                self.column_expr(c, false)
            } else {
                Expr::raw(*c, [])
            };
            self.select.column(expr);
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
            if T::source_schema().field(c).is_none() {
                self.defer(crate::model::unknown_field_in(T::source_schema(), c));
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
    /// never raw SQL; to group by an expression use [`Query::group_raw`].
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

    /// GROUP BY an SQL expression, taken as written (the raw counterpart of
    /// [`Query::group`], GORM's `Group("date(created_at)")`); `?` placeholders take
    /// `args` as bound values.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let per_day: Vec<(String, i64)> = db.model::<User>()
    ///     .select(&["date(created_at) AS day", "count(*) AS n"])
    ///     .group_raw("date(created_at)", ())
    ///     .scan()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn group_raw(mut self, sql: &str, args: impl IntoArgs) -> Self {
        self.select.group_by.push(raw(sql, args));
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

    /// Changes the row lock, starting from `FOR UPDATE` when there is none yet.
    fn edit_lock(mut self, change: impl FnOnce(&mut Lock)) -> Self {
        let mut lock = self.select.lock.take().into_option().unwrap_or(Lock {
            strength: LockStrength::Update,
            of: List::new(),
            wait: LockWait::Wait,
        });
        change(&mut lock);
        self.select.lock = Optional::Some(lock);
        self
    }

    /// `FOR UPDATE` (rendered as nothing by SQLite, which locks the whole database).
    pub fn for_update(self) -> Self {
        self.edit_lock(|l| l.strength = LockStrength::Update)
    }

    /// `FOR SHARE` (`LOCK IN SHARE MODE` where that is the dialect's form).
    pub fn for_share(self) -> Self {
        self.edit_lock(|l| l.strength = LockStrength::Share)
    }

    /// Any lock strength, including PostgreSQL's `NO KEY UPDATE` / `KEY SHARE`.
    pub fn lock(self, strength: LockStrength) -> Self {
        self.edit_lock(|l| l.strength = strength)
    }

    /// Fail at once instead of waiting for a locked row (`NOWAIT`).
    pub fn nowait(self) -> Self {
        self.edit_lock(|l| l.wait = LockWait::NoWait)
    }

    /// Skip locked rows (`SKIP LOCKED`).
    pub fn skip_locked(self) -> Self {
        self.edit_lock(|l| l.wait = LockWait::SkipLocked)
    }

    /// Lock only rows of these tables (`FOR UPDATE OF t`).
    pub fn lock_of(self, tables: &[&str]) -> Self {
        self.edit_lock(|l| l.of.extend(tables.iter().map(|t| (*t).into())))
    }

    /// A raw join clause with its own keyword: `joins("JOIN emails ON emails.user_id = users.id AND emails.email = ?", (e,))`.
    pub fn joins(mut self, sql: &str, args: impl IntoArgs) -> Self {
        self.select.joins.push(Join {
            kind: JoinKind::Inner,
            target: FromItem::Raw(RawSql {
                sql: sql.into(),
                args: args.into_args().into(),
            }),
            on: Optional::None,
        });
        self
    }

    /// `INNER JOIN table ON condition`. `table` is an identifier, quoted by the dialect:
    /// `table`, `schema.table`, `table alias` or `table AS alias` (each part quoted);
    /// anything else — more words, more dots, an empty part, a control character — is an
    /// [`Error::InvalidIdentifier`] when the query runs. `on` is raw SQL (documented as
    /// such): `?` placeholders in it take `args`, which are bound as values.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let users: Vec<User> = db.model::<User>()
    ///     .inner_join("emails e", "e.user_id = users.id AND e.email = ?", ("a@b.c",))
    ///     .find()
    ///     .await?;
    /// let refused = db.model::<User>().inner_join("emails; DROP TABLE users", "1 = 1", ()).find().await;
    /// assert!(matches!(refused, Err(plugorm::Error::InvalidIdentifier { .. })));
    /// # Ok(()) }
    /// ```
    pub fn inner_join(self, table: &str, on: &str, args: impl IntoArgs) -> Self {
        self.join_table(JoinKind::Inner, table, on, args)
    }

    /// `LEFT JOIN table ON condition`; `table` and `on` as in [`Query::inner_join`].
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let users: Vec<User> = db.model::<User>()
    ///     .left_join("emails AS e", "e.user_id = users.id", ())
    ///     .find()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn left_join(self, table: &str, on: &str, args: impl IntoArgs) -> Self {
        self.join_table(JoinKind::Left, table, on, args)
    }

    fn join_table(mut self, kind: JoinKind, table: &str, on: &str, args: impl IntoArgs) -> Self {
        let t = match table_target(table, "join table") {
            Ok(t) => t,
            Err(e) => {
                self.defer(e);
                return self;
            }
        };
        self.select.joins.push(Join {
            kind,
            target: FromItem::Table(t),
            on: Optional::Some(Expr::Raw(RawSql {
                sql: on.into(),
                args: args.into_args().into(),
            })),
        });
        self
    }

    /// `LEFT JOIN (sub-query) AS alias ON condition`.
    pub fn left_join_subquery<U: QuerySource>(
        mut self,
        sub: &Query<U>,
        alias: &str,
        on: &str,
    ) -> Result<Self> {
        let query = sub.subquery_select()?;
        self.select.joins.push(Join {
            kind: JoinKind::Left,
            target: FromItem::Subquery {
                query: Boxed::new(query),
                alias: alias.into(),
            },
            on: Optional::Some(Expr::raw(on, [])),
        });
        Ok(self)
    }

    /// Reads from a sub-query instead of the table: `FROM (…) AS alias`.
    pub fn from_subquery<U: QuerySource>(mut self, sub: &Query<U>, alias: &str) -> Result<Self> {
        self.select.from = FromItem::Subquery {
            query: Boxed::new(sub.subquery_select()?),
            alias: alias.into(),
        };
        Ok(self)
    }

    /// A condition with named arguments: `@name` in the text takes the value named
    /// `name` (GORM's `sql.Named`); `@@` is a literal `@`.
    pub fn filter_named(mut self, sql: &str, named: &[(&str, Value)]) -> Result<Self> {
        self.where_list
            .and(Expr::Raw(named_to_positional(sql, named)?));
        Ok(self)
    }

    /// Applies a reusable function to the query (GORM's scopes): pagination, tenancy,
    /// a table chosen at run time.
    ///
    /// ```no_run
    /// # use plugorm::{Model, Query};
    /// fn paginate<T: Model>(page: u64, size: u64) -> impl FnOnce(Query<T>) -> Query<T> {
    ///     move |q| q.offset(page.saturating_sub(1) * size).limit(size)
    /// }
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let page2 = db.model::<User>().scope(paginate(2, 20)).find().await?;
    /// # Ok(()) }
    /// ```
    pub fn scope(self, f: impl FnOnce(Self) -> Self) -> Self {
        f(self)
    }

    /// This query as a sub-query (`WHERE id IN (?)`, `FROM (?)`), with the query
    /// callbacks of plugins applied (soft delete hides deleted rows inside it too).
    pub fn subquery(&self) -> Result<Expr> {
        Ok(Expr::Subquery(Boxed::new(self.subquery_select()?)))
    }

    pub(crate) fn subquery_select(&self) -> Result<plugorm_plugin_api::statement::Select> {
        self.check_read()?;
        let stmt = plugorm_plugin_api::statement::Statement::Select(self.build_select());
        let stmt = crate::chain::apply_callbacks(
            &self.db,
            Processor::Query,
            T::model_schema(),
            stmt,
            self.extras.unscoped,
        )?;
        match stmt {
            plugorm_plugin_api::statement::Statement::Select(s) => Ok(s),
            _ => Err(Error::Callback(
                "a query callback turned a sub-query into another statement".into(),
            )),
        }
    }
}

/// A table a caller names (`table`, `db.table`, `inner_join` / `left_join`): `table`,
/// `schema.table`, `table alias` or `table AS alias`, every part a non-empty name
/// without whitespace, dots or control characters (the dialect quotes each part, so
/// quotes inside are harmless). `what` names the argument in the error.
pub(crate) fn table_target(table: &str, what: &'static str) -> Result<TableRef> {
    let refuse = |reason: &str| Error::InvalidIdentifier {
        what,
        name: table.to_string(),
        reason: format!(
            "{reason}; expected `table`, `schema.table`, `table alias` or `table AS alias`{}",
            if what == "join table" {
                " (the ON condition is the place for SQL)"
            } else {
                ""
            }
        ),
    };
    let words: Vec<&str> = table.split_whitespace().collect();
    let (name, alias) = match words.as_slice() {
        [name] => (*name, None),
        [_, as_kw] if as_kw.eq_ignore_ascii_case("as") => {
            return Err(refuse("`AS` is not followed by an alias"))
        }
        [name, alias] => (*name, Some(*alias)),
        [name, as_kw, alias] if as_kw.eq_ignore_ascii_case("as") => (*name, Some(*alias)),
        [] => return Err(refuse("it is empty")),
        _ => return Err(refuse("it has more words than a table and an alias")),
    };
    let plain =
        |part: &str| !part.is_empty() && !part.contains('.') && !part.chars().any(char::is_control);
    let mut t = match name.split_once('.') {
        Some((schema, name)) if plain(schema) && plain(name) => TableRef {
            schema: Optional::Some(schema.into()),
            ..TableRef::new(name)
        },
        None if plain(name) => TableRef::new(name),
        _ => {
            return Err(refuse(
                "a part is empty, has a control character or more dots than `schema.table`",
            ))
        }
    };
    if let Some(alias) = alias {
        if !plain(alias) {
            return Err(refuse("the alias has a dot or a control character"));
        }
        t = t.alias(alias);
    }
    Ok(t)
}

/// A column name as a caller writes one: `name` or `table.name`, each part a letter or
/// `_` followed by letters, digits and `_`. Anything else given to `select` is SQL.
fn is_column_name(text: &str) -> bool {
    let part = |p: &str| {
        let mut chars = p.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    match text.split_once('.') {
        Some((table, column)) => part(table) && part(column),
        None => part(text),
    }
}

/// Rewrites `@name` placeholders to positional ones with their values.
pub(crate) fn named_to_positional(sql: &str, named: &[(&str, Value)]) -> Result<RawSql> {
    let mut out = String::with_capacity(sql.len());
    let mut args: Vec<Expr> = Vec::new();
    let mut chars = sql.char_indices().peekable();
    let mut quote: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' | '`' => {
                quote = Some(c);
                out.push(c);
            }
            '@' if chars.peek().map(|(_, n)| *n) == Some('@') => {
                chars.next();
                out.push('@');
            }
            '@' => {
                let start = i + 1;
                let mut end = start;
                while let Some((j, n)) = chars.peek().copied() {
                    if n.is_ascii_alphanumeric() || n == '_' {
                        end = j + n.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                let name = &sql[start..end];
                if name.is_empty() {
                    out.push('@');
                    continue;
                }
                let value = named.iter().find(|(n, _)| *n == name).ok_or_else(|| {
                    Error::Db(plugorm_plugin_api::DbError::Render(format!(
                        "`@{name}` in `{sql}` has no value (given: {})",
                        named.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                    )))
                })?;
                out.push('?');
                args.push(Expr::value(value.1.clone()));
            }
            '?' => out.push_str("??"),
            _ => out.push(c),
        }
    }
    Ok(RawSql {
        sql: out.into(),
        args: args.into(),
    })
}
