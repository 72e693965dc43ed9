//! AutoMigrate as a plan: what it would run now, read from the database but not applied
//! (`auto_migrate_plan`), and the plan written as a versioned migration file
//! (`generate_migration`, for [`crate::migrations`]).

use std::path::{Path, PathBuf};

use super::{MigrationReport, Migrator, ModelSet};
use crate::{Db, Error, Model, Result};

impl Migrator {
    /// This migrator in plan mode: every statement rendered and reported, none run.
    pub(super) fn planning(&self) -> Migrator {
        Migrator {
            db: self.db.clone(),
            plan_only: true,
        }
    }

    /// A migrator on `db` (a shard's pool) in the same mode as this one.
    pub(super) fn on(&self, db: Db) -> Migrator {
        Migrator {
            db,
            plan_only: self.plan_only,
        }
    }

    /// What [`Migrator::auto_migrate`] would run now for `T`, without running it: the
    /// database is read (tables, columns, indexes, constraints), and the report lists the
    /// statements it would send, in order. Unlike a dry-run session, a table that exists
    /// is seen, so the plan is exactly the change.
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// let plan = db.migrator().auto_migrate_plan::<User>().await?;
    /// for sql in &plan.statements {
    ///     println!("{sql};");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn auto_migrate_plan<T: Model>(&self) -> Result<MigrationReport> {
        self.planning().auto_migrate::<T>().await
    }

    /// What [`Migrator::auto_migrate_all`] would run now for the models of `S`, without
    /// running it (see [`Migrator::auto_migrate_plan`]).
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model, Pet: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// let plan = db.migrator().auto_migrate_all_plan::<(User, Pet)>().await?;
    /// let statements: usize = plan.iter().map(|r| r.statements.len()).sum();
    /// # Ok(()) }
    /// ```
    pub async fn auto_migrate_all_plan<S: ModelSet>(&self) -> Result<Vec<MigrationReport>> {
        self.planning().auto_migrate_all::<S>().await
    }

    /// Writes AutoMigrate's plan for the models of `S` as the next versioned migration
    /// in `dir`: `<version>_<name>.up.sql`, the version one above the highest in the
    /// folder (1 in an empty one). It has no down file (a plan has no inverse), so
    /// [`crate::migrations`] treats it as irreversible. `None`, writing nothing, when the
    /// database already matches the models. A plan that rebuilds a table (SQLite adding a
    /// foreign key to an existing table) is refused with [`Error::MigrationFile`]: the
    /// rebuild needs foreign keys off outside a transaction, and a migration runs in one.
    ///
    /// ```no_run
    /// # async fn run<User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// if let Some(path) = db.migrator().generate_migration::<(User,)>("migrations", "add_users").await? {
    ///     println!("wrote {}", path.display());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn generate_migration<S: ModelSet>(
        &self,
        dir: impl AsRef<Path>,
        name: &str,
    ) -> Result<Option<PathBuf>> {
        check_name(name)?;
        let reports = self.auto_migrate_all_plan::<S>().await?;
        write_plan(&reports, dir.as_ref(), name)
    }

    /// [`Migrator::generate_migration`] for every model registered with
    /// [`register_model!`](crate::register_model).
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> plugorm::Result<()> {
    /// db.migrator().generate_registered_migration("migrations", "sync").await?;
    /// # Ok(()) }
    /// ```
    pub async fn generate_registered_migration(
        &self,
        dir: impl AsRef<Path>,
        name: &str,
    ) -> Result<Option<PathBuf>> {
        check_name(name)?;
        let reports = self.registered_models_plan().await?;
        write_plan(&reports, dir.as_ref(), name)
    }
}

/// Refuses a migration name that is not letters, digits and `_`.
fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(Error::MigrationFile {
            path: name.to_string(),
            reason: "a migration name takes letters, digits and `_` only".into(),
        });
    }
    Ok(())
}

/// Writes the statements of `reports` as the next migration of `dir`; `None` for none.
fn write_plan(reports: &[MigrationReport], dir: &Path, name: &str) -> Result<Option<PathBuf>> {
    // A rebuild turns foreign keys off around its own transaction; a migration runs inside
    // one, where SQLite ignores that, and dropping the old table would then fire the ON
    // DELETE actions of the tables referencing it.
    if let Some(table) = reports.iter().flat_map(|r| &r.rebuilt_tables).next() {
        return Err(Error::MigrationFile {
            path: dir.display().to_string(),
            reason: format!(
                "the plan rebuilds table `{table}`, which needs foreign keys turned off outside \
                 a transaction, and a migration runs inside one: apply this change with \
                 auto_migrate instead, then generate the rest"
            ),
        });
    }
    let statements: Vec<&String> = reports.iter().flat_map(|r| &r.statements).collect();
    if statements.is_empty() {
        return Ok(None);
    }
    let version = next_version(dir)?;
    let mut text = format!(
        "-- Generated by plugorm from AutoMigrate's plan ({} statement(s)).\n",
        statements.len()
    );
    for sql in statements {
        text.push_str(sql);
        text.push_str(";\n");
    }
    let path = dir.join(format!("{version}_{name}.up.sql"));
    std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&path, text))
        .map_err(|e| Error::MigrationFile {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
    Ok(Some(path))
}

/// One above the highest `<version>_…sql` in `dir` (1 when there is none or no folder).
fn next_version(dir: &Path) -> Result<u64> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(1),
        Err(e) => {
            return Err(Error::MigrationFile {
                path: dir.display().to_string(),
                reason: e.to_string(),
            })
        }
    };
    let highest = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let (version, _) = name.split_once('_')?;
            name.ends_with(".sql").then_some(())?;
            version.parse::<u64>().ok()
        })
        .max()
        .unwrap_or(0);
    highest.checked_add(1).ok_or_else(|| Error::MigrationFile {
        path: dir.display().to_string(),
        reason: format!("no version above {highest}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_version_is_one_above_the_highest_file() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(next_version(&dir.path().join("missing")).unwrap(), 1);
        assert_eq!(next_version(dir.path()).unwrap(), 1);
        for f in [
            "3_a.up.sql",
            "3_a.down.sql",
            "12_b.up.sql",
            "99_notes.txt",
            "x_y.sql",
        ] {
            std::fs::write(dir.path().join(f), "").unwrap();
        }
        assert_eq!(next_version(dir.path()).unwrap(), 13);
    }
}
