//! `--counts`: per operation of each workload, the heap allocations and bytes of plugorm
//! and of raw sqlx, and plugorm's crossings of the plugin boundary.
//!
//! Each figure comes from one run after a warm-up run (the statement caches filled);
//! the data are put in place untimed before each run, as for the timings. plugorm runs
//! twice: once for allocations, once with wake counting on for the crossings (counting
//! wakes allocates once per boundary future, so it stays off while allocations are
//! counted).

use std::fmt::Write as _;

use plugorm::plugin_api::ffi::crossings::{self, Crossings};
use tokio::runtime::Runtime;

use crate::{
    alloc::Allocs,
    runner::{self, Peer},
    Database, Result, Workload,
};

/// The counts of one workload on one database.
#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub database: Database,
    pub workload: Workload,
    /// plugorm's allocations over the whole run.
    pub plugorm: Allocs,
    /// raw sqlx's allocations over the whole run.
    pub sqlx: Allocs,
    /// plugorm's boundary crossings over the whole run.
    pub crossings: Crossings,
}

fn allocations(rt: &Runtime, peer: &dyn Peer, prep: &[String], w: Workload) -> Result<Allocs> {
    peer.prepare(rt, prep)?;
    let before = Allocs::now();
    peer.run(rt, w)?;
    Ok(Allocs::now().since(before))
}

fn crossings_of(rt: &Runtime, peer: &dyn Peer, prep: &[String], w: Workload) -> Result<Crossings> {
    peer.prepare(rt, prep)?;
    crossings::count_wakes(true);
    let before = crossings::snapshot();
    let ran = peer.run(rt, w);
    let spent = crossings::snapshot().since(before);
    crossings::count_wakes(false);
    ran?;
    Ok(spent)
}

/// Counts `w` on `database` for `plugorm` and `sqlx`.
pub fn measure(
    rt: &Runtime,
    plugorm: &dyn Peer,
    sqlx: &dyn Peer,
    database: Database,
    w: Workload,
) -> Result<Counts> {
    let prep = runner::preparation(database, w.start());
    for peer in [plugorm, sqlx] {
        peer.prepare(rt, &prep)?;
        peer.run(rt, w)?;
    }
    Ok(Counts {
        database,
        workload: w,
        plugorm: allocations(rt, plugorm, &prep, w)?,
        sqlx: allocations(rt, sqlx, &prep, w)?,
        crossings: crossings_of(rt, plugorm, &prep, w)?,
    })
}

fn per(total: u64, ops: u64) -> String {
    let v = total as f64 / ops.max(1) as f64;
    if v >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// The Markdown table of some counts, per operation.
///
/// ```
/// use plugorm_bench::{alloc::Allocs, counts::{table, Counts}, Database, Workload};
/// use plugorm::plugin_api::ffi::crossings::Crossings;
/// let c = Counts {
///     database: Database::Postgres,
///     workload: Workload::W3,
///     plugorm: Allocs { count: 250_000, bytes: 40_000_000 },
///     sqlx: Allocs { count: 300_000, bytes: 30_000_000 },
///     crossings: Crossings { into_plugin: 50_000, into_host: 0, wakes: 10_000 },
/// };
/// let t = table(&[c]);
/// assert!(t.contains("| PostgreSQL | W3 point selects | select | 25.0 | 4000 | 30.0 | 3000 | 5.0 | 1.0 | 0.0 |"), "{t}");
/// ```
pub fn table(counts: &[Counts]) -> String {
    let mut out = String::from(
        "| database | workload | one operation | plugorm allocs | plugorm bytes | sqlx allocs \
         | sqlx bytes | into plugin | wakes | into host (logs) |\n\
         | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for c in counts {
        let (ops, unit) = c.workload.operations();
        let _ = writeln!(
            out,
            "| {} | {} {} | {unit} | {} | {} | {} | {} | {} | {} | {} |",
            c.database,
            c.workload,
            c.workload.title(),
            per(c.plugorm.count, ops),
            per(c.plugorm.bytes, ops),
            per(c.sqlx.count, ops),
            per(c.sqlx.bytes, ops),
            per(c.crossings.into_plugin, ops),
            per(c.crossings.wakes, ops),
            per(c.crossings.into_host, ops),
        );
    }
    out
}
