//! Running one operation through its processor's chain.
//!
//! [`ChainRun::drive`] walks the compiled chain once, in order: it runs plugin and user
//! callbacks itself, opens and closes the default transaction
//! ([`BuiltinStep::BeginTransaction`], [`BuiltinStep::CommitOrRollback`]), and hands every
//! other built-in step, typed, to the [`Operation`], which knows what `Create` or
//! `BeforeUpdate` means for its model. Like GORM, once an error is recorded the remaining
//! steps are skipped, except the one that commits or rolls back, and the first error is
//! the one reported.

mod observe;
mod operation;
pub(crate) mod soft_delete;

pub(crate) use operation::{Execute, Fetch, Operation, Stage};

use std::{sync::Arc, time::Instant};

use plugorm_plugin_api::{
    feature::setting, schema::ModelSchema, statement::Statement, steps::BuiltinStep, Callback,
    CallbackContext, Processor,
};

use crate::{
    callbacks::{Handler, Step},
    db::Db,
    Error, Result, Tx,
};

/// The state of one operation as it runs through its chain.
pub(crate) struct ChainRun {
    steps: Arc<Vec<Step>>,
    /// The handle statements run on (bound to the default transaction once it began).
    db: Db,
    ctx: CallbackContext<'static>,
    unscoped: bool,
    error: Option<Error>,
    started: Option<Tx>,
}

impl ChainRun {
    /// Starts a run of `processor` for a statement about `schema`. The settings the
    /// callbacks read are built when the first callback runs: a chain of built-in steps
    /// alone (the usual one) allocates nothing for them.
    pub fn start(
        db: &Db,
        processor: Processor,
        schema: Option<&'static ModelSchema>,
        statement: Statement,
        unscoped: bool,
    ) -> ChainRun {
        ChainRun {
            steps: db.shared.callbacks.chain(processor),
            db: db.clone(),
            ctx: CallbackContext {
                processor,
                statement,
                schema: schema.into(),
                settings: Default::default(),
            },
            unscoped,
            error: None,
            started: None,
        }
    }

    /// Runs a plugin or user callback, with the settings it may read.
    fn call(&mut self, cb: &Arc<dyn Callback>) -> Result<()> {
        // Built settings always hold the session's now, so empty means not built yet.
        if self.ctx.settings.is_empty() {
            self.ctx.settings = self.db.callback_settings(self.unscoped).into();
        }
        cb.call(&mut self.ctx).map_err(Error::from)
    }

    /// Sends the statements of the steps to come where a routing callback chose
    /// ([`setting::POOL`]); nothing changes inside a transaction.
    fn route(&mut self) -> Result<()> {
        if let Some(value) = self.ctx.setting(setting::FAN_OUT) {
            if !matches!(self.ctx.processor, Processor::Query | Processor::Row) {
                return Err(Error::Callback(format!(
                    "a callback fanned a {} statement out to several tables (`{}`): only \
                     reads fan out",
                    self.ctx.processor.name(),
                    setting::FAN_OUT
                )));
            }
            self.db = self.db.fan_out_to(value)?;
            return Ok(());
        }
        let Some(value) = self.ctx.setting(setting::POOL) else {
            return Ok(());
        };
        self.db = self.db.route_to(value)?;
        Ok(())
    }

    /// Runs the whole chain with `op` performing the built-in steps; the handle the run
    /// ended on, or the first error. Observers of the database see the outcome.
    pub async fn drive<O: Operation>(mut self, op: &mut O) -> Result<Db> {
        let started = (!self.db.shared.observers.is_empty()).then(Instant::now);
        if !self.db.session.plugin_settings.is_empty() {
            let r = self.db.check_plugin_settings();
            self.record(r);
        }
        self.run_steps(op).await;
        self.finish_transaction().await;
        if let Some(started) = started {
            observe::operation(
                &self.db,
                self.ctx.processor,
                &self.ctx.statement,
                started,
                op.rows(),
                self.error.as_ref(),
            );
        }
        self.finish().await
    }

    async fn run_steps<O: Operation>(&mut self, op: &mut O) {
        // The chain is shared and immutable: borrow its steps rather than cloning each.
        let steps = Arc::clone(&self.steps);
        for step in steps.iter() {
            match &step.handler {
                Handler::Callback(cb) => {
                    if self.error.is_none() {
                        let r = self.call(cb);
                        self.record(r);
                    }
                }
                Handler::Builtin => match BuiltinStep::from_name(&step.name) {
                    Some(BuiltinStep::BeginTransaction) => {
                        if self.error.is_none() {
                            self.begin().await;
                        }
                    }
                    Some(BuiltinStep::CommitOrRollback) => self.finish_transaction().await,
                    Some(builtin) => {
                        if self.error.is_none() && builtin.runs_statement() {
                            let r = self.route();
                            self.record(r);
                        }
                        if self.error.is_none() {
                            let stage = Stage {
                                db: &self.db,
                                statement: &mut self.ctx.statement,
                            };
                            let r = op.step(builtin, stage).await;
                            self.record(r);
                        }
                    }
                    // The chain only compiles registered names; a built-in handler under
                    // another name is a host defect, reported rather than skipped.
                    None => self.record(Err(Error::Callback(format!(
                        "`{}` is no built-in step of the host",
                        step.name
                    )))),
                },
            }
        }
    }

    /// Records the outcome of a step: the first error is the one kept.
    fn record(&mut self, r: Result<()>) {
        if let Err(e) = r {
            if self.error.is_none() {
                self.error = Some(e);
            }
        }
    }

    async fn begin(&mut self) {
        let s = &self.db.session;
        if s.skip_default_transaction
            || s.dry_run
            || self.db.in_transaction()
            || self.ctx.flag(setting::SKIP_DEFAULT_TRANSACTION)
        {
            return;
        }
        // The callbacks before this step may have routed the operation: its default
        // transaction begins there.
        if let Err(e) = self.route() {
            self.error = Some(e);
            return;
        }
        match self.db.begin_here().await {
            Ok(tx) => {
                self.db = tx.db().clone();
                self.started = Some(tx);
            }
            Err(e) => self.error = Some(e),
        }
    }

    async fn finish_transaction(&mut self) {
        let Some(tx) = self.started.take() else {
            return;
        };
        let r = if self.error.is_some() {
            tx.rollback().await
        } else {
            tx.commit().await
        };
        self.record(r);
    }

    /// Ends the run: a transaction still open (its closing step was removed) is closed,
    /// and the first error, if any, is returned.
    async fn finish(mut self) -> Result<Db> {
        self.finish_transaction().await;
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(self.db),
        }
    }
}

/// Runs only the plugin and user callbacks of a processor on a statement (sub-queries:
/// built now, executed as part of another statement).
pub(crate) fn apply_callbacks(
    db: &Db,
    processor: Processor,
    schema: Option<&'static ModelSchema>,
    statement: Statement,
    unscoped: bool,
) -> Result<Statement> {
    let mut run = ChainRun::start(db, processor, schema, statement, unscoped);
    let steps = Arc::clone(&run.steps);
    for step in steps.iter() {
        if let Handler::Callback(cb) = &step.handler {
            run.call(cb)?;
        }
    }
    Ok(run.ctx.statement)
}
