//! `Registry::open_dry_run`: a dialect's SQL for any call, with no server at all — the
//! URL names a host that does not exist, and nothing is ever opened. Writes in their
//! default transaction, AutoMigrate and reads all render and record.

use plugorm::{Error, Registry};
use plugorm_tests::{config, matrix::SOFT_DELETE, product::Product};

fn registry(plugin: &str) -> Registry {
    let text = format!("[[plugin]]\nname = \"{plugin}\"\n{SOFT_DELETE}");
    match Registry::load(&config(&text)) {
        Ok(r) => r,
        Err(e) => panic!("cannot load {plugin}: {e}"),
    }
}

#[tokio::test]
async fn a_dry_database_renders_every_call_without_a_server() {
    let db = match registry("postgres").open_dry_run("postgres://nobody@no-such-host.invalid:1/x") {
        Ok(db) => db,
        Err(e) => panic!("cannot open a dry-run database: {e}"),
    };
    assert_eq!(db.dialect().name(), "postgres");
    db.auto_migrate::<Product>().await.unwrap();
    let mut p = Product {
        code: "x".into(),
        price: 3,
        ..Default::default()
    };
    db.create(&mut p).await.unwrap();
    let found = db
        .model::<Product>()
        .filter("price > ?", (1,))
        .find()
        .await
        .unwrap();
    assert!(found.is_empty(), "a dry run reads nothing");
    let texts: Vec<String> = db
        .dry_run_statements()
        .iter()
        .map(|s| s.text.to_string())
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("CREATE TABLE \"products\"")),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("INSERT INTO \"products\"") && t.ends_with("RETURNING \"id\"")),
        "{texts:?}"
    );
    assert_eq!(
        texts.last().map(String::as_str),
        Some(r#"SELECT * FROM "products" WHERE price > $1 AND "products"."deleted_at" IS NULL"#)
    );
}

#[tokio::test]
async fn a_dry_database_needs_a_loaded_dialect_and_runs_no_raw_sql() {
    let none = registry("postgres").open_dry_run("oracle://x");
    assert!(matches!(none, Err(Error::UnknownScheme { .. })), "{none:?}");
    let db = registry("mysql")
        .open_dry_run("mysql://root@no-such-host.invalid/x")
        .unwrap();
    // Raw SQL in a dry run is recorded, never sent; a transaction opens and closes.
    db.transaction(async |tx| {
        tx.exec("UPDATE t SET a = ?", (1,)).await?;
        Ok(())
    })
    .await
    .unwrap();
    let texts: Vec<String> = db
        .dry_run_statements()
        .iter()
        .map(|s| s.text.to_string())
        .collect();
    assert_eq!(texts, ["UPDATE t SET a = ?"]);
}
