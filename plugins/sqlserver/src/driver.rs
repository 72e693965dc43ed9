//! The connection: tiberius on the driver kit. (Skeleton: being written.)

use std::sync::Arc;

use plugorm_plugin_api::{dialect::PoolOptions, DbError, DbResult, Pool};

/// Opens a pool of connections to the database `url` names.
pub(crate) async fn open(url: &str, _options: PoolOptions) -> DbResult<Arc<dyn Pool>> {
    let _ = url;
    Err(DbError::Connect {
        message: "the SQL Server driver is not written yet".into(),
    })
}
