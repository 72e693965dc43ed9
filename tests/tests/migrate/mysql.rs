//! What only MariaDB / MySQL's migrator does: table options (engine, charset, collation)
//! from the URL reach CREATE TABLE.

use plugorm_tests::{golden_models::Product, hand_schema::ok, mysql};

#[tokio::test]
async fn table_options_from_the_url_reach_create_table() {
    let Some(t) = mysql::open("").await else {
        return;
    };
    let url = format!(
        "{}?engine=MyISAM&table_charset=utf8mb4&table_collation=utf8mb4_bin",
        t.url
    );
    let db = ok(t.registry.open(&url).await, "open with table options");
    ok(db.auto_migrate::<Product>().await, "create");
    let rows = ok(
        db.raw(
            "SELECT ENGINE AS engine, TABLE_COLLATION AS collation FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
            ("products",),
        )
        .await,
        "table status",
    );
    let row = rows.iter().next().unwrap();
    assert_eq!(row.get::<String>("engine").unwrap(), "MyISAM");
    assert_eq!(row.get::<String>("collation").unwrap(), "utf8mb4_bin");
    // The default pool of the same database leaves the server's defaults.
    ok(t.db.exec("CREATE TABLE plain (id int)", ()).await, "plain");
    let rows = ok(
        t.db.raw(
            "SELECT ENGINE AS engine FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'plain'",
            (),
        )
        .await,
        "plain status",
    );
    assert_eq!(
        rows.iter().next().unwrap().get::<String>("engine").unwrap(),
        "InnoDB"
    );
    // A bad option is refused with its key.
    let e = t
        .registry
        .open(&format!("{}?engine=In%20noDB", t.url))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("engine"), "{e}");
}
