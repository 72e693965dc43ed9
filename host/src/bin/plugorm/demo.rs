//! `plugorm demo`: the README's main job, on an embedded SQLite file.

use plugorm::{Db, Registry, Sql};

use crate::table;

fn step(n: &mut u32, title: &str) {
    *n += 1;
    println!("\n== {n}. {title}");
}

fn show(sql: &Sql) {
    println!("   SQL: {}", sql.text);
}

async fn exec(
    db: &Db,
    sql: &str,
    params: impl plugorm::IntoArgs + Clone,
) -> Result<u64, plugorm::Error> {
    show(&db.render_raw(sql, params.clone())?);
    Ok(db.exec(sql, params).await?.rows_affected)
}

/// Runs the demo against `database` (default: a new file in the temp directory).
pub async fn run(registry: &Registry, database: Option<String>) -> Result<(), plugorm::Error> {
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

    step(&mut n, "create a table");
    exec(&db, "CREATE TABLE IF NOT EXISTS products (id INTEGER PRIMARY KEY AUTOINCREMENT, code TEXT NOT NULL UNIQUE, price INTEGER NOT NULL)", ()).await?;

    step(&mut n, "insert two rows");
    exec(
        &db,
        "INSERT INTO products (code, price) VALUES (?, ?), (?, ?)",
        ("D42", 100, "F17", 250),
    )
    .await?;

    step(&mut n, "query");
    let q = "SELECT id, code, price FROM products WHERE price > ? ORDER BY id";
    show(&db.render_raw(q, (50,))?);
    print!("{}", table::rows(&db.raw(q, (50,)).await?));

    step(&mut n, "a transaction that rolls back to a savepoint");
    let tx = db.begin().await?;
    tx.exec("UPDATE products SET price = ? WHERE code = ?", (200, "D42"))
        .await?;
    tx.savepoint("before_delete").await?;
    tx.exec("DELETE FROM products WHERE code = ?", ("F17",))
        .await?;
    tx.rollback_to("before_delete").await?;
    tx.commit().await?;
    print!(
        "{}",
        table::rows(
            &db.raw("SELECT code, price FROM products ORDER BY id", ())
                .await?
        )
    );

    step(&mut n, "a unique violation, translated");
    match db
        .exec(
            "INSERT INTO products (code, price) VALUES (?, ?)",
            ("D42", 1),
        )
        .await
    {
        Err(e) => println!("   error (as expected): {e}"),
        Ok(_) => println!("   unexpected: the duplicate was accepted"),
    }
    db.close().await?;
    println!("\ndone.");
    Ok(())
}
