//! `plugorm-scale`: plugorm at scale, on SQLite (a temporary file), PostgreSQL and
//! MariaDB (a database `bench_scale` of their own, created and dropped):
//!
//! 1. a table of 10,000,000 rows streamed with `stream()` (rows/s, peak memory), and its
//!    first 1,000,000 rows loaded into a `Vec` with `find()`, to compare;
//! 2. `create_in_batches` of new users at batch sizes from 1 up to and past the dialect's
//!    bind-parameter limit (rows/s, and what plugorm does past the limit);
//! 3. `preload` of 100,000 users with 3 posts each (time, peak memory).
//!
//! Tables are filled server-side (see [`fill`]); memory is the growth of the process's
//! peak resident set (`VmHWM`, reset before each phase) over the resident set at the
//! phase's start. Never part of `cargo test`: it is a binary.
//!
//! ```sh
//! cargo build --release -p plugorm-sqlite-dylib -p plugorm-postgres-dylib -p plugorm-mysql-dylib
//! cargo build --release -p plugorm-bench --bin plugorm-scale
//! target/release/plugorm-scale                          # the default sizes, every database
//! target/release/plugorm-scale --rows 1000000 --db sqlite --phases stream,vec
//! ```

pub mod fill;
pub mod phases;
pub mod report;
pub mod sqlx_insert;

use std::{path::PathBuf, str::FromStr, time::Instant};

use clap::Parser;
use plugorm::{Db, Registry};
use sqlx::{mysql::MySqlConnectOptions, postgres::PgConnectOptions, ConnectOptions, Connection};

use crate::{
    peer_sqlx::{on_pool, SqlxPool},
    setup, BenchError, Database, Result,
};
use phases::Phase;

/// The command line of `plugorm-scale`.
#[derive(Debug, Parser)]
#[command(
    name = "plugorm-scale",
    about = "plugorm at scale: streaming, batch inserts, preload"
)]
pub struct Args {
    /// Databases (comma-separated: sqlite, postgres, mysql).
    #[arg(long, value_delimiter = ',', default_values_t = ["sqlite".to_string(), "postgres".into(), "mysql".into()])]
    pub db: Vec<String>,
    /// Phases (comma-separated: stream, vec, insert, preload).
    #[arg(long, value_delimiter = ',', default_values_t = ["stream".to_string(), "vec".into(), "insert".into(), "preload".into()])]
    pub phases: Vec<String>,
    /// Rows of the streamed table.
    #[arg(long, default_value_t = 10_000_000)]
    pub rows: u64,
    /// Rows loaded into a `Vec` (the first of the streamed table).
    #[arg(long, default_value_t = 1_000_000)]
    pub vec_rows: u64,
    /// Batch sizes of the insert phase; `limit` stands for the dialect's limit in rows
    /// (parameters / 4 columns) and `limit+1` for one row past it.
    #[arg(long, value_delimiter = ',', default_values_t = ["1", "10", "100", "500", "1000", "5000", "limit", "limit+1", "50000"].map(String::from))]
    pub batch_sizes: Vec<String>,
    /// Most rows inserted at one batch size (each size inserts 20 batches, at least 2,000
    /// rows and at most this).
    #[arg(long, default_value_t = 100_000)]
    pub insert_rows: u64,
    /// Parents of the preload phase.
    #[arg(long, default_value_t = 100_000)]
    pub parents: u64,
    /// Children per parent.
    #[arg(long, default_value_t = 3)]
    pub children: u64,
    /// Batch sizes of raw sqlx's reference inserts (its best is the reference; none: skip).
    #[arg(long, value_delimiter = ',', default_values_t = ["1000", "limit"].map(String::from))]
    pub sqlx_sizes: Vec<String>,
    /// The folder holding the plugin libraries (default: this binary's folder).
    #[arg(long)]
    pub plugin_dir: Option<PathBuf>,
}

/// The default server URLs (`SCALE_PG_URL`, `SCALE_MYSQL_URL` override them).
pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/bench_scale?sslmode=disable";
/// See [`DEFAULT_PG_URL`].
pub const DEFAULT_MYSQL_URL: &str = "mysql://root@127.0.0.1:3306/bench_scale?ssl-mode=disabled";

/// Rows inserted at batch size `size`: 20 batches, at least 2,000, at most `max`.
///
/// ```
/// use plugorm_bench::scale::insert_rows;
/// assert_eq!(insert_rows(1, 100_000), 2_000);
/// assert_eq!(insert_rows(1_000, 100_000), 20_000);
/// assert_eq!(insert_rows(50_000, 100_000), 100_000);
/// ```
pub fn insert_rows(size: usize, max: u64) -> usize {
    (size.saturating_mul(20)).clamp(2_000, max.max(1) as usize)
}

/// A batch size of the command line: a number, `limit` or `limit+1`.
///
/// ```
/// use plugorm_bench::scale::batch_size;
/// assert_eq!(batch_size("500", 8_191), Some(500));
/// assert_eq!(batch_size("limit", 8_191), Some(8_191));
/// assert_eq!(batch_size("limit+1", 8_191), Some(8_192));
/// assert_eq!(batch_size("x", 8_191), None);
/// ```
pub fn batch_size(text: &str, limit_rows: usize) -> Option<usize> {
    match text.trim() {
        "limit" => Some(limit_rows),
        "limit+1" => Some(limit_rows + 1),
        n => n.parse().ok().filter(|&n: &usize| n > 0),
    }
}

/// Parses the command line and runs; exit code 1 on an error.
pub fn main() {
    let args = Args::parse();
    if let Err(e) = run(&args) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn database(key: &str) -> Result<Database> {
    match key.trim() {
        "sqlite" | "sqlite-file" => Ok(Database::SqliteFile),
        "postgres" => Ok(Database::Postgres),
        "mysql" => Ok(Database::MySql),
        other => Err(BenchError::Setup(format!(
            "unknown database {other:?} (expected sqlite, postgres, mysql)"
        ))),
    }
}

fn server_url(database: Database) -> String {
    let (var, default) = match database {
        Database::Postgres => ("SCALE_PG_URL", DEFAULT_PG_URL),
        _ => ("SCALE_MYSQL_URL", DEFAULT_MYSQL_URL),
    };
    std::env::var(var).unwrap_or_else(|_| default.to_string())
}

/// Creates (`create`) or drops the server's scale database, through an admin connection.
async fn server_database(database: Database, url: &str, create: bool) -> Result<()> {
    match database {
        Database::Postgres => {
            let (admin, name) = setup::postgres_admin(url)?;
            let mut c = PgConnectOptions::from_str(&admin)?.connect().await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
            )))
            .execute(&mut c)
            .await?;
            if create {
                for s in [
                    format!("CREATE DATABASE \"{name}\""),
                    format!("ALTER DATABASE \"{name}\" SET synchronous_commit = off"),
                ] {
                    sqlx::query(sqlx::AssertSqlSafe(s)).execute(&mut c).await?;
                }
            }
            c.close().await?;
        }
        _ => {
            let (admin, name) = setup::split_database(url)?;
            let mut c = MySqlConnectOptions::from_str(&admin)?.connect().await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS `{name}`"
            )))
            .execute(&mut c)
            .await?;
            if create {
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE `{name}`")))
                    .execute(&mut c)
                    .await?;
            }
            c.close().await?;
        }
    }
    Ok(())
}

/// Runs every selected phase on every selected database; prints the table as it goes
/// and at the end.
pub fn run(args: &Args) -> Result<()> {
    let databases: Vec<Database> = args.db.iter().map(|d| database(d)).collect::<Result<_>>()?;
    for p in &args.phases {
        if !["stream", "vec", "insert", "preload"].contains(&p.trim()) {
            return Err(BenchError::Setup(format!(
                "unknown phase {p:?} (expected stream, vec, insert, preload)"
            )));
        }
    }
    if cfg!(debug_assertions) {
        eprintln!("note: this is a debug build; measure a release build");
    }
    let plugin_dir = args.plugin_dir.clone().unwrap_or_else(setup::profile_dir);
    let config_dir = tempfile::tempdir()?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut results: Vec<(Database, Phase)> = Vec::new();
    for database in databases {
        let registry = setup::load_plugin(database.plugin(), &plugin_dir, config_dir.path())?;
        let ran = rt.block_on(on_database(args, database, &registry, &mut results));
        if let Err(e) = ran {
            eprintln!("{database}: failed: {e}");
            results.push((database, report::failed(&e.to_string())));
        }
    }
    println!("\nLoad average at the end: {}", report::load_average());
    println!("{}", report::table(&results));
    Ok(())
}

fn wants(args: &Args, phase: &str) -> bool {
    args.phases.iter().any(|p| p.trim() == phase)
}

async fn on_database(
    args: &Args,
    database: Database,
    registry: &Registry,
    results: &mut Vec<(Database, Phase)>,
) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let url = match database {
        Database::SqliteFile => format!("sqlite://{}", dir.path().join("scale.db").display()),
        _ => {
            let url = server_url(database);
            server_database(database, &url, true).await?;
            url
        }
    };
    let db = registry.open_with(&url, setup::one_connection()).await?;
    // raw sqlx's own file on SQLite (two SQLite copies must never open one file).
    let sqlx = match database {
        Database::SqliteFile => {
            SqlxPool::Sqlite(setup::sqlite_pool(Some(&dir.path().join("sqlx.db"))).await?)
        }
        // One connection: MariaDB's reset turns the foreign-key checks off per session.
        Database::Postgres => SqlxPool::Postgres(
            sqlx::postgres::PgPoolOptions::new()
                .max_connections(1)
                .connect(&url)
                .await?,
        ),
        _ => SqlxPool::MySql(
            sqlx::mysql::MySqlPoolOptions::new()
                .max_connections(1)
                .connect(&url)
                .await?,
        ),
    };
    let ran = phases_on(args, database, &db, &sqlx, results).await;
    on_pool!(&sqlx, |p| p.close().await);
    let _ = db.close().await;
    drop(db);
    if database != Database::SqliteFile {
        server_database(database, &url, false).await?;
    }
    ran
}

fn record(results: &mut Vec<(Database, Phase)>, database: Database, phase: Phase) {
    eprintln!("{}", report::line(database, &phase));
    results.push((database, phase));
}

/// A server-side fill as a row of the table (its memory is the server's, not measured).
fn fill_phase(what: &str, database: Database, rows: u64, started: Instant) -> Phase {
    Phase {
        what: what.into(),
        rows,
        secs: started.elapsed().as_secs_f64(),
        growth_kib: None,
        peak_kib: None,
        note: fill::how(database).into(),
        crossings: Default::default(),
    }
}

async fn exec_all(db: &Db, statements: &[&str]) -> Result<()> {
    for s in statements {
        db.exec(s, ()).await?;
    }
    Ok(())
}

async fn phases_on(
    args: &Args,
    database: Database,
    db: &Db,
    sqlx: &SqlxPool,
    results: &mut Vec<(Database, Phase)>,
) -> Result<()> {
    if wants(args, "stream") || wants(args, "vec") {
        exec_all(db, &fill::create_scale_rows(database)).await?;
        let n = args.rows;
        let t = Instant::now();
        let filled = fill::run(db, fill::fill_users_sql(database, "scale_rows", n)).await?;
        let phase = fill_phase("fill (server-side INSERT … SELECT)", database, filled, t);
        record(results, database, phase);
        if wants(args, "stream") {
            record(results, database, phases::stream(db, n).await?);
        }
        if wants(args, "vec") {
            record(
                results,
                database,
                phases::vec(db, args.vec_rows.min(n)).await?,
            );
        }
        exec_all(db, &["DROP TABLE scale_rows"]).await?;
    }
    if wants(args, "insert") {
        exec_all(db, database.schema()).await?;
        let max_params = db.dialect().capabilities().max_params;
        let limit_rows = phases::rows_per_statement(usize::MAX, max_params, phases::USER_COLUMNS);
        for text in &args.batch_sizes {
            let size = batch_size(text, limit_rows).ok_or_else(|| {
                BenchError::Setup(format!("batch size {text:?}: a number, limit or limit+1"))
            })?;
            exec_all(db, database.reset()).await?;
            let n = insert_rows(size, args.insert_rows);
            match phases::insert(db, n, size).await {
                Ok(p) => record(results, database, p),
                Err(e) => record(
                    results,
                    database,
                    report::failed(&format!("create_in_batches({size}): {e}")),
                ),
            }
        }
        // raw sqlx on its own schema (SQLite: its own file).
        on_pool!(sqlx, |p| {
            for s in database.schema() {
                sqlx::query(*s).execute(p).await?;
            }
        });
        for text in &args.sqlx_sizes {
            let Some(size) = batch_size(text, limit_rows) else {
                continue;
            };
            on_pool!(sqlx, |p| {
                for s in database.reset() {
                    sqlx::query(*s).execute(p).await?;
                }
            });
            let n = insert_rows(size, args.insert_rows);
            match sqlx_insert::insert(sqlx, n, size).await {
                Ok(p) => record(results, database, p),
                Err(e) => record(
                    results,
                    database,
                    report::failed(&format!("sqlx push_values({size}): {e}")),
                ),
            }
        }
    }
    if wants(args, "preload") {
        exec_all(db, database.schema()).await?;
        let (users, posts) = (args.parents, args.parents * args.children);
        let t = Instant::now();
        fill::run(db, fill::fill_users_sql(database, "users", users)).await?;
        fill::run(db, fill::fill_posts_sql(database, posts, args.children)).await?;
        let phase = fill_phase("fill users and posts", database, users + posts, t);
        record(results, database, phase);
        record(results, database, phases::preload(db, users, posts).await?);
        exec_all(db, &["DROP TABLE posts", "DROP TABLE users"]).await?;
    }
    Ok(())
}
