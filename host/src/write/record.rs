//! [`Record`]: updates, save, delete and reads of one model value, with its hooks; the
//! SET of its updates in `assign`, its reads in `read`.

mod assign;
mod read;

use plugorm_plugin_api::{
    statement::{Delete, Expr, Statement, TableRef, Update},
    steps::BuiltinStep,
    Processor, Value,
};

use crate::model::{each_hook, set_value};
use crate::{
    args::IntoArg,
    chain::{ChainRun, Operation, Stage},
    Db, Error, Model, Result,
};

/// One record's update, save, delete and read by its key (`db.record(&mut user)`).
///
/// ```no_run
/// # use plugorm::Model;
/// # async fn run<User: Model>(db: plugorm::Db, mut user: User) -> Result<(), plugorm::Error> {
/// db.record(&mut user).update("name", "hello").await?;      // hooks + updated_at
/// db.record(&mut user).update_column("name", "x").await?;   // neither
/// db.record(&mut user).select(&["name", "age"]).save().await?;
/// db.record(&mut user).reload().await?;                     // the row with its key
/// # Ok(()) }
/// ```
pub struct Record<'a, T> {
    db: Db,
    item: &'a mut T,
    selects: Vec<String>,
    omits: Vec<String>,
    unscoped: bool,
    /// The first name `select` / `omit` were given that is no field, reported by
    /// whichever finisher runs.
    unknown: Option<Error>,
}

enum Change {
    /// Explicit assignments (column, value).
    Set(Vec<(usize, Expr)>),
    /// Every updatable field (save).
    All,
    /// The non-zero fields of the record.
    NonZero,
    /// The selected fields, zero or not.
    Selected,
}

impl<'a, T: Model> Record<'a, T> {
    pub(crate) fn new(db: Db, item: &'a mut T) -> Self {
        Record {
            db,
            item,
            selects: Vec::new(),
            omits: Vec::new(),
            unscoped: false,
            unknown: None,
        }
    }

    /// Keeps the first of `names` that is no field of `T` (`"*"` stands for all).
    fn note_unknown(&mut self, names: &[&str]) {
        let schema = T::schema();
        if self.unknown.is_none() {
            self.unknown = names
                .iter()
                .find(|n| **n != "*" && schema.field(n).is_none())
                .map(|n| crate::model::unknown_field::<T>(n));
        }
    }

    /// The error of a name `select` / `omit` could not place: every finisher reports it
    /// before it writes anything.
    fn check_names(&self) -> Result<()> {
        match &self.unknown {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    /// Only these fields (Rust or column names; `"*"`: all) are written by `save` /
    /// `updates` / `create`. A name that is no field of the model is an
    /// [`Error::InvalidField`] from the finisher, which then writes nothing.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db, mut user: User) -> Result<(), plugorm::Error> {
    /// db.record(&mut user).select(&["name"]).updates().await?;
    /// let typo = db.record(&mut user).select(&["nmae"]).updates().await;
    /// assert!(matches!(typo, Err(plugorm::Error::InvalidField { .. })));
    /// # Ok(()) }
    /// ```
    pub fn select(mut self, fields: &[&str]) -> Self {
        self.note_unknown(fields);
        self.selects.extend(fields.iter().map(|f| f.to_string()));
        self
    }

    /// These fields (Rust or column names) are not written by `save` / `updates` /
    /// `create`. A name that is no field of the model is an [`Error::InvalidField`] from
    /// the finisher, which then writes nothing.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db, mut user: User) -> Result<(), plugorm::Error> {
    /// db.record(&mut user).omit(&["role"]).save().await?;
    /// let typo = db.record(&mut user).omit(&["rloe"]).save().await;
    /// assert!(matches!(typo, Err(plugorm::Error::InvalidField { .. })));
    /// # Ok(()) }
    /// ```
    pub fn omit(mut self, fields: &[&str]) -> Self {
        self.note_unknown(fields);
        self.omits.extend(fields.iter().map(|f| f.to_string()));
        self
    }

    /// Creates the record (hooks, keys and defaults read back, as [`Db::create`]),
    /// writing only the selected fields plus the automatic time fields when `select` was
    /// given, and never the omitted ones (GORM's `db.Select(..).Create(&u)` /
    /// `db.Omit(..).Create(&u)`). A name that is no field is refused.
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db, mut user: User) -> Result<(), plugorm::Error> {
    /// // INSERT INTO `users` (`created_at`,`updated_at`,`name`,`age`) VALUES (?,?,?,?)
    /// db.record(&mut user).select(&["name", "age", "created_at"]).create().await?;
    /// # Ok(()) }
    /// ```
    pub async fn create(self) -> Result<u64> {
        self.check_names()?;
        let fields = super::create::CreateFields {
            selects: self.selects,
            omits: self.omits,
            saving: false,
        };
        super::create::create_fields(&self.db, std::slice::from_mut(self.item), &fields).await
    }

    /// Deletes for real even with a soft-delete field.
    pub fn unscoped(mut self) -> Self {
        self.unscoped = true;
        self
    }

    /// The field an update names; an unknown `select` / `omit` name, given before it, is
    /// reported first (and before the record changes).
    fn index_of(&self, name: &str) -> Result<usize> {
        self.check_names()?;
        crate::model::writable_field::<T>(name, crate::model::WriteKind::Update)
    }

    fn chosen(&self, i: usize) -> bool {
        (self.selects.is_empty() || names_field::<T>(&self.selects, i)) && !self.omitted(i)
    }

    fn omitted(&self, i: usize) -> bool {
        names_field::<T>(&self.omits, i)
    }

    /// The primary-key condition (unqualified column, as GORM writes it for updates).
    fn pk_conditions(&self, qualify: Option<&str>) -> Result<Vec<Expr>> {
        let mut out = Vec::new();
        for (i, f) in T::schema()
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.primary_key)
        {
            if self.item.is_zero_at(i) {
                return Ok(Vec::new());
            }
            let col = match qualify {
                Some(t) => Expr::col(t, f.column.as_str()),
                None => Expr::bare_col(f.column.as_str()),
            };
            out.push(col.eq(self.item.value_at(i)));
        }
        Ok(out)
    }

    /// Sets one column (and the auto-update time), writing the values back into the
    /// record. Hooks: before_save, before_update, after_update, after_save.
    pub async fn update(self, column: &str, value: impl Into<Value>) -> Result<u64> {
        let i = self.index_of(column)?;
        let v = value.into();
        set_value(self.item, i, &v)?;
        self.run_update(Change::Set(vec![(i, Expr::value(v))]), false)
            .await
    }

    /// Sets one column to an SQL expression (`price * 2 + 100`); the record keeps its
    /// old value for that field.
    pub async fn update_expr(self, column: &str, value: impl IntoArg) -> Result<u64> {
        let i = self.index_of(column)?;
        self.run_update(Change::Set(vec![(i, value.into_arg())]), false)
            .await
    }

    /// Sets several columns, writing the values back into the record.
    pub async fn updates_map<V: Into<Value>>(
        self,
        pairs: impl IntoIterator<Item = (&'static str, V)>,
    ) -> Result<u64> {
        // Every key is checked before the record changes: a refused key leaves it intact.
        let pairs = pairs
            .into_iter()
            .map(|(k, v)| Ok((self.index_of(k)?, v.into())))
            .collect::<Result<Vec<(usize, Value)>>>()?;
        let mut set = Vec::with_capacity(pairs.len());
        for (i, v) in pairs {
            set_value(self.item, i, &v)?;
            set.push((i, Expr::value(v)));
        }
        set.sort_by(|a, b| {
            T::schema().fields[a.0]
                .column
                .cmp(&T::schema().fields[b.0].column)
        });
        self.run_update(Change::Set(set), false).await
    }

    /// Writes the record's non-zero fields (GORM's `Updates(&user)`); with `select`,
    /// only the selected non-zero ones.
    pub async fn updates(self) -> Result<u64> {
        self.run_update(Change::NonZero, false).await
    }

    /// Writes exactly the `select`ed fields, zero values included.
    pub async fn updates_selected(self) -> Result<u64> {
        self.run_update(Change::Selected, false).await
    }

    /// Sets one column without hooks and without touching the update time.
    pub async fn update_column(self, column: &str, value: impl Into<Value>) -> Result<u64> {
        let i = self.index_of(column)?;
        let v = value.into();
        set_value(self.item, i, &v)?;
        self.run_update(Change::Set(vec![(i, Expr::value(v))]), true)
            .await
    }

    /// Writes every field (zero values included, the update time set to now): UPDATE by
    /// primary key, or INSERT when the key is zero or the UPDATE matched no row (the
    /// create hooks then run). With every field omitted nothing is written.
    pub async fn save(self) -> Result<u64> {
        self.check_names()?;
        let pk_zero = T::schema()
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.primary_key)
            .any(|(i, _)| self.item.is_zero_at(i));
        if pk_zero {
            return self.db.create(self.item).await;
        }
        let Record {
            db,
            item,
            selects,
            omits,
            unscoped,
            unknown,
        } = self;
        let n = Record {
            db: db.clone(),
            item: &mut *item,
            selects,
            omits,
            unscoped,
            unknown,
        }
        .run_update_if_any(Change::All, false)
        .await?;
        match n {
            // The UPDATE matched no row. (With nothing to write — every field omitted —
            // none ran, and there is nothing to create either.)
            Some(0) if !db.session.dry_run => db.create(item).await,
            n => Ok(n.unwrap_or(0)),
        }
    }

    /// The fields an update writes (before the automatic update time), by index.
    fn indexes_written(&self, change: &Change) -> Vec<usize> {
        match change {
            Change::Set(list) => list.iter().map(|(i, _)| *i).collect(),
            _ => T::schema()
                .fields
                .iter()
                .enumerate()
                .filter(|(i, f)| f.updatable && !f.primary_key && self.chosen(*i))
                .filter(|(i, _)| !matches!(change, Change::NonZero) || !self.item.is_zero_at(*i))
                .map(|(i, _)| i)
                .collect(),
        }
    }

    fn fields_written(&self, change: &Change) -> Vec<String> {
        let fields = &T::schema().fields;
        self.indexes_written(change)
            .into_iter()
            .map(|i| fields[i].name.to_string())
            .collect()
    }

    async fn run_update(self, change: Change, skip_hooks: bool) -> Result<u64> {
        Ok(self
            .run_update_if_any(change, skip_hooks)
            .await?
            .unwrap_or(0))
    }

    /// The rows the UPDATE changed; `None` when it had nothing to set and did not run.
    async fn run_update_if_any(self, change: Change, skip_hooks: bool) -> Result<Option<u64>> {
        self.check_names()?;
        crate::chain::soft_delete::guard(&self.db, T::schema(), self.unscoped)?;
        super::associations::check_filter::<T>(&self.db)?;
        let db = if skip_hooks {
            self.db.skip_hooks()
        } else {
            self.db.clone()
        };
        let db = db.with_changed(self.fields_written(&change));
        let schema = T::schema();
        let table = TableRef::parse(schema.table.as_str());
        let stmt = Statement::Update(Update::new(table));
        let unscoped = self.unscoped;
        let mut op = UpdateRecord {
            record: self,
            change,
            affected: None,
        };
        ChainRun::start(&db, Processor::Update, Some(schema), stmt, unscoped)
            .drive(&mut op)
            .await?;
        Ok(op.affected)
    }

    /// Builds SET (after the before-hooks ran) and the key condition, then runs it.
    async fn execute_update(
        &mut self,
        db: &Db,
        change: &Change,
        stmt: &mut Statement,
    ) -> Result<Option<u64>> {
        let set = self.assignments(db, change)?;
        if set.is_empty() {
            return Ok(None);
        }
        let pk = self.pk_conditions(None)?;
        if pk.is_empty() && !db.session.allow_global_update {
            return Err(Error::MissingWhereClause("UPDATE"));
        }
        let Statement::Update(u) = stmt else {
            return Err(Error::Callback(
                "an update callback replaced the UPDATE statement".into(),
            ));
        };
        u.set = set.into();
        let mut conds = u.conditions.to_vec();
        conds.extend(pk);
        u.conditions = conds.into();
        Ok(Some(db.execute_statement(stmt).await?.rows_affected))
    }

    /// Deletes the record by primary key (a soft delete unless `unscoped` or the model has
    /// no soft-delete field); a soft delete writes the deletion mark back into it.
    pub async fn delete(self) -> Result<u64> {
        self.check_names()?;
        crate::chain::soft_delete::guard(&self.db, T::schema(), self.unscoped)?;
        super::associations::check_filter::<T>(&self.db)?;
        let schema = T::schema();
        let table = TableRef::parse(schema.table.as_str());
        let pk = self.pk_conditions(Some(table.reference_name()))?;
        if pk.is_empty() && !self.db.session.allow_global_update {
            return Err(Error::MissingWhereClause("DELETE"));
        }
        let pk = if pk.len() == 1 {
            pk
        } else {
            vec![Expr::And(pk.into())]
        };
        let mut d = Delete::new(table);
        d.conditions = pk.into();
        let unscoped = self.unscoped;
        let mut op = DeleteRecord {
            item: self.item,
            unscoped,
            affected: 0,
        };
        ChainRun::start(
            &self.db,
            Processor::Delete,
            Some(schema),
            Statement::Delete(d),
            unscoped,
        )
        .drive(&mut op)
        .await?;
        Ok(op.affected)
    }
}

/// Whether `list` names field `i` (by Rust or column name; `"*"`: every field).
fn names_field<T: Model>(list: &[String], i: usize) -> bool {
    let f = &T::schema().fields[i];
    list.iter()
        .any(|n| n == f.name.as_str() || n == f.column.as_str() || n == "*")
}

/// The built-in steps of a record's update: hooks, associations, the UPDATE.
struct UpdateRecord<'a, T> {
    record: Record<'a, T>,
    change: Change,
    /// `None` until the UPDATE ran (and when it had nothing to set).
    affected: Option<u64>,
}

impl<T: Model> Operation for UpdateRecord<'_, T> {
    async fn step(&mut self, step: BuiltinStep, stage: Stage<'_>) -> Result<()> {
        let db = stage.db;
        // Save and Updates of a record upsert its associations, as GORM does; single-column
        // updates do not. After a save whose UPDATE matched nothing the record is created
        // next, and its creation saves them.
        let associations = matches!(self.change, Change::All | Change::NonZero);
        let created_next = self.affected == Some(0) && matches!(self.change, Change::All);
        let items = std::slice::from_mut(&mut *self.record.item);
        match step {
            BuiltinStep::BeforeUpdate => each_hook!(db, items, before_save, before_update),
            BuiltinStep::SaveBeforeAssociations if associations => {
                super::associations::save_before_all(db, items).await
            }
            BuiltinStep::SaveAfterAssociations if associations && !created_next => {
                super::associations::save_after_all(db, items).await
            }
            BuiltinStep::Update => {
                self.affected = self
                    .record
                    .execute_update(db, &self.change, stage.statement)
                    .await?;
                Ok(())
            }
            BuiltinStep::AfterUpdate => each_hook!(db, items, after_update, after_save),
            _ => Ok(()),
        }
    }

    fn rows(&self) -> u64 {
        self.affected.unwrap_or(0)
    }
}

/// The built-in steps of a record's delete: hooks, associations, the DELETE.
struct DeleteRecord<'a, T> {
    item: &'a mut T,
    unscoped: bool,
    affected: u64,
}

impl<T: Model> Operation for DeleteRecord<'_, T> {
    async fn step(&mut self, step: BuiltinStep, stage: Stage<'_>) -> Result<()> {
        let db = stage.db;
        let items = std::slice::from_mut(&mut *self.item);
        match step {
            BuiltinStep::BeforeDelete => each_hook!(db, items, before_delete),
            BuiltinStep::DeleteBeforeAssociations => {
                super::associations::delete_before_all(db, items, self.unscoped).await
            }
            BuiltinStep::Delete => {
                self.affected = db.execute_statement(stage.statement).await?.rows_affected;
                write_back_soft_delete(&mut *self.item, stage.statement)
            }
            BuiltinStep::AfterDelete => each_hook!(db, items, after_delete),
            _ => Ok(()),
        }
    }

    fn rows(&self) -> u64 {
        self.affected
    }
}

/// After a soft delete (the plugin turned DELETE into UPDATE), copy the values it set
/// into the record.
fn write_back_soft_delete<T: Model>(item: &mut T, stmt: &Statement) -> Result<()> {
    if let Statement::Update(u) = stmt {
        for a in u.set.iter() {
            if let (Some(i), Expr::Value(v)) =
                (T::schema().field_index(a.column.as_str()), &a.value)
            {
                set_value(item, i, plugorm_plugin_api::value::from_ffi(v)?)?;
            }
        }
    }
    Ok(())
}
