//! Running one operation through its processor's chain.
//!
//! [`ChainRun::drive`] walks the compiled chain once, in order: it runs plugin and user
//! callbacks itself, opens and closes the default transaction
//! ([`BuiltinStep::BeginTransaction`], [`BuiltinStep::CommitOrRollback`]), and hands every
//! other built-in step, typed, to the [`Operation`], which knows what `Create` or
//! `BeforeUpdate` means for its model. Like GORM, once an error is recorded the remaining
//! steps are skipped, except the one that commits or rolls back, and the first error is
//! the one reported.

mod operation;
pub(crate) mod soft_delete;

pub(crate) use operation::{Execute, Fetch, Operation, Stage};

use std::sync::Arc;

use plugorm_plugin_api::{
    feature::setting, schema::ModelSchema, statement::Statement, steps::BuiltinStep, Callback,
    CallbackContext, Processor, Setting,
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
            self.ctx.settings = settings(&self.db, self.unscoped).into();
        }
        cb.call(&mut self.ctx).map_err(Error::from)
    }

    /// Runs the whole chain with `op` performing the built-in steps; the handle the run
    /// ended on, or the first error.
    pub async fn drive<O: Operation>(mut self, op: &mut O) -> Result<Db> {
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
        self.finish().await
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
        if s.skip_default_transaction || s.dry_run || self.db.in_transaction() {
            return;
        }
        match self.db.begin().await {
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

/// What the callbacks of one run may read: the session's now, and the unscoped and
/// global-update switches when on.
fn settings(db: &Db, unscoped: bool) -> Vec<Setting> {
    let mut settings = vec![Setting {
        key: setting::NOW_MICROS.into(),
        value: db.session.now().timestamp_micros().to_string().into(),
    }];
    if unscoped {
        settings.push(Setting {
            key: setting::UNSCOPED.into(),
            value: "true".into(),
        });
    }
    if db.session.allow_global_update {
        settings.push(Setting {
            key: setting::ALLOW_GLOBAL_UPDATE.into(),
            value: "true".into(),
        });
    }
    settings
}
