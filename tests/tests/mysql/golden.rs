//! docs/golden-sql.md's mysql column where only MySQL has the form: upserts of a text-keyed
//! model and a model without timestamps through the host's dry run, and statements built
//! directly. What the query API builds for `products` on every backend is `golden.rs`;
//! the few places where plugorm deliberately differs from GORM's text say why.

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

use plugorm_tests::bound_values;

use crate::models::{mysql_db, ok, Gadget, Language};

fn texts(sql: &[Sql]) -> Vec<String> {
    sql.iter().map(|s| s.text.to_string()).collect()
}

fn render(db: &Db, stmt: Statement) -> Sql {
    match db.render(&stmt) {
        Ok(s) => s,
        Err(e) => panic!("{stmt:?} did not render: {e}"),
    }
}

#[tokio::test]
async fn golden_upserts_of_a_text_key_and_a_batch_without_timestamps() {
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
    assert_eq!(
        texts(&dry.dry_run_statements()),
        [
            "INSERT INTO `products` (`code`,`price`) VALUES (?,?),(?,?)",
            "INSERT INTO `languages` (`code`,`name`) VALUES (?,?) ON DUPLICATE KEY UPDATE `name`=VALUES(`name`)",
            "INSERT INTO `languages` (`code`,`name`) VALUES (?,?) ON DUPLICATE KEY UPDATE `name`=VALUES(`name`)",
            "INSERT INTO `languages` (`code`,`name`) VALUES (?,?) ON DUPLICATE KEY UPDATE `code`=`code`",
        ]
    );
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
    assert_eq!(bound_values(&sql).len(), 3);

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
        bound_values(&sql),
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
