//! The connection: tiberius over tokio's TCP, on the driver kit.
//!
//! The kit supplies the pool, transactions, cancellation plumbing and streaming; this
//! module says how SQL Server opens a connection and `driver/conn.rs` how a statement
//! runs on one.
//!
//! TLS is rustls (tiberius' backend) with ring as the provider (see `tls`). Keys come
//! back through `OUTPUT INSERTED` rows the renderer asks for, so `execute` reports no
//! insert id.

mod cancel;
mod conn;

use std::{
    sync::{atomic::AtomicBool, Arc},
    time::Duration,
};

use plugorm_plugin_api::{
    dialect::PoolOptions,
    kit::{lexer::Lexicon, Driver, KitPool},
    DbError, DbResult, Pool,
};
use tiberius::Client;
use tokio::net::TcpStream;
use tokio_util::compat::{Compat, TokioAsyncWriteCompatExt};

use crate::{
    bind::LEXICON,
    error::{connect_error, translate},
    tls,
    url::{self, Settings},
};

use conn::SqlServerConnection;

/// A tiberius client over tokio's TCP stream.
pub(crate) type TdsClient = Client<Compat<TcpStream>>;

/// Opens a pool of connections to the database `url` names.
///
/// The kit opens the first connection right away, so a refused connection, a failed
/// login or a TLS problem is reported here, prefixed with the server's
/// `host:port/database` (never the password).
pub(crate) async fn open(url: &str, options: PoolOptions) -> DbResult<Arc<dyn Pool>> {
    let settings = Arc::new(url::parse(url)?);
    tls::install_ring();
    let label = settings.label();
    let driver = SqlServerDriver {
        settings,
        may_kill: Arc::new(AtomicBool::new(true)),
    };
    let pool = KitPool::open(driver, options).await.map_err(|e| match e {
        // The driver's own connect errors carry the label already.
        e @ DbError::Connect { .. } => e,
        other => connect_error(&label, other),
    })?;
    tracing::info!(database = %label, "sqlserver pool opened");
    Ok(pool)
}

/// Opens tiberius connections to one server.
struct SqlServerDriver {
    settings: Arc<Settings>,
    /// False once the server refused a `KILL` for lack of permission: cancelling is then
    /// not tried again for this pool (see `cancel`).
    may_kill: Arc<AtomicBool>,
}

impl Driver for SqlServerDriver {
    type Connection = SqlServerConnection;

    async fn connect(&self) -> DbResult<SqlServerConnection> {
        let label = self.settings.label();
        let mut client = login(&self.settings)
            .await
            .map_err(|e| connect_error(&label, e))?;
        let session = conn::session_id(&mut client)
            .await
            .map_err(|e| connect_error(&label, e))?;
        Ok(SqlServerConnection::new(
            client,
            cancel::Kill::new(self.settings.clone(), session, self.may_kill.clone()),
        ))
    }

    /// A server ends idle sessions (restarts, failovers, an administrator's `KILL`): a
    /// connection idle for a second is pinged before it serves a statement.
    fn check_after_idle(&self) -> Option<Duration> {
        Some(Duration::from_secs(1))
    }

    /// `SAVE TRANSACTION [sp1]`: brackets quote whatever `QUOTED_IDENTIFIER` says.
    fn quote_savepoint(&self, name: &str) -> String {
        format!("[{}]", name.replace(']', "]]"))
    }

    fn begin_sql(&self) -> &'static str {
        "BEGIN TRANSACTION"
    }

    /// `[bracketed]` names and nested comments, for the kit's reading of a statement's
    /// leading keyword.
    fn lexicon(&self) -> Lexicon {
        LEXICON
    }
}

/// Opens a TCP connection and logs in, within the URL's `connect_timeout`; follows one
/// redirect to another server (Azure SQL's gateway sends clients to the database's node).
pub(crate) async fn login(settings: &Settings) -> DbResult<TdsClient> {
    let attempt = async {
        let mut target = settings.clone();
        for _ in 0..2 {
            let tcp = TcpStream::connect(target.address())
                .await
                .map_err(|e| DbError::Connect {
                    message: format!("cannot reach {}: {e}", target.address()),
                })?;
            // Statements are small requests waiting for answers: no Nagle delay.
            let _ = tcp.set_nodelay(true);
            match Client::connect(target.config(), tcp.compat_write()).await {
                Ok(client) => return Ok(client),
                Err(tiberius::error::Error::Routing { host, port }) => {
                    tracing::debug!(%host, port, "the server redirected the login");
                    target.host = host;
                    target.port = port;
                }
                Err(e) => return Err(translate(e)),
            }
        }
        Err(DbError::Connect {
            message: "the server redirected the login more than once".into(),
        })
    };
    match settings.connect_timeout {
        None => attempt.await,
        Some(limit) => tokio::time::timeout(limit, attempt)
            .await
            .unwrap_or_else(|_| {
                Err(DbError::Timeout(format!(
                    "connecting took longer than {limit:?} (the URL's `connect_timeout`)"
                )))
            }),
    }
}
