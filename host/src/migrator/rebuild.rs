//! Table rebuilds: a change the dialect cannot make with `ALTER TABLE` (SQLite's ALTER
//! COLUMN, ADD / DROP CONSTRAINT) is made by rebuilding the table, when the dialect
//! rebuilds tables (GORM's sqlite migrator does the same).
//!
//! The host reads the table's stored definition and those of its indexes and triggers
//! ([`Ddl::TableDefinition`]), has the dialect render the rebuild ([`Ddl::RebuildTable`]:
//! create the changed table under another name, copy every row, drop the old table,
//! rename), and runs it on a connection of its own:
//!
//! 1. the dialect's session statements (SQLite: foreign keys off, which it can only turn
//!    off outside a transaction: dropping the old table would otherwise fire the `ON
//!    DELETE` actions of the tables referencing it);
//! 2. one transaction: the rebuild, the indexes and triggers again, and a foreign key
//!    check ([`Ddl::ForeignKeyViolations`]): a row that would break a constraint rolls
//!    everything back;
//! 3. the session statements that turn foreign keys back on, also when the operation
//!    fails or is dropped mid-way (after the dropped transaction's rollback).

use std::sync::Arc;

use plugorm_plugin_api::{
    migrate::{Ddl, TableChange},
    statement::TableRef,
    Connection, DbError, DbResult, Sql,
};

use super::{context::with_context, table_label, MigrationReport, Migrator};
use crate::{Error, Result};

impl Migrator {
    /// Runs `in_place`, or, when the dialect refuses it but rebuilds tables, rebuilds
    /// `table` with `change` instead. A dialect that does neither gives back its refusal.
    pub(super) async fn change_table(
        &self,
        table: &TableRef,
        in_place: &Ddl,
        change: TableChange,
        what: &str,
        report: &mut MigrationReport,
    ) -> Result<()> {
        let refusal = match self.render_step(in_place, what) {
            Ok(statements) => return self.execute_step(statements, what, report).await,
            Err(e @ Error::Db(DbError::Unsupported(_))) => e,
            Err(e) => return Err(e),
        };
        if !self.rebuilds_tables(table) {
            return Err(refusal);
        }
        self.rebuild(table, change, what, report).await
    }

    /// Whether the dialect rebuilds tables (it renders their definition's read).
    pub(super) fn rebuilds_tables(&self, table: &TableRef) -> bool {
        let read = Ddl::TableDefinition {
            table: table.clone(),
        };
        self.db.dialect().render_ddl(&read).is_ok()
    }

    /// Rebuilds `table` with `change`, keeping every row (see the module's steps).
    async fn rebuild(
        &self,
        table: &TableRef,
        change: TableChange,
        what: &str,
        report: &mut MigrationReport,
    ) -> Result<()> {
        let label = table_label(table);
        let stored = self.stored_definition(table, what).await?;
        // Dropping the table drops its indexes and triggers: they come back as stored.
        let statements = self.render_step(
            &Ddl::RebuildTable {
                table: table.clone(),
                definition: stored.table.into(),
                dependents: stored.dependents.into_iter().map(Into::into).collect(),
                change,
            },
            what,
        )?;
        let enter = self.render_step(&Ddl::RebuildSession { enter: true }, what)?;
        let leave = self.render_step(&Ddl::RebuildSession { enter: false }, what)?;
        report.rebuilt_tables.push(label.clone());
        if self.plan_only {
            let all = enter.iter().chain(&statements).chain(&leave);
            report
                .statements
                .extend(all.map(|sql| sql.text.to_string()));
            return Ok(());
        }
        if self.db.in_transaction() {
            return Err(with_context(
                DbError::Unsupported(format!(
                    "rebuilding table `{label}` needs a connection of its own with foreign keys \
                     turned off, which cannot be done inside a transaction: run it outside one"
                ))
                .into(),
                what,
            ));
        }
        let violations = self.render_step(
            &Ddl::ForeignKeyViolations {
                table: table.clone(),
            },
            what,
        )?;
        let conn = self.db.pool().acquire().await?;
        let session = Session::enter(conn, enter, leave, report)
            .await
            .map_err(|e| with_context(e.into(), what))?;
        let outcome = self
            .rebuild_in_transaction(&session.conn, statements, violations, &label, report)
            .await;
        let left = session.leave(report).await;
        outcome.map_err(|e| with_context(e, what))?;
        left.map_err(|e| with_context(e.into(), what))
    }

    /// The stored definitions of `table` and of its indexes and triggers.
    async fn stored_definition(&self, table: &TableRef, what: &str) -> Result<Stored> {
        let rows = self
            .read(
                &Ddl::TableDefinition {
                    table: table.clone(),
                },
                what,
            )
            .await?;
        let mut found = None;
        let mut dependents = Vec::new();
        for row in rows.iter() {
            let read = |i| row.get_at::<String>(i).map_err(Error::from);
            let (kind, sql) = (read(0)?, read(2)?);
            if kind.eq_ignore_ascii_case("table") {
                found = Some(sql);
            } else {
                dependents.push(sql);
            }
        }
        let table_sql = found.ok_or_else(|| {
            with_context(
                DbError::Other(format!("table `{}` does not exist", table_label(table))).into(),
                what,
            )
        })?;
        Ok(Stored {
            table: table_sql,
            dependents,
        })
    }

    /// The rebuild's transaction on `conn`: the statements, then the foreign key check;
    /// committed only when no row breaks a constraint.
    async fn rebuild_in_transaction(
        &self,
        conn: &Arc<dyn Connection>,
        statements: Vec<Sql>,
        mut violations: Vec<Sql>,
        label: &str,
        report: &mut MigrationReport,
    ) -> Result<()> {
        let tx = conn.begin().await?;
        let db = self.db.bind_tx(Arc::clone(&tx));
        let mut ran = Vec::with_capacity(statements.len());
        for sql in statements {
            ran.push(sql.text.to_string());
            if let Err(e) = db.execute_sql(sql).await {
                rollback(&tx).await;
                return Err(e);
            }
        }
        let broken = match violations.pop() {
            Some(check) => match db.query_sql(check).await {
                Ok(rows) => rows,
                Err(e) => {
                    rollback(&tx).await;
                    return Err(e);
                }
            },
            None => Default::default(),
        };
        if !broken.is_empty() {
            rollback(&tx).await;
            let first: Vec<String> = broken
                .iter()
                .take(3)
                .map(|row| {
                    let child = row.get_at::<String>(0).unwrap_or_default();
                    let rowid = row.get_at::<i64>(1).unwrap_or_default();
                    let parent = row.get_at::<String>(2).unwrap_or_default();
                    format!("`{child}` row {rowid} → `{parent}`")
                })
                .collect();
            return Err(Error::Db(DbError::ForeignKeyViolation {
                constraint: None,
                message: format!(
                    "rebuilding table `{label}` would leave {} row(s) breaking a foreign key \
                     ({}); nothing was changed",
                    broken.len(),
                    first.join(", ")
                ),
            }));
        }
        tx.commit().await?;
        report.statements.extend(ran);
        Ok(())
    }
}

/// Rolls back a failed rebuild, keeping the first error the one reported.
async fn rollback(tx: &Arc<dyn plugorm_plugin_api::Transaction>) {
    if let Err(e) = tx.rollback().await {
        tracing::warn!(target: "plugorm::migrator", error = %e, "rolling back a failed table rebuild failed");
    }
}

/// What [`Ddl::TableDefinition`] read.
struct Stored {
    /// The table's `CREATE TABLE`.
    table: String,
    /// Its indexes' and triggers' `CREATE` statements.
    dependents: Vec<String>,
}

/// The rebuild's connection with the dialect's session statements run on it; the leaving
/// statements run when [`Session::leave`] is called or, when the operation is dropped
/// mid-way, in the background once the dropped transaction has rolled back.
struct Session {
    conn: Arc<dyn Connection>,
    leave: Option<Vec<Sql>>,
}

impl Session {
    async fn enter(
        conn: Arc<dyn Connection>,
        enter: Vec<Sql>,
        leave: Vec<Sql>,
        report: &mut MigrationReport,
    ) -> DbResult<Session> {
        // Armed first: a failure or a drop half-way through still restores the settings.
        let mut session = Session {
            conn,
            leave: Some(leave),
        };
        for sql in enter {
            let text = sql.text.to_string();
            if let Err(e) = session.conn.execute(sql).await {
                if let Some(leave) = session.leave.take() {
                    crate::db::run_once_idle(&session.conn, leave).await?;
                }
                return Err(e);
            }
            report.statements.push(text);
        }
        Ok(session)
    }

    async fn leave(mut self, report: &mut MigrationReport) -> DbResult<()> {
        let Some(leave) = self.leave.take() else {
            return Ok(());
        };
        report
            .statements
            .extend(leave.iter().map(|sql| sql.text.to_string()));
        crate::db::run_once_idle(&self.conn, leave).await
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(leave) = self.leave.take() {
            crate::db::spawn_once_idle(
                Arc::clone(&self.conn),
                leave,
                "restoring the connection of a dropped table rebuild",
            );
        }
    }
}
