//! The boundary: how a plugin's Rust trait objects cross into a separately compiled host.
//!
//! - [`PluginModule`] is the root module a plugin `.so` exports (one per library, from its
//!   `dylib/` wrapper crate through [`crate::export_plugin!`]).
//! - The `Ffi*` traits are `abi_stable` trait objects mirroring [`crate::Dialect`],
//!   [`crate::Pool`], [`crate::Connection`], [`crate::Transaction`],
//!   [`crate::FeaturePlugin`] and [`crate::Callback`]; futures cross as `async_ffi`
//!   futures with their own `#[repr(C)]` waker vtable.
//! - [`export`] adapts a plugin's Rust objects to them (catching panics, entering the
//!   plugin's runtime); [`import`] wraps them back into the Rust traits on the host side.
//!
//! This module and the host's plugin loader are the only places with `unsafe` code.

// abi_stable's `sabi_trait` emits impls inside generated modules.
#![allow(non_local_definitions)]

pub mod compat;
pub mod crossings;
pub mod export;
pub mod host;
pub mod import;
pub mod log;
pub mod metadata;
pub mod runtime;

#[cfg(test)]
mod crossings_tests;
#[cfg(test)]
mod growth_tests;
#[cfg(test)]
mod rewriter_tests;
pub mod serializer;
#[cfg(test)]
mod serializer_tests;

use abi_stable::{
    declare_root_module_statics,
    library::RootModule,
    package_version_strings, sabi_trait,
    sabi_types::VersionStrings,
    std_types::{RBox, ROption, RResult, RString, RVec},
    StableAbi,
};
use async_ffi::FfiFuture;

use crate::{
    connection::{PoolStats, PoolWaits},
    dialect::PoolOptions,
    feature::{CallbackContext, Placement, Processor},
    host::{OperationEvent, RewriteContext},
    migrate::TableInfo,
    row::{RowBatch, Rows},
    sql::ExecResult,
    statement::{Statement, TableRef},
    FfiError, Sql,
};

pub use log::{HostServices, HostServicesRef, LogRecord};
pub use metadata::{FfiDialectInfo, FfiDialectInfoRef, FfiManifest, FfiManifestRef};

/// A result crossing the boundary.
pub type FfiResult<T> = RResult<T, FfiError>;
/// A future crossing the boundary.
pub type FfiFut<T> = FfiFuture<FfiResult<T>>;

/// A dialect across the boundary.
#[sabi_trait]
pub trait FfiDialect: Send + Sync {
    fn render(&self, stmt: &Statement) -> FfiResult<Sql>;
    fn connect(&self, url: RString, options: PoolOptions) -> FfiFut<FfiPoolBox>;
    fn render_ddl(&self, ddl: &FfiDdl) -> FfiResult<RVec<Sql>>;
    fn introspection_queries(&self, table: &TableRef) -> FfiResult<RVec<Sql>>;
    #[sabi(last_prefix_field)]
    fn parse_introspection(&self, table: &TableRef, results: RVec<Rows>) -> FfiResult<TableInfo>;
}

/// A pool across the boundary.
#[sabi_trait]
pub trait FfiPool: Send + Sync {
    fn execute(&self, sql: Sql) -> FfiFut<ExecResult>;
    fn query(&self, sql: Sql) -> FfiFut<Rows>;
    fn query_stream(&self, sql: Sql, batch_rows: u32) -> FfiFut<FfiRowStreamBox>;
    fn acquire(&self) -> FfiFut<FfiConnectionBox>;
    fn begin(&self) -> FfiFut<FfiTransactionBox>;
    fn ping(&self) -> FfiFut<()>;
    fn stats(&self) -> PoolStats;
    #[sabi(last_prefix_field)]
    fn close(&self) -> FfiFut<()>;
    /// Appended in 0.2.2: call only on a pool of a plugin built against 0.2.2 or later.
    fn waits(&self) -> PoolWaits;
}

/// A connection across the boundary.
#[sabi_trait]
pub trait FfiConnection: Send + Sync {
    fn execute(&self, sql: Sql) -> FfiFut<ExecResult>;
    fn query(&self, sql: Sql) -> FfiFut<Rows>;
    fn query_stream(&self, sql: Sql, batch_rows: u32) -> FfiFut<FfiRowStreamBox>;
    fn begin(&self) -> FfiFut<FfiTransactionBox>;
    #[sabi(last_prefix_field)]
    fn ping(&self) -> FfiFut<()>;
}

/// A transaction across the boundary.
#[sabi_trait]
pub trait FfiTransaction: Send + Sync {
    fn execute(&self, sql: Sql) -> FfiFut<ExecResult>;
    fn query(&self, sql: Sql) -> FfiFut<Rows>;
    fn query_stream(&self, sql: Sql, batch_rows: u32) -> FfiFut<FfiRowStreamBox>;
    fn savepoint(&self, name: RString) -> FfiFut<()>;
    fn rollback_to(&self, name: RString) -> FfiFut<()>;
    fn release(&self, name: RString) -> FfiFut<()>;
    fn commit(&self) -> FfiFut<()>;
    #[sabi(last_prefix_field)]
    fn rollback(&self) -> FfiFut<()>;
}

/// A row stream across the boundary.
#[sabi_trait]
pub trait FfiRowStream: Send + Sync {
    fn names(&self) -> RVec<RString>;
    #[sabi(last_prefix_field)]
    fn next_batch(&self) -> FfiFut<ROption<RowBatch>>;
}

/// A feature plugin across the boundary.
#[sabi_trait]
pub trait FfiFeature: Send + Sync {
    #[sabi(last_prefix_field)]
    fn initialize(&self, config_json: RString) -> FfiResult<RVec<FfiCallbackSpec>>;
    /// Appended in 0.2.2: call only on a plugin built against 0.2.2 or later.
    fn initialize_with_host(
        &self,
        host: FfiHostBox,
        config_json: RString,
    ) -> FfiResult<RVec<FfiCallbackSpec>>;
}

/// The host's services, handed to a feature plugin at initialization (0.2.2).
#[sabi_trait]
pub trait FfiHost: Send + Sync {
    fn open_pool(&self, url: RString, options: PoolOptions) -> FfiResult<FfiHostPool>;
    fn pools(&self) -> RVec<FfiHostPool>;
    fn plugins(&self) -> RVec<FfiPluginInfo>;
    #[sabi(last_prefix_field)]
    fn add_observer(&self, observer: FfiObserverBox);
    /// Appended in 0.2.3: only a plugin built against 0.2.3 or later calls it, and the
    /// loader refuses such a plugin in an older host.
    fn add_rewriter(&self, rewriter: FfiRewriterBox);
    /// Appended in 0.2.4: only a plugin built against 0.2.4 or later calls it, and the
    /// loader refuses such a plugin in an older host.
    fn add_serializer(&self, name: RString, serializer: FfiSerializerBox);
}

/// A field serializer, handed by a plugin to the host (0.2.4). The field's serde form
/// crosses as JSON text, the column value as a [`crate::FfiValue`].
#[sabi_trait]
pub trait FfiSerializer: Send + Sync {
    fn encode(&self, ctx: &FfiSerializeContext, json: RString) -> FfiResult<crate::FfiValue>;
    #[sabi(last_prefix_field)]
    fn decode(&self, ctx: &FfiSerializeContext, value: crate::FfiValue) -> FfiResult<RString>;
}

/// A [`crate::serializer::SerializeContext`] across the boundary: the shape as JSON text.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct FfiSerializeContext {
    pub model: RString,
    pub field: RString,
    pub shape_json: RString,
    /// Room to grow without changing this layout.
    pub extra: RVec<crate::Setting>,
}

/// A rewriter of rendered SQL, handed by a plugin to the host (0.2.3).
#[sabi_trait]
pub trait FfiSqlRewriter: Send + Sync {
    #[sabi(last_prefix_field)]
    fn rewrite(&self, ctx: &RewriteContext, sql: &mut Sql) -> FfiResult<()>;
}

/// An observer of operations, handed by a plugin to the host (0.2.2).
#[sabi_trait]
pub trait FfiObserver: Send + Sync {
    #[sabi(last_prefix_field)]
    fn observe(&self, event: &OperationEvent);
}

/// A [`crate::host::HostPool`] across the boundary.
#[repr(C)]
#[derive(StableAbi)]
pub struct FfiHostPool {
    pub id: u64,
    pub label: RString,
    pub dialect: RString,
    pub pool: FfiPoolBox,
}

/// A [`crate::host::PluginInfo`] across the boundary.
#[repr(C)]
#[derive(StableAbi)]
pub struct FfiPluginInfo {
    pub name: RString,
    pub version: RString,
    pub kind: RString,
    pub api_version: RString,
    pub linked: bool,
}

impl From<crate::host::PluginInfo> for FfiPluginInfo {
    fn from(p: crate::host::PluginInfo) -> FfiPluginInfo {
        FfiPluginInfo {
            name: p.name.into(),
            version: p.version.into(),
            kind: p.kind.into(),
            api_version: p.api_version.into(),
            linked: p.linked,
        }
    }
}

impl From<FfiPluginInfo> for crate::host::PluginInfo {
    fn from(p: FfiPluginInfo) -> crate::host::PluginInfo {
        crate::host::PluginInfo {
            name: p.name.into(),
            version: p.version.into(),
            kind: p.kind.into(),
            api_version: p.api_version.into(),
            linked: p.linked,
        }
    }
}

/// A callback across the boundary.
#[sabi_trait]
pub trait FfiCallback: Send + Sync {
    #[sabi(last_prefix_field)]
    fn call(&self, ctx: &mut CallbackContext<'_>) -> FfiResult<()>;
}

pub type FfiDialectBox = FfiDialect_TO<'static, RBox<()>>;
pub type FfiPoolBox = FfiPool_TO<'static, RBox<()>>;
pub type FfiConnectionBox = FfiConnection_TO<'static, RBox<()>>;
pub type FfiTransactionBox = FfiTransaction_TO<'static, RBox<()>>;
pub type FfiRowStreamBox = FfiRowStream_TO<'static, RBox<()>>;
pub type FfiFeatureBox = FfiFeature_TO<'static, RBox<()>>;
pub type FfiCallbackBox = FfiCallback_TO<'static, RBox<()>>;
pub type FfiHostBox = FfiHost_TO<'static, RBox<()>>;
pub type FfiObserverBox = FfiObserver_TO<'static, RBox<()>>;
pub type FfiRewriterBox = FfiSqlRewriter_TO<'static, RBox<()>>;
pub type FfiSerializerBox = FfiSerializer_TO<'static, RBox<()>>;

/// A callback registration across the boundary.
#[repr(C)]
#[derive(StableAbi)]
pub struct FfiCallbackSpec {
    pub processor: Processor,
    pub name: RString,
    pub placement: Placement,
    pub callback: FfiCallbackBox,
}

/// A live plugin object across the boundary: non-exhaustive, so a later 0.2 release may
/// add plugin kinds; an older host refuses one it does not know, naming it.
#[repr(C, u8)]
#[derive(StableAbi)]
#[sabi(kind(WithNonExhaustive(size = [usize; 8], traits(Send, Sync))))]
pub enum FfiPluginInstance {
    Dialect {
        info: FfiDialectInfoRef,
        dialect: FfiDialectBox,
    },
    Feature(FfiFeatureBox),
}

/// [`FfiPluginInstance`] in its non-exhaustive boundary form.
pub type FfiPluginInstanceNe = FfiPluginInstance_NE;

/// A [`Ddl`](crate::migrate::Ddl) operation in its non-exhaustive boundary form: an older plugin handed an
/// operation added after it was built answers with an error naming it.
pub type FfiDdl = crate::migrate::Ddl_NE;

/// The root module every plugin library exports.
#[repr(C)]
#[derive(StableAbi)]
#[sabi(kind(Prefix(prefix_ref = PluginModuleRef)))]
#[sabi(missing_field(panic))]
pub struct PluginModule {
    /// The plugin's identity; called before anything else.
    pub manifest: extern "C" fn() -> FfiResult<FfiManifestRef>,
    /// Creates the plugin object, handing it the host's services.
    #[sabi(last_prefix_field)]
    pub instantiate: extern "C" fn(host: HostServicesRef) -> FfiResult<FfiPluginInstanceNe>,
}

impl RootModule for PluginModuleRef {
    declare_root_module_statics! {PluginModuleRef}
    const BASE_NAME: &'static str = "plugorm_plugin";
    const NAME: &'static str = "plugorm_plugin";
    const VERSION_STRINGS: VersionStrings = package_version_strings!();
}

/// Registers a plugin crate's descriptor for static linking (in the implementation crate).
///
/// ```ignore
/// pub static PLUGIN: PluginDescriptor = PluginDescriptor { manifest, instantiate };
/// plugorm_plugin_api::register_static_plugin!(PLUGIN);
/// ```
#[macro_export]
macro_rules! register_static_plugin {
    ($descriptor:path) => {
        $crate::inventory::submit! {
            $crate::manifest::StaticPlugin { descriptor: &$descriptor }
        }
    };
}

/// Exports a plugin's root module (in its `dylib/` wrapper crate only: the exported symbol
/// is the same for every plugin, so two rlibs carrying it could not link together). The
/// wrapper crate needs no dependency but plugorm-plugin-api and the plugin crate.
///
/// ```ignore
/// plugorm_plugin_api::export_plugin!(plugorm_sqlite::PLUGIN);
/// ```
#[macro_export]
macro_rules! export_plugin {
    ($descriptor:path) => {
        #[doc(hidden)]
        pub struct PlugormExportedPlugin;

        impl $crate::ffi::export::ExportedPlugin for PlugormExportedPlugin {
            fn descriptor() -> &'static $crate::manifest::PluginDescriptor {
                &$descriptor
            }
        }

        /// The library header the host's loader reads (abi_stable's root-module symbol).
        #[doc(hidden)]
        #[export_name = "_1as_0lib_1header_0root_bmodule_bloader"]
        pub static PLUGORM_LIBRARY_HEADER: $crate::ffi::export::LibHeader =
            $crate::ffi::export::library_header::<PlugormExportedPlugin>();
    };
}
