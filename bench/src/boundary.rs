//! The cost of the plugin boundary (issue 2): `SELECT 1` many times, and fetching
//! 10,000 rows × 5 columns, through every layer.
//!
//! Five variants, each on its own in-memory SQLite database (`--db sqlite`, the default);
//! on PostgreSQL or MariaDB (`--db postgres|mysql`, URLs as for the workloads) the three
//! variants that need no statically linked plugin:
//!
//! | variant | path |
//! | --- | --- |
//! | `sqlx` | sqlx called directly |
//! | `native-pool` | the plugin linked statically, its `Pool` called natively (no FFI, no host) |
//! | `host-static` | `db.raw` through the host, plugin linked statically |
//! | `ffi-pool` | the plugin's `.so`, its `Pool` called through the FFI proxy (no host layers) |
//! | `host-dynamic` | `db.raw` through the host, plugin from its `.so` (what users run) |
//!
//! A binary that links the plugin statically has it registered (inventory), so it can
//! never load the `.so` of the same plugin: the static variants therefore run in
//! `plugorm-boundary-static`, the others in `plugorm-boundary`. Every measurement is a
//! fresh child process (start-up and warm-up untimed); rounds are interleaved, the order
//! of the variants rotated each round, and the figure is the median over rounds.

use std::{
    path::{Path, PathBuf},
    process::Command,
    sync::Arc,
    time::{Duration, Instant},
};

use clap::Parser;
use plugorm::{
    config::PluginsConfig, plugin_api::Dialect, Db, Origin, PoolOptions, Registry, Rows, Sql,
};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use std::str::FromStr;

use crate::{
    peer_sqlx::{on_pool, SqlxPool},
    setup, BenchError, Database, Result,
};

/// One way of reaching SQLite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Sqlx,
    NativePool,
    HostStatic,
    FfiPool,
    HostDynamic,
}

impl Variant {
    /// Every variant, in report order.
    pub const ALL: [Variant; 5] = [
        Variant::Sqlx,
        Variant::NativePool,
        Variant::HostStatic,
        Variant::FfiPool,
        Variant::HostDynamic,
    ];

    /// The name on the command line and in the table.
    ///
    /// ```
    /// use plugorm_bench::boundary::Variant;
    /// assert_eq!(Variant::parse(Variant::FfiPool.key()), Some(Variant::FfiPool));
    /// ```
    pub fn key(self) -> &'static str {
        match self {
            Variant::Sqlx => "sqlx",
            Variant::NativePool => "native-pool",
            Variant::HostStatic => "host-static",
            Variant::FfiPool => "ffi-pool",
            Variant::HostDynamic => "host-dynamic",
        }
    }

    /// The variant named `key`.
    pub fn parse(key: &str) -> Option<Variant> {
        Variant::ALL.into_iter().find(|v| v.key() == key)
    }

    /// True when the variant needs the statically linked plugin.
    pub fn is_static(self) -> bool {
        matches!(self, Variant::NativePool | Variant::HostStatic)
    }

    fn describe(self) -> &'static str {
        match self {
            Variant::Sqlx => "sqlx directly",
            Variant::NativePool => "static plugin, Pool::query (no FFI, no host)",
            Variant::HostStatic => "static plugin, db.raw through the host",
            Variant::FfiPool => ".so plugin, Pool::query through the FFI proxy",
            Variant::HostDynamic => ".so plugin, db.raw through the host",
        }
    }
}

/// What is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Test {
    /// `SELECT 1`, one row back.
    Select1,
    /// `SELECT id, name, email, age, score FROM t`: 10,000 rows decoded into tuples.
    Fetch,
}

impl Test {
    fn key(self) -> &'static str {
        match self {
            Test::Select1 => "select1",
            Test::Fetch => "fetch",
        }
    }

    fn parse(key: &str) -> Option<Test> {
        [Test::Select1, Test::Fetch]
            .into_iter()
            .find(|t| t.key() == key)
    }
}

/// Rows of the fetch test's table.
pub const FETCH_ROWS: usize = 10_000;

const FETCH_SQL: &str = "SELECT id, name, email, age, score FROM boundary_t";

/// The command line of both boundary binaries.
#[derive(Debug, Parser)]
#[command(about = "The plugin boundary's cost: SELECT 1 and a 10,000-row fetch, every layer")]
pub struct Args {
    /// Interleaved rounds (one child process per variant and round).
    #[arg(long, default_value_t = 7)]
    pub rounds: usize,
    /// `SELECT 1` calls per round.
    #[arg(long, default_value_t = 20_000)]
    pub calls: usize,
    /// 10,000-row fetches per round.
    #[arg(long, default_value_t = 30)]
    pub fetches: usize,
    /// Only these variants (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// The database: sqlite (in-memory), postgres or mysql (`PG_URL`, `MYSQL_URL`).
    #[arg(long, default_value = "sqlite")]
    pub db: String,
    /// The folder holding the plugin libraries (default: this binary's folder).
    #[arg(long)]
    pub plugin_dir: Option<PathBuf>,
    /// Internal: run one measurement of this variant and print nanoseconds.
    #[arg(long, hide = true)]
    pub child: Option<String>,
    /// Internal: the child's test.
    #[arg(long, hide = true, default_value = "select1")]
    pub test: String,
}

/// The entry point of both binaries; `native` is the statically linked SQLite dialect
/// (only `plugorm-boundary-static` has one).
pub fn main(native: Option<Arc<dyn Dialect>>) {
    let args = Args::parse();
    let result = match &args.child {
        Some(v) => child(&args, v, native),
        None => orchestrate(&args),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn one_connection() -> PoolOptions {
    PoolOptions {
        max_connections: 1,
        min_connections: 1,
        idle_timeout_ms: None.into(),
        max_lifetime_ms: None.into(),
        ..PoolOptions::default()
    }
}

/// The fetch test's table: 10,000 rows of an integer key, two texts (one NULL every
/// other row), an integer and a float.
fn fetch_table_sql(database: Database) -> Vec<String> {
    let create = match database {
        Database::Postgres => {
            "CREATE TABLE boundary_t (id BIGINT PRIMARY KEY, name TEXT NOT NULL, email TEXT, \
             age BIGINT NOT NULL, score DOUBLE PRECISION NOT NULL)"
        }
        Database::MySql => {
            "CREATE TABLE boundary_t (id BIGINT PRIMARY KEY, name TEXT NOT NULL, email TEXT, \
             age BIGINT NOT NULL, score DOUBLE NOT NULL)"
        }
        _ => {
            "CREATE TABLE boundary_t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, \
             age INTEGER NOT NULL, score REAL NOT NULL)"
        }
    };
    let mut out = vec![
        "DROP TABLE IF EXISTS boundary_t".to_string(),
        create.to_string(),
    ];
    let rows: Vec<String> = (1..=FETCH_ROWS)
        .map(|i| {
            let email = if i % 2 == 0 {
                format!("'user{i}@example.com'")
            } else {
                "NULL".into()
            };
            format!("({i}, 'user{i}', {email}, {}, {}.5)", 18 + i % 60, i % 1000)
        })
        .collect();
    for chunk in rows.chunks(1000) {
        out.push(format!(
            "INSERT INTO boundary_t VALUES {}",
            chunk.join(", ")
        ));
    }
    out
}

type FetchRow = (i64, String, Option<String>, i64, f64);

fn fold_row(sum: u64, r: &FetchRow) -> u64 {
    let mut h = sum.wrapping_mul(31).wrapping_add(r.0 as u64);
    h = h.wrapping_add(r.1.len() as u64);
    h = h.wrapping_add(r.2.as_ref().map_or(7, |e| e.len() as u64));
    h.wrapping_add(r.3 as u64).wrapping_add(r.4 as u64)
}

/// Decodes every row of a plugorm result into tuples and folds them into a checksum.
fn fold_rows(rows: &Rows) -> Result<u64> {
    let mut out: Vec<FetchRow> = Vec::with_capacity(rows.len());
    for r in rows.iter() {
        out.push((
            r.get_at(0).map_err(plugorm::Error::from)?,
            r.get_at(1).map_err(plugorm::Error::from)?,
            r.get_at(2).map_err(plugorm::Error::from)?,
            r.get_at(3).map_err(plugorm::Error::from)?,
            r.get_at(4).map_err(plugorm::Error::from)?,
        ));
    }
    Ok(out.iter().fold(0, fold_row))
}

/// The object a child measures.
enum Subject {
    Sqlx(SqlxPool),
    Pool(Arc<dyn plugorm::plugin_api::Pool>),
    Host(Db),
}

impl Subject {
    async fn exec(&self, sql: &str) -> Result<()> {
        match self {
            Subject::Sqlx(pool) => {
                let sql = sqlx::AssertSqlSafe(sql.to_string());
                on_pool!(pool, |p| sqlx::query(sql).execute(p).await.map(|_| ()))?;
            }
            Subject::Pool(p) => {
                p.execute(Sql::new(sql, []))
                    .await
                    .map_err(plugorm::Error::from)?;
            }
            Subject::Host(db) => {
                db.exec(sql, ()).await?;
            }
        }
        Ok(())
    }

    /// One `SELECT 1`; returns the value read.
    async fn select1(&self) -> Result<i64> {
        Ok(match self {
            // `SELECT 1` is an int4 on PostgreSQL, a 64-bit integer elsewhere.
            Subject::Sqlx(SqlxPool::Postgres(p)) => {
                let rows: Vec<(i32,)> = sqlx::query_as("SELECT 1").fetch_all(p).await?;
                rows.first().map_or(0, |r| i64::from(r.0))
            }
            Subject::Sqlx(SqlxPool::MySql(p)) => {
                let rows: Vec<(i64,)> = sqlx::query_as("SELECT 1").fetch_all(p).await?;
                rows.first().map_or(0, |r| r.0)
            }
            Subject::Sqlx(SqlxPool::Sqlite(p)) => {
                let rows: Vec<(i64,)> = sqlx::query_as("SELECT 1").fetch_all(p).await?;
                rows.first().map_or(0, |r| r.0)
            }
            Subject::Pool(p) => {
                let rows = p
                    .query(Sql::new("SELECT 1", []))
                    .await
                    .map_err(plugorm::Error::from)?;
                first_int(&rows)?
            }
            Subject::Host(db) => first_int(&db.raw("SELECT 1", ()).await?)?,
        })
    }

    /// One 10,000-row fetch, decoded; returns its checksum.
    async fn fetch(&self) -> Result<u64> {
        match self {
            Subject::Sqlx(pool) => {
                let rows: Vec<FetchRow> =
                    on_pool!(pool, |p| sqlx::query_as(FETCH_SQL).fetch_all(p).await?);
                Ok(rows.iter().fold(0, fold_row))
            }
            Subject::Pool(p) => fold_rows(
                &p.query(Sql::new(FETCH_SQL, []))
                    .await
                    .map_err(plugorm::Error::from)?,
            ),
            Subject::Host(db) => fold_rows(&db.raw(FETCH_SQL, ()).await?),
        }
    }
}

fn first_int(rows: &Rows) -> Result<i64> {
    match rows.iter().next() {
        Some(r) => Ok(r.get_at::<i64>(0).map_err(plugorm::Error::from)?),
        None => Err(BenchError::Wrong("SELECT 1 returned no row".into())),
    }
}

async fn open_subject(
    variant: Variant,
    database: Database,
    native: Option<Arc<dyn Dialect>>,
    plugin_dir: &Path,
    config_dir: &Path,
) -> Result<Subject> {
    let need_native = || {
        native.clone().ok_or_else(|| {
            BenchError::Setup(format!(
                "{} needs the statically linked plugin: run plugorm-boundary-static",
                variant.key()
            ))
        })
    };
    if variant.is_static() && database != Database::SqliteMemory {
        return Err(BenchError::Setup(format!(
            "{} runs on SQLite only",
            variant.key()
        )));
    }
    // On a server, this also creates the database and relaxes durability.
    let (url, mut server) = match database {
        Database::SqliteMemory => ("sqlite::memory:".to_string(), None),
        _ => {
            let (pool, url) = setup::server_pool(database).await?;
            (url, Some(pool))
        }
    };
    if variant != Variant::Sqlx {
        server = None;
    }
    Ok(match variant {
        Variant::Sqlx => match database {
            Database::SqliteMemory => Subject::Sqlx(SqlxPool::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .test_before_acquire(false)
                    .connect_with(SqliteConnectOptions::from_str("sqlite::memory:")?)
                    .await?,
            )),
            _ => Subject::Sqlx(
                server
                    .take()
                    .ok_or_else(|| BenchError::Setup(format!("no sqlx pool on {database}")))?,
            ),
        },
        Variant::NativePool => {
            let dialect = need_native()?;
            let pool = dialect
                .connect(&url, one_connection())
                .await
                .map_err(plugorm::Error::from)?;
            Subject::Pool(pool)
        }
        Variant::HostStatic => {
            need_native()?;
            let registry = Registry::load(&PluginsConfig::default())?;
            if registry.get("sqlite").map(|p| &p.origin) != Some(&Origin::Static) {
                return Err(BenchError::Setup(
                    "the SQLite plugin is not linked into this binary".into(),
                ));
            }
            Subject::Host(registry.open_with(&url, one_connection()).await?)
        }
        Variant::FfiPool | Variant::HostDynamic => {
            if native.is_some() {
                return Err(BenchError::Setup(format!(
                    "{} must run in plugorm-boundary (this binary links the plugin)",
                    variant.key()
                )));
            }
            let registry = setup::load_plugin(database.plugin(), plugin_dir, config_dir)?;
            let db = registry.open_with(&url, one_connection()).await?;
            if variant == Variant::FfiPool {
                Subject::Pool(db.pool().clone())
            } else {
                Subject::Host(db)
            }
        }
    })
}

fn parse_database(key: &str) -> Result<Database> {
    match key {
        "sqlite" => Ok(Database::SqliteMemory),
        "postgres" => Ok(Database::Postgres),
        "mysql" => Ok(Database::MySql),
        other => Err(BenchError::Setup(format!(
            "unknown database {other:?} (expected sqlite, postgres or mysql)"
        ))),
    }
}

/// A child: opens the variant's database, warms up, times the calls, prints nanoseconds.
fn child(args: &Args, variant: &str, native: Option<Arc<dyn Dialect>>) -> Result<()> {
    let variant = Variant::parse(variant)
        .ok_or_else(|| BenchError::Setup(format!("unknown variant {variant:?}")))?;
    let test = Test::parse(&args.test)
        .ok_or_else(|| BenchError::Setup(format!("unknown test {:?}", args.test)))?;
    let database = parse_database(&args.db)?;
    let plugin_dir = args.plugin_dir.clone().unwrap_or_else(setup::profile_dir);
    let config_dir = tempfile::tempdir()?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let elapsed = rt.block_on(async {
        let s = open_subject(variant, database, native, &plugin_dir, config_dir.path()).await?;
        match test {
            Test::Select1 => {
                for _ in 0..(args.calls / 10).max(100) {
                    s.select1().await?;
                }
                let t = Instant::now();
                let mut sum = 0;
                for _ in 0..args.calls {
                    sum += s.select1().await?;
                }
                let elapsed = t.elapsed();
                if sum != args.calls as i64 {
                    return Err(BenchError::Wrong(format!("SELECT 1 summed to {sum}")));
                }
                Ok(elapsed)
            }
            Test::Fetch => {
                for sql in fetch_table_sql(database) {
                    s.exec(&sql).await?;
                }
                let expected = s.fetch().await?;
                for _ in 0..2 {
                    s.fetch().await?;
                }
                let t = Instant::now();
                for _ in 0..args.fetches {
                    if s.fetch().await? != expected {
                        return Err(BenchError::Wrong("fetch checksums differ".into()));
                    }
                }
                let elapsed = t.elapsed();
                // Every variant must read the same data.
                println!("checksum {expected}");
                Ok(elapsed)
            }
        }
    })?;
    println!("nanos {}", elapsed.as_nanos());
    Ok(())
}

/// One child's result: elapsed time and (for fetches) the checksum of what it read.
struct ChildResult {
    elapsed: Duration,
    checksum: Option<u64>,
}

fn spawn(exe: &Path, args: &Args, variant: Variant, test: Test) -> Result<ChildResult> {
    let mut cmd = Command::new(exe);
    cmd.args([
        "--child",
        variant.key(),
        "--test",
        test.key(),
        "--db",
        &args.db,
    ])
    .args(["--calls", &args.calls.to_string()])
    .args(["--fetches", &args.fetches.to_string()]);
    if let Some(d) = &args.plugin_dir {
        cmd.arg("--plugin-dir").arg(d);
    }
    let out = cmd.output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(BenchError::Setup(format!(
            "{} --child {} failed: {}",
            exe.display(),
            variant.key(),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let field = |name: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    let nanos = field("nanos ")
        .ok_or_else(|| BenchError::Wrong(format!("child printed no time: {stdout}")))?;
    Ok(ChildResult {
        elapsed: Duration::from_nanos(nanos),
        checksum: field("checksum "),
    })
}

fn sibling(name: &str) -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let path = exe.with_file_name(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if path.is_file() {
        Ok(path)
    } else {
        Err(BenchError::Setup(format!(
            "{} is missing: build both binaries with `cargo build --release -p plugorm-bench --bins`",
            path.display()
        )))
    }
}

/// Runs every variant's children in interleaved rounds and prints the tables.
fn orchestrate(args: &Args) -> Result<()> {
    let database = parse_database(&args.db)?;
    let variants: Vec<Variant> = if args.only.is_empty() {
        Variant::ALL
            .into_iter()
            .filter(|v| database == Database::SqliteMemory || !v.is_static())
            .collect()
    } else {
        args.only
            .iter()
            .map(|k| {
                Variant::parse(k.trim())
                    .ok_or_else(|| BenchError::Setup(format!("unknown variant {k:?}")))
            })
            .collect::<Result<_>>()?
    };
    if args.rounds == 0 || args.calls == 0 || args.fetches == 0 {
        return Err(BenchError::Setup(
            "--rounds, --calls and --fetches must be at least 1".into(),
        ));
    }
    let dynamic = sibling("plugorm-boundary")?;
    let statik = sibling("plugorm-boundary-static")?;
    for (test, per_round) in [(Test::Select1, args.calls), (Test::Fetch, args.fetches)] {
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); variants.len()];
        let mut checksums: Vec<Option<u64>> = vec![None; variants.len()];
        for round in 0..args.rounds {
            for k in 0..variants.len() {
                let i = (k + round) % variants.len();
                let v = variants[i];
                let exe = if v.is_static() { &statik } else { &dynamic };
                let r = spawn(exe, args, v, test)?;
                times[i].push(r.elapsed);
                checksums[i] = r.checksum;
            }
            eprint!(".");
        }
        eprintln!();
        if checksums.iter().any(|c| *c != checksums[0]) {
            return Err(BenchError::Wrong(format!(
                "the variants read different data: {checksums:?}"
            )));
        }
        print_table(database, test, per_round, &variants, &times);
    }
    Ok(())
}

fn print_table(
    database: Database,
    test: Test,
    per_round: usize,
    variants: &[Variant],
    times: &[Vec<Duration>],
) {
    let per_call = |d: Duration| d.as_secs_f64() * 1e6 / per_round as f64;
    let medians: Vec<f64> = times
        .iter()
        .map(|t| per_call(crate::runner::median(t)))
        .collect();
    let base = variants
        .iter()
        .position(|v| *v == Variant::Sqlx)
        .map(|i| medians[i]);
    let what = match test {
        Test::Select1 => format!("SELECT 1, {per_round} calls per round"),
        Test::Fetch => format!(
            "{FETCH_ROWS} rows × 5 columns decoded into tuples, {per_round} fetches per round"
        ),
    };
    println!(
        "\n{database} — {what}; median of {} rounds (µs per call):\n",
        times.first().map_or(0, Vec::len)
    );
    println!("| variant | path | µs/call | min | max | vs sqlx |");
    println!("| --- | --- | ---: | ---: | ---: | ---: |");
    for (i, v) in variants.iter().enumerate() {
        let min = times[i].iter().min().copied().map_or(0.0, per_call);
        let max = times[i].iter().max().copied().map_or(0.0, per_call);
        let vs = base.map_or("".to_string(), |b| {
            format!(
                "{:+.2} µs ({:+.1}%)",
                medians[i] - b,
                (medians[i] / b - 1.0) * 100.0
            )
        });
        println!(
            "| {} | {} | {:.2} | {:.2} | {:.2} | {vs} |",
            v.key(),
            v.describe(),
            medians[i],
            min,
            max
        );
    }
    let get = |v: Variant| variants.iter().position(|x| *x == v).map(|i| medians[i]);
    if let (Some(ffi), Some(native)) = (get(Variant::FfiPool), get(Variant::NativePool)) {
        println!(
            "\nFFI boundary (ffi-pool − native-pool): {:+.2} µs per call",
            ffi - native
        );
    }
    if let (Some(host), Some(ffi)) = (get(Variant::HostDynamic), get(Variant::FfiPool)) {
        println!(
            "host layers (host-dynamic − ffi-pool): {:+.2} µs per call",
            host - ffi
        );
    }
    if let (Some(host), Some(native)) = (get(Variant::HostStatic), get(Variant::NativePool)) {
        println!(
            "host layers, static (host-static − native-pool): {:+.2} µs per call",
            host - native
        );
    }
}
