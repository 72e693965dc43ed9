//! # plugorm-sqlserver
//!
//! The SQL Server dialect plugin for plugorm, over tiberius (TDS). Serves `sqlserver://`
//! and `mssql://` URLs (`sqlserver://user:password@host:1433?database=app&encrypt=true`)
//! and ADO.NET connection strings.
//!
//! What it writes, in GORM's sqlserver-driver dialect: `"double-quoted"` identifiers,
//! `@p1` parameters, `OFFSET … ROWS FETCH NEXT … ROWS ONLY` paging (ordered by the primary
//! key when no order is given), `OUTPUT INSERTED.…` for keys read back, `MERGE` upserts,
//! `SAVE TRANSACTION` savepoints and table hints for row locks.
//!
//! This crate is the implementation (an rlib, linked statically through `inventory`); its
//! `dylib/` wrapper crate exports it as the loadable `libplugorm_sqlserver.so`.
//!
//! ```
//! let m = (plugorm_sqlserver::PLUGIN.manifest)();
//! assert_eq!(m.name.as_str(), "sqlserver");
//! ```

// Rendering and schema (what SQL Server's text looks like).
mod catalog;
mod ddl;
mod dialect;
mod identity;
mod introspect;
mod lock;
mod merge;
mod paging;
mod select;
mod write;
// The connection (tiberius on the driver kit).
mod bind;
mod calendar;
mod decode;
mod driver;
mod error;
mod tls;
mod url;

pub use dialect::SqlServerDialect;

use std::sync::Arc;

use plugorm_plugin_api::{
    manifest::{Manifest, PluginDescriptor, PluginInstance, PluginKind},
    DbResult,
};

fn manifest() -> Manifest {
    Manifest::new(
        "sqlserver",
        PluginKind::Dialect,
        env!("CARGO_PKG_VERSION"),
        "SQL Server dialect over tiberius",
    )
}

fn instantiate() -> DbResult<PluginInstance> {
    Ok(PluginInstance::Dialect(Arc::new(SqlServerDialect::new())))
}

/// The plugin's descriptor, registered for static linking and exported by `dylib/`.
pub static PLUGIN: PluginDescriptor = PluginDescriptor {
    manifest,
    instantiate,
};

plugorm_plugin_api::register_static_plugin!(PLUGIN);
