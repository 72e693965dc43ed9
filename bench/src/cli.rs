//! The `workloads` bench's command line and main loop.

use std::path::PathBuf;

use clap::Parser;

use crate::{report, runner, setup, BenchError, Database, Result, Workload};

/// Runs W1–W7 through plugorm (plugins from their .so) and raw sqlx, interleaved.
#[derive(Debug, Parser)]
#[command(name = "workloads", about)]
pub struct Args {
    /// Measured repetitions per peer and workload (after one warm-up); WORKLOADS.md asks
    /// for at least 5 in reported figures.
    #[arg(long, short = 'n', default_value_t = 7)]
    pub reps: usize,
    /// Only these workloads (comma-separated: `W1,W3`).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Only these databases (comma-separated: sqlite-file, sqlite-memory, postgres, mysql).
    #[arg(long, value_delimiter = ',')]
    pub db: Vec<String>,
    /// The folder holding the plugin libraries (default: this binary's profile folder,
    /// `target/release`).
    #[arg(long)]
    pub plugin_dir: Option<PathBuf>,
    /// Run one peer only (`plugorm` or `sqlx`), for profiling one side; no ratios.
    #[arg(long)]
    pub peer: Option<String>,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    pub bench: bool,
}

impl Args {
    fn workloads(&self) -> Result<Vec<Workload>> {
        if self.only.is_empty() {
            return Ok(Workload::ALL.to_vec());
        }
        self.only
            .iter()
            .map(|n| {
                Workload::parse(n.trim()).ok_or_else(|| {
                    BenchError::Setup(format!("unknown workload {n:?} (expected W1 … W7)"))
                })
            })
            .collect()
    }

    fn databases(&self) -> Result<Vec<Database>> {
        if self.db.is_empty() {
            return Ok(Database::ALL.to_vec());
        }
        self.db
            .iter()
            .map(|n| {
                Database::parse(n.trim()).ok_or_else(|| {
                    BenchError::Setup(format!(
                        "unknown database {n:?} (expected sqlite-file, sqlite-memory, postgres, mysql)"
                    ))
                })
            })
            .collect()
    }
}

/// Parses the command line, runs, prints the table; exit code 1 on any error.
pub fn main() {
    let args = Args::parse();
    if let Err(e) = run(&args) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

/// Runs the selected workloads on the selected databases and prints the table.
pub fn run(args: &Args) -> Result<()> {
    let workloads = args.workloads()?;
    let peers = match args.peer.as_deref() {
        None => vec![runner::Peer::Plugorm, runner::Peer::Sqlx],
        Some("plugorm") => vec![runner::Peer::Plugorm],
        Some("sqlx") => vec![runner::Peer::Sqlx],
        Some(other) => {
            return Err(BenchError::Setup(format!(
                "unknown peer {other:?} (expected plugorm or sqlx)"
            )))
        }
    };
    let databases = args.databases()?;
    if args.reps == 0 {
        return Err(BenchError::Setup("--reps must be at least 1".into()));
    }
    if args.reps < 5 {
        eprintln!(
            "note: {} repetitions; WORKLOADS.md asks for at least 5 in reported figures",
            args.reps
        );
    }
    if cfg!(debug_assertions) {
        eprintln!("note: this is a debug build; measure with `cargo bench` (release)");
    }
    let plugin_dir = args.plugin_dir.clone().unwrap_or_else(setup::profile_dir);
    let config_dir = tempfile::tempdir()?;
    // The SQLite plugin is required: without it nothing runs.
    let sqlite = setup::load_plugin("sqlite", &plugin_dir, config_dir.path())?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut measurements = Vec::new();
    let mut skipped = Vec::new();
    let mut versions = Vec::new();
    for database in databases {
        let loaded;
        let registry = if database.is_sqlite() {
            &sqlite
        } else {
            match setup::load_plugin(database.plugin(), &plugin_dir, config_dir.path()) {
                Ok(r) => {
                    loaded = r;
                    &loaded
                }
                Err(e) => {
                    eprintln!("{database}: skipped: {e}");
                    skipped.push((database, e.to_string()));
                    continue;
                }
            }
        };
        let opened = match rt.block_on(setup::open(database, registry)) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("{database}: skipped: {e}");
                skipped.push((database, e.to_string()));
                continue;
            }
        };
        if let Some(v) = rt.block_on(setup::server_version(&opened)) {
            let url = if database.is_sqlite() {
                String::new()
            } else {
                format!(" at {}", opened.url)
            };
            versions.push(format!("{database} {v}{url}"));
        }
        for &w in &workloads {
            match runner::measure(&rt, &opened, &peers, database, w, args.reps) {
                Ok(m) => {
                    eprintln!(
                        "{database} {w}: plugorm {:.1} ms (CPU {:.1}), sqlx {:.1} ms (CPU {:.1}), {:.2}x (CPU {:.2}x){}",
                        m.plugorm_median().as_secs_f64() * 1000.0,
                        runner::median(&m.plugorm_cpu).as_secs_f64() * 1000.0,
                        m.sqlx_median().as_secs_f64() * 1000.0,
                        runner::median(&m.sqlx_cpu).as_secs_f64() * 1000.0,
                        m.ratio(),
                        m.cpu_ratio(),
                        if m.checksums_match() {
                            ""
                        } else {
                            ", CHECKSUM MISMATCH"
                        }
                    );
                    measurements.push(m);
                }
                Err(e) => {
                    eprintln!("{database} {w}: failed: {e}");
                    skipped.push((database, format!("{w} failed: {e}")));
                }
            }
        }
        let _ = rt.block_on(opened.plugorm.db.close());
    }
    println!(
        "\nMedian of {} interleaved repetitions after a warm-up; one connection per peer; \
         tokio current-thread runtime.",
        args.reps
    );
    if !versions.is_empty() {
        println!("Databases: {}.", versions.join(", "));
    }
    println!();
    print!("{}", report::table(&measurements, &skipped));
    if measurements.iter().any(|m| !m.checksums_match()) {
        return Err(BenchError::Wrong(
            "a checksum differs from the baseline's (see the table)".into(),
        ));
    }
    Ok(())
}
