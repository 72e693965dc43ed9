//! Where one statement's time and allocations go: single INSERTs inside one transaction
//! (the benchmark's W7) three ways — plain `exec`, `raw` with `RETURNING`, and `create` —
//! a whole-table `find` into structs (W4), and point selects by key (W3) with and without
//! the prepared-statement mode (`prepare_stmt`), also as dry runs (render only, nothing
//! sent), each with its heap allocations counted.
//!
//! The dialect plugins are loaded from their release libraries, as the benchmark does;
//! the table `hotpath_users` is created, and dropped at the end:
//!
//! ```sh
//! cargo build --release -p plugorm-sqlite-dylib -p plugorm-postgres-dylib -p plugorm-mysql-dylib
//! cargo run --release -p plugorm --example hotpath -- target/release [URL, default sqlite::memory:]
//! ```

use std::{
    alloc::{GlobalAlloc, Layout, System},
    path::Path,
    sync::atomic::{AtomicU64, Ordering},
    time::Instant,
};

use plugorm::{config::PluginsConfig, Db, Registry};

/// Counts every allocation the process makes.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The benchmark's `users` row, in a table of its own.
#[derive(Debug, Default, Clone, PartialEq, plugorm::Model)]
#[orm(table = "hotpath_users")]
struct User {
    id: i64,
    #[orm(size = 100)]
    name: String,
    #[orm(size = 200)]
    email: Option<String>,
    age: i32,
    created_at: chrono::NaiveDateTime,
}

fn user(i: i64) -> User {
    User {
        id: 0,
        name: format!("user{i}"),
        email: Some(format!("user{i}@example.com")),
        age: (i % 90) as i32,
        created_at: chrono::DateTime::from_timestamp(1_700_000_000 + i, 0)
            .unwrap_or_default()
            .naive_utc(),
    }
}

const INSERTS: i64 = 2_000;
const LOADS: usize = 5;

/// Times `f` and counts its allocations; prints them per operation.
async fn measure<F, Fut>(label: &str, ops: u64, f: F) -> Result<(), plugorm::Error>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(), plugorm::Error>>,
{
    let allocs = ALLOCATIONS.load(Ordering::Relaxed);
    let start = Instant::now();
    f().await?;
    let elapsed = start.elapsed();
    let allocs = ALLOCATIONS.load(Ordering::Relaxed) - allocs;
    println!(
        "{label:<40} {:>8.2} µs/op {:>8.1} allocations/op",
        elapsed.as_secs_f64() * 1e6 / ops as f64,
        allocs as f64 / ops as f64
    );
    Ok(())
}

const INSERT: &str = "INSERT INTO hotpath_users (name, email, age, created_at) VALUES (?, ?, ?, ?)";
const INSERT_RETURNING: &str =
    "INSERT INTO hotpath_users (name, email, age, created_at) VALUES (?, ?, ?, ?) RETURNING id";

/// The INSERT's parameters for user `i`.
fn insert_args(i: i64) -> (String, Option<String>, i32, chrono::NaiveDateTime) {
    let u = user(i);
    (u.name, u.email, u.age, u.created_at)
}

/// Measures `INSERTS` runs of `f` (given the transaction and the run's number) inside
/// one transaction.
async fn in_transaction<F, Fut>(db: &Db, label: &str, f: F) -> Result<(), plugorm::Error>
where
    F: Fn(Db, i64) -> Fut,
    Fut: std::future::Future<Output = Result<(), plugorm::Error>>,
{
    let f = &f;
    measure(label, INSERTS as u64, || async {
        db.transaction(|tx| async move {
            for i in 0..INSERTS {
                f(tx.clone(), i).await?;
            }
            Ok(())
        })
        .await
    })
    .await
}

async fn inserts(db: &Db) -> Result<(), plugorm::Error> {
    in_transaction(db, "tx.exec INSERT", |tx, i| async move {
        tx.exec(INSERT, insert_args(i)).await.map(drop)
    })
    .await?;
    in_transaction(db, "tx.raw INSERT … RETURNING id", |tx, i| async move {
        tx.raw(INSERT_RETURNING, insert_args(i)).await.map(drop)
    })
    .await?;
    in_transaction(db, "tx.exec INSERT … RETURNING id", |tx, i| async move {
        tx.exec(INSERT_RETURNING, insert_args(i)).await.map(drop)
    })
    .await?;
    in_transaction(db, "tx.raw SELECT ? (one row)", |tx, i| async move {
        tx.raw("SELECT ?", (i,)).await.map(drop)
    })
    .await?;
    in_transaction(db, "tx.create", |tx, i| async move {
        tx.create(&mut user(i)).await.map(drop)
    })
    .await?;
    measure(
        "create (skip default transaction)",
        INSERTS as u64,
        || async {
            let db = db.skip_default_transaction();
            for i in 0..INSERTS {
                db.create(&mut user(i)).await?;
            }
            Ok(())
        },
    )
    .await
}

async fn loads(db: &Db) -> Result<(), plugorm::Error> {
    let rows: i64 = db
        .raw_scalar("SELECT COUNT(*) FROM hotpath_users", ())
        .await?
        .unwrap_or_default();
    measure(
        &format!("find {rows} rows into Vec<User>"),
        LOADS as u64,
        || async {
            for _ in 0..LOADS {
                let users: Vec<User> = db.model::<User>().find().await?;
                assert_eq!(users.len() as i64, rows);
            }
            Ok(())
        },
    )
    .await
}

const SELECTS: i64 = 5_000;

/// Point selects by key (W3), rendered each time and from the prepared-statement cache;
/// and the same as dry runs, which render (through the plugin) but send nothing.
async fn selects(db: &Db) -> Result<(), plugorm::Error> {
    let rows: i64 = db
        .raw_scalar::<i64>("SELECT COUNT(*) FROM hotpath_users", ())
        .await?
        .unwrap_or_default()
        .max(1);
    let cases = [
        ("first by key", db.clone()),
        ("first by key, prepare_stmt", db.prepare_stmt()),
        ("dry run: first by key", db.dry_run()),
        (
            "dry run: first by key, prepare_stmt",
            db.dry_run().prepare_stmt(),
        ),
    ];
    for (label, db) in cases {
        let db = &db;
        measure(label, SELECTS as u64, || async move {
            for i in 0..SELECTS {
                let key = 1 + i % rows;
                match db.model::<User>().filter("id = ?", (key,)).first().await {
                    Ok(_) | Err(plugorm::Error::RecordNotFound) => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(())
        })
        .await?;
    }
    Ok(())
}

fn registry(plugin_dir: &Path) -> Result<Registry, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("plugins.toml");
    let text = format!(
        "search_paths = [{:?}]\n\n[[plugin]]\nname = \"sqlite\"\n\n[[plugin]]\n\
         name = \"postgres\"\n\n[[plugin]]\nname = \"mysql\"\n",
        std::path::absolute(plugin_dir)?.display().to_string()
    );
    std::fs::write(&path, text)?;
    Ok(Registry::load(&PluginsConfig::load(&path)?)?)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let plugin_dir = args.next().unwrap_or_else(|| "target/release".into());
    let url = args.next().unwrap_or_else(|| "sqlite::memory:".into());
    let registry = registry(Path::new(&plugin_dir))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let db = registry.open(&url).await?;
        db.exec("DROP TABLE IF EXISTS hotpath_users", ()).await?;
        let key = match db.dialect().name() {
            "postgres" => "BIGSERIAL PRIMARY KEY",
            "mysql" => "BIGINT AUTO_INCREMENT PRIMARY KEY",
            _ => "INTEGER PRIMARY KEY",
        };
        db.exec(
            &format!(
                "CREATE TABLE hotpath_users (id {key}, name VARCHAR(100) NOT NULL, \
                 email VARCHAR(200), age INTEGER NOT NULL, created_at TIMESTAMP NOT NULL)"
            ),
            (),
        )
        .await?;
        for round in 0..2 {
            println!("round {round}");
            inserts(&db).await?;
            loads(&db).await?;
            selects(&db).await?;
        }
        db.exec("DROP TABLE hotpath_users", ()).await?;
        Ok::<_, plugorm::Error>(())
    })?;
    Ok(())
}
