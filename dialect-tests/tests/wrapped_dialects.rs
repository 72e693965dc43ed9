//! The kit against dialects that are not quite right: the SQLite dialect wrapped to
//! claim no savepoints (those checks are skipped, not failed), and wrapped to lose the
//! indexes and foreign keys it describes (the migration checks fail, the rest pass).

use std::sync::Arc;

use plugorm::plugin_api::{
    connection::{BoxFuture, Pool},
    dialect::{Capabilities, Dialect, PoolOptions},
    manifest::{Manifest, PluginDescriptor, PluginInstance, PluginKind},
    migrate::{Ddl, TableInfo},
    render::SqlRenderer,
    statement::{Statement, TableRef},
    DbError, DbResult, Rows, Sql,
};
use plugorm_dialect_tests::{Capability, Outcome, Plugin, Suite};

/// SQLite under another name, with a twist.
struct Wrapped {
    inner: Arc<dyn Dialect>,
    name: &'static str,
    savepoints: bool,
    forget_indexes: bool,
}

impl Wrapped {
    fn new(name: &'static str, savepoints: bool, forget_indexes: bool) -> DbResult<Wrapped> {
        match (plugorm_sqlite::PLUGIN.instantiate)()? {
            PluginInstance::Dialect(inner) => Ok(Wrapped {
                inner,
                name,
                savepoints,
                forget_indexes,
            }),
            PluginInstance::Feature(_) => Err(DbError::Other("sqlite is a dialect".into())),
        }
    }
}

impl Dialect for Wrapped {
    fn name(&self) -> &str {
        self.name
    }
    fn url_schemes(&self) -> Vec<String> {
        vec![self.name.to_string()]
    }
    fn capabilities(&self) -> Capabilities {
        let mut c = self.inner.capabilities();
        c.savepoints = self.savepoints;
        c
    }
    fn renderer(&self) -> Option<&dyn SqlRenderer> {
        self.inner.renderer()
    }
    fn render(&self, stmt: &Statement) -> DbResult<Sql> {
        self.inner.render(stmt)
    }
    fn connect(&self, url: &str, options: PoolOptions) -> BoxFuture<Arc<dyn Pool>> {
        let url = url.replacen(self.name, "sqlite", 1);
        self.inner.connect(&url, options)
    }
    fn render_ddl(&self, ddl: &Ddl) -> DbResult<Vec<Sql>> {
        self.inner.render_ddl(ddl)
    }
    fn introspection_queries(&self, table: &TableRef) -> DbResult<Vec<Sql>> {
        self.inner.introspection_queries(table)
    }
    fn parse_introspection(&self, table: &TableRef, results: Vec<Rows>) -> DbResult<TableInfo> {
        let mut info = self.inner.parse_introspection(table, results)?;
        if self.forget_indexes {
            info.indexes = Vec::new().into();
            info.foreign_keys = Vec::new().into();
        }
        Ok(info)
    }
}

fn manifest_nosp() -> Manifest {
    Manifest::new(
        "kit-nosp",
        PluginKind::Dialect,
        "0.1.0",
        "SQLite without savepoints",
    )
}
fn instantiate_nosp() -> DbResult<PluginInstance> {
    Ok(PluginInstance::Dialect(Arc::new(Wrapped::new(
        "kitnosp", false, false,
    )?)))
}
static NO_SAVEPOINTS: PluginDescriptor = PluginDescriptor {
    manifest: manifest_nosp,
    instantiate: instantiate_nosp,
};
plugorm::plugin_api::register_static_plugin!(NO_SAVEPOINTS);

fn manifest_blind() -> Manifest {
    Manifest::new(
        "kit-blind",
        PluginKind::Dialect,
        "0.1.0",
        "SQLite blind to indexes",
    )
}
fn instantiate_blind() -> DbResult<PluginInstance> {
    Ok(PluginInstance::Dialect(Arc::new(Wrapped::new(
        "kitblind", true, true,
    )?)))
}
static BLIND: PluginDescriptor = PluginDescriptor {
    manifest: manifest_blind,
    instantiate: instantiate_blind,
};
plugorm::plugin_api::register_static_plugin!(BLIND);

#[tokio::test]
async fn a_capability_the_dialect_lacks_is_skipped_not_failed() {
    let report = Suite::new(Plugin::Static(&NO_SAVEPOINTS), "kitnosp::memory:")
        .run()
        .await;
    report.assert_passed();
    assert_eq!(report.dialect, "kitnosp");
    assert_eq!(report.counts(Capability::Savepoints), (0, 0, 2), "{report}");
    assert!(report.counts(Capability::Transactions).0 > 0);
    let text = report.to_string();
    assert!(
        text.contains("skipped savepoints/explicit_savepoints: the dialect's Capabilities has savepoints = false"),
        "{text}"
    );
    assert!(text.contains("skipped golden_sql/statements"), "{text}");
}

#[tokio::test]
async fn a_dialect_that_forgets_its_indexes_fails_the_migration_checks() {
    let report = Suite::new(Plugin::Static(&BLIND), "kitblind::memory:")
        .only(&[Capability::Migrations, Capability::Crud])
        .run()
        .await;
    assert!(!report.passed(), "{report}");
    let failed: Vec<String> = report.failures().map(|c| c.id()).collect();
    assert!(
        failed.contains(&"migrations/auto_migrate_twice_issues_no_ddl".to_string()),
        "{report}"
    );
    assert!(
        failed.contains(&"migrations/describe_table".to_string()),
        "{report}"
    );
    assert!(
        failed.iter().all(|f| f.starts_with("migrations/")),
        "{report}"
    );
    assert_eq!(report.counts(Capability::Crud), (4, 0, 0), "{report}");
    assert!(
        report
            .checks
            .iter()
            .all(|c| matches!(c.capability, Capability::Migrations | Capability::Crud)),
        "only() keeps the other capabilities out"
    );
    let describe = report
        .checks
        .iter()
        .find(|c| c.name == "describe_table")
        .map(|c| c.outcome.clone());
    assert!(
        matches!(&describe, Some(Outcome::Failed(why)) if why.contains("idx_kit_pets_m_age")),
        "{describe:?}"
    );
}

#[tokio::test]
async fn a_missing_library_is_a_setup_error() {
    let report = Suite::new(
        Plugin::library("/nonexistent/libplugorm_nothing.so"),
        "nothing::memory:",
    )
    .run()
    .await;
    assert!(report.setup_error.is_some());
    assert!(report.to_string().contains("no such file"), "{report}");
    assert!(!report.unreachable());
}
