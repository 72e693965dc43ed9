//! Where a statement runs: the settings the callbacks of a run read, the routing choice
//! they leave in [`setting::POOL`], and the routing pass for what runs outside a chain of
//! its own (`BEGIN`, a stream of raw rows).
//!
//! The chain (`crate::chain`) calls these for every operation; they live with the handle
//! because a handle bound to a route is what they produce.

use plugorm_plugin_api::{
    feature::setting,
    host::PoolId,
    statement::{RawSql, Statement},
    target::{parse_targets, TableTarget},
    CallbackContext, Processor, Setting,
};

use super::Db;
use crate::{callbacks::Handler, services::route::Route, Error, Result};

impl Db {
    /// What the callbacks of one run may read: the session's now, the database's own
    /// pool, whether it runs in a transaction, the unscoped and global-update switches
    /// when on, and the session's plugin settings.
    pub(crate) fn callback_settings(&self, unscoped: bool) -> Vec<Setting> {
        let flag = |key: &str| Setting {
            key: key.into(),
            value: "true".into(),
        };
        let mut settings = vec![
            Setting {
                key: setting::NOW_MICROS.into(),
                value: self.session.now().timestamp_micros().to_string().into(),
            },
            Setting {
                key: setting::DATABASE_POOL.into(),
                value: self.shared.pool_id.to_string().into(),
            },
        ];
        if self.in_transaction() {
            settings.push(flag(setting::IN_TRANSACTION));
        }
        if unscoped {
            settings.push(flag(setting::UNSCOPED));
        }
        if self.session.allow_global_update {
            settings.push(flag(setting::ALLOW_GLOBAL_UPDATE));
        }
        for (key, value) in &self.session.plugin_settings {
            settings.push(Setting {
                key: key.as_str().into(),
                value: value.as_str().into(),
            });
        }
        settings
    }

    /// Refuses a [`Db::plugin_setting`] no loaded plugin can read: its namespace (the
    /// text before `:`) names no callback of this database.
    pub(crate) fn check_plugin_settings(&self) -> Result<()> {
        for (key, _) in &self.session.plugin_settings {
            let namespace = key.split_once(':').map_or(key.as_str(), |(ns, _)| ns);
            if !self.shared.callbacks.has_namespace(namespace) {
                return Err(Error::Callback(format!(
                    "the setting `{key}` is for plugin `{namespace}`, which has no callback \
                     on this database: load and enable it in plugins.toml, or drop the setting"
                )));
            }
        }
        Ok(())
    }

    /// This handle with its statements sent to the pools a [`setting::POOL`] value
    /// names (`"7"` or `"7,3"`); inside a transaction, this handle unchanged. An id no
    /// pool of the database's registry has, or text that is no list of ids, is the
    /// callback's error.
    pub(crate) fn route_to(&self, value: &str) -> Result<Db> {
        if self.in_transaction() {
            return Ok(self.clone());
        }
        let pools = value
            .split(',')
            .map(|part| {
                let id: u64 = part.trim().parse().map_err(|_| {
                    Error::Callback(format!(
                        "a callback routed the statement to `{value}`, which is no list of \
                         pool ids (`{}` takes ids the host returned, as `7` or `7,3`)",
                        setting::POOL
                    ))
                })?;
                let pool = self.shared.services.pool(id).ok_or_else(|| {
                    Error::Callback(format!(
                        "a callback routed the statement to pool {id}, which this database's \
                         registry does not run (closed, or opened by another registry)"
                    ))
                })?;
                Ok((id, pool))
            })
            .collect::<Result<Vec<_>>>()?;
        let route = Route::new(pools)
            .ok_or_else(|| Error::Callback("a callback routed the statement nowhere".into()))?;
        Ok(self.routed(route))
    }

    /// This handle on pool `pool`: routed there, or inside a transaction this handle
    /// when the transaction is on that pool (and the callback's error otherwise: `what`
    /// says what needed it).
    pub(crate) fn on_pool(&self, pool: PoolId, what: &str) -> Result<Db> {
        if !self.in_transaction() {
            return self.route_to(&pool.to_string());
        }
        let own = self.pool_id();
        if pool != own {
            return Err(Error::Callback(format!(
                "{what} is on pool {pool}, which the transaction (on pool {own}) cannot \
                 reach: run it outside the transaction"
            )));
        }
        Ok(self.clone())
    }

    /// Runs only the plugin and user callbacks of `processor` on `statement` (with
    /// `extra` among the settings), then routes: the handle the statement should run
    /// on, and the statement as the callbacks left it.
    pub(crate) fn route_only(
        &self,
        processor: Processor,
        statement: Statement,
        extra: Option<(&str, &str)>,
    ) -> Result<(Db, Statement)> {
        let ctx = self.callbacks_only(processor, statement, extra)?;
        let db = match ctx.setting(setting::POOL) {
            Some(value) => self.route_to(value)?,
            None => self.clone(),
        };
        Ok((db, ctx.statement))
    }

    /// Where AutoMigrate creates `table`: the targets the Raw chain's callbacks answer
    /// to [`setting::MIGRATE_TABLE`] with, or `None` when none spreads it.
    pub(crate) fn migrate_targets(&self, table: &str) -> Result<Option<Vec<TableTarget>>> {
        let ask = Statement::Raw(RawSql::new("-- AutoMigrate", []));
        let ctx =
            self.callbacks_only(Processor::Raw, ask, Some((setting::MIGRATE_TABLE, table)))?;
        let Some(value) = ctx.setting(setting::MIGRATE_TARGETS) else {
            return Ok(None);
        };
        let targets = parse_targets(value).map_err(|e| {
            Error::Callback(format!(
                "a callback answered where table `{table}` lives with `{value}` (`{}`): {e}",
                setting::MIGRATE_TARGETS
            ))
        })?;
        Ok(Some(targets))
    }

    /// Runs only the plugin and user callbacks of `processor` on `statement`, with
    /// `extra` among the settings; what they left.
    fn callbacks_only(
        &self,
        processor: Processor,
        statement: Statement,
        extra: Option<(&str, &str)>,
    ) -> Result<CallbackContext<'static>> {
        self.check_plugin_settings()?;
        let steps = self.shared.callbacks.chain(processor);
        let mut ctx = CallbackContext {
            processor,
            statement,
            schema: None.into(),
            settings: Default::default(),
        };
        for step in steps.iter() {
            let Handler::Callback(cb) = &step.handler else {
                continue;
            };
            if ctx.settings.is_empty() {
                ctx.settings = self.callback_settings(false).into();
                if let Some((key, value)) = extra {
                    ctx.set(key, value);
                }
            }
            cb.call(&mut ctx)?;
        }
        Ok(ctx)
    }

    /// The handle a transaction begins on: where the Raw chain's routers send a `BEGIN`
    /// ([`setting::BEGIN`]), or the database's own pool.
    pub(crate) fn route_begin(&self) -> Result<Db> {
        let begin = Statement::Raw(RawSql::new("BEGIN", []));
        let (db, _) = self.route_only(Processor::Raw, begin, Some((setting::BEGIN, "true")))?;
        Ok(db)
    }
}
