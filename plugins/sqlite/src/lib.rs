//! # plugorm-sqlite
//!
//! The SQLite dialect plugin for plugorm, calling libsqlite3 directly (through rusqlite,
//! SQLite compiled in) on connections pooled by the plugin API's driver kit. Serves
//! `sqlite:` URLs: `sqlite::memory:` (a private in-memory database on one connection),
//! `sqlite://app.db` and `sqlite:app.db` (a file, created when missing, in WAL mode with
//! `synchronous = NORMAL`, foreign keys on, a 5 s busy timeout). Query options: `mode`
//! (`ro`, `rw`, `rwc`, `memory`), `cache` (`private`, `shared`), `immutable`, `vfs`, and
//! `threading`:
//!
//! - `threading=thread` (the default): each connection runs its statements on a thread
//!   of its own, safe under any runtime; one hand-off to that thread and back per
//!   statement.
//! - `threading=inline` (opt-in, for embedded use): plain statements run on the caller's
//!   thread inside the poll, with no hand-off; streams stay on the connection's thread.
//!   A statement then cannot be cut by a timeout (a session's statement timeout fires
//!   only after it ended), it blocks the caller's runtime thread while it runs, and a
//!   wait for another connection's lock (up to the busy timeout) blocks it too: two
//!   connections used from one current-thread runtime can wait on each other until the
//!   busy timeout fails one. See `plugorm_plugin_api::kit::Threading::Inline`.
//!
//! An unknown option or value is refused with [`DbError::InvalidUrl`] naming it:
//!
//! ```
//! use plugorm_plugin_api::{DbError, Dialect, PoolOptions};
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let dialect = plugorm_sqlite::SqliteDialect;
//! let pool = dialect.connect("sqlite::memory:?threading=inline", PoolOptions::default()).await;
//! assert!(pool.is_ok());
//! let refused = dialect.connect("sqlite::memory:?threading=fast", PoolOptions::default()).await;
//! assert!(matches!(refused, Err(DbError::InvalidUrl { reason, .. }) if reason.contains("`threading`")));
//! # }
//! ```
//!
//! This crate is the implementation (an rlib, linked statically through `inventory`); its
//! `dylib/` wrapper crate exports it as the loadable `libplugorm_sqlite.so`.
//!
//! ```
//! let m = (plugorm_sqlite::PLUGIN.manifest)();
//! assert_eq!(m.name.as_str(), "sqlite");
//! ```

mod bind;
mod catalog;
mod ddl;
mod decode;
mod dialect;
mod driver;
mod error;
mod introspect;
mod rebuild;
mod url;

pub use dialect::SqliteDialect;

/// Reads a connection URL as `connect` does, opening nothing (for the fuzz targets).
#[doc(hidden)]
pub fn fuzz_parse_url(url: &str) -> DbResult<()> {
    dialect::driver_for(url, plugorm_plugin_api::PoolOptions::default()).map(|_| ())
}

use std::sync::Arc;

use plugorm_plugin_api::{
    manifest::{Manifest, PluginDescriptor, PluginInstance, PluginKind},
    DbResult,
};

fn manifest() -> Manifest {
    Manifest::new(
        "sqlite",
        PluginKind::Dialect,
        env!("CARGO_PKG_VERSION"),
        "SQLite dialect over libsqlite3 (rusqlite; files and in-memory databases)",
    )
}

fn instantiate() -> DbResult<PluginInstance> {
    Ok(PluginInstance::Dialect(Arc::new(SqliteDialect)))
}

/// The plugin's descriptor, registered for static linking and exported by `dylib/`.
pub static PLUGIN: PluginDescriptor = PluginDescriptor {
    manifest,
    instantiate,
};

plugorm_plugin_api::register_static_plugin!(PLUGIN);
