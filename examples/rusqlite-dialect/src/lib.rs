//! # plugorm-rusqlite
//!
//! An independent SQLite dialect for plugorm over the blocking `rusqlite` crate, written
//! only against `plugorm-plugin-api`: the default renderer, the driver kit on
//! [`Threading::OwnThread`](plugorm_plugin_api::kit::Threading) and the kit's
//! introspection reader do the rest. It serves `rusqlite:` URLs — `rusqlite::memory:` (a
//! private in-memory database on one connection), `rusqlite:app.db`,
//! `rusqlite:///abs/app.db` — so it loads beside the in-tree `sqlite` plugin.
//!
//! This crate is an rlib (linked statically through the plugin API's registry); its
//! `dylib/` crate exports it as `libplugorm_rusqlite.so`.
//!
//! ```
//! let m = (plugorm_rusqlite::PLUGIN.manifest)();
//! assert_eq!(m.name.as_str(), "rusqlite");
//! ```

mod driver;

use std::sync::Arc;

use plugorm_plugin_api::{
    dialect::{Capabilities, Dialect, PoolOptions},
    kit::{introspect, KitPool},
    manifest::{Manifest, PluginDescriptor, PluginInstance, PluginKind},
    migrate::{ForeignKeySchema, TableInfo},
    render::{ddl, SqlRenderer},
    runtime::in_runtime,
    schema::{DataType, FieldSchema},
    statement::TableRef,
    types::Optional,
    BoxFuture, DbError, DbResult, Pool, Rows, Sql, Value,
};

use driver::RusqliteDriver;

/// The dialect: the default SQL renderer with SQLite's column types, no row locks.
///
/// ```
/// use plugorm_plugin_api::{statement::{Select, Statement, TableRef}, Dialect};
/// let q = Statement::Select(Select::from_table(TableRef::new("users")));
/// let sql = plugorm_rusqlite::RusqliteDialect.render(&q).unwrap();
/// assert_eq!(sql.text.as_str(), r#"SELECT * FROM "users""#);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct RusqliteDialect;

impl SqlRenderer for RusqliteDialect {
    /// The generic types, except: an auto-increment key is SQLite's rowid alias,
    /// decimals, UUIDs and JSON are `text` (a NUMERIC column would turn `12.50` into 12.5),
    /// timestamps `datetime` (SQLite's type names cannot say `with time zone`).
    fn column_type(&self, field: &FieldSchema) -> DbResult<String> {
        let generic = ddl::explicit_type(field).is_some();
        Ok(match field.data_type {
            _ if generic => ddl::column_type(field),
            DataType::Int | DataType::UInt if field.auto_increment && field.primary_key => {
                "integer PRIMARY KEY AUTOINCREMENT".into()
            }
            DataType::Decimal | DataType::Uuid | DataType::Json => "text".into(),
            DataType::Timestamp | DataType::TimestampTz => "datetime".into(),
            _ => ddl::column_type(field),
        })
    }

    /// SQLite's ALTER TABLE adds no constraints: refused, so AutoMigrate creates them
    /// with the table instead.
    fn ddl_add_foreign_key(&self, table: &TableRef, fk: &ForeignKeySchema) -> DbResult<Vec<Sql>> {
        Err(DbError::Unsupported(format!(
            "SQLite cannot add FOREIGN KEY `{}` to the existing table `{}`",
            fk.name, table.name
        )))
    }
}

/// The catalog queries, named as `kit::introspect::table_info` reads them (the last one,
/// the table's definition, for the foreign keys' names SQLite's catalog lacks).
const INTROSPECTION: [&str; 5] = [
    "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE",
    "SELECT name, type, \"notnull\" AS not_null, dflt_value AS \"default\", pk > 0 AS primary_key \
     FROM pragma_table_info(?) ORDER BY cid",
    "SELECT il.name AS name, il.\"unique\" AS \"unique\", il.origin = 'pk' AS \"primary\", \
     ii.name AS column_name FROM pragma_index_list(?) AS il \
     JOIN pragma_index_info(il.name) AS ii ORDER BY il.seq, ii.seqno",
    "SELECT 'fk_' || id AS name, \"from\" AS column_name, \"table\" AS referenced_table, \
     coalesce(\"to\", '') AS referenced_column, on_delete, on_update \
     FROM pragma_foreign_key_list(?) ORDER BY id, seq",
    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE",
];

impl Dialect for RusqliteDialect {
    fn name(&self) -> &str {
        "rusqlite"
    }

    fn url_schemes(&self) -> Vec<String> {
        vec!["rusqlite".into()]
    }

    fn capabilities(&self) -> Capabilities {
        let mut c = Capabilities::default();
        c.row_locks = false;
        c.insert_id_exact = true;
        c
    }

    fn renderer(&self) -> Option<&dyn SqlRenderer> {
        Some(self)
    }

    fn introspection_queries(&self, table: &TableRef) -> DbResult<Vec<Sql>> {
        let name = Value::from(table.name.as_str());
        Ok(INTROSPECTION.map(|q| Sql::new(q, [name.clone()])).into())
    }

    fn parse_introspection(&self, table: &TableRef, results: Vec<Rows>) -> DbResult<TableInfo> {
        introspect::table_info(table, results)
    }

    fn connect(&self, url: &str, options: PoolOptions) -> BoxFuture<Arc<dyn Pool>> {
        let parsed = driver_for(url, options);
        Box::pin(in_runtime(async move {
            let (driver, options) = parsed?;
            KitPool::open(driver, options).await
        }))
    }
}

/// The driver and pool options for a URL. An in-memory database lives in its one
/// connection, so that connection is the whole pool and never expires.
fn driver_for(url: &str, options: PoolOptions) -> DbResult<(RusqliteDriver, PoolOptions)> {
    let path = url
        .strip_prefix("rusqlite:")
        .map(|p| p.strip_prefix("//").unwrap_or(p))
        .filter(|p| !p.is_empty())
        .ok_or_else(|| DbError::InvalidUrl {
            url: url.into(),
            reason: "use `rusqlite:FILE` or `rusqlite::memory:`".into(),
        })?;
    if path == ":memory:" {
        let options = PoolOptions {
            max_connections: 1,
            min_connections: 1,
            idle_timeout_ms: Optional::None,
            max_lifetime_ms: Optional::None,
            ..options
        };
        return Ok((RusqliteDriver { path: None }, options));
    }
    let path = Some(path.into());
    Ok((RusqliteDriver { path }, options))
}

fn manifest() -> Manifest {
    let about = "SQLite dialect over rusqlite (example written only against plugorm-plugin-api)";
    Manifest::new(
        "rusqlite",
        PluginKind::Dialect,
        env!("CARGO_PKG_VERSION"),
        about,
    )
}

fn instantiate() -> DbResult<PluginInstance> {
    Ok(PluginInstance::Dialect(Arc::new(RusqliteDialect)))
}

/// The plugin's descriptor, registered for static linking and exported by `dylib/`.
pub static PLUGIN: PluginDescriptor = PluginDescriptor {
    manifest,
    instantiate,
};

plugorm_plugin_api::register_static_plugin!(PLUGIN);
