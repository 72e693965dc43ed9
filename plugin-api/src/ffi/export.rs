//! Plugin side: adapts a plugin's Rust objects to the `Ffi*` trait objects.
//!
//! Every entry point catches panics (a panic must not unwind across `extern "C"`), and
//! every future enters the plugin runtime on poll and on drop.

use std::{
    any::Any,
    panic::{catch_unwind, AssertUnwindSafe},
    sync::{Arc, OnceLock},
};

use abi_stable::{
    prefix_type::PrefixTypeTrait,
    sabi_trait::TD_Opaque,
    std_types::{RErr, ROk, ROption, RString, RVec},
};
use async_ffi::FutureExt as _;
use futures_util::FutureExt as _;

use super::{
    runtime::{self, RuntimeBound},
    FfiCallback, FfiCallbackBox, FfiCallbackSpec, FfiCallback_TO, FfiConnection, FfiConnectionBox,
    FfiConnection_TO, FfiDdl, FfiDialect, FfiDialectBox, FfiDialectInfo, FfiDialect_TO, FfiFeature,
    FfiFeatureBox, FfiFeature_TO, FfiFut, FfiHostBox, FfiManifest, FfiManifestRef,
    FfiPluginInstance, FfiPluginInstanceNe, FfiPool, FfiPoolBox, FfiPool_TO, FfiResult,
    FfiRowStream, FfiRowStreamBox, FfiRowStream_TO, FfiTransaction, FfiTransactionBox,
    FfiTransaction_TO, HostServicesRef, PluginModule, PluginModuleRef,
};
use crate::{
    connection::{BoxFuture, Connection, Pool, PoolStats, RowStream, Transaction},
    dialect::{Dialect, PoolOptions},
    feature::{Callback, CallbackContext, FeaturePlugin},
    manifest::{PluginDescriptor, PluginInstance},
    migrate::TableInfo,
    row::{RowBatch, Rows},
    sql::ExecResult,
    statement::{Statement, TableRef},
    DbError, DbResult, Sql,
};

/// Text of a panic payload.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-text payload".to_string()
    }
}

/// Runs a synchronous entry point, turning a panic into [`DbError::Panicked`].
pub fn guard_sync<T>(f: impl FnOnce() -> DbResult<T>) -> FfiResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => ROk(v),
        Ok(Err(e)) => RErr(e.into()),
        Err(p) => RErr(DbError::Panicked(panic_message(&*p)).into()),
    }
}

/// Turns a plugin future into a boundary future: the call that makes it and every poll and
/// drop run inside the plugin runtime, and a panic anywhere becomes an error.
fn ffi_future<T, U>(
    make: impl FnOnce() -> BoxFuture<T>,
    map: impl FnOnce(T) -> U + Send + 'static,
) -> FfiFut<U>
where
    T: Send + 'static,
    U: Send + 'static,
{
    let handle = runtime::to_enter();
    let made = {
        let _guard = handle.map(|h| h.enter());
        catch_unwind(AssertUnwindSafe(make))
    };
    let fut = match made {
        Ok(fut) => fut,
        Err(p) => {
            let err: FfiResult<U> = RErr(DbError::Panicked(panic_message(&*p)).into());
            return std::future::ready(err).into_ffi();
        }
    };
    runtime::in_runtime(async move {
        match AssertUnwindSafe(fut).catch_unwind().await {
            Ok(Ok(v)) => ROk(map(v)),
            Ok(Err(e)) => RErr(e.into()),
            Err(p) => RErr(DbError::Panicked(panic_message(&*p)).into()),
        }
    })
    .into_ffi()
}

fn same<T>(v: T) -> T {
    v
}

struct ExportedDialect(RuntimeBound<Arc<dyn Dialect>>);

impl FfiDialect for ExportedDialect {
    fn render(&self, stmt: &Statement) -> FfiResult<Sql> {
        guard_sync(|| self.0.render(stmt))
    }
    fn connect(&self, url: RString, options: PoolOptions) -> FfiFut<FfiPoolBox> {
        ffi_future(|| self.0.connect(&url, options), export_pool)
    }
    fn render_ddl(&self, ddl: &FfiDdl) -> FfiResult<RVec<Sql>> {
        guard_sync(|| {
            let ddl = ddl.as_enum().map_err(|e| {
                DbError::Unsupported(format!(
                    "DDL operation #{} is unknown to this plugin (built against plugin API {}); \
                     rebuild it against the host's plugin API",
                    e.non_exhaustive.get_discriminant(),
                    crate::PLUGIN_API_VERSION
                ))
            })?;
            self.0.render_ddl(ddl).map(RVec::from)
        })
    }
    fn introspection_queries(&self, table: &TableRef) -> FfiResult<RVec<Sql>> {
        guard_sync(|| self.0.introspection_queries(table).map(RVec::from))
    }
    fn parse_introspection(&self, table: &TableRef, results: RVec<Rows>) -> FfiResult<TableInfo> {
        guard_sync(|| self.0.parse_introspection(table, results.into_vec()))
    }
}

/// Wraps a pool for the boundary.
pub fn export_pool(pool: Arc<dyn Pool>) -> FfiPoolBox {
    FfiPool_TO::from_value(ExportedPool(RuntimeBound::new(pool)), TD_Opaque)
}

struct ExportedPool(RuntimeBound<Arc<dyn Pool>>);

impl FfiPool for ExportedPool {
    fn execute(&self, sql: Sql) -> FfiFut<ExecResult> {
        ffi_future(|| self.0.execute(sql), same)
    }
    fn query_stream(&self, sql: Sql, batch_rows: u32) -> FfiFut<FfiRowStreamBox> {
        ffi_future(|| self.0.query_stream(sql, batch_rows), export_stream)
    }
    fn query(&self, sql: Sql) -> FfiFut<Rows> {
        ffi_future(|| self.0.query(sql), same)
    }
    fn acquire(&self) -> FfiFut<FfiConnectionBox> {
        ffi_future(|| self.0.acquire(), export_connection)
    }
    fn begin(&self) -> FfiFut<FfiTransactionBox> {
        ffi_future(|| self.0.begin(), export_transaction)
    }
    fn ping(&self) -> FfiFut<()> {
        ffi_future(|| self.0.ping(), same)
    }
    fn stats(&self) -> PoolStats {
        catch_unwind(AssertUnwindSafe(|| self.0.stats())).unwrap_or_default()
    }
    fn close(&self) -> FfiFut<()> {
        ffi_future(|| self.0.close(), same)
    }
    fn waits(&self) -> crate::PoolWaits {
        catch_unwind(AssertUnwindSafe(|| self.0.waits())).unwrap_or_default()
    }
}

fn export_connection(c: Arc<dyn Connection>) -> FfiConnectionBox {
    FfiConnection_TO::from_value(ExportedConnection(RuntimeBound::new(c)), TD_Opaque)
}

struct ExportedConnection(RuntimeBound<Arc<dyn Connection>>);

impl FfiConnection for ExportedConnection {
    fn execute(&self, sql: Sql) -> FfiFut<ExecResult> {
        ffi_future(|| self.0.execute(sql), same)
    }
    fn query_stream(&self, sql: Sql, batch_rows: u32) -> FfiFut<FfiRowStreamBox> {
        ffi_future(|| self.0.query_stream(sql, batch_rows), export_stream)
    }
    fn query(&self, sql: Sql) -> FfiFut<Rows> {
        ffi_future(|| self.0.query(sql), same)
    }
    fn begin(&self) -> FfiFut<FfiTransactionBox> {
        ffi_future(|| self.0.begin(), export_transaction)
    }
    fn ping(&self) -> FfiFut<()> {
        ffi_future(|| self.0.ping(), same)
    }
}

fn export_transaction(t: Arc<dyn Transaction>) -> FfiTransactionBox {
    FfiTransaction_TO::from_value(ExportedTransaction(RuntimeBound::new(t)), TD_Opaque)
}

struct ExportedTransaction(RuntimeBound<Arc<dyn Transaction>>);

impl FfiTransaction for ExportedTransaction {
    fn execute(&self, sql: Sql) -> FfiFut<ExecResult> {
        ffi_future(|| self.0.execute(sql), same)
    }
    fn query_stream(&self, sql: Sql, batch_rows: u32) -> FfiFut<FfiRowStreamBox> {
        ffi_future(|| self.0.query_stream(sql, batch_rows), export_stream)
    }
    fn query(&self, sql: Sql) -> FfiFut<Rows> {
        ffi_future(|| self.0.query(sql), same)
    }
    fn savepoint(&self, name: RString) -> FfiFut<()> {
        ffi_future(|| self.0.savepoint(&name), same)
    }
    fn rollback_to(&self, name: RString) -> FfiFut<()> {
        ffi_future(|| self.0.rollback_to(&name), same)
    }
    fn release(&self, name: RString) -> FfiFut<()> {
        ffi_future(|| self.0.release(&name), same)
    }
    fn commit(&self) -> FfiFut<()> {
        ffi_future(|| self.0.commit(), same)
    }
    fn rollback(&self) -> FfiFut<()> {
        ffi_future(|| self.0.rollback(), same)
    }
}

fn export_stream(s: Box<dyn RowStream>) -> FfiRowStreamBox {
    FfiRowStream_TO::from_value(ExportedStream(RuntimeBound::new(s)), TD_Opaque)
}

struct ExportedStream(RuntimeBound<Box<dyn RowStream>>);

impl FfiRowStream for ExportedStream {
    fn names(&self) -> RVec<RString> {
        catch_unwind(AssertUnwindSafe(|| self.0.names()))
            .unwrap_or_default()
            .into_iter()
            .map(RString::from)
            .collect()
    }
    fn next_batch(&self) -> FfiFut<ROption<RowBatch>> {
        ffi_future(|| self.0.next_batch(), ROption::from)
    }
}

struct ExportedFeature(Arc<dyn FeaturePlugin>);

impl FfiFeature for ExportedFeature {
    fn initialize(&self, config_json: RString) -> FfiResult<RVec<FfiCallbackSpec>> {
        guard_sync(|| self.0.initialize(&config_json).map(export_specs))
    }
    fn initialize_with_host(
        &self,
        host: FfiHostBox,
        config_json: RString,
    ) -> FfiResult<RVec<FfiCallbackSpec>> {
        guard_sync(|| {
            let host = super::host::import_host(host);
            let _guard = runtime::to_enter().map(|h| h.enter());
            self.0
                .initialize_with_host(&host, &config_json)
                .map(export_specs)
        })
    }
}

fn export_specs(specs: Vec<crate::feature::CallbackSpec>) -> RVec<FfiCallbackSpec> {
    specs
        .into_iter()
        .map(|s| FfiCallbackSpec {
            processor: s.processor,
            name: s.name.into(),
            placement: s.placement,
            callback: export_callback(s.callback),
        })
        .collect()
}

fn export_callback(cb: Arc<dyn Callback>) -> FfiCallbackBox {
    FfiCallback_TO::from_value(ExportedCallback(cb), TD_Opaque)
}

struct ExportedCallback(Arc<dyn Callback>);

impl FfiCallback for ExportedCallback {
    fn call(&self, ctx: &mut CallbackContext<'_>) -> FfiResult<()> {
        guard_sync(|| self.0.call(ctx))
    }
}

fn export_dialect(d: Arc<dyn Dialect>) -> DbResult<FfiPluginInstanceNe> {
    let info = FfiDialectInfo::leak(d.name(), d.url_schemes(), &d.capabilities());
    let dialect: FfiDialectBox =
        FfiDialect_TO::from_value(ExportedDialect(RuntimeBound::new(d)), TD_Opaque);
    Ok(FfiPluginInstanceNe::new(FfiPluginInstance::Dialect {
        info,
        dialect,
    }))
}

static DESCRIPTOR: OnceLock<&'static PluginDescriptor> = OnceLock::new();

fn descriptor() -> DbResult<&'static PluginDescriptor> {
    DESCRIPTOR
        .get()
        .copied()
        .ok_or_else(|| DbError::Other("plugin root module used before it was exported".into()))
}

extern "C" fn ffi_manifest() -> FfiResult<FfiManifestRef> {
    // Built once: the boundary form is leaked, and the host may ask more than once.
    static MANIFEST: OnceLock<FfiManifestRef> = OnceLock::new();
    guard_sync(|| {
        let d = descriptor()?;
        Ok(*MANIFEST.get_or_init(|| FfiManifest::leak(&(d.manifest)())))
    })
}

extern "C" fn ffi_instantiate(host: HostServicesRef) -> FfiResult<FfiPluginInstanceNe> {
    guard_sync(|| {
        let d = descriptor()?;
        let manifest = (d.manifest)();
        super::log::install_bridge(host, manifest.name.as_str());
        let instance = {
            let _guard = runtime::to_enter().map(|h| h.enter());
            (d.instantiate)()?
        };
        match instance {
            PluginInstance::Dialect(dialect) => export_dialect(dialect),
            PluginInstance::Feature(f) => {
                let feature: FfiFeatureBox =
                    FfiFeature_TO::from_value(ExportedFeature(f), TD_Opaque);
                Ok(FfiPluginInstanceNe::new(FfiPluginInstance::Feature(
                    feature,
                )))
            }
        }
    })
}

/// Builds the root module for a descriptor (called by [`crate::export_plugin!`]).
pub fn root_module(descriptor: &'static PluginDescriptor) -> PluginModuleRef {
    let _ = DESCRIPTOR.set(descriptor);
    PluginModule {
        manifest: ffi_manifest,
        instantiate: ffi_instantiate,
    }
    .leak_into_prefix()
}

pub use abi_stable::library::LibHeader;

/// The plugin a `dylib/` crate exports: written by [`crate::export_plugin!`].
pub trait ExportedPlugin: 'static {
    /// The plugin's descriptor.
    fn descriptor() -> &'static PluginDescriptor;
}

/// The header abi_stable's loader reads from a plugin library: its layout constants and the
/// constructor of the root module. Built here (not by `#[export_root_module]`, whose
/// expansion names the `abi_stable` crate) so that a plugin's `dylib/` crate depends on
/// plugorm-plugin-api alone.
pub const fn library_header<P: ExportedPlugin>() -> LibHeader {
    // SAFETY: `from_constructor::<PluginModuleRef>` requires the constructor to return a
    // `PrefixRef<PluginModule>` erased to `ErasedPrefix`; `construct_root::<P>` returns
    // exactly that, through abi_stable's own `__call_root_module_loader`.
    unsafe {
        LibHeader::from_constructor::<PluginModuleRef>(
            construct_root::<P>,
            abi_stable::library::CheckTypeLayout::Yes,
        )
    }
}

extern "C" fn construct_root<P: ExportedPlugin>() -> abi_stable::library::RootModuleResult {
    abi_stable::library::__call_root_module_loader(exported_root::<P>)
}

fn exported_root<P: ExportedPlugin>() -> PluginModuleRef {
    root_module(P::descriptor())
}

/// A future that is ready with a value: for dialect methods that need no IO.
pub fn ready<T: Send + 'static>(v: DbResult<T>) -> BoxFuture<T> {
    Box::pin(std::future::ready(v))
}

#[cfg(test)]
mod tests {
    /// `export_plugin!` writes the loader's symbol name as a literal (an attribute takes no
    /// constant); it must be the one abi_stable looks up.
    #[test]
    fn export_plugin_uses_the_loaders_symbol_name() {
        let source = include_str!("mod.rs");
        let quoted = format!(
            "#[export_name = \"{}\"]",
            abi_stable::library::ROOT_MODULE_LOADER_NAME
        );
        assert!(
            source.contains(&quoted),
            "export_plugin! must export {quoted}"
        );
    }
}
