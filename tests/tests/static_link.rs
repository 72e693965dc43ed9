//! Plugins linked into the binary (the host's `sqlite`, `postgres`, `mysql`, `sqlserver`,
//! `soft-delete`, `dbresolver`, `prometheus`, `hints`, `serializer`, `sharding` features;
//! `--features static` links them all): listed by `linked_plugins`, and each — a feature
//! plugin too — enabled unless `plugins.toml` disables it. Without the features nothing is
//! linked and an empty configuration loads nothing.

use std::path::Path;

use plugorm::{config::PluginsConfig, loader::linked_plugins, Error, Origin, Registry};
use plugorm_tests::{product::Product, STATIC};

fn parse(text: &str) -> PluginsConfig {
    PluginsConfig::parse(text, Path::new("plugins.toml")).unwrap()
}

#[test]
fn linked_plugins_are_exactly_those_the_build_links() {
    let names: Vec<String> = linked_plugins(&PluginsConfig::default())
        .iter()
        .inspect(|p| assert!(p.enabled, "{} is enabled by default", p.manifest.name))
        .map(|p| p.manifest.name.to_string())
        .collect();
    let expected: &[&str] = if STATIC {
        &[
            "dbresolver",
            "hints",
            "mysql",
            "postgres",
            "prometheus",
            "serializer",
            "sharding",
            "soft-delete",
            "sqlite",
            "sqlserver",
        ]
    } else {
        &[]
    };
    assert_eq!(names, expected);
    let registry = Registry::load(&PluginsConfig::default()).unwrap();
    assert_eq!(registry.plugins().len(), expected.len());
}

#[tokio::test]
async fn a_linked_soft_delete_plugin_serves_deletes_with_no_configuration() {
    if !STATIC {
        return; // nothing is linked: the dynamic build needs plugins.toml
    }
    let registry = Registry::load(&PluginsConfig::default()).unwrap();
    let plugin = registry
        .get("soft-delete")
        .expect("the linked plugin is loaded");
    assert_eq!(plugin.origin, Origin::Static);
    let db = registry.open("sqlite::memory:").await.unwrap();
    db.auto_migrate::<Product>().await.unwrap();
    let mut p = Product {
        code: "D42".into(),
        ..Default::default()
    };
    db.create(&mut p).await.unwrap();
    db.delete(&mut p).await.unwrap();
    assert_eq!(db.model::<Product>().count().await.unwrap(), 0);
    assert_eq!(db.model::<Product>().unscoped().count().await.unwrap(), 1);
}

#[tokio::test]
async fn plugins_toml_disables_a_linked_plugin() {
    if !STATIC {
        return;
    }
    let config = parse("[[plugin]]\nname = \"soft-delete\"\nenabled = false\n");
    let states: Vec<(String, bool)> = linked_plugins(&config)
        .iter()
        .map(|p| (p.manifest.name.to_string(), p.enabled))
        .collect();
    assert!(
        states.contains(&("soft-delete".into(), false))
            && states.contains(&("sqlite".into(), true)),
        "{states:?}"
    );
    let registry = Registry::load(&config).unwrap();
    assert!(registry.get("soft-delete").is_none());
    let db = registry.open("sqlite::memory:").await.unwrap();
    db.auto_migrate::<Product>().await.unwrap();
    let e = db.model::<Product>().count().await.unwrap_err();
    assert!(matches!(e, Error::SoftDeleteUnavailable { .. }), "{e}");

    // A disabled dialect is gone too: its scheme is unknown.
    let registry =
        Registry::load(&parse("[[plugin]]\nname = \"postgres\"\nenabled = false\n")).unwrap();
    assert!(!registry.schemes().iter().any(|s| s == "postgres"));
}
