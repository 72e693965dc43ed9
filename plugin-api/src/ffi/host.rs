//! The host's services ([`crate::host`]) across the boundary, both ways: the host exports
//! its [`Host`] as an [`FfiHostBox`] when it initializes a plugin from a library, and the
//! plugin imports it back into a [`Host`]; an [`Observer`], a [`SqlRewriter`] and (0.2.4)
//! a [`crate::serializer::Serializer`] cross the other way.
//!
//! Pools cross as the dialects' pools do ([`super::export::export_pool`]): the host's
//! futures run inside its own plugin-API runtime when a plugin polls them.

use std::{
    panic::{catch_unwind, AssertUnwindSafe},
    sync::Arc,
};

use abi_stable::{
    sabi_trait::TD_Opaque,
    std_types::{RString, RVec},
};

use super::{
    crossings::{self, Foreign},
    export::{export_pool, guard_sync},
    import::import_pool,
    serializer::{export_serializer, import_serializer},
    FfiHost, FfiHostBox, FfiHostPool, FfiHost_TO, FfiObserver, FfiObserverBox, FfiObserver_TO,
    FfiPluginInfo, FfiResult, FfiRewriterBox, FfiSerializerBox, FfiSqlRewriter, FfiSqlRewriter_TO,
};
use crate::{
    dialect::PoolOptions,
    host::{
        Host, HostApi, HostPool, Observer, OperationEvent, PluginInfo, RewriteContext, Serializer,
        SqlRewriter,
    },
    DbResult, Sql,
};

/// Host side: the host's services as the boundary object handed to a plugin.
pub fn export_host(host: Host) -> FfiHostBox {
    FfiHost_TO::from_value(ExportedHost(host), TD_Opaque)
}

/// Plugin side: the host's services from the boundary object.
pub fn import_host(host: FfiHostBox) -> Host {
    Host::new(Arc::new(ImportedHost(host)))
}

struct ExportedHost(Host);

fn export_host_pool(p: HostPool) -> FfiHostPool {
    FfiHostPool {
        id: p.id,
        label: p.label.into(),
        dialect: p.dialect.into(),
        pool: export_pool(p.pool),
    }
}

impl FfiHost for ExportedHost {
    fn open_pool(&self, url: RString, options: PoolOptions) -> FfiResult<FfiHostPool> {
        crossings::into_host();
        guard_sync(|| self.0.open_pool(&url, options).map(export_host_pool))
    }
    fn pools(&self) -> RVec<FfiHostPool> {
        crossings::into_host();
        catch_unwind(AssertUnwindSafe(|| self.0.pools()))
            .unwrap_or_default()
            .into_iter()
            .map(export_host_pool)
            .collect()
    }
    fn plugins(&self) -> RVec<FfiPluginInfo> {
        crossings::into_host();
        catch_unwind(AssertUnwindSafe(|| self.0.plugins()))
            .unwrap_or_default()
            .into_iter()
            .map(FfiPluginInfo::from)
            .collect()
    }
    fn add_observer(&self, observer: FfiObserverBox) {
        crossings::into_host();
        let observer: Arc<dyn Observer> = Arc::new(ImportedObserver(Foreign(observer)));
        let _ = catch_unwind(AssertUnwindSafe(|| self.0.add_observer(observer)));
    }
    fn add_rewriter(&self, rewriter: FfiRewriterBox) {
        crossings::into_host();
        let rewriter = import_rewriter(rewriter);
        let _ = catch_unwind(AssertUnwindSafe(|| self.0.add_rewriter(rewriter)));
    }
    fn add_serializer(&self, name: RString, serializer: FfiSerializerBox) {
        crossings::into_host();
        let serializer = import_serializer(serializer);
        let _ = catch_unwind(AssertUnwindSafe(|| {
            self.0.add_serializer(&name, serializer)
        }));
    }
}

struct ImportedHost(FfiHostBox);

fn import_host_pool(p: FfiHostPool) -> HostPool {
    HostPool {
        id: p.id,
        label: p.label.into(),
        dialect: p.dialect.into(),
        // The host is at least as new as the API this plugin was built against.
        pool: import_pool(p.pool, true),
    }
}

impl HostApi for ImportedHost {
    fn open_pool(&self, url: &str, options: PoolOptions) -> DbResult<HostPool> {
        match self.0.open_pool(url.into(), options) {
            abi_stable::std_types::ROk(p) => Ok(import_host_pool(p)),
            abi_stable::std_types::RErr(e) => Err(e.into()),
        }
    }
    fn pools(&self) -> Vec<HostPool> {
        self.0.pools().into_iter().map(import_host_pool).collect()
    }
    fn plugins(&self) -> Vec<PluginInfo> {
        self.0.plugins().into_iter().map(PluginInfo::from).collect()
    }
    fn add_observer(&self, observer: Arc<dyn Observer>) {
        self.0.add_observer(FfiObserver_TO::from_value(
            ExportedObserver(observer),
            TD_Opaque,
        ));
    }
    fn add_rewriter(&self, rewriter: Arc<dyn SqlRewriter>) {
        self.0.add_rewriter(export_rewriter(rewriter));
    }
    fn add_serializer(&self, name: &str, serializer: Arc<dyn Serializer>) {
        self.0
            .add_serializer(name.into(), export_serializer(serializer));
    }
}

/// Plugin side: a rewriter as the boundary object the host keeps.
pub fn export_rewriter(rewriter: Arc<dyn SqlRewriter>) -> FfiRewriterBox {
    FfiSqlRewriter_TO::from_value(ExportedRewriter(rewriter), TD_Opaque)
}

/// Host side: a plugin's rewriter from the boundary object.
pub fn import_rewriter(rewriter: FfiRewriterBox) -> Arc<dyn SqlRewriter> {
    Arc::new(ImportedRewriter(Foreign(rewriter)))
}

/// Plugin side: an observer the host calls.
struct ExportedObserver(Arc<dyn Observer>);

impl FfiObserver for ExportedObserver {
    fn observe(&self, event: &OperationEvent) {
        // Nothing may unwind into the host; an observer that panics misses this event.
        let _ = catch_unwind(AssertUnwindSafe(|| self.0.observe(event)));
    }
}

/// Host side: a plugin's observer.
struct ImportedObserver(Foreign<FfiObserverBox>);

impl Observer for ImportedObserver {
    fn observe(&self, event: &OperationEvent) {
        crossings::into_plugin();
        self.0.observe(event);
    }
}

/// Plugin side: a rewriter the host calls.
struct ExportedRewriter(Arc<dyn SqlRewriter>);

impl FfiSqlRewriter for ExportedRewriter {
    fn rewrite(&self, ctx: &RewriteContext, sql: &mut Sql) -> FfiResult<()> {
        // A panic becomes the statement's error instead of unwinding into the host.
        guard_sync(|| self.0.rewrite(ctx, sql))
    }
}

/// Host side: a plugin's rewriter.
struct ImportedRewriter(Foreign<FfiRewriterBox>);

impl SqlRewriter for ImportedRewriter {
    fn rewrite(&self, ctx: &RewriteContext, sql: &mut Sql) -> DbResult<()> {
        crossings::into_plugin();
        self.0.rewrite(ctx, sql).into_result().map_err(Into::into)
    }
}
