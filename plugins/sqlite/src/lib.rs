//! # plugorm-sqlite
//!
//! The SQLite dialect plugin for plugorm, over sqlx connections pooled by the
//! plugin API's driver kit. Serves `sqlite:` URLs:
//! `sqlite::memory:` (a private in-memory database on one connection), `sqlite://app.db`
//! and `sqlite:app.db` (a file, created when missing, in WAL mode with foreign keys on).
//!
//! This crate is the implementation (an rlib, linked statically through `inventory`); its
//! `dylib/` wrapper crate exports it as the loadable `libplugorm_sqlite.so`.
//!
//! ```
//! let m = (plugorm_sqlite::PLUGIN.manifest)();
//! assert_eq!(m.name.as_str(), "sqlite");
//! ```

mod bind;
mod ddl;
mod decode;
mod dialect;
mod driver;
mod error;
mod introspect;

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
        "SQLite dialect over sqlx (files and in-memory databases)",
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
