//! Callback registration and ordering on every backend, GORM's rules: register, before /
//! after (and `*`), replace in place, remove; user callbacks see and change the statement.

use std::sync::{Arc, Mutex};

use plugorm::plugin_api::{statement::Statement, steps, Callback, CallbackContext, DbResult};
use plugorm_tests::{matrix::Backend, product::Product};

plugorm_tests::matrix!(
    default_chains_match_gorm,
    before_after_star_replace_remove,
    a_user_callback_rewrites_the_statement,
    raw_sql_runs_through_the_raw_and_row_chains,
);

struct Named(&'static str, Arc<Mutex<Vec<&'static str>>>);

impl Callback for Named {
    fn call(&self, _ctx: &mut CallbackContext<'_>) -> DbResult<()> {
        self.1.lock().unwrap().push(self.0);
        Ok(())
    }
}

async fn default_chains_match_gorm(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    assert_eq!(
        db.callbacks().create().names(),
        [
            "orm:begin_transaction",
            "orm:before_create",
            "orm:save_before_associations",
            "orm:create",
            "orm:save_after_associations",
            "orm:after_create",
            "orm:commit_or_rollback_transaction"
        ]
    );
    // The soft-delete plugin's callbacks sit right before the main step.
    let q = db.callbacks().query().names();
    assert_eq!(
        q,
        [
            "soft_delete:query",
            "orm:query",
            "orm:preload",
            "orm:after_query"
        ]
    );
    let d = db.callbacks().delete().names();
    let pos = |n: &str| d.iter().position(|x| x == n).unwrap();
    assert_eq!(pos("soft_delete:delete") + 1, pos(steps::DELETE));
    // The shared constants are exactly the host's built-in steps.
    let c = db.callbacks();
    let mut builtin: Vec<String> = [
        c.create(),
        c.query(),
        c.update(),
        c.delete(),
        c.row(),
        c.raw(),
    ]
    .iter()
    .flat_map(|p| p.names())
    .filter(|n| n.starts_with("orm:"))
    .collect();
    builtin.sort();
    builtin.dedup();
    let mut all: Vec<&str> = steps::ALL.to_vec();
    all.sort();
    assert_eq!(builtin, all);
}

async fn before_after_star_replace_remove(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    let log = Arc::new(Mutex::new(Vec::new()));
    let cb = |n| Arc::new(Named(n, log.clone())) as Arc<dyn Callback>;
    let raw = db.callbacks().raw();
    let _ = raw.names();
    let q = || db.callbacks().query();
    q().after("*").register("t:last", cb("last")).unwrap();
    q().before("*").register("t:first", cb("first")).unwrap();
    q().after(steps::QUERY)
        .register("t:after_query", cb("after_query"))
        .unwrap();
    q().before(steps::QUERY)
        .register("t:before_query", cb("before_query"))
        .unwrap();
    let names = q().names();
    assert_eq!(names.first().map(String::as_str), Some("t:first"));
    assert_eq!(names.last().map(String::as_str), Some("t:last"));
    let pos = |n: &str| names.iter().position(|x| x == n).unwrap();
    assert!(pos("t:before_query") < pos(steps::QUERY) && pos(steps::QUERY) < pos("t:after_query"));

    db.model::<Product>().find().await.unwrap();
    let ran = log.lock().unwrap().clone();
    assert_eq!(ran.first(), Some(&"first"));
    assert_eq!(ran.last(), Some(&"last"));

    // Replace keeps the position; remove drops it.
    q().replace("t:first", cb("replaced")).unwrap();
    assert_eq!(q().names()[0], "t:first");
    q().remove("t:last").unwrap();
    assert!(!q().names().contains(&"t:last".to_string()));
    log.lock().unwrap().clear();
    db.model::<Product>().find().await.unwrap();
    let ran = log.lock().unwrap().clone();
    assert_eq!(ran.first(), Some(&"replaced"));
    assert!(!ran.contains(&"last"));

    // A conflicting order is refused and leaves the chain as it was.
    let before = q().names();
    let e = q()
        .before("t:before_query")
        .register("t:after_query", cb("x"))
        .unwrap_err();
    assert!(e.to_string().contains("conflicting callback"), "{e}");
    assert_eq!(q().names(), before);
}

struct Limit;

impl Callback for Limit {
    fn call(&self, ctx: &mut CallbackContext<'_>) -> DbResult<()> {
        if let Statement::Select(s) = &mut ctx.statement {
            s.limit = Some(1).into();
        }
        Ok(())
    }
}

async fn a_user_callback_rewrites_the_statement(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    db.create_many(&mut [
        Product {
            code: "a".into(),
            ..Default::default()
        },
        Product {
            code: "b".into(),
            ..Default::default()
        },
    ])
    .await
    .unwrap();
    db.callbacks()
        .query()
        .before(steps::QUERY)
        .register("t:limit", Arc::new(Limit))
        .unwrap();
    assert_eq!(db.model::<Product>().find().await.unwrap().len(), 1);
    // Removing a built-in step: no after_find hooks.
    db.callbacks().query().remove(steps::AFTER_QUERY).unwrap();
    plugorm_tests::product::take_events();
    db.model::<Product>().find().await.unwrap();
    assert!(plugorm_tests::product::take_events().is_empty());
}

/// Records the raw statements a chain sees, by processor.
struct SeenRaw(&'static str, Arc<Mutex<Vec<String>>>);

impl Callback for SeenRaw {
    fn call(&self, ctx: &mut CallbackContext<'_>) -> DbResult<()> {
        if let Statement::Raw(raw) = &ctx.statement {
            self.1
                .lock()
                .unwrap()
                .push(format!("{}: {}", self.0, raw.sql.as_str()));
        }
        Ok(())
    }
}

/// GORM runs `Exec` through the raw processor and `Raw(…).Rows()` through the row
/// processor, so plugins (a read/write router, metrics) see raw SQL too.
async fn raw_sql_runs_through_the_raw_and_row_chains(backend: Backend) {
    let Some(db) = backend.products().await else {
        return;
    };
    let seen = Arc::new(Mutex::new(Vec::new()));
    db.callbacks()
        .raw()
        .before(steps::RAW)
        .register("test:raw", Arc::new(SeenRaw("raw", seen.clone())))
        .unwrap();
    db.callbacks()
        .row()
        .before(steps::ROW)
        .register("test:row", Arc::new(SeenRaw("row", seen.clone())))
        .unwrap();
    db.exec("UPDATE products SET price = price WHERE id = ?", (0,))
        .await
        .unwrap();
    db.raw("SELECT count(*) AS n FROM products", ())
        .await
        .unwrap();
    let named = [("id", plugorm::plugin_api::Value::I64(0))];
    db.raw_named("SELECT id FROM products WHERE id = @id", &named)
        .await
        .unwrap();
    db.exec_named("DELETE FROM products WHERE id = @id", &named)
        .await
        .unwrap();
    drop(db.raw_stream("SELECT id FROM products", ()).await.unwrap());
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "raw: UPDATE products SET price = price WHERE id = ?",
            "row: SELECT count(*) AS n FROM products",
            "row: SELECT id FROM products WHERE id = ?",
            "raw: DELETE FROM products WHERE id = ?",
            "row: SELECT id FROM products",
        ]
    );
}
