//! `plugorm demo`: the README's main job. On an embedded SQLite file (or any URL), it
//! migrates a small schema, creates, queries, updates, soft-deletes and runs transactions,
//! printing each step and the SQL it ran, transactions' BEGIN / COMMIT / ROLLBACK
//! included (echoed from the `plugorm::sql` log target by [`crate::echo::SqlEcho`]).

use chrono::NaiveDateTime;
use plugorm::{Error, Model, Registry};

/// A product, as the README's "Models and CRUD" section shows it.
#[derive(Model, Debug, Default, Clone)]
struct Product {
    id: i64,
    #[orm(size = 32, unique_index)]
    code: String,
    price: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    #[orm(soft_delete)]
    deleted_at: Option<NaiveDateTime>,
}

fn step(n: &mut u32, title: &str) {
    *n += 1;
    println!("\n== {n}. {title}");
}

fn show(products: &[Product]) {
    for p in products {
        let state = match p.deleted_at {
            Some(at) => format!("deleted at {at}"),
            None => "alive".into(),
        };
        println!("   -> #{} {} price {} ({state})", p.id, p.code, p.price);
    }
}

/// Runs the demo against `database` (default: a new file in the temp directory).
pub async fn run(registry: &Registry, database: Option<String>) -> Result<(), Error> {
    let url = match database {
        Some(u) => u,
        None => {
            let path = std::env::temp_dir().join(format!("plugorm-demo-{}.db", std::process::id()));
            let _ = std::fs::remove_file(&path);
            format!("sqlite://{}", path.display())
        }
    };
    let mut n = 0;
    step(&mut n, &format!("open {url}"));
    let db = registry.open(&url).await?;
    println!("   dialect: {}", db.dialect().name());
    for p in registry.plugins() {
        println!(
            "   plugin: {} {} ({})",
            p.manifest.name, p.manifest.version, p.origin
        );
    }

    step(
        &mut n,
        "auto_migrate::<Product>() — create the table and its unique index",
    );
    let report = db.auto_migrate::<Product>().await?;
    println!("   {} DDL statement(s)", report.statements.len());
    step(&mut n, "auto_migrate again — nothing to do");
    let report = db.auto_migrate::<Product>().await?;
    println!("   {} DDL statement(s)", report.statements.len());

    step(
        &mut n,
        "create one product — the key and timestamps are filled in",
    );
    let mut d42 = Product {
        code: "D42".into(),
        price: 100,
        ..Default::default()
    };
    db.create(&mut d42).await?;
    show(std::slice::from_ref(&d42));

    step(&mut n, "create three more in one batch");
    let mut more: Vec<Product> = [("F17", 250), ("K9", 40), ("Z1", 990)]
        .into_iter()
        .map(|(code, price)| Product {
            code: code.into(),
            price,
            ..Default::default()
        })
        .collect();
    db.create_in_batches(&mut more, 500).await?;
    show(&more);

    step(
        &mut n,
        "query: first by code, then a filtered, ordered page, a count and a pluck",
    );
    let p: Product = db
        .model::<Product>()
        .filter("code = ?", ("D42",))
        .first()
        .await?;
    show(std::slice::from_ref(&p));
    let cheap = db
        .model::<Product>()
        .filter_expr(Product::PRICE.lt(300))
        .order("price desc")
        .limit(2)
        .find()
        .await?;
    show(&cheap);
    let count = db.model::<Product>().count().await?;
    println!("   -> count = {count}");
    let codes: Vec<String> = db.model::<Product>().order("code").pluck("code").await?;
    println!("   -> codes = {codes:?}");

    step(
        &mut n,
        "update one column of a record, then many rows by condition",
    );
    db.record(&mut d42).update("price", 200).await?;
    show(std::slice::from_ref(&d42));
    let changed = db
        .model::<Product>()
        .filter("price < ?", (50,))
        .update("price", 50)
        .await?;
    println!("   -> {changed} row(s) raised to 50");

    step(
        &mut n,
        "soft delete — an UPDATE of deleted_at; the row is hidden, not gone",
    );
    db.delete(&mut d42).await?;
    println!(
        "   -> visible: {}, stored: {}",
        db.model::<Product>().count().await?,
        db.model::<Product>().unscoped().count().await?
    );
    match db.model::<Product>().id(d42.id).first().await {
        Err(Error::RecordNotFound) => println!("   -> first(#{}) = RecordNotFound", d42.id),
        other => println!("   -> unexpected: {:?}", other.map(|p| p.code)),
    }

    step(&mut n, "a transaction that commits");
    db.transaction(|tx| async move {
        let mut a = Product {
            code: "TX1".into(),
            price: 10,
            ..Default::default()
        };
        tx.create(&mut a).await?;
        tx.model::<Product>().id(a.id).update("price", 11).await?;
        Ok(())
    })
    .await?;

    step(&mut n, "a transaction that fails and rolls back");
    let failed = db
        .transaction(|tx| async move {
            let mut b = Product {
                code: "TX2".into(),
                price: 20,
                ..Default::default()
            };
            tx.create(&mut b).await?;
            // The same code again: the unique index refuses it, so nothing is kept.
            let mut dup = Product {
                code: "TX2".into(),
                price: 21,
                ..Default::default()
            };
            tx.create(&mut dup).await?;
            Ok(())
        })
        .await;
    match failed {
        Err(e) => println!("   -> error (as expected): {e}"),
        Ok(()) => println!("   -> unexpected: the duplicate was accepted"),
    }
    let tx2 = db
        .model::<Product>()
        .filter("code = ?", ("TX2",))
        .count()
        .await?;
    println!("   -> rows with code TX2 after the rollback: {tx2}");

    step(&mut n, "unscoped delete — a real DELETE");
    let removed = db.model::<Product>().unscoped().id(d42.id).delete().await?;
    println!("   -> {removed} row(s) removed");
    let all = db.model::<Product>().unscoped().order("id").find().await?;
    show(&all);

    db.close().await?;
    println!("\ndone.");
    Ok(())
}
