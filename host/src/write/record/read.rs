//! Reading one record into itself by its primary key (GORM's `db.First(&user)` on a user
//! whose key is set): `first`, `take`, `last`, `reload`.

use plugorm_plugin_api::{
    statement::{Expr, OrderBy, Select, Statement, TableRef},
    steps::BuiltinStep,
    Processor,
};

use super::Record;
use crate::{
    chain::{ChainRun, Operation, Stage},
    decode, Db, Error, Model, Result,
};

impl<T: Model> Record<'_, T> {
    /// Fills the record from the first row by primary key — the row with its key when the
    /// key is set, the table's first row when it is zero (GORM's `db.First(&user)`).
    /// [`Error::RecordNotFound`] when there is no such row; the record is then unchanged.
    /// `select` / `omit` limit the columns read; `unscoped` reads a soft-deleted row too.
    /// `after_find` runs.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db, mut user: User) -> Result<(), plugorm::Error> {
    /// // user's key is 10:
    /// // SELECT * FROM "users" WHERE "users"."deleted_at" IS NULL AND "users"."id" = $1
    /// //   ORDER BY "users"."id" LIMIT $2
    /// db.record(&mut user).first().await?;
    /// # Ok(()) }
    /// ```
    pub async fn first(self) -> Result<()> {
        self.read(Some(false), false).await
    }

    /// [`Record::first`] without the ORDER BY (GORM's `db.Take(&user)`).
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db, mut user: User) -> Result<(), plugorm::Error> {
    /// db.record(&mut user).take().await?;
    /// # Ok(()) }
    /// ```
    pub async fn take(self) -> Result<()> {
        self.read(None, false).await
    }

    /// [`Record::first`] by descending key (GORM's `db.Last(&user)`).
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db, mut user: User) -> Result<(), plugorm::Error> {
    /// db.record(&mut user).last().await?;
    /// # Ok(()) }
    /// ```
    pub async fn last(self) -> Result<()> {
        self.read(Some(true), false).await
    }

    /// Reads the record's row again by its primary key, as [`Record::first`] does, but a
    /// zero key is [`Error::PrimaryKeyRequired`] instead of a read of some other row.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db, mut user: User) -> Result<(), plugorm::Error> {
    /// let plus_one = plugorm::plugin_api::statement::Expr::raw("age + 1", []);
    /// db.record(&mut user).update_expr("age", plus_one).await?;
    /// db.record(&mut user).reload().await?;   // the age the database computed
    /// # Ok(()) }
    /// ```
    pub async fn reload(self) -> Result<()> {
        self.read(Some(false), true).await
    }

    /// `order`: by key ascending (`Some(false)`), descending, or none.
    async fn read(self, order: Option<bool>, key_required: bool) -> Result<()> {
        self.check_names()?;
        let schema = T::schema();
        crate::chain::soft_delete::guard(&self.db, schema, self.unscoped)?;
        let table = TableRef::parse(schema.table.as_str());
        let qualifier = table.reference_name().to_string();
        let key = self.pk_conditions(Some(&qualifier))?;
        if key.is_empty() && key_required {
            return Err(Error::PrimaryKeyRequired(format!(
                "reload of a `{}` whose key is zero",
                schema.name
            )));
        }
        let mut select = Select::from_table(table);
        let listed = !self.selects.is_empty() || !self.omits.is_empty();
        for (i, f) in schema.fields.iter().enumerate() {
            if listed && f.readable && self.chosen(i) {
                select.column(Expr::bare_col(f.column.as_str()));
            }
        }
        if let Some(desc) = order {
            select.order_by = schema
                .primary_keys()
                .map(|f| OrderBy {
                    expr: Expr::col(qualifier.as_str(), f.column.as_str()),
                    desc,
                })
                .collect();
        }
        select.limit = Some(1).into();
        let dry = self.db.session.dry_run;
        let mut op = ReadRecord {
            item: &mut *self.item,
            key,
            found: false,
        };
        ChainRun::start(
            &self.db,
            Processor::Query,
            Some(schema),
            Statement::Select(select),
            self.unscoped,
        )
        .drive(&mut op)
        .await?;
        if op.found || dry {
            Ok(())
        } else {
            Err(Error::RecordNotFound)
        }
    }
}

/// The built-in steps of reading a record: the key condition and the SELECT, then
/// `after_find`.
struct ReadRecord<'a, T> {
    item: &'a mut T,
    key: Vec<Expr>,
    found: bool,
}

impl<T: Model> Operation for ReadRecord<'_, T> {
    async fn step(&mut self, step: BuiltinStep, stage: Stage<'_>) -> Result<()> {
        let db: &Db = stage.db;
        match step {
            BuiltinStep::Query => {
                // Added here, after the callbacks before the query: GORM writes the key
                // after the soft-delete condition (G06).
                let Statement::Select(select) = &mut *stage.statement else {
                    return Err(Error::Callback(
                        "a query callback replaced the SELECT statement".into(),
                    ));
                };
                for cond in self.key.drain(..) {
                    select.filter(cond);
                }
                let rows = db.query_statement(stage.statement).await?;
                if !rows.is_empty() {
                    let map = decode::column_map::<T>(&rows);
                    decode::assign_row(&mut *self.item, &rows, &map, 0)?;
                    self.found = true;
                }
                Ok(())
            }
            BuiltinStep::AfterQuery if self.found && !db.session.skip_hooks => {
                self.item.after_find(db).await
            }
            _ => Ok(()),
        }
    }

    fn rows(&self) -> u64 {
        u64::from(self.found)
    }
}
