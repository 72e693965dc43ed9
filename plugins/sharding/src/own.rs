//! The database a statement belongs to: its own pool's id (the `orm:database_pool`
//! setting) and URL, so that a shard in `databases` naming that same database runs on the
//! database's own pool, inside its transactions too.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use plugorm_plugin_api::{host::Host, setting, CallbackContext};

use crate::group::OwnPool;

/// Finds a statement's own pool, remembering each pool's label.
pub(crate) struct OwnPools {
    host: Host,
    labels: Mutex<HashMap<u64, Option<String>>>,
}

impl OwnPools {
    pub(crate) fn new(host: &Host) -> Arc<OwnPools> {
        Arc::new(OwnPools {
            host: host.clone(),
            labels: Mutex::default(),
        })
    }

    /// The own pool of the statement `ctx` is about.
    pub(crate) fn of(&self, ctx: &CallbackContext<'_>) -> OwnPool {
        let id = ctx
            .setting(setting::DATABASE_POOL)
            .and_then(|v| v.parse().ok())
            .unwrap_or_default();
        let mut labels = match self.labels.lock() {
            Ok(l) => l,
            Err(poisoned) => poisoned.into_inner(),
        };
        let label = labels
            .entry(id)
            .or_insert_with(|| {
                self.host
                    .pools()
                    .into_iter()
                    .find(|p| p.id == id)
                    .map(|p| p.label)
            })
            .clone();
        OwnPool { id, label }
    }
}
