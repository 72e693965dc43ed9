//! GORM's constraint operations on one model: `HasConstraint`, `CreateConstraint`,
//! `DropConstraint`, by constraint name (`fk_users_pets`, `chk_pets_age`) or by relation
//! name (`"Pets"`: its foreign keys, on whichever table holds them).
//!
//! A model's constraints are the FOREIGN KEYs of its relations and the CHECKs of its
//! fields (`#[orm(check = "name,expression")]`, named `chk_<table>_<column>` when the
//! check gives no name). Where the dialect cannot add or drop one in place (SQLite), the
//! table is rebuilt with the change (see `rebuild.rs`).

use plugorm_plugin_api::{
    migrate::{Ddl, TableChange},
    render::ddl::{format_name, split_check},
    statement::TableRef,
    types::Optional,
    DbError,
};

use super::{
    constraints::{self, NAME_MAX},
    table_label, MigrationReport, Migrator,
};
use crate::{relation::naming_fold, Error, Model, Result};

/// One constraint a model declares, with the table that holds it.
#[derive(Debug, Clone)]
struct Declared {
    table: TableRef,
    name: String,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    Foreign(Box<plugorm_plugin_api::migrate::ForeignKeySchema>),
    Check { expression: String },
}

impl Declared {
    /// The operation that adds it in place, and the change a rebuild would make instead.
    fn add(&self) -> (Ddl, TableChange) {
        match &self.kind {
            Kind::Foreign(fk) => (
                Ddl::AddForeignKey {
                    table: self.table.clone(),
                    foreign_key: (**fk).clone(),
                },
                TableChange::AddForeignKey {
                    foreign_key: (**fk).clone(),
                },
            ),
            Kind::Check { expression } => (
                Ddl::AddCheck {
                    table: self.table.clone(),
                    name: self.name.as_str().into(),
                    expression: expression.as_str().into(),
                },
                TableChange::AddCheck {
                    name: self.name.as_str().into(),
                    expression: expression.as_str().into(),
                },
            ),
        }
    }
}

/// The CHECK constraints of `T`'s fields, named as CREATE TABLE names them.
fn checks<T: Model>() -> Vec<Declared> {
    let schema = T::schema();
    let table = TableRef::parse(&schema.table);
    schema
        .fields
        .iter()
        .filter(|f| f.migrate)
        .filter_map(|f| {
            let Optional::Some(check) = &f.check else {
                return None;
            };
            let (name, expression) = split_check(check);
            let expression = expression.trim();
            if expression.is_empty() {
                return None;
            }
            let name = match name {
                Some(n) => n.to_string(),
                None => format_name("chk", &schema.table, &f.column, NAME_MAX),
            };
            Some(Declared {
                table: table.clone(),
                name,
                kind: Kind::Check {
                    expression: expression.to_string(),
                },
            })
        })
        .collect()
}

/// The constraints of `T` that `name` designates: by constraint name, else by relation.
fn designated<T: Model>(name: &str) -> Result<Vec<Declared>> {
    let foreign = constraints::of_model::<T>()?.constraints;
    let by_relation: Vec<Declared> = foreign
        .iter()
        .filter(|c| naming_fold(c.relation) == naming_fold(name))
        .map(|c| Declared {
            table: TableRef::parse(&c.table),
            name: c.key.name.to_string(),
            kind: Kind::Foreign(Box::new(c.key.clone())),
        })
        .collect();
    let all = foreign
        .into_iter()
        .map(|c| Declared {
            table: TableRef::parse(&c.table),
            name: c.key.name.to_string(),
            kind: Kind::Foreign(Box::new(c.key)),
        })
        .chain(checks::<T>());
    let by_name: Vec<Declared> = all.filter(|c| c.name.eq_ignore_ascii_case(name)).collect();
    Ok(if by_name.is_empty() {
        by_relation
    } else {
        by_name
    })
}

fn unknown<T: Model>(name: &str) -> Error {
    Error::Db(DbError::Other(format!(
        "model `{}` declares no constraint `{name}` (by foreign key, check or relation name)",
        T::schema().name
    )))
}

impl Migrator {
    /// True when the constraint `name` exists: a constraint `T` declares (a foreign key
    /// or a check, by its name, or every foreign key of a relation of `T` by the
    /// relation's name), or any constraint of `T`'s table by name.
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// assert!(db.migrator().has_constraint::<User>("Pets").await?);
    /// assert!(db.migrator().has_constraint::<User>("fk_users_pets").await?);
    /// assert!(db.migrator().has_constraint::<User>("chk_users_name").await?);
    /// # Ok(()) }
    /// ```
    pub async fn has_constraint<T: Model>(&self, name: &str) -> Result<bool> {
        let list = designated::<T>(name)?;
        if list.is_empty() {
            return self
                .constraint_exists(&super::model_table::<T>(), name)
                .await;
        }
        for c in list {
            if !self.constraint_exists(&c.table, &c.name).await? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Whether `table` has a constraint named `name`: the dialect's catalog read, or, for
    /// a plugin older than that read (0.2.4), its foreign keys as described.
    async fn constraint_exists(&self, table: &TableRef, name: &str) -> Result<bool> {
        let read = Ddl::HasConstraint {
            table: table.clone(),
            name: name.into(),
        };
        let what = format!(
            "looking for constraint `{name}` of table `{}`",
            table_label(table)
        );
        match self.read(&read, &what).await {
            Ok(rows) => {
                let count = match rows.iter().next() {
                    Some(row) => row.get_at::<i64>(0).map_err(Error::from)?,
                    None => 0,
                };
                Ok(count > 0)
            }
            Err(Error::Db(DbError::Unsupported(_))) => {
                let info = self.describe_ref(table).await?;
                Ok(info.foreign_key(name).is_some())
            }
            Err(e) => Err(e),
        }
    }

    /// Creates the constraint(s) `name` designates (a foreign key or check `T` declares,
    /// or a relation's foreign keys) on the table holding them: `ALTER TABLE … ADD
    /// CONSTRAINT`. On SQLite, which cannot add one, the table is rebuilt with it, keeping
    /// every row, outside any transaction; rows that would break a foreign key refuse the
    /// rebuild with [`DbError::ForeignKeyViolation`]
    /// and nothing changes.
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// db.migrator().create_constraint::<User>("Pets").await?;
    /// db.migrator().create_constraint::<User>("chk_users_name").await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_constraint<T: Model>(&self, name: &str) -> Result<MigrationReport> {
        let list = designated::<T>(name)?;
        let Some(first) = list.first() else {
            return Err(unknown::<T>(name));
        };
        let mut report = MigrationReport::for_table(&first.table);
        let steps: Vec<(Ddl, TableChange)> = list.iter().map(Declared::add).collect();
        // Every step is rendered before the first runs; a dialect that adds no constraint
        // to an existing table rebuilds each table instead.
        let in_place = steps.iter().all(|(ddl, _)| {
            !matches!(
                self.db.dialect().render_ddl(ddl),
                Err(DbError::Unsupported(_))
            )
        });
        if in_place {
            self.run_plan(steps.into_iter().map(|(ddl, _)| ddl).collect(), &mut report)
                .await?;
            return Ok(report);
        }
        for (c, (ddl, change)) in list.iter().zip(steps) {
            let what = format!(
                "adding constraint `{}` to table `{}`",
                c.name,
                table_label(&c.table)
            );
            self.change_table(&c.table, &ddl, change, &what, &mut report)
                .await?;
            report.created_constraints.push(c.name.clone());
        }
        Ok(report)
    }

    /// Drops a constraint: one `T` declares (by constraint or relation name), on the table
    /// holding it, or any constraint of `T`'s table by name. SQLite rebuilds the table
    /// without it (a named table constraint; one written inside a column's definition goes
    /// with the column).
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
            list.into_iter().map(|c| (c.table, c.name)).collect()
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
