//! The `workloads` bench's command line and main loop.

use std::path::PathBuf;

use clap::Parser;

use tokio::runtime::Runtime;

use crate::{
    alloc, chart, counts, report,
    runner::{self, Peer},
    setup::{self, Peers},
    BenchError, Database, Result, Workload,
};

/// Runs W1–W7 through plugorm and raw sqlx (and the peers a binary adds), interleaved.
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
    /// Only these peers (comma-separated: `plugorm,sqlx`), for profiling one side; the
    /// ratios need `sqlx`.
    #[arg(long, value_delimiter = ',')]
    pub peer: Vec<String>,
    /// Write the chart of the wall-time ratios to raw sqlx to this SVG file.
    #[arg(long)]
    pub svg: Option<PathBuf>,
    /// Write the chart of the CPU-time ratios to raw sqlx to this SVG file.
    #[arg(long)]
    pub svg_cpu: Option<PathBuf>,
    /// Instead of timing: count heap allocations per operation (plugorm and raw sqlx) and
    /// plugorm's boundary crossings, and print their table.
    #[arg(long)]
    pub counts: bool,
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
    main_with(Linking::Dynamic, &|_, _, _| Ok(Vec::new()));
}

/// [`main`] with plugorm linked as `linking` says and the further peers `extra` opens on
/// each database (the `bench/peers` workspace adds SeaORM and Diesel this way).
pub fn main_with(linking: Linking, extra: &OpenPeers) {
    let args = Args::parse();
    if let Err(e) = run(&args, linking, extra) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

/// How this binary reaches plugorm's dialects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linking {
    /// Each from its release `.so`, through a generated `plugins.toml` (peer `plugorm`).
    Dynamic,
    /// Linked into the binary (peer `plugorm-static`): it must name the plugin crates.
    Static,
}

/// Opens further peers on a database where plugorm and sqlx are open (schema created by
/// each peer itself).
pub type OpenPeers = dyn Fn(&Runtime, Database, &Peers) -> Result<Vec<Box<dyn Peer>>>;

/// Runs the selected workloads on the selected databases, prints the table and writes the
/// charts asked for.
pub fn run(args: &Args, linking: Linking, extra: &OpenPeers) -> Result<()> {
    let workloads = args.workloads()?;
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
    if args.counts && !alloc::start_counting() {
        return Err(BenchError::Setup(
            "--counts needs the counting allocator: run the `workloads` bench".into(),
        ));
    }
    let plugin_dir = args.plugin_dir.clone().unwrap_or_else(setup::profile_dir);
    let config_dir = tempfile::tempdir()?;
    let load = |plugin: &str| match linking {
        Linking::Dynamic => setup::load_plugin(plugin, &plugin_dir, config_dir.path()),
        Linking::Static => setup::linked_plugin(plugin),
    };
    let plugorm_name = match linking {
        Linking::Dynamic => "plugorm",
        Linking::Static => "plugorm-static",
    };
    // The SQLite plugin is required: without it nothing runs.
    let sqlite = load("sqlite")?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut measurements = Vec::new();
    let mut counted = Vec::new();
    let mut skipped = Vec::new();
    let mut versions = Vec::new();
    for database in databases {
        let loaded;
        let registry = if database.is_sqlite() {
            &sqlite
        } else {
            match load(database.plugin()) {
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
        let opened = rt
            .block_on(setup::open(database, registry, plugorm_name))
            .and_then(|p| {
                let more = extra(&rt, database, &p)?;
                Ok((p, more))
            });
        let (opened, more) = match opened {
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
        let mut peers: Vec<&dyn Peer> = vec![&opened.plugorm, &opened.sqlx];
        peers.extend(more.iter().map(|p| p.as_ref()));
        if !args.peer.is_empty() {
            peers.retain(|p| args.peer.iter().any(|n| n == p.name()));
        }
        if peers.is_empty() {
            return Err(BenchError::Setup(format!(
                "no peer named {:?} (expected plugorm, sqlx or one this binary adds)",
                args.peer
            )));
        }
        for &w in &workloads {
            if args.counts {
                match counts::measure(&rt, &opened.plugorm, &opened.sqlx, database, w) {
                    Ok(c) => counted.push(c),
                    Err(e) => skipped.push((database, format!("{w} failed: {e}"))),
                }
                continue;
            }
            match runner::measure(&rt, &peers, database, w, args.reps) {
                Ok(m) => {
                    eprintln!("{}", m.summary());
                    measurements.push(m);
                }
                Err(e) => {
                    eprintln!("{database} {w}: failed: {e}");
                    skipped.push((database, format!("{w} failed: {e}")));
                }
            }
        }
        drop(more);
        let _ = rt.block_on(opened.plugorm.db.close());
    }
    if args.counts {
        println!("\nPer operation, one run after a warm-up; allocations of this process (not of a plugin's own .so).\n");
        print!("{}", counts::table(&counted));
        for (db, why) in &skipped {
            println!("\n{db}: skipped ({why})");
        }
        return Ok(());
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
    for (path, axis, what) in [
        (&args.svg, chart::Axis::Wall, "wall time"),
        (&args.svg_cpu, chart::Axis::Cpu, "CPU time"),
    ] {
        if let Some(path) = path {
            let title = format!(
                "{what} / raw sqlx (median of {} repetitions; below 1 is faster)",
                args.reps
            );
            std::fs::write(path, chart::svg(&measurements, axis, &title))?;
            eprintln!("wrote {}", path.display());
        }
    }
    if measurements.iter().any(|m| !m.checksums_match()) {
        return Err(BenchError::Wrong(
            "a checksum differs from the baseline's (see the table)".into(),
        ));
    }
    Ok(())
}
