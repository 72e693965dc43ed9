//! # plugorm-mysql
//!
//! The MySQL / MariaDB dialect plugin for plugorm, over sqlx. Serves `mysql://` and
//! `mariadb://` URLs (`mysql://user:password@host:3306/database?ssl-mode=required`).
//!
//! What it writes, in GORM's mysql-driver dialect:
//!
//! * backtick identifiers, `?` placeholders, `LIMIT ? OFFSET ?` bound (an offset alone is
//!   `LIMIT 18446744073709551615 OFFSET ?`: MySQL has no OFFSET without LIMIT);
//! * no `RETURNING`: generated keys come back as `LAST_INSERT_ID()`, which MySQL reports
//!   for the *first* row of a multi-row INSERT;
//! * upserts as `ON DUPLICATE KEY UPDATE c=VALUES(c)`, "do nothing" as `pk=pk`;
//! * row locks `FOR UPDATE [NOWAIT|SKIP LOCKED]`, shared locks `LOCK IN SHARE MODE` (see
//!   the `lock` module for what depends on the server);
//! * `UPDATE … ORDER BY … LIMIT ?` and `DELETE … ORDER BY … LIMIT ?`;
//! * GORM's column types (`bigint unsigned AUTO_INCREMENT`, `varchar(191)` for keyed
//!   strings, `longtext`, `datetime(3)`, `char(36)` UUIDs …; see the `ddl` module);
//! * typed errors from server error numbers (1062, 1451/1452, 1048/1364, 3819/4025).
//!
//! URL query keys of its own (removed before the URL reaches sqlx; see the `url` module):
//! `engine`, `table_charset`, `table_collation` — the table options of every CREATE TABLE
//! this database runs. Everything else (`ssl-mode`, `ssl-ca`, `charset`, `timezone`, …)
//! goes to sqlx as is.
//!
//! This crate is the implementation (an rlib, linked statically through `inventory`); its
//! `dylib/` wrapper crate exports it as the loadable `libplugorm_mysql.so`.
//!
//! ```
//! let m = (plugorm_mysql::PLUGIN.manifest)();
//! assert_eq!(m.name.as_str(), "mysql");
//! ```

mod bind;
mod catalog;
mod ddl;
mod decode;
mod dialect;
mod driver;
mod error;
mod introspect;
mod lock;
mod server;
mod table_options;
mod url;
mod write;

pub use dialect::MysqlDialect;
pub use lock::LockSupport;
pub use table_options::TableOptions;

/// Reads a connection URL as `connect` does, opening nothing (for the fuzz targets).
#[doc(hidden)]
pub fn fuzz_parse_url(url: &str) -> DbResult<()> {
    url::parse(url).map(|_| ())
}

use std::sync::Arc;

use plugorm_plugin_api::{
    manifest::{Manifest, PluginDescriptor, PluginInstance, PluginKind},
    DbResult,
};

fn manifest() -> Manifest {
    Manifest::new(
        "mysql",
        PluginKind::Dialect,
        env!("CARGO_PKG_VERSION"),
        "MySQL and MariaDB dialect over sqlx",
    )
}

fn instantiate() -> DbResult<PluginInstance> {
    Ok(PluginInstance::Dialect(Arc::new(MysqlDialect::new())))
}

/// The plugin's descriptor, registered for static linking and exported by `dylib/`.
pub static PLUGIN: PluginDescriptor = PluginDescriptor {
    manifest,
    instantiate,
};

plugorm_plugin_api::register_static_plugin!(PLUGIN);
