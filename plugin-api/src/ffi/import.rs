//! Host side: wraps `Ffi*` trait objects from a loaded library in the Rust traits, so the
//! host has one code path for static and dynamic plugins.

use std::sync::Arc;

use abi_stable::std_types::{ROption, RResult, RString, RVec};

use super::{
    crossings::{self, Counted, Foreign},
    FfiCallbackBox, FfiConnectionBox, FfiDdl, FfiDialectBox, FfiDialectInfoRef, FfiFeatureBox,
    FfiFut, FfiPoolBox, FfiResult, FfiRowStreamBox, FfiTransactionBox,
};
use crate::{
    connection::{BoxFuture, Connection, Executor, Pool, PoolStats, RowStream, Transaction},
    dialect::{Capabilities, Dialect, PoolOptions},
    feature::{Callback, CallbackContext, CallbackSpec, FeaturePlugin},
    migrate::{Ddl, TableInfo},
    row::{RowBatch, Rows},
    sql::ExecResult,
    statement::{Statement, TableRef},
    DbResult, Sql,
};

/// The result of a synchronous call into the plugin (counted as one crossing).
fn sync<T>(r: FfiResult<T>) -> DbResult<T> {
    crossings::into_plugin();
    result(r)
}

fn result<T>(r: FfiResult<T>) -> DbResult<T> {
    match r {
        RResult::ROk(v) => Ok(v),
        RResult::RErr(e) => Err(e.into()),
    }
}

/// The future a call into the plugin returned: the call, each poll and the drop are
/// counted crossings.
fn fut<T: Send + 'static, U: Send + 'static>(
    f: FfiFut<T>,
    map: impl FnOnce(T) -> U + Send + 'static,
) -> BoxFuture<U> {
    crossings::into_plugin();
    let f = Counted::new(f);
    Box::pin(async move { result(f.await).map(map) })
}

fn same<T>(v: T) -> T {
    v
}

/// A dialect from a loaded library.
pub struct ImportedDialect {
    name: String,
    schemes: Vec<String>,
    capabilities: Capabilities,
    inner: FfiDialectBox,
    /// Its pools answer `waits` (built against 0.2.2 or later).
    pool_waits: bool,
}

impl ImportedDialect {
    /// Wraps a loaded dialect; a capability this side does not know is an error.
    pub fn new(info: FfiDialectInfoRef, inner: FfiDialectBox) -> DbResult<ImportedDialect> {
        let (name, schemes) = info.names();
        Ok(ImportedDialect {
            name,
            schemes,
            capabilities: info.capabilities()?,
            inner,
            pool_waits: false,
        })
    }

    /// Records the plugin-API version the plugin was built against (its manifest's), so
    /// that methods appended later are called only where they exist.
    pub fn built_against(mut self, api_version: &str) -> ImportedDialect {
        self.pool_waits = at_least_0_2_2(api_version);
        self
    }
}

/// True for a plugin built against plugin API 0.2.2 or later (host services, pool waits).
fn at_least_0_2_2(api_version: &str) -> bool {
    super::compat::ApiVersion::parse(api_version)
        .is_some_and(|v| (v.major, v.minor, v.patch) >= (0, 2, 2))
}

impl Dialect for ImportedDialect {
    fn name(&self) -> &str {
        &self.name
    }
    fn url_schemes(&self) -> Vec<String> {
        self.schemes.clone()
    }
    fn capabilities(&self) -> Capabilities {
        self.capabilities
    }
    fn render(&self, stmt: &Statement) -> DbResult<Sql> {
        sync(self.inner.render(stmt))
    }
    fn connect(&self, url: &str, options: PoolOptions) -> BoxFuture<Arc<dyn Pool>> {
        let waits = self.pool_waits;
        fut(self.inner.connect(RString::from(url), options), move |p| {
            import_pool(p, waits)
        })
    }
    fn render_ddl(&self, ddl: &Ddl) -> DbResult<Vec<Sql>> {
        sync(self.inner.render_ddl(&FfiDdl::new(ddl.clone()))).map(RVec::into_vec)
    }
    fn introspection_queries(&self, table: &TableRef) -> DbResult<Vec<Sql>> {
        sync(self.inner.introspection_queries(table)).map(RVec::into_vec)
    }
    fn parse_introspection(&self, table: &TableRef, results: Vec<Rows>) -> DbResult<TableInfo> {
        sync(self.inner.parse_introspection(table, results.into()))
    }
}

/// Wraps a pool from a loaded library in the [`Pool`] trait.
/// Wraps a pool from across the boundary; `waits` says whether its side was built
/// against 0.2.2 or later (older pools have no `waits` method and report zeros).
pub(crate) fn import_pool(pool: FfiPoolBox, waits: bool) -> Arc<dyn Pool> {
    Arc::new(ImportedPool(Foreign(pool), waits))
}

struct ImportedPool(Foreign<FfiPoolBox>, bool);

impl Executor for ImportedPool {
    fn execute(&self, sql: Sql) -> BoxFuture<ExecResult> {
        fut(self.0.execute(sql), same)
    }
    fn query_stream(&self, sql: Sql, batch_rows: u32) -> BoxFuture<Box<dyn RowStream>> {
        fut(self.0.query_stream(sql, batch_rows), |s| {
            Box::new(ImportedStream(Foreign(s))) as Box<dyn RowStream>
        })
    }
    fn query(&self, sql: Sql) -> BoxFuture<Rows> {
        fut(self.0.query(sql), same)
    }
}

impl Pool for ImportedPool {
    fn acquire(&self) -> BoxFuture<Arc<dyn Connection>> {
        fut(self.0.acquire(), |c| {
            Arc::new(ImportedConnection(Foreign(c))) as Arc<dyn Connection>
        })
    }
    fn begin(&self) -> BoxFuture<Arc<dyn Transaction>> {
        fut(self.0.begin(), import_transaction)
    }
    fn ping(&self) -> BoxFuture<()> {
        fut(self.0.ping(), same)
    }
    fn stats(&self) -> PoolStats {
        crossings::into_plugin();
        self.0.stats()
    }
    fn close(&self) -> BoxFuture<()> {
        fut(self.0.close(), same)
    }
    fn waits(&self) -> crate::PoolWaits {
        if !self.1 {
            return crate::PoolWaits::default();
        }
        crossings::into_plugin();
        self.0.waits()
    }
}

struct ImportedConnection(Foreign<FfiConnectionBox>);

impl Executor for ImportedConnection {
    fn execute(&self, sql: Sql) -> BoxFuture<ExecResult> {
        fut(self.0.execute(sql), same)
    }
    fn query_stream(&self, sql: Sql, batch_rows: u32) -> BoxFuture<Box<dyn RowStream>> {
        fut(self.0.query_stream(sql, batch_rows), |s| {
            Box::new(ImportedStream(Foreign(s))) as Box<dyn RowStream>
        })
    }
    fn query(&self, sql: Sql) -> BoxFuture<Rows> {
        fut(self.0.query(sql), same)
    }
}

impl Connection for ImportedConnection {
    fn begin(&self) -> BoxFuture<Arc<dyn Transaction>> {
        fut(self.0.begin(), import_transaction)
    }
    fn ping(&self) -> BoxFuture<()> {
        fut(self.0.ping(), same)
    }
}

fn import_transaction(t: FfiTransactionBox) -> Arc<dyn Transaction> {
    Arc::new(ImportedTransaction(Foreign(t)))
}

struct ImportedTransaction(Foreign<FfiTransactionBox>);

impl Executor for ImportedTransaction {
    fn execute(&self, sql: Sql) -> BoxFuture<ExecResult> {
        fut(self.0.execute(sql), same)
    }
    fn query_stream(&self, sql: Sql, batch_rows: u32) -> BoxFuture<Box<dyn RowStream>> {
        fut(self.0.query_stream(sql, batch_rows), |s| {
            Box::new(ImportedStream(Foreign(s))) as Box<dyn RowStream>
        })
    }
    fn query(&self, sql: Sql) -> BoxFuture<Rows> {
        fut(self.0.query(sql), same)
    }
}

impl Transaction for ImportedTransaction {
    fn savepoint(&self, name: &str) -> BoxFuture<()> {
        fut(self.0.savepoint(name.into()), same)
    }
    fn rollback_to(&self, name: &str) -> BoxFuture<()> {
        fut(self.0.rollback_to(name.into()), same)
    }
    fn release(&self, name: &str) -> BoxFuture<()> {
        fut(self.0.release(name.into()), same)
    }
    fn commit(&self) -> BoxFuture<()> {
        fut(self.0.commit(), same)
    }
    fn rollback(&self) -> BoxFuture<()> {
        fut(self.0.rollback(), same)
    }
}

struct ImportedStream(Foreign<FfiRowStreamBox>);

impl RowStream for ImportedStream {
    fn names(&self) -> Vec<String> {
        crossings::into_plugin();
        self.0.names().into_iter().map(String::from).collect()
    }
    fn next_batch(&self) -> BoxFuture<Option<RowBatch>> {
        fut(self.0.next_batch(), ROption::into_option)
    }
}

/// A feature plugin from a loaded library.
pub struct ImportedFeature {
    inner: FfiFeatureBox,
    /// Built against 0.2.2 or later: it takes the host's services.
    takes_host: bool,
}

impl ImportedFeature {
    /// Wraps a loaded feature plugin built against `api_version` (its manifest's).
    pub fn new(inner: FfiFeatureBox, api_version: &str) -> ImportedFeature {
        ImportedFeature {
            inner,
            takes_host: at_least_0_2_2(api_version),
        }
    }
}

fn import_specs(specs: RVec<super::FfiCallbackSpec>) -> Vec<CallbackSpec> {
    specs
        .into_iter()
        .map(|s| CallbackSpec {
            processor: s.processor,
            name: s.name.into(),
            placement: s.placement,
            callback: Arc::new(ImportedCallback(Foreign(s.callback))) as Arc<dyn Callback>,
        })
        .collect()
}

impl FeaturePlugin for ImportedFeature {
    fn initialize(&self, config_json: &str) -> DbResult<Vec<CallbackSpec>> {
        sync(self.inner.initialize(config_json.into())).map(import_specs)
    }
    fn initialize_with_host(
        &self,
        host: &crate::host::Host,
        config_json: &str,
    ) -> DbResult<Vec<CallbackSpec>> {
        if !self.takes_host {
            return self.initialize(config_json);
        }
        let host = super::host::export_host(host.clone());
        sync(self.inner.initialize_with_host(host, config_json.into())).map(import_specs)
    }
}

struct ImportedCallback(Foreign<FfiCallbackBox>);

impl Callback for ImportedCallback {
    fn call(&self, ctx: &mut CallbackContext<'_>) -> DbResult<()> {
        sync(self.0.call(ctx))
    }
}
