//! AutoMigrate of several models at once (GORM's `db.AutoMigrate(&User{}, &Pet{}, …)`):
//! their tables and join tables in dependency order, with the FOREIGN KEY constraints
//! their relations declare.
//!
//! For each table, in order:
//!
//! * missing: CREATE TABLE with its constraints inside, when the referenced table exists
//!   or was created before it (or is itself);
//! * present: the missing columns and indexes, then `ALTER TABLE … ADD CONSTRAINT` for each
//!   constraint it lacks — known by name, or by the same columns referencing the same table.
//!
//! A constraint whose referenced table comes later (a cycle) is added once every table
//! exists — or written inside CREATE TABLE when the dialect cannot add constraints later
//! (SQLite accepts a forward reference). One whose referenced table is neither in the
//! database nor migrated, or that the dialect cannot add to an existing table (SQLite), is
//! skipped with a warning and listed in [`MigrationReport::skipped_constraints`]; a later
//! AutoMigrate adds it once it can.

use std::collections::{HashMap, HashSet};

use plugorm_plugin_api::{
    migrate::{Ddl, ForeignKeySchema, TableChange, TableInfo},
    schema::ModelSchema,
    statement::TableRef,
    DbError,
};

use super::{
    auto::plan,
    constraints::{self, Constraint, ModelTables},
    order, MigrationReport, Migrator,
};
use crate::{Error, Model, Result};

/// The models one AutoMigrate call migrates: a tuple of models, `(User,)` to `(A, …, L)`.
///
/// ```
/// use plugorm::{migrator::ModelSet, Model};
/// #[derive(Model, Default, Clone)] struct Company { id: i64 }
/// #[derive(Model, Default, Clone)] struct User { id: i64, company_id: i64, company: Company }
/// fn takes<S: ModelSet>() {}
/// takes::<(User, Company)>();
/// ```
pub trait ModelSet {
    /// Adds every model of the set to `list`, in order.
    #[doc(hidden)]
    fn collect(list: &mut ModelList) -> Result<()>;
}

/// The models of a [`ModelSet`], as the migrator reads them.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct ModelList {
    models: Vec<ModelTables>,
}

impl ModelList {
    /// Adds model `T` (its table, join tables and constraints).
    pub fn add<T: Model>(&mut self) -> Result<()> {
        self.models.push(constraints::of_model::<T>()?);
        Ok(())
    }

    pub(super) fn into_models(self) -> Vec<ModelTables> {
        self.models
    }
}

macro_rules! model_set {
    ($($t:ident),+) => {
        impl<$($t: Model),+> ModelSet for ($($t,)+) {
            fn collect(list: &mut ModelList) -> Result<()> {
                $(list.add::<$t>()?;)+
                Ok(())
            }
        }
    };
}

model_set!(A);
model_set!(A, B);
model_set!(A, B, C);
model_set!(A, B, C, D);
model_set!(A, B, C, D, E);
model_set!(A, B, C, D, E, F);
model_set!(A, B, C, D, E, F, G);
model_set!(A, B, C, D, E, F, G, H);
model_set!(A, B, C, D, E, F, G, H, I);
model_set!(A, B, C, D, E, F, G, H, I, J);
model_set!(A, B, C, D, E, F, G, H, I, J, K);
model_set!(A, B, C, D, E, F, G, H, I, J, K, L);

fn lower(s: &str) -> String {
    s.to_ascii_lowercase()
}

/// Where a constraint goes.
enum Placement {
    /// Written inside CREATE TABLE.
    Inline,
    /// `ALTER TABLE … ADD CONSTRAINT` now.
    Add,
    /// Added after every table exists.
    Later,
    /// Already there.
    Present,
    /// Not created, with the reason.
    Skip(String),
}

impl Migrator {
    /// Migrates every model of `S` (a tuple) as [`Migrator::auto_migrate`] does one, and
    /// creates the FOREIGN KEY constraints of their relations (see the module docs of
    /// [`crate::migrator`]). Tables come in dependency order — a referenced table before
    /// the tables referencing it — whatever order the tuple gives; one report per table
    /// (join tables included), in the order they were migrated.
    ///
    /// A constraint is created with the table that holds it, when that table is migrated in
    /// the same call as the model declaring it: `User`'s `pets` constraint lives on `pets`,
    /// so `(User, Pet)` creates it and `(Pet,)` alone cannot know it.
    ///
    /// ```no_run
    /// # async fn run<Company: plugorm::Model, User: plugorm::Model>(db: plugorm::Db) -> plugorm::Result<()> {
    /// let reports = db.migrator().auto_migrate_all::<(User, Company)>().await?;
    /// assert_eq!(reports[0].table, "companies");           // referenced first
    /// assert!(db.auto_migrate_all::<(User, Company)>().await?.iter().all(|r| r.is_empty()));
    /// # Ok(()) }
    /// ```
    pub async fn auto_migrate_all<S: ModelSet>(&self) -> Result<Vec<MigrationReport>> {
        let mut list = ModelList::default();
        S::collect(&mut list)?;
        self.migrate_models(list.models).await
    }

    pub(super) async fn migrate_models(
        &self,
        models: Vec<ModelTables>,
    ) -> Result<Vec<MigrationReport>> {
        let spread = self.spread(models)?;
        let mut reports = self.migrate_plain(spread.plain).await?;
        reports.extend(self.migrate_shards(spread.shards).await?);
        Ok(reports)
    }

    /// Migrates `models` on this migrator's database (see [`Migrator::auto_migrate_all`]).
    pub(super) async fn migrate_plain(
        &self,
        models: Vec<ModelTables>,
    ) -> Result<Vec<MigrationReport>> {
        let mut tables: Vec<ModelSchema> = Vec::new();
        let mut all = Vec::new();
        for m in models {
            for t in m.tables {
                if !tables
                    .iter()
                    .any(|x| lower(&x.table) == lower(t.table.as_str()))
                {
                    tables.push(t);
                }
            }
            all.extend(m.constraints);
        }
        let position: HashMap<String, usize> = tables
            .iter()
            .enumerate()
            .map(|(i, t)| (lower(&t.table), i))
            .collect();
        // Only constraints on the tables migrated here (GORM's `constraint.Schema ==
        // stmt.Schema`).
        let constraints: Vec<Constraint> = constraints::dedupe(all)
            .into_iter()
            .filter(|c| position.contains_key(&lower(&c.table)))
            .collect();
        let mut depends: HashMap<usize, Vec<usize>> = HashMap::new();
        for c in &constraints {
            let (Some(&holder), Some(&referenced)) = (
                position.get(&lower(&c.table)),
                position.get(&lower(&c.key.referenced_table.name)),
            ) else {
                continue;
            };
            depends.entry(holder).or_default().push(referenced);
        }
        let ordered = order::reorder(tables.len(), &depends);
        let mut run = Run {
            migrator: self,
            existing: HashMap::new(),
            created: HashSet::new(),
            can_add: None,
        };
        let mut reports: Vec<MigrationReport> = Vec::new();
        let mut later: Vec<(TableRef, ForeignKeySchema)> = Vec::new();
        for (step, &i) in ordered.iter().enumerate() {
            let schema = &tables[i];
            let table = TableRef::parse(&schema.table);
            let info = self.describe_ref(&table).await?;
            let name = lower(&schema.table);
            run.existing.insert(name.clone(), info.exists);
            let mut report = MigrationReport::for_table(&table);
            let mut inline = Vec::new();
            let mut add = Vec::new();
            let still_to_come: HashSet<String> = ordered[step + 1..]
                .iter()
                .map(|&j| lower(&tables[j].table))
                .collect();
            for c in constraints.iter().filter(|c| lower(&c.table) == name) {
                match run.place(&table, &info, c, &still_to_come).await? {
                    Placement::Inline => inline.push(c.key.clone()),
                    Placement::Add => add.push(c.key.clone()),
                    Placement::Later => later.push((table.clone(), c.key.clone())),
                    Placement::Present => {}
                    Placement::Skip(why) => skip(&mut report, &c.key, why),
                }
            }
            self.run_plan(plan(schema, &table, &info, inline), &mut report)
                .await?;
            if !info.exists {
                run.created.insert(name);
            }
            for fk in add {
                self.add_foreign_key(&table, fk, &mut report).await?;
            }
            reports.push(report);
        }
        for (table, fk) in later {
            let label = super::table_label(&table);
            let Some(report) = reports.iter_mut().find(|r| r.table == label) else {
                continue;
            };
            self.add_foreign_key(&table, fk, report).await?;
        }
        for r in reports.iter().filter(|r| !r.is_empty()) {
            tracing::info!(
                table = %r.table,
                created = r.created_table,
                columns = ?r.added_columns,
                indexes = ?r.created_indexes,
                constraints = ?r.created_constraints,
                "auto-migrated"
            );
        }
        Ok(reports)
    }

    /// `ALTER TABLE … ADD CONSTRAINT`; where the dialect cannot add one to an existing
    /// table, a rebuild of the table with it (SQLite, outside a transaction), or else a
    /// skipped constraint.
    pub(super) async fn add_foreign_key(
        &self,
        table: &TableRef,
        fk: ForeignKeySchema,
        report: &mut MigrationReport,
    ) -> Result<()> {
        let name = fk.name.to_string();
        let what = format!("adding foreign key `{name}` to table `{}`", report.table);
        let ddl = Ddl::AddForeignKey {
            table: table.clone(),
            foreign_key: fk.clone(),
        };
        match self.render_step(&ddl, &what) {
            // SQLite rebuilds the table with the constraint, keeping its rows; inside a
            // transaction it cannot turn foreign keys off for that, so the constraint waits.
            Err(Error::Db(DbError::Unsupported(why)))
                if !self.rebuilds_tables(table) || self.db.in_transaction() =>
            {
                skip(report, &fk, why);
                Ok(())
            }
            Err(Error::Db(DbError::Unsupported(_))) => {
                let change = TableChange::AddForeignKey { foreign_key: fk };
                self.change_table(table, &ddl, change, &what, report)
                    .await?;
                report.created_constraints.push(name);
                Ok(())
            }
            Err(e) => Err(e),
            Ok(statements) => {
                self.execute_step(statements, &what, report).await?;
                report.created_constraints.push(name);
                Ok(())
            }
        }
    }
}

fn skip(report: &mut MigrationReport, fk: &ForeignKeySchema, why: String) {
    tracing::warn!(table = %report.table, constraint = %fk.name, reason = %why, "foreign key not created");
    report
        .skipped_constraints
        .push(format!("{}: {why}", fk.name));
}

/// What one migration run knows while it goes.
struct Run<'a> {
    migrator: &'a Migrator,
    /// Tables described so far (lower-case name → exists).
    existing: HashMap<String, bool>,
    /// Tables this run created.
    created: HashSet<String>,
    /// Whether the dialect adds constraints to existing tables (probed once).
    can_add: Option<bool>,
}

impl Run<'_> {
    async fn exists(&mut self, table: &TableRef) -> Result<bool> {
        let name = lower(&table.name);
        if let Some(&e) = self.existing.get(&name) {
            return Ok(e);
        }
        let e = self.migrator.describe_ref(table).await?.exists;
        self.existing.insert(name, e);
        Ok(e)
    }

    fn can_add(&mut self, table: &TableRef, fk: &ForeignKeySchema) -> bool {
        *self.can_add.get_or_insert_with(|| {
            let probe = Ddl::AddForeignKey {
                table: table.clone(),
                foreign_key: fk.clone(),
            };
            !matches!(
                self.migrator.db.dialect().render_ddl(&probe),
                Err(DbError::Unsupported(_))
            )
        })
    }

    async fn place(
        &mut self,
        table: &TableRef,
        info: &TableInfo,
        c: &Constraint,
        still_to_come: &HashSet<String>,
    ) -> Result<Placement> {
        if info.exists && present(info, &c.key) {
            return Ok(Placement::Present);
        }
        let referenced = &c.key.referenced_table;
        let ref_name = lower(&referenced.name);
        let available = ref_name == lower(&table.name)
            || self.created.contains(&ref_name)
            || self.exists(referenced).await?;
        if available {
            return Ok(if info.exists {
                Placement::Add
            } else {
                Placement::Inline
            });
        }
        if still_to_come.contains(&ref_name) {
            // A cycle: the referenced table is created after this one.
            return Ok(if !info.exists && !self.can_add(table, &c.key) {
                Placement::Inline
            } else {
                Placement::Later
            });
        }
        Ok(Placement::Skip(format!(
            "the referenced table `{}` does not exist; migrate its model too (or first)",
            referenced.name
        )))
    }
}

/// Whether the table already has the constraint: by name, or the same columns
/// referencing the same table.
fn present(info: &TableInfo, fk: &ForeignKeySchema) -> bool {
    if info.foreign_key(&fk.name).is_some() {
        return true;
    }
    let columns: Vec<&str> = fk.columns.iter().map(|c| c.as_str()).collect();
    info.foreign_keys.iter().any(|f| {
        f.referenced_table
            .as_str()
            .eq_ignore_ascii_case(&fk.referenced_table.name)
            && f.columns.len() == columns.len()
            && f.columns
                .iter()
                .zip(&columns)
                .all(|(a, b)| a.as_str().eq_ignore_ascii_case(b))
    })
}
