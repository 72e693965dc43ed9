//! The statement pass: the callbacks placed before [`steps::STATEMENT`] see each
//! statement tree right before it is rendered, complete (an INSERT with its rows), and
//! may rewrite and route it. Nothing is done when none is registered.
//!
//! [`steps::STATEMENT`]: plugorm_plugin_api::steps::STATEMENT

use plugorm_plugin_api::{feature::setting, statement::Statement, CallbackContext};

use super::{Conn, Db};
use crate::{callbacks::statement::processor_of, Error, Result};

impl Db {
    /// Runs the statement callbacks of `stmt`'s kind (`reads`: it returns rows). `None`
    /// when none is registered: run the statement here as it is. Otherwise the handle it
    /// runs on — routed by [`setting::POOL`], or fanned out by [`setting::FAN_OUT`] (a
    /// SELECT only) — and the statement as the callbacks left it.
    pub(crate) fn statement_pass(
        &self,
        stmt: &Statement,
        reads: bool,
    ) -> Result<Option<(Db, Statement)>> {
        // The tables of a fanned-out read were chosen already.
        if matches!(self.conn, Conn::FanOut(_)) {
            return Ok(None);
        }
        let processor = processor_of(stmt, reads);
        let Some(steps) = self.shared.callbacks.statement_steps(processor) else {
            return Ok(None);
        };
        let mut ctx = CallbackContext {
            processor,
            statement: stmt.clone(),
            schema: None.into(),
            settings: self.callback_settings(false).into(),
        };
        for (_, cb) in steps.iter() {
            cb.call(&mut ctx)?;
        }
        let db = if let Some(targets) = ctx.setting(setting::FAN_OUT) {
            if !(reads && matches!(ctx.statement, Statement::Select(_))) {
                return Err(Error::Callback(format!(
                    "a callback fanned a {} statement out to several tables (`{}`): only a \
                     SELECT fans out",
                    processor.name(),
                    setting::FAN_OUT
                )));
            }
            self.fan_out_to(targets)?
        } else if let Some(pools) = ctx.setting(setting::POOL) {
            self.route_to(pools)?
        } else {
            self.clone()
        };
        Ok(Some((db, ctx.statement)))
    }
}
