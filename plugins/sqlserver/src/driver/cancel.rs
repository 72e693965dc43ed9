//! Stopping a statement from outside its connection.
//!
//! TDS stops a request with an *attention* sent on the request's own connection, which
//! tiberius only sends while it holds the connection (`cancel_query`), never from
//! another task while a statement is running. The remaining server-side way is `KILL
//! <session>` from a connection of its own: it ends the whole session (the statement
//! fails, an open transaction rolls back, the connection is closed by the pool), which
//! suits a caller that went away. `KILL` needs the `ALTER ANY CONNECTION` permission;
//! without it the server refuses (error 6102), the statement runs to its end as it
//! would with no canceller, and the pool stops trying.

use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};

use plugorm_plugin_api::kit::{
    driver::{cancel_request, CancelFuture},
    Cancel,
};

use super::{conn, login};
use crate::{error::translate, url::Settings};

/// The `KILL` of one session.
pub(crate) struct Kill {
    settings: Arc<Settings>,
    session: i64,
    /// Shared by a pool's connections: false once the server refused a `KILL`.
    may_kill: Arc<AtomicBool>,
    /// The session was killed: the connection must not serve again.
    killed: Arc<AtomicBool>,
}

impl Kill {
    pub(super) fn new(settings: Arc<Settings>, session: i64, may_kill: Arc<AtomicBool>) -> Kill {
        Kill {
            settings,
            session,
            may_kill,
            killed: Arc::new(AtomicBool::new(false)),
        }
    }

    /// True once a `KILL` of this session went through.
    pub(crate) fn killed(&self) -> bool {
        self.killed.load(Ordering::Acquire)
    }
}

impl Cancel for Kill {
    fn cancel(&self) -> CancelFuture {
        if !self.may_kill.load(Ordering::Acquire) {
            return Box::pin(async {});
        }
        let settings = self.settings.clone();
        let session = self.session;
        let may_kill = self.may_kill.clone();
        let killed = self.killed.clone();
        let id = u64::try_from(session).unwrap_or(0);
        cancel_request(id, async move {
            let mut client = login(&settings).await?;
            // The id is the server's own integer, not user text.
            let r = conn::kill(&mut client, session).await;
            let _ = client.close().await;
            match r {
                Ok(()) => {
                    killed.store(true, Ordering::Release);
                    Ok(())
                }
                Err(e) if e.code() == Some(6102) => {
                    may_kill.store(false, Ordering::Release);
                    tracing::info!(
                        "the login may not KILL sessions (ALTER ANY CONNECTION): abandoned \
                         statements will run to their end"
                    );
                    Ok(())
                }
                Err(e) => Err(translate(e)),
            }
        })
    }
}
