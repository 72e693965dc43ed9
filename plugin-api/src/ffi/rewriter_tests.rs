//! A SQL rewriter across the boundary (plugin API 0.2.3): handed by a plugin to a host
//! through the exported host, called by the host, its errors and panics brought back as
//! the statement's error.

use std::sync::{Arc, Mutex};

use super::host::{export_host, export_rewriter, import_host, import_rewriter};
use crate::{
    dialect::PoolOptions,
    host::{
        Host, HostApi, HostPool, Observer, PluginInfo, RewriteContext, Serializer, SqlRewriter,
    },
    DbError, DbResult, Setting, Sql,
};

/// Writes the setting `t:tag` before the text; `fail` is an error, `panic` panics.
struct Tag;

impl SqlRewriter for Tag {
    fn rewrite(&self, ctx: &RewriteContext, sql: &mut Sql) -> DbResult<()> {
        match ctx.setting("t:tag") {
            Some("fail") => Err(DbError::Unsupported("no tag on sqlite".into())),
            Some("panic") => panic!("the rewriter broke"),
            Some(tag) => {
                sql.text = format!("/* {tag} {} */ {}", ctx.dialect, sql.text).into();
                Ok(())
            }
            None => Ok(()),
        }
    }
}

fn ctx(tag: &str) -> RewriteContext {
    RewriteContext {
        dialect: "sqlite".into(),
        settings: vec![Setting {
            key: "t:tag".into(),
            value: tag.into(),
        }]
        .into(),
        extra: Default::default(),
    }
}

#[test]
fn a_rewriter_crosses_with_its_context_errors_and_panics() {
    let crossed = import_rewriter(export_rewriter(Arc::new(Tag)));
    let mut sql = Sql::new("SELECT ?", [crate::Value::I64(1)]);
    crossed.rewrite(&ctx("report"), &mut sql).unwrap();
    assert_eq!(sql.text.as_str(), "/* report sqlite */ SELECT ?");
    assert_eq!(sql.params.len(), 1, "the parameters cross untouched");
    let e = crossed.rewrite(&ctx("fail"), &mut sql).unwrap_err();
    assert!(
        matches!(e, DbError::Unsupported(ref m) if m == "no tag on sqlite"),
        "{e:?}"
    );
    let e = crossed.rewrite(&ctx("panic"), &mut sql).unwrap_err();
    assert!(
        matches!(e, DbError::Panicked(ref m) if m.contains("the rewriter broke")),
        "{e:?}"
    );
}

/// A host that keeps the rewriters and (0.2.4) the serializers it is given.
#[derive(Default)]
pub(super) struct Keeps {
    pub(super) rewriters: Mutex<Vec<Arc<dyn SqlRewriter>>>,
    pub(super) serializers: Mutex<Vec<(String, Arc<dyn Serializer>)>>,
}

impl HostApi for Keeps {
    fn open_pool(&self, _: &str, _: PoolOptions) -> DbResult<HostPool> {
        Err(DbError::Unsupported("not in this test".into()))
    }
    fn pools(&self) -> Vec<HostPool> {
        Vec::new()
    }
    fn plugins(&self) -> Vec<PluginInfo> {
        Vec::new()
    }
    fn add_observer(&self, _: Arc<dyn Observer>) {}
    fn add_rewriter(&self, rewriter: Arc<dyn SqlRewriter>) {
        if let Ok(mut v) = self.rewriters.lock() {
            v.push(rewriter);
        }
    }
    fn add_serializer(&self, name: &str, serializer: Arc<dyn Serializer>) {
        if let Ok(mut v) = self.serializers.lock() {
            v.push((name.to_string(), serializer));
        }
    }
}

#[test]
fn a_plugin_adds_a_rewriter_through_the_exported_host() {
    let keeps = Arc::new(Keeps::default());
    let plugin_side = import_host(export_host(Host::new(keeps.clone())));
    plugin_side.add_rewriter(Arc::new(Tag));
    let kept = keeps.rewriters.lock().unwrap();
    assert_eq!(kept.len(), 1);
    let mut sql = Sql::new("SELECT 1", []);
    kept[0].rewrite(&ctx("t"), &mut sql).unwrap();
    assert_eq!(sql.text.as_str(), "/* t sqlite */ SELECT 1");
}
