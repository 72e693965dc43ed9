//! The example dialect against the in-tree `sqlite` plugin, both loaded from their
//! release `.so` files through one `plugins.toml`, on the same workloads:
//!
//! - **insert**: `db.create` of one derived-model row per statement (an implicit
//!   transaction each, so the WAL's commit cost is in it for both);
//! - **point-select**: `first` by a random primary key over the inserted rows.
//!
//! Each dialect gets its own database file. Wall time and the process's CPU time (every
//! thread: the caller's, the plugin runtime's, the connection threads) are printed per
//! workload, best of `PLUGORM_BENCH_RUNS` runs (default 3).
//!
//! ```sh
//! cargo build --release -p plugorm-sqlite-dylib -p plugorm-rusqlite-dylib
//! cargo bench -p plugorm-rusqlite
//! ```

use std::{
    path::PathBuf,
    time::{Duration, Instant},
};

use plugorm::{config::PluginsConfig, Db, Model, Registry};

#[derive(Model, Debug, Default, Clone)]
struct User {
    id: i64,
    name: String,
    email: String,
    age: i64,
    created_at: chrono::NaiveDateTime,
}

const INSERTS: usize = 2_000;
const SELECTS: usize = 10_000;

/// The folder of the release build (`target/release`), from this executable's path.
fn release_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    exe.parent()
        .and_then(|deps| deps.parent())
        .map(PathBuf::from)
        .unwrap_or_default()
}

fn registry() -> Result<Registry, plugorm::Error> {
    let dir = release_dir();
    let text = format!(
        "search_paths = [{:?}]\n[[plugin]]\nname = \"sqlite\"\n[[plugin]]\nname = \"rusqlite\"\n",
        dir.display().to_string()
    );
    let config = PluginsConfig::parse(&text, &dir.join("plugins.toml"))?;
    Registry::load(&config)
}

/// Wall and CPU time of `work`.
async fn measure<F: std::future::Future<Output = Result<(), plugorm::Error>>>(
    work: F,
) -> Result<(Duration, Duration), plugorm::Error> {
    let (wall, cpu) = (Instant::now(), plugorm_bench::cpu::process_cpu_time());
    work.await?;
    Ok((
        wall.elapsed(),
        plugorm_bench::cpu::process_cpu_time().saturating_sub(cpu),
    ))
}

async fn inserts(db: &Db, run: usize) -> Result<(), plugorm::Error> {
    for i in 0..INSERTS {
        let mut u = User {
            name: format!("user {run}-{i}"),
            email: format!("u{run}-{i}@example.com"),
            age: (i % 90) as i64,
            ..User::default()
        };
        db.create(&mut u).await?;
    }
    Ok(())
}

async fn point_selects(db: &Db, max_id: i64) -> Result<(), plugorm::Error> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..SELECTS {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let id = (x % max_id as u64) as i64 + 1;
        let u: User = db.model::<User>().id(id).first().await?;
        assert_eq!(u.id, id);
    }
    Ok(())
}

fn per_op(total: Duration, ops: usize) -> String {
    format!("{:>7.1} µs/op", total.as_secs_f64() * 1e6 / ops as f64)
}

async fn bench() -> Result<(), plugorm::Error> {
    let runs: usize = std::env::var("PLUGORM_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let registry = registry()?;
    let dir = tempfile::tempdir().map_err(|e| plugorm::Error::msg(e.to_string()))?;
    println!("{INSERTS} inserts, {SELECTS} point selects, best of {runs} runs; file databases in WAL mode");
    println!(
        "{:<10} {:<13} {:>16} {:>16}",
        "dialect", "workload", "wall", "cpu"
    );
    for scheme in ["sqlite", "rusqlite"] {
        let origin = registry.get(scheme).map(|p| p.origin.to_string());
        println!("# {scheme}: {}", origin.unwrap_or_default());
        let path = dir.path().join(format!("{scheme}.db"));
        let db = registry
            .open(&format!("{scheme}://{}", path.display()))
            .await?;
        db.auto_migrate::<User>().await?;
        let mut best_insert = (Duration::MAX, Duration::MAX);
        let mut best_select = (Duration::MAX, Duration::MAX);
        for run in 0..runs {
            let (w, c) = measure(inserts(&db, run)).await?;
            best_insert = (best_insert.0.min(w), best_insert.1.min(c));
            let max_id = ((run + 1) * INSERTS) as i64;
            let (w, c) = measure(point_selects(&db, max_id)).await?;
            best_select = (best_select.0.min(w), best_select.1.min(c));
        }
        for (name, (wall, cpu), ops) in [
            ("insert", best_insert, INSERTS),
            ("point-select", best_select, SELECTS),
        ] {
            println!(
                "{scheme:<10} {name:<13} {} {}",
                per_op(wall, ops),
                per_op(cpu, ops)
            );
        }
    }
    Ok(())
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing but runs us:
    // only a real bench run measures.
    if !std::env::args().any(|a| a == "--bench") {
        println!("compare: run with `cargo bench -p plugorm-rusqlite`");
        return;
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start a runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = rt.block_on(bench()) {
        eprintln!("bench failed: {e}\n(build the plugins first: cargo build --release -p plugorm-sqlite-dylib -p plugorm-rusqlite-dylib)");
        std::process::exit(1);
    }
}
