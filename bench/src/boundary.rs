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
    /// Point selects by key from many concurrent tasks on a pool of several connections,
    /// for a fixed time, on a multi-threaded runtime (a server under load).
    Load,
}

impl Test {
    fn key(self) -> &'static str {
        match self {
            Test::Select1 => "select1",
            Test::Fetch => "fetch",
            Test::Load => "load",
        }
    }

    fn parse(key: &str) -> Option<Test> {
        [Test::Select1, Test::Fetch, Test::Load]
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
    /// Seconds of the load test per round.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Concurrent tasks of the load test.
    #[arg(long, default_value_t = 64)]
    pub tasks: usize,
    /// Pool size of the load test.
    #[arg(long, default_value_t = 10)]
    pub connections: u32,
    /// Only these tests (comma-separated: select1, fetch, load; default all).
    #[arg(long, value_delimiter = ',')]
    pub tests: Vec<String>,
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

fn connections(n: u32) -> PoolOptions {
    PoolOptions {
        max_connections: n,
        min_connections: n,
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

    /// One row by key from the fetch table; returns its key.
    async fn point_select(&self, id: i64) -> Result<i64> {
        const BY_KEY: &str = "SELECT id, name FROM boundary_t WHERE id = ?";
        Ok(match self {
            Subject::Sqlx(SqlxPool::Postgres(p)) => {
                let rows: Vec<(i64, String)> =
                    sqlx::query_as("SELECT id, name FROM boundary_t WHERE id = $1")
                        .bind(id)
                        .fetch_all(p)
                        .await?;
                rows.first().map_or(0, |r| r.0)
            }
            Subject::Sqlx(SqlxPool::MySql(p)) => {
                let rows: Vec<(i64, String)> = sqlx::query_as(BY_KEY).bind(id).fetch_all(p).await?;
                rows.first().map_or(0, |r| r.0)
            }
            Subject::Sqlx(SqlxPool::Sqlite(p)) => {
                let rows: Vec<(i64, String)> = sqlx::query_as(BY_KEY).bind(id).fetch_all(p).await?;
                rows.first().map_or(0, |r| r.0)
            }
            Subject::Pool(_) => {
                return Err(BenchError::Setup(
                    "the load test runs through sqlx or the host".into(),
                ))
            }
            Subject::Host(db) => first_int(&db.raw(BY_KEY, (id,)).await?)?,
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
    pool_size: u32,
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
            let (pool, url) = setup::server_pool(database, pool_size).await?;
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
                .connect(&url, connections(pool_size))
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
            Subject::Host(registry.open_with(&url, connections(pool_size)).await?)
        }
        Variant::FfiPool | Variant::HostDynamic => {
            if native.is_some() {
                return Err(BenchError::Setup(format!(
                    "{} must run in plugorm-boundary (this binary links the plugin)",
                    variant.key()
                )));
            }
            let registry = setup::load_plugin(database.plugin(), plugin_dir, config_dir)?;
            let db = registry.open_with(&url, connections(pool_size)).await?;
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

/// A child: opens the variant's database, warms up, times the calls, prints nanoseconds
/// of wall and CPU time and the number of calls.
fn child(args: &Args, variant: &str, native: Option<Arc<dyn Dialect>>) -> Result<()> {
    let variant = Variant::parse(variant)
        .ok_or_else(|| BenchError::Setup(format!("unknown variant {variant:?}")))?;
    let test = Test::parse(&args.test)
        .ok_or_else(|| BenchError::Setup(format!("unknown test {:?}", args.test)))?;
    let database = parse_database(&args.db)?;
    let plugin_dir = args.plugin_dir.clone().unwrap_or_else(setup::profile_dir);
    let config_dir = tempfile::tempdir()?;
    // The load test models a server: a multi-threaded runtime (as many workers as cores);
    // the sequential tests a single caller.
    let rt = match test {
        Test::Load => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?,
        _ => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?,
    };
    let pool_size = if test == Test::Load {
        args.connections
    } else {
        1
    };
    let measured = rt.block_on(async {
        let s = open_subject(
            variant,
            pool_size,
            database,
            native,
            &plugin_dir,
            config_dir.path(),
        )
        .await?;
        match test {
            Test::Select1 => {
                for _ in 0..(args.calls / 10).max(100) {
                    s.select1().await?;
                }
                let m = Meter::start();
                let mut sum = 0;
                for _ in 0..args.calls {
                    sum += s.select1().await?;
                }
                let measured = m.stop(args.calls as u64);
                if sum != args.calls as i64 {
                    return Err(BenchError::Wrong(format!("SELECT 1 summed to {sum}")));
                }
                Ok(measured)
            }
            Test::Fetch => {
                for sql in fetch_table_sql(database) {
                    s.exec(&sql).await?;
                }
                let expected = s.fetch().await?;
                for _ in 0..2 {
                    s.fetch().await?;
                }
                let m = Meter::start();
                for _ in 0..args.fetches {
                    if s.fetch().await? != expected {
                        return Err(BenchError::Wrong("fetch checksums differ".into()));
                    }
                }
                // Every variant must read the same data.
                println!("checksum {expected}");
                Ok(m.stop(args.fetches as u64))
            }
            Test::Load => load(Arc::new(s), database, args).await,
        }
    })?;
    println!("nanos {}", measured.wall.as_nanos());
    println!("cpu {}", measured.cpu.as_nanos());
    println!("calls {}", measured.calls);
    Ok(())
}

/// Wall and CPU time of a measured stretch, and how many calls it made.
struct Measured {
    wall: Duration,
    cpu: Duration,
    calls: u64,
}

struct Meter {
    wall: Instant,
    cpu: Duration,
}

impl Meter {
    fn start() -> Meter {
        Meter {
            wall: Instant::now(),
            cpu: crate::cpu::process_cpu_time(),
        }
    }

    fn stop(self, calls: u64) -> Measured {
        Measured {
            wall: self.wall.elapsed(),
            cpu: crate::cpu::process_cpu_time().saturating_sub(self.cpu),
            calls,
        }
    }
}

/// The load test: `tasks` tasks each selecting one row by a pseudo-random key, over and
/// over, for `seconds`; every answer is checked.
async fn load(s: Arc<Subject>, database: Database, args: &Args) -> Result<Measured> {
    for sql in fetch_table_sql(database) {
        s.exec(&sql).await?;
    }
    let run = |s: Arc<Subject>, until: Instant, seed: u64| {
        tokio::spawn(async move {
            let mut n = 0u64;
            let mut x = seed;
            while Instant::now() < until {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let id = 1 + (x >> 33) as i64 % FETCH_ROWS as i64;
                if s.point_select(id).await? != id {
                    return Err(BenchError::Wrong(format!("row {id} came back wrong")));
                }
                n += 1;
            }
            Ok(n)
        })
    };
    // A short warm-up opens every connection and prepares the statement on each.
    let warm = Instant::now() + Duration::from_millis(500);
    let tasks: Vec<_> = (0..args.tasks)
        .map(|i| run(s.clone(), warm, i as u64))
        .collect();
    for t in tasks {
        t.await.map_err(|e| BenchError::Setup(e.to_string()))??;
    }
    let m = Meter::start();
    let until = Instant::now() + Duration::from_secs(args.seconds.max(1));
    let tasks: Vec<_> = (0..args.tasks)
        .map(|i| run(s.clone(), until, 1000 + i as u64))
        .collect();
    let mut calls = 0;
    for t in tasks {
        calls += t.await.map_err(|e| BenchError::Setup(e.to_string()))??;
    }
    Ok(m.stop(calls))
}

/// One child's result: what it measured and (for fetches) the checksum of what it read.
struct ChildResult {
    measured: Measured,
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
    .args(["--fetches", &args.fetches.to_string()])
    .args(["--seconds", &args.seconds.to_string()])
    .args(["--tasks", &args.tasks.to_string()])
    .args(["--connections", &args.connections.to_string()]);
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
    let missing = || BenchError::Wrong(format!("child printed no time: {stdout}"));
    Ok(ChildResult {
        measured: Measured {
            wall: Duration::from_nanos(field("nanos ").ok_or_else(missing)?),
            cpu: Duration::from_nanos(field("cpu ").ok_or_else(missing)?),
            calls: field("calls ").ok_or_else(missing)?.max(1),
        },
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
    let tests: Vec<Test> = if args.tests.is_empty() {
        vec![Test::Select1, Test::Fetch, Test::Load]
    } else {
        args.tests
            .iter()
            .map(|k| {
                Test::parse(k.trim())
                    .ok_or_else(|| BenchError::Setup(format!("unknown test {k:?}")))
            })
            .collect::<Result<_>>()?
    };
    if args.rounds == 0 || args.calls == 0 || args.fetches == 0 || args.tasks == 0 {
        return Err(BenchError::Setup(
            "--rounds, --calls, --fetches and --tasks must be at least 1".into(),
        ));
    }
    let dynamic = sibling("plugorm-boundary")?;
    let statik = sibling("plugorm-boundary-static")?;
    for test in tests {
        let variants = variants_for(args, database, test)?;
        let mut runs: Vec<Vec<Measured>> = variants.iter().map(|_| Vec::new()).collect();
        let mut checksums: Vec<Option<u64>> = vec![None; variants.len()];
        for round in 0..args.rounds {
            for k in 0..variants.len() {
                let i = (k + round) % variants.len();
                let v = variants[i];
                let exe = if v.is_static() { &statik } else { &dynamic };
                let r = spawn(exe, args, v, test)?;
                runs[i].push(r.measured);
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
        print_table(database, test, args, &variants, &runs);
    }
    Ok(())
}

/// The variants a test runs: those asked for, or every one that fits the database (the
/// load test goes through sqlx and the host only).
fn variants_for(args: &Args, database: Database, test: Test) -> Result<Vec<Variant>> {
    let all: Vec<Variant> = if args.only.is_empty() {
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
    Ok(match test {
        Test::Load => all
            .into_iter()
            .filter(|v| {
                matches!(
                    v,
                    Variant::Sqlx | Variant::HostDynamic | Variant::HostStatic
                )
            })
            .collect(),
        _ => all,
    })
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

fn print_table(
    database: Database,
    test: Test,
    args: &Args,
    variants: &[Variant],
    runs: &[Vec<Measured>],
) {
    // Per variant: median wall µs per call, median CPU µs per call, median calls per second.
    let stat = |f: &dyn Fn(&Measured) -> f64, i: usize| {
        let mut v: Vec<f64> = runs[i].iter().map(f).collect();
        median(&mut v)
    };
    let wall = |m: &Measured| m.wall.as_secs_f64() * 1e6 / m.calls as f64;
    let cpu = |m: &Measured| m.cpu.as_secs_f64() * 1e6 / m.calls as f64;
    let rate = |m: &Measured| m.calls as f64 / m.wall.as_secs_f64().max(1e-9);
    let rows: Vec<(f64, f64, f64)> = (0..variants.len())
        .map(|i| (stat(&wall, i), stat(&cpu, i), stat(&rate, i)))
        .collect();
    let base = variants
        .iter()
        .position(|v| *v == Variant::Sqlx)
        .map(|i| rows[i]);
    let what = match test {
        Test::Select1 => format!("SELECT 1, {} calls per round", args.calls),
        Test::Fetch => format!(
            "{FETCH_ROWS} rows × 5 columns decoded into tuples, {} fetches per round",
            args.fetches
        ),
        Test::Load => format!(
            "point selects from {} tasks on a {}-connection pool for {} s per round",
            args.tasks, args.connections, args.seconds
        ),
    };
    println!(
        "\n{database} — {what}; median of {} rounds:\n",
        runs.first().map_or(0, Vec::len)
    );
    let ratio = |x: f64, b: Option<f64>| b.map_or(String::new(), |b| format!("{:.2}x", x / b));
    // The load test's first figure is a rate (higher is better), the others a time per call.
    let load = test == Test::Load;
    let first = |r: &(f64, f64, f64)| if load { r.2 } else { r.0 };
    let (header, digits) = if load {
        ("selects/s | CPU µs/select | throughput", 0)
    } else {
        ("wall µs/call | CPU µs/call | wall", 2)
    };
    println!("| variant | path | {header} vs sqlx | CPU vs sqlx |");
    println!("| --- | --- | ---: | ---: | ---: | ---: |");
    for (i, v) in variants.iter().enumerate() {
        println!(
            "| {} | {} | {:.digits$} | {:.2} | {} | {} |",
            v.key(),
            v.describe(),
            first(&rows[i]),
            rows[i].1,
            ratio(first(&rows[i]), base.as_ref().map(first)),
            ratio(rows[i].1, base.map(|b| b.1)),
        );
    }
    if load {
        return;
    }
    let get = |v: Variant| variants.iter().position(|x| *x == v).map(|i| rows[i].0);
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
}
