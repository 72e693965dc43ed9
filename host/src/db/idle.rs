//! Statements a guard owes its connection (a lock's release, a setting's restore), run
//! once no transaction is open on it, also when the guard is dropped mid-way.

use std::{sync::Arc, time::Duration};

use plugorm_plugin_api::{Connection, DbError, DbResult, Sql};

/// How long [`once_idle`] waits for a dropped transaction's rollback.
const IDLE_WAIT: Duration = Duration::from_secs(30);

/// Returns once `conn` holds no transaction. A transaction dropped by a cancelled
/// operation rolls back in the background, and a statement sent before it ends would land
/// inside it, aborted or about to be; so this waits until a transaction of its own can
/// begin (and ends it), which is once the old one has ended.
pub(crate) async fn once_idle(conn: &Arc<dyn Connection>) -> DbResult<()> {
    let started = std::time::Instant::now();
    loop {
        match conn.begin().await {
            Ok(tx) => return tx.commit().await,
            Err(DbError::TransactionAlreadyOpen) if started.elapsed() < IDLE_WAIT => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Runs `statements` on `conn`, in order, once it holds no transaction.
pub(crate) async fn run_once_idle(
    conn: &Arc<dyn Connection>,
    statements: Vec<Sql>,
) -> DbResult<()> {
    once_idle(conn).await?;
    for sql in statements {
        conn.execute(sql).await?;
    }
    Ok(())
}

/// From a guard's `Drop`: runs `statements` on `conn` in the background once the dropped
/// operation's transaction has ended there, logging a failure as `what`. Outside a Tokio
/// runtime nothing can run, and the warning says so.
pub(crate) fn spawn_once_idle(conn: Arc<dyn Connection>, statements: Vec<Sql>, what: &'static str) {
    match tokio::runtime::Handle::try_current() {
        Ok(rt) => {
            rt.spawn(async move {
                if let Err(e) = run_once_idle(&conn, statements).await {
                    tracing::warn!(target: "plugorm", error = %e, "{what} failed");
                }
            });
        }
        Err(_) => tracing::warn!(
            target: "plugorm",
            "{what}: dropped outside a Tokio runtime, it happens only when the connection closes"
        ),
    }
}
