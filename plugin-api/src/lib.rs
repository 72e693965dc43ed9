//! # plugorm-plugin-api
//!
//! The interface between the plugorm host and its plugins.
pub mod error;
pub mod statement;
pub mod types;
pub mod value;

pub use error::{DbError, DbResult, FfiError};
pub use value::{FfiValue, Value};
pub mod connection;
pub mod dialect;
pub mod feature;
pub mod ffi;
pub mod host;
pub mod kit;
pub mod manifest;
pub mod migrate;
pub mod render;
pub mod row;
pub mod schema;
pub mod serializer;
pub mod sql;
pub mod steps;
pub mod target;

pub use connection::{
    BoxFuture, BufferedStream, Connection, Executor, Pool, PoolStats, PoolWaits, RowStream,
    Transaction,
};
pub use dialect::{Capabilities, Dialect, PoolOptions};
pub use feature::{
    setting, Callback, CallbackContext, CallbackSpec, FeaturePlugin, Placement, Processor, Setting,
    SOFT_DELETE_CALLBACK,
};
pub use ffi::runtime;
pub use manifest::{Manifest, PluginDescriptor, PluginInstance, PluginKind, PLUGIN_API_VERSION};
pub use row::{Cell, Column, Decode, Row, RowBatch, Rows};
pub use sql::{ExecResult, Sql};

#[doc(hidden)]
pub use abi_stable;
#[doc(hidden)]
pub use inventory;
