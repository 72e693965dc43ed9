//! # plugorm-postgres
//!
//! The PostgreSQL dialect plugin for plugorm, over sqlx's PostgreSQL driver. Serves
//! `postgres://` and `postgresql://` URLs:
//!
//! ```text
//! postgres://user:password@host:5432/database?sslmode=require&search_path=app,public
//! ```
//!
//! * sqlx's own keys pass through: `sslmode` (`disable`, `prefer`, `require`,
//!   `verify-ca`, `verify-full`), `sslrootcert`, `sslcert`, `sslkey`, `application_name`,
//!   `options`, `statement-cache-capacity`, `host`, `port`, `user`, `password`, `dbname`.
//! * Every other key is a server setting for the session (`search_path=app,public`,
//!   `statement_timeout=5000`, `timezone=Europe/Paris`), as pgx does; the server refuses
//!   a name it does not know when the pool opens, so a typo is an error, never silently
//!   ignored. Sessions are in UTC unless `timezone` says otherwise; `client_encoding`
//!   must stay UTF-8.
//! * Pool settings arrive as [`plugorm_plugin_api::PoolOptions`] (the host takes them out
//!   of the URL and `plugins.toml`); the plugin API's driver kit
//!   ([`plugorm_plugin_api::kit`]) pools the connections and applies them, and runs
//!   transactions, savepoints and streams over them.
//!
//! SQL follows GORM's postgres driver: `$n` placeholders (LIMIT and OFFSET bound too),
//! double-quoted identifiers, `RETURNING`, `ON CONFLICT`, `FOR UPDATE | SHARE … [OF …]
//! [NOWAIT | SKIP LOCKED]`, `serial` keys and GORM's column types for AutoMigrate.
//!
//! This crate is the implementation (an rlib, linked statically through `inventory`); its
//! `dylib/` wrapper exports it as the loadable `libplugorm_postgres.so`. It depends on
//! `sqlx-postgres` alone, so no SQLite library is linked into it.
//!
//! ```
//! let m = (plugorm_postgres::PLUGIN.manifest)();
//! assert_eq!(m.name.as_str(), "postgres");
//! ```

mod bind;
mod catalog;
mod codec;
mod ddl;
mod decode;
mod dialect;
mod driver;
mod error;
mod exec;
mod introspect;
mod options;
mod types;

pub use dialect::PostgresDialect;

/// Reads a connection URL as `connect` does, opening nothing (for the fuzz targets).
#[doc(hidden)]
pub fn fuzz_parse_url(url: &str) -> DbResult<()> {
    options::parse(url).map(|_| ())
}

use std::sync::Arc;

use plugorm_plugin_api::{
    manifest::{Manifest, PluginDescriptor, PluginInstance, PluginKind},
    DbResult,
};

fn manifest() -> Manifest {
    Manifest::new(
        "postgres",
        PluginKind::Dialect,
        env!("CARGO_PKG_VERSION"),
        "PostgreSQL dialect over sqlx (postgres:// and postgresql:// URLs)",
    )
}

fn instantiate() -> DbResult<PluginInstance> {
    Ok(PluginInstance::Dialect(Arc::new(PostgresDialect)))
}

/// The plugin's descriptor, registered for static linking and exported by `dylib/`.
///
/// ```
/// let m = (plugorm_postgres::PLUGIN.manifest)();
/// assert_eq!(m.kind, plugorm_plugin_api::PluginKind::Dialect);
/// ```
pub static PLUGIN: PluginDescriptor = PluginDescriptor {
    manifest,
    instantiate,
};

plugorm_plugin_api::register_static_plugin!(PLUGIN);
