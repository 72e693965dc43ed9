//! [`Operation`]: what a query or write does at the built-in steps of its chain, and the
//! two operations most statements need ([`Execute`], [`Fetch`]).

use plugorm_plugin_api::{statement::Statement, steps::BuiltinStep, Rows};

use crate::{db::Db, Result};

/// What a built-in step works on: the handle (inside the default transaction once it
/// began) and the statement as the callbacks before it left it.
pub(crate) struct Stage<'a> {
    pub db: &'a Db,
    pub statement: &'a mut Statement,
}

/// The built-in steps of one operation. [`super::ChainRun::drive`] calls `step` for each
/// built-in step of the chain, in chain order, until an error is recorded; a step the
/// operation has nothing to do at returns `Ok(())`.
pub(crate) trait Operation {
    async fn step(&mut self, step: BuiltinStep, stage: Stage<'_>) -> Result<()>;

    /// The rows the operation wrote or read, for observers (0 when it does not count).
    fn rows(&self) -> u64 {
        0
    }
}

/// Runs the statement at its step (INSERT, UPDATE, DELETE) and counts the rows affected.
#[derive(Default)]
pub(crate) struct Execute {
    pub affected: u64,
}

impl Operation for Execute {
    async fn step(&mut self, step: BuiltinStep, stage: Stage<'_>) -> Result<()> {
        if step.runs_statement() {
            self.affected = stage
                .db
                .execute_statement(stage.statement)
                .await?
                .rows_affected;
        }
        Ok(())
    }

    fn rows(&self) -> u64 {
        self.affected
    }
}

/// Runs the statement at its step and keeps the rows it returned.
#[derive(Default)]
pub(crate) struct Fetch {
    pub rows: Rows,
}

impl Operation for Fetch {
    async fn step(&mut self, step: BuiltinStep, stage: Stage<'_>) -> Result<()> {
        if step.runs_statement() {
            self.rows = stage.db.query_statement(stage.statement).await?;
        }
        Ok(())
    }

    fn rows(&self) -> u64 {
        self.rows.len() as u64
    }
}
