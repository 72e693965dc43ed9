//! [`MigrationRunner`]: applying and rolling back a set of migrations on one database.
//!
//! Every run that changes something takes the lock (`lock.rs`) on a connection of its
//! own, makes the migrations table if needed, reads what is applied, refuses a changed
//! checksum (and, going up, an applied migration no source defines) before anything
//! runs, then runs each migration in a transaction on that connection, recording it (or
//! forgetting it, going down) in the same transaction. PostgreSQL and SQLite have
//! transactional DDL, so a failed migration leaves nothing behind; MySQL and MariaDB
//! commit each DDL statement on their own, so there the statements before the failing
//! one stay applied (and the error says which statement failed).

use std::{collections::BTreeMap, sync::Arc, time::Instant};

use plugorm_plugin_api::{
    kit::{lexer::Lexicon, script::split_script},
    migrate::Ddl,
    Connection, DbError, Sql,
};

use super::{
    lock::LockGuard,
    report::{Direction, MigrationStatus, Progress, Ran, RunReport, State},
    source::Step,
    table::{self, AppliedRow},
    Migration, MigrationError, Migrations, StaleLock,
};
use crate::Db;

/// A progress callback (see [`MigrationRunner::on_progress`]).
type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Runs a [`Migrations`] set on a database: get one with [`Db::migrations`].
///
/// ```no_run
/// # async fn run(db: plugorm::Db) -> Result<(), plugorm::migrations::MigrationError> {
/// use plugorm::migrations::Migrations;
/// let runner = db.migrations(Migrations::from_dir("migrations")?);
/// let report = runner.up().await?;
/// for m in &report.applied {
///     println!("applied {} {} in {:?}", m.version, m.name, m.duration);
/// }
/// runner.down(1).await?;        // roll back the latest
/// for s in runner.status().await? {
///     println!("{} {} {}", s.version, s.name, s.state);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct MigrationRunner {
    db: Db,
    set: Migrations,
    allow_missing: bool,
    progress: Option<ProgressFn>,
}

/// What a run does.
#[derive(Debug, Clone, Copy)]
enum Plan {
    /// Every pending migration up to a version (all of them: `i64::MAX`).
    Up(i64),
    /// Roll back the latest `n` applied.
    Down(usize),
    /// Roll back the latest applied and apply it again.
    Redo,
    /// Apply pending ones up to the version and roll back applied ones above it.
    To(i64),
}

impl MigrationRunner {
    pub(super) fn new(db: Db, set: Migrations) -> MigrationRunner {
        MigrationRunner {
            db,
            set,
            allow_missing: false,
            progress: None,
        }
    }

    /// Lets `up` run although the database has applied migrations that no source
    /// defines (by default refused with [`MigrationError::MissingSources`]).
    pub fn allow_missing(mut self, allow: bool) -> MigrationRunner {
        self.allow_missing = allow;
        self
    }

    /// Calls `f` as each migration starts and finishes (a progress bar's feed).
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db, set: plugorm::migrations::Migrations) -> Result<(), plugorm::migrations::MigrationError> {
    /// db.migrations(set)
    ///     .on_progress(|p| if !p.done { eprintln!("{}/{} {}", p.index + 1, p.total, p.name) })
    ///     .up()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn on_progress(mut self, f: impl Fn(&Progress) + Send + Sync + 'static) -> MigrationRunner {
        self.progress = Some(Arc::new(f));
        self
    }

    /// Applies every pending migration, by ascending version.
    pub async fn up(&self) -> Result<RunReport, MigrationError> {
        self.locked(Plan::Up(i64::MAX)).await
    }

    /// Applies the pending migrations up to `version` (included), which must exist.
    pub async fn up_to(&self, version: i64) -> Result<RunReport, MigrationError> {
        self.known(version)?;
        self.locked(Plan::Up(version)).await
    }

    /// Rolls back the latest `n` applied migrations, latest first.
    pub async fn down(&self, n: usize) -> Result<RunReport, MigrationError> {
        self.locked(Plan::Down(n)).await
    }

    /// Rolls back the latest applied migration and applies it again.
    pub async fn redo(&self) -> Result<RunReport, MigrationError> {
        self.locked(Plan::Redo).await
    }

    /// Brings the database to `version`: applies pending migrations up to it and rolls
    /// back applied ones above it (`0` rolls back everything).
    pub async fn to(&self, version: i64) -> Result<RunReport, MigrationError> {
        if version != 0 {
            self.known(version)?;
        }
        self.locked(Plan::To(version)).await
    }

    /// Every migration of the sources and of the database, by version: applied, pending,
    /// changed (its source's checksum differs) or missing (applied, no source). Takes no
    /// lock and creates nothing.
    pub async fn status(&self) -> Result<Vec<MigrationStatus>, MigrationError> {
        let applied = if self.db.migrator().has_table_named(table::TABLE).await? {
            table::applied(&self.db).await?
        } else {
            Vec::new()
        };
        let applied: BTreeMap<i64, AppliedRow> =
            applied.into_iter().map(|r| (r.version, r)).collect();
        let mut out: BTreeMap<i64, MigrationStatus> = BTreeMap::new();
        for m in self.set.iter() {
            let row = applied.get(&m.version());
            let state = match row {
                None => State::Pending,
                Some(r) if r.checksum == m.checksum() => State::Applied,
                Some(_) => State::Changed,
            };
            out.insert(
                m.version(),
                MigrationStatus {
                    version: m.version(),
                    name: m.name().to_string(),
                    state,
                    applied_at: row.map(|r| r.applied_at),
                },
            );
        }
        for r in applied.values() {
            out.entry(r.version).or_insert_with(|| MigrationStatus {
                version: r.version,
                name: r.name.clone(),
                state: State::Missing,
                applied_at: Some(r.applied_at),
            });
        }
        Ok(out.into_values().collect())
    }

    /// Removes the lock a run left behind when its process was killed outright, and says
    /// whose it was; `None` when there is none. Only a lock row can be left behind (SQLite,
    /// and dialects without an advisory lock): PostgreSQL's and MySQL's locks end with
    /// their connection. Run it only when no migration run is going on: a live run's lock
    /// would be removed too.
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db, set: plugorm::migrations::Migrations) -> Result<(), plugorm::migrations::MigrationError> {
    /// if let Some(stale) = db.migrations(set).unlock().await? {
    ///     println!("removed the lock of {} taken at {}", stale.owner, stale.locked_at);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn unlock(&self) -> Result<Option<StaleLock>, MigrationError> {
        super::lock::remove_row(&self.db).await
    }

    fn known(&self, version: i64) -> Result<(), MigrationError> {
        match self.set.get(version) {
            Some(_) => Ok(()),
            None => Err(MigrationError::UnknownVersion { version }),
        }
    }

    /// Runs `plan` under the lock, releasing it whatever happens (a dropped run releases
    /// it through the guard's `Drop`).
    async fn locked(&self, plan: Plan) -> Result<RunReport, MigrationError> {
        let conn = self.db.pool().acquire().await?;
        let lock = LockGuard::acquire(&self.db, conn).await?;
        let outcome = self.run(lock.conn(), plan).await;
        let released = lock.release().await;
        let report = outcome?;
        released?;
        Ok(report)
    }

    async fn run(
        &self,
        conn: &Arc<dyn Connection>,
        plan: Plan,
    ) -> Result<RunReport, MigrationError> {
        table::ensure_table(&self.db, conn).await?;
        let applied = {
            let tx = conn.begin().await?;
            let rows = table::applied(&self.db.bind_tx(Arc::clone(&tx))).await;
            tx.commit().await?;
            rows?
        };
        self.check(&applied, matches!(plan, Plan::Up(_) | Plan::To(_)))?;
        let steps = self.steps(&applied, plan)?;
        let total = steps.len();
        let mut report = RunReport::default();
        for (index, (direction, m)) in steps.into_iter().enumerate() {
            let mut event = Progress {
                direction,
                version: m.version(),
                name: m.name().to_string(),
                index,
                total,
                done: false,
            };
            self.notify(&event);
            let ran = self.run_one(conn, direction, &m).await?;
            event.done = true;
            self.notify(&event);
            match direction {
                Direction::Up => report.applied.push(ran),
                Direction::Down => report.rolled_back.push(ran),
            }
        }
        Ok(report)
    }

    fn notify(&self, event: &Progress) {
        if let Some(f) = &self.progress {
            f(event);
        }
    }

    /// Refuses a changed checksum, and (going up, unless allowed) applied migrations
    /// that no source defines, before anything runs.
    fn check(&self, applied: &[AppliedRow], going_up: bool) -> Result<(), MigrationError> {
        let mut missing = Vec::new();
        for row in applied {
            match self.set.get(row.version) {
                Some(m) if m.checksum() != row.checksum => {
                    return Err(MigrationError::ChangedChecksum {
                        version: row.version,
                        name: m.name().to_string(),
                        source_name: m.origin().to_string(),
                    })
                }
                Some(_) => {}
                None => missing.push(row.version),
            }
        }
        if going_up && !self.allow_missing && !missing.is_empty() {
            return Err(MigrationError::MissingSources { versions: missing });
        }
        Ok(())
    }

    /// The migrations `plan` runs, in order; a rollback that would reach a migration
    /// without a source or a down step is refused before anything runs.
    fn steps(
        &self,
        applied: &[AppliedRow],
        plan: Plan,
    ) -> Result<Vec<(Direction, Arc<Migration>)>, MigrationError> {
        let is_applied = |v: i64| applied.iter().any(|r| r.version == v);
        let pending = |limit: i64| {
            self.set
                .iter()
                .filter(|m| m.version() <= limit && !is_applied(m.version()))
                .map(|m| (Direction::Up, Arc::clone(m)))
                .collect::<Vec<_>>()
        };
        let rollback = |rows: Vec<&AppliedRow>| -> Result<Vec<_>, MigrationError> {
            rows.into_iter()
                .map(|r| {
                    let m = self
                        .set
                        .get(r.version)
                        .ok_or(MigrationError::NoSource { version: r.version })?;
                    if !m.is_reversible() {
                        return Err(MigrationError::Irreversible {
                            version: m.version(),
                            name: m.name().to_string(),
                        });
                    }
                    Ok((Direction::Down, Arc::clone(m)))
                })
                .collect()
        };
        let latest = |n: usize| applied.iter().rev().take(n).collect::<Vec<_>>();
        Ok(match plan {
            Plan::Up(limit) => pending(limit),
            Plan::Down(n) => rollback(latest(n))?,
            Plan::Redo => {
                let mut steps = rollback(latest(1))?;
                let again: Vec<_> = steps
                    .iter()
                    .map(|(_, m)| (Direction::Up, Arc::clone(m)))
                    .collect();
                steps.extend(again);
                steps
            }
            Plan::To(version) => {
                let above = applied
                    .iter()
                    .rev()
                    .filter(|r| r.version > version)
                    .collect();
                let mut steps = rollback(above)?;
                steps.extend(pending(version));
                steps
            }
        })
    }

    /// Runs one migration in a transaction on `conn`, recording (or forgetting) it in
    /// the same transaction.
    async fn run_one(
        &self,
        conn: &Arc<dyn Connection>,
        direction: Direction,
        m: &Migration,
    ) -> Result<Ran, MigrationError> {
        let step = match direction {
            Direction::Up => m.up(),
            Direction::Down => m.down().ok_or_else(|| MigrationError::Irreversible {
                version: m.version(),
                name: m.name().to_string(),
            })?,
        };
        let tx = conn.begin().await?;
        let db = self.db.bind_tx(Arc::clone(&tx));
        let started = Instant::now();
        if let Err((statement, statements, sql, source)) = self.run_step(&db, step).await {
            let rolled_back = self.db.dialect().capabilities().transactional_ddl;
            if let Err(undo) = tx.rollback().await {
                tracing::warn!(target: "plugorm::migrations", error = %undo, "rolling back a failed migration failed");
            }
            return Err(MigrationError::Failed {
                version: m.version(),
                name: m.name().to_string(),
                statement,
                statements,
                sql,
                rolled_back,
                source: Box::new(source),
            });
        }
        let duration = started.elapsed();
        let bookkeeping = match direction {
            Direction::Up => {
                let row = AppliedRow {
                    version: m.version(),
                    name: m.name().to_string(),
                    checksum: m.checksum().to_string(),
                    applied_at: chrono::Utc::now().naive_utc(),
                    execution_ms: i64::try_from(duration.as_millis()).unwrap_or(i64::MAX),
                };
                table::record(&db, &row).await
            }
            Direction::Down => table::forget(&db, m.version()).await,
        };
        if let Err(e) = bookkeeping {
            let _ = tx.rollback().await;
            return Err(e);
        }
        tx.commit().await?;
        Ok(Ran {
            version: m.version(),
            name: m.name().to_string(),
            duration,
        })
    }

    /// Runs a step's statements one by one; a failure is (1-based statement, count,
    /// its text, error).
    async fn run_step(
        &self,
        db: &Db,
        step: &Step,
    ) -> Result<(), (usize, usize, String, crate::Error)> {
        match step {
            Step::Sql(text) => {
                let statements = split(db, text).map_err(|e| (1, 1, excerpt(text), e))?;
                let count = statements.len();
                for (i, sql) in statements.into_iter().enumerate() {
                    let shown = excerpt(&sql.text);
                    if let Err(e) = db.execute_sql(sql).await {
                        return Err((i + 1, count, shown, e));
                    }
                }
                Ok(())
            }
            Step::Rust(f) => f(db).await.map_err(|e| (1, 1, "<rust>".to_string(), e)),
        }
    }
}

/// A migration file's statements, as the dialect splits a script (its quotes, comments
/// and bodies); standard SQL's reading for a dialect older than that (0.2.4).
fn split(db: &Db, text: &str) -> Result<Vec<Sql>, crate::Error> {
    let op = Ddl::SplitScript { text: text.into() };
    match db.dialect().render_ddl(&op) {
        Err(DbError::Unsupported(_)) => Ok(split_script(text, Lexicon::STANDARD)
            .into_iter()
            .map(|s| Sql::new(s, []))
            .collect()),
        other => Ok(other?),
    }
}

/// A statement's first line, cut to 120 characters, for an error message.
fn excerpt(sql: &str) -> String {
    let line = sql.lines().next().unwrap_or_default();
    let cut: String = line.chars().take(120).collect();
    if cut.len() < sql.len() {
        format!("{cut}…")
    } else {
        cut
    }
}
