//! Running one operation through its processor's chain.
//!
//! [`ChainRun`] walks the compiled chain: it runs plugin and user callbacks itself, opens
//! and closes the default transaction (`orm:begin_transaction`,
//! `orm:commit_or_rollback_transaction`), and hands every other built-in step back to the
//! typed operation, which knows what `orm:create` or `orm:before_update` means for its
//! model. Like GORM, once an error is recorded the remaining steps are skipped, except the
//! one that commits or rolls back.

use std::sync::Arc;

use plugorm_plugin_api::{
    feature::setting, schema::ModelSchema, statement::Statement, CallbackContext, Processor,
    Setting,
};

use crate::{
    callbacks::{names, Handler, Step},
    db::Db,
    Error, Result, Tx,
};

/// The state of one operation as it runs through its chain.
pub(crate) struct ChainRun {
    steps: Arc<Vec<Step>>,
    next: usize,
    /// The handle statements run on (bound to the default transaction once it began).
    pub db: Db,
    pub ctx: CallbackContext<'static>,
    pub error: Option<Error>,
    started: Option<Tx>,
}

impl ChainRun {
    /// Starts a run of `processor` for a statement about `schema`.
    pub fn start(
        db: &Db,
        processor: Processor,
        schema: Option<&'static ModelSchema>,
        statement: Statement,
        unscoped: bool,
    ) -> ChainRun {
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
        ChainRun {
            steps: db.shared.callbacks.chain(processor),
            next: 0,
            db: db.clone(),
            ctx: CallbackContext {
                processor,
                statement,
                schema: schema.into(),
                settings: settings.into(),
            },
            error: None,
            started: None,
        }
    }

    /// The next built-in step the operation must perform, or `None` at the end of the
    /// chain. Callbacks and transaction steps in between are run here.
    pub async fn next_builtin(&mut self) -> Option<&'static str> {
        // The chain is shared and immutable: borrow its steps rather than cloning each.
        let steps = Arc::clone(&self.steps);
        while let Some(step) = steps.get(self.next) {
            self.next += 1;
            match (&step.handler, step.name.as_str()) {
                (Handler::Builtin, names::BEGIN_TRANSACTION) => {
                    if self.error.is_none() {
                        self.begin().await;
                    }
                }
                (Handler::Builtin, names::COMMIT_OR_ROLLBACK) => self.finish_transaction().await,
                (Handler::Builtin, name) => {
                    if self.error.is_none() {
                        if let Some(known) = builtin_name(name) {
                            return Some(known);
                        }
                    }
                }
                (Handler::Callback(cb), _) => {
                    if self.error.is_none() {
                        if let Err(e) = cb.call(&mut self.ctx) {
                            self.error = Some(e.into());
                        }
                    }
                }
            }
        }
        None
    }

    /// Records the outcome of a built-in step.
    pub fn record(&mut self, r: Result<()>) {
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
        if let Err(e) = r {
            if self.error.is_none() {
                self.error = Some(e);
            }
        }
    }

    /// Ends the run: a transaction still open (its closing step was removed) is closed,
    /// and the first error, if any, is returned.
    pub async fn finish(mut self) -> Result<Self> {
        self.finish_transaction().await;
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(self),
        }
    }
}

/// Maps a built-in name to its constant (a removed-then-re-registered name still matches).
fn builtin_name(name: &str) -> Option<&'static str> {
    plugorm_plugin_api::steps::ALL
        .into_iter()
        .find(|n| *n == name)
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
    for step in run.steps.iter() {
        if let Handler::Callback(cb) = &step.handler {
            cb.call(&mut run.ctx)?;
        }
    }
    Ok(run.ctx.statement)
}
