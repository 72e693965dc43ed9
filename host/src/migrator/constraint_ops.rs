//! GORM's constraint operations on one model: `HasConstraint`, `CreateConstraint`,
//! `DropConstraint`, by constraint name (`fk_users_pets`) or by relation name (`"Pets"`:
//! its constraints, on whichever table holds them).

use plugorm_plugin_api::{
    migrate::{Ddl, TableChange},
    statement::TableRef,
};

use super::{
    constraints::{self, Constraint},
    table_label, MigrationReport, Migrator,
};
use crate::{relation::naming_fold, Error, Model, Result};

/// The constraints of `T` that `name` designates.
fn designated<T: Model>(name: &str) -> Result<Vec<Constraint>> {
    let all = constraints::of_model::<T>()?.constraints;
    let by_name: Vec<Constraint> = all
        .iter()
        .filter(|c| c.key.name.as_str().eq_ignore_ascii_case(name))
        .cloned()
        .collect();
    if !by_name.is_empty() {
        return Ok(by_name);
    }
    Ok(all
        .into_iter()
        .filter(|c| naming_fold(c.relation) == naming_fold(name))
        .collect())
}

fn unknown<T: Model>(name: &str) -> Error {
    Error::Db(plugorm_plugin_api::DbError::Other(format!(
        "model `{}` declares no foreign key constraint `{name}` (by constraint or relation name)",
        T::schema().name
    )))
}

impl Migrator {
    /// True when the constraint `name` exists — a constraint name, or a relation of `T`
    /// (all of its constraints).
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// assert!(db.migrator().has_constraint::<User>("Pets").await?);
    /// assert!(db.migrator().has_constraint::<User>("fk_users_pets").await?);
    /// # Ok(()) }
    /// ```
    pub async fn has_constraint<T: Model>(&self, name: &str) -> Result<bool> {
        let list = designated::<T>(name)?;
        if list.is_empty() {
            let info = self.describe_ref(&super::model_table::<T>()).await?;
            return Ok(info.foreign_key(name).is_some());
        }
        for c in list {
            let info = self.describe_ref(&TableRef::parse(&c.table)).await?;
            if info.foreign_key(&c.key.name).is_none() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Creates the FOREIGN KEY constraint(s) `name` designates on the table holding them
    /// (`ALTER TABLE … ADD CONSTRAINT`; on SQLite, which cannot add one, the table is
    /// rebuilt with it, keeping every row, outside any transaction; rows that would break
    /// it refuse the rebuild with [`DbError::ForeignKeyViolation`](crate::DbError::ForeignKeyViolation)
    /// and nothing changes).
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// db.migrator().create_constraint::<User>("Pets").await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_constraint<T: Model>(&self, name: &str) -> Result<MigrationReport> {
        let list = designated::<T>(name)?;
        let Some(first) = list.first() else {
            return Err(unknown::<T>(name));
        };
        let mut report = MigrationReport::for_table(&TableRef::parse(&first.table));
        let steps: Vec<Ddl> = list
            .iter()
            .map(|c| Ddl::AddForeignKey {
                table: TableRef::parse(&c.table),
                foreign_key: c.key.clone(),
            })
            .collect();
        // Every step is rendered before the first runs; a dialect that adds no constraint
        // to an existing table rebuilds each table instead.
        let in_place = steps.iter().all(|ddl| {
            !matches!(
                self.db.dialect().render_ddl(ddl),
                Err(plugorm_plugin_api::DbError::Unsupported(_))
            )
        });
        if in_place {
            self.run_plan(steps, &mut report).await?;
            return Ok(report);
        }
        for (c, ddl) in list.into_iter().zip(&steps) {
            let table = TableRef::parse(&c.table);
            let what = format!(
                "adding foreign key `{}` to table `{}`",
                c.key.name,
                table_label(&table)
            );
            let change = TableChange::AddForeignKey { foreign_key: c.key };
            self.change_table(&table, ddl, change, &what, &mut report)
                .await?;
        }
        Ok(report)
    }

    /// Drops a constraint: one `T` declares (by constraint or relation name), on the table
    /// holding it, or any constraint of `T`'s table by name.
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// db.migrator().drop_constraint::<User>("fk_users_pets").await?;
    /// # Ok(()) }
    /// ```
    pub async fn drop_constraint<T: Model>(&self, name: &str) -> Result<MigrationReport> {
        let list = designated::<T>(name)?;
        let targets: Vec<(TableRef, String)> = if list.is_empty() {
            vec![(super::model_table::<T>(), name.to_string())]
        } else {
            list.into_iter()
                .map(|c| (TableRef::parse(&c.table), c.key.name.to_string()))
                .collect()
        };
        let mut report = match targets.first() {
            Some((t, _)) => MigrationReport::for_table(t),
            None => return Err(unknown::<T>(name)),
        };
        for (table, constraint) in targets {
            let what = format!(
                "dropping constraint `{constraint}` of table `{}`",
                table_label(&table)
            );
            let ddl = Ddl::DropConstraint {
                table: table.clone(),
                name: constraint.clone().into(),
            };
            let change = TableChange::DropConstraint {
                name: constraint.into(),
            };
            self.change_table(&table, &ddl, change, &what, &mut report)
                .await?;
        }
        Ok(report)
    }
}
