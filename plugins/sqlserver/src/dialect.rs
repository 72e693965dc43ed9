//! The SQL Server dialect: rendering overrides, capabilities and introspection.
//! (Skeleton: the renderer overrides are being written.)

use std::sync::Arc;

use plugorm_plugin_api::{
    dialect::{Capabilities, Dialect, PoolOptions},
    render::SqlRenderer,
    runtime::in_runtime,
    BoxFuture, Pool,
};

use crate::driver;

/// The SQL Server dialect.
///
/// ```
/// use plugorm_plugin_api::Dialect;
/// assert_eq!(plugorm_sqlserver::SqlServerDialect::new().name(), "sqlserver");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SqlServerDialect {}

impl SqlServerDialect {
    /// The dialect.
    pub fn new() -> SqlServerDialect {
        SqlServerDialect {}
    }
}

impl SqlRenderer for SqlServerDialect {}

impl Dialect for SqlServerDialect {
    fn name(&self) -> &str {
        "sqlserver"
    }

    fn url_schemes(&self) -> Vec<String> {
        vec!["sqlserver".into(), "mssql".into()]
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::default()
    }

    fn renderer(&self) -> Option<&dyn SqlRenderer> {
        Some(self)
    }

    fn connect(&self, url: &str, options: PoolOptions) -> BoxFuture<Arc<dyn Pool>> {
        let url = url.to_string();
        Box::pin(in_runtime(async move { driver::open(&url, options).await }))
    }
}
