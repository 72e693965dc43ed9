//! sql-golden.md's mysql column, through the loaded dialect: what the host's query API
//! builds (dry run) and statements built directly. Texts with another table than the
//! spec's (`items` for its `users`) apply the same rules; the few places where plugorm
//! deliberately differs from GORM's text say why.

use plugorm::{
    plugin_api::{
        statement::{
            Assignment, Conflict, ConflictAction, Delete, Expr, Insert, OrderBy, Statement,
            TableRef, Update,
        },
        Sql,
    },
    Db, DbError, Error, OnConflict, Value,
};

use crate::models::{db_err, mysql_db, ok, Gadget, Item, Language};

fn texts(sql: &[Sql]) -> Vec<String> {
    sql.iter().map(|s| s.text.to_string()).collect()
}

fn params(sql: &Sql) -> Vec<Value> {
    sql.params
        .iter()
        .map(|p| p.as_enum().cloned().unwrap_or(Value::Null))
        .collect()
}

fn render(db: &Db, stmt: Statement) -> Sql {
    match db.render(&stmt) {
        Ok(s) => s,
        Err(e) => panic!("{stmt:?} did not render: {e}"),
    }
}

#[tokio::test]
async fn golden_queries_deletes_and_locks() {
    let db = mysql_db!(soft_delete);
    let dry = db.dry_run();
    let items = || dry.model::<Item>();
    ok(items().first().await, "G01");
    ok(items().id(10).first().await, "G04");
    ok(items().filter("name = ?", ("x",)).take().await, "G12");
    ok(
        items().filter("name IN ?", (vec!["a", "b"],)).find().await,
        "G13",
    );
    ok(items().limit(10).offset(5).find().await, "G46");
    ok(items().offset(3).find().await, "G47");
    ok(items().order("age desc").order("name").find().await, "G43");
    ok(items().count().await, "G29");
    ok(items().for_update().find().await, "G68");
    ok(items().for_update().nowait().find().await, "G70");
    ok(items().for_update().skip_locked().first().await, "G71");
    ok(items().for_share().find().await, "shared lock");
    ok(
        items().for_share().nowait().find().await,
        "shared lock, NOWAIT",
    );
    ok(
        dry.delete(&mut Item {
            id: 3,
            ..Default::default()
        })
        .await,
        "G106",
    );
    ok(items().unscoped().id(3).delete().await, "G109");
    let statements = dry.dry_run_statements();
    assert_eq!(
        texts(&statements),
        [
            "SELECT * FROM `items` WHERE `items`.`deleted_at` IS NULL ORDER BY `items`.`id` LIMIT ?",
            "SELECT * FROM `items` WHERE `items`.`id` = ? AND `items`.`deleted_at` IS NULL ORDER BY `items`.`id` LIMIT ?",
            "SELECT * FROM `items` WHERE name = ? AND `items`.`deleted_at` IS NULL LIMIT ?",
            "SELECT * FROM `items` WHERE name IN (?,?) AND `items`.`deleted_at` IS NULL",
            "SELECT * FROM `items` WHERE `items`.`deleted_at` IS NULL LIMIT ? OFFSET ?",
            // G47: GORM writes `OFFSET ?` alone, which MySQL and MariaDB reject.
            "SELECT * FROM `items` WHERE `items`.`deleted_at` IS NULL LIMIT 18446744073709551615 OFFSET ?",
            "SELECT * FROM `items` WHERE `items`.`deleted_at` IS NULL ORDER BY age desc,name",
            "SELECT count(*) FROM `items` WHERE `items`.`deleted_at` IS NULL",
            "SELECT * FROM `items` WHERE `items`.`deleted_at` IS NULL FOR UPDATE",
            "SELECT * FROM `items` WHERE `items`.`deleted_at` IS NULL FOR UPDATE NOWAIT",
            "SELECT * FROM `items` WHERE `items`.`deleted_at` IS NULL ORDER BY `items`.`id` LIMIT ? FOR UPDATE SKIP LOCKED",
            // FOR SHARE on MariaDB (the server of these tests) and MySQL 5.x.
            "SELECT * FROM `items` WHERE `items`.`deleted_at` IS NULL LOCK IN SHARE MODE",
            "SELECT * FROM `items` WHERE `items`.`deleted_at` IS NULL LOCK IN SHARE MODE NOWAIT",
            "UPDATE `items` SET `deleted_at`=? WHERE `items`.`id` = ? AND `items`.`deleted_at` IS NULL",
            "DELETE FROM `items` WHERE `items`.`id` = ?",
        ]
    );
    // LIMIT and OFFSET are bound, never spliced.
    assert_eq!(params(&statements[1]), [Value::I64(10), Value::I64(1)]);
    assert_eq!(params(&statements[4]), [Value::I64(10), Value::I64(5)]);
    assert_eq!(params(&statements[5]), [Value::I64(3)]);
    // Nothing ran.
    assert!(!ok(db.migrator().has_table::<Item>().await, "no table"));
}

#[tokio::test]
async fn golden_creates_and_upserts() {
    let db = mysql_db!(soft_delete);
    let dry = db
        .dry_run()
        .with_now(|| chrono::DateTime::from_timestamp(0, 0).unwrap_or_default());
    let mut batch = vec![
        Gadget {
            code: "A".into(),
            price: 1,
            ..Default::default()
        },
        Gadget {
            code: "B".into(),
            price: 2,
            ..Default::default()
        },
    ];
    ok(dry.create_many(&mut batch).await, "G74");
    let mut item = Item {
        code: "c".into(),
        price: 5,
        ..Default::default()
    };
    ok(dry.create(&mut item).await, "G72");
    let mut lang = Language {
        code: "zh".into(),
        name: "Chinese".into(),
    };
    ok(
        dry.on_conflict(OnConflict::update_columns(&["name"]).on(&["code"]))
            .create(&mut lang)
            .await,
        "G83",
    );
    ok(
        dry.on_conflict(OnConflict::update_all())
            .create(&mut lang)
            .await,
        "G84",
    );
    ok(
        dry.on_conflict(OnConflict::do_nothing())
            .create(&mut lang)
            .await,
        "G86",
    );
    ok(
        dry.on_conflict(OnConflict::update_all())
            .create(&mut item.clone())
            .await,
        "G85",
    );
    ok(
        dry.model::<Item>()
            .filter("price > ?", (1,))
            .update("price", 5)
            .await,
        "G92",
    );
    assert_eq!(
        texts(&dry.dry_run_statements()),
        [
            "INSERT INTO `products` (`code`,`price`) VALUES (?,?),(?,?)",
            "INSERT INTO `items` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES (?,?,?,?,?)",
            "INSERT INTO `languages` (`code`,`name`) VALUES (?,?) ON DUPLICATE KEY UPDATE `name`=VALUES(`name`)",
            "INSERT INTO `languages` (`code`,`name`) VALUES (?,?) ON DUPLICATE KEY UPDATE `name`=VALUES(`name`)",
            "INSERT INTO `languages` (`code`,`name`) VALUES (?,?) ON DUPLICATE KEY UPDATE `code`=`code`",
            "INSERT INTO `items` (`code`,`price`,`created_at`,`updated_at`,`deleted_at`) VALUES (?,?,?,?,?) ON DUPLICATE KEY UPDATE `code`=VALUES(`code`),`price`=VALUES(`price`),`updated_at`=?,`deleted_at`=VALUES(`deleted_at`)",
            "UPDATE `items` SET `price`=?,`updated_at`=? WHERE price > ? AND `items`.`deleted_at` IS NULL",
        ]
    );

    // An upsert condition has no MySQL form: refused before anything runs.
    match db_err(
        db.on_conflict(OnConflict::update_all().when("price > 0"))
            .create(&mut Item {
                code: "x".into(),
                ..Default::default()
            })
            .await
            .unwrap_err(),
    ) {
        DbError::Unsupported(m) => assert!(m.contains("ON DUPLICATE KEY UPDATE"), "{m}"),
        other => panic!("expected Unsupported, got {other:?}"),
    }
}

#[tokio::test]
async fn golden_statements_built_directly() {
    let db = mysql_db!();
    let users = || TableRef::new("users");

    // G82: explicit assignment.
    let mut ins = Insert::new(TableRef::new("languages"), ["code".into(), "name".into()]);
    ins.rows = vec![vec![Expr::value("zh"), Expr::value("Chinese")].into()].into();
    ins.on_conflict = Some(Conflict {
        target: vec!["code".into()].into(),
        action: ConflictAction::Update(
            vec![Assignment {
                column: "name".into(),
                value: Expr::value("upsert-new"),
            }]
            .into(),
        ),
        condition: None.into(),
    })
    .into();
    ins.returning = vec!["code".into()].into();
    let sql = render(&db, Statement::Insert(ins));
    assert_eq!(
        sql.text.as_str(),
        "INSERT INTO `languages` (`code`,`name`) VALUES (?,?) ON DUPLICATE KEY UPDATE `name`=?"
    );
    assert_eq!(params(&sql).len(), 3);

    // G103: UPDATE keeps ORDER BY and LIMIT on MySQL; DELETE likewise.
    let mut up = Update::new(users());
    up.set = vec![Assignment {
        column: "active".into(),
        value: Expr::value(false),
    }]
    .into();
    up.conditions = vec![Expr::raw("age > ?", [Value::I64(10)])].into();
    up.order_by = vec![OrderBy::asc(Expr::raw("id", []))].into();
    up.limit = Some(10).into();
    up.returning = vec!["*".into()].into();
    let sql = render(&db, Statement::Update(up));
    assert_eq!(
        sql.text.as_str(),
        "UPDATE `users` SET `active`=? WHERE age > ? ORDER BY id LIMIT ?"
    );
    assert_eq!(
        params(&sql),
        [Value::Bool(false), Value::I64(10), Value::I64(10)]
    );
    let mut del = Delete::new(TableRef::new("products"));
    del.conditions = vec![Expr::raw("price > ?", [Value::I64(100)])].into();
    del.returning = vec!["*".into()].into();
    // G113: no RETURNING on MySQL.
    assert_eq!(
        render(&db, Statement::Delete(del.clone())).text.as_str(),
        "DELETE FROM `products` WHERE price > ?"
    );
    del.order_by = vec![OrderBy {
        expr: Expr::bare_col("price"),
        desc: true,
    }]
    .into();
    del.limit = Some(2).into();
    assert_eq!(
        render(&db, Statement::Delete(del)).text.as_str(),
        "DELETE FROM `products` WHERE price > ? ORDER BY `price` DESC LIMIT ?"
    );

    // A row of defaults.
    let mut defaults = Insert::new(TableRef::new("t"), []);
    defaults.rows = vec![Default::default(), Default::default()].into();
    assert_eq!(
        render(&db, Statement::Insert(defaults)).text.as_str(),
        "INSERT INTO `t` () VALUES (),()"
    );

    // G120 / G121: raw SQL keeps `?`; lists expand.
    let sql = ok(
        db.render_raw(
            "UPDATE orders SET shipped_at = ? WHERE id IN ?",
            ("now", vec![1, 2, 3]),
        ),
        "G121",
    );
    assert_eq!(
        sql.text.as_str(),
        "UPDATE orders SET shipped_at = ? WHERE id IN (?,?,?)"
    );

    // Identifiers are quoted, backticks doubled.
    let q = db.model::<Gadget>().table("we`ird");
    let sql = ok(q.find_sql().await, "odd table");
    assert!(
        sql.text.starts_with("SELECT * FROM `we``ird`"),
        "{}",
        sql.text
    );

    // PostgreSQL's lock strengths have no MySQL form.
    let e = db
        .dry_run()
        .model::<Gadget>()
        .lock(plugorm::plugin_api::statement::LockStrength::KeyShare)
        .find()
        .await
        .unwrap_err();
    match e {
        Error::Db(DbError::Unsupported(m)) => assert!(m.contains("KEY SHARE"), "{m}"),
        other => panic!("expected Unsupported, got {other:?}"),
    }
}
