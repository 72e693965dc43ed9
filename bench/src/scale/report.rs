//! The scale runs' table (Markdown) and progress lines.

use std::fmt::Write as _;

use super::phases::Phase;
use crate::{rss::mib, Database};

/// A phase that failed, for the table.
pub fn failed(why: &str) -> Phase {
    Phase {
        what: "failed".into(),
        rows: 0,
        secs: 0.0,
        growth_kib: None,
        peak_kib: None,
        note: why.replace('|', "/").replace('\n', " "),
        crossings: Default::default(),
    }
}

/// The 1-, 5- and 15-minute load averages (`/proc/loadavg`), or `-`.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "-".into())
}

/// Crossings into the plugin and wakes back, or `-` where none were counted.
fn crossed(p: &Phase) -> String {
    let c = p.crossings;
    if c.into_plugin == 0 {
        return "-".into();
    }
    format!("{} ({})", c.into_plugin, c.wakes)
}

fn rate(p: &Phase) -> String {
    if p.rows == 0 || p.secs <= 0.0 {
        return "-".into();
    }
    let r = p.rate();
    if r >= 10_000.0 {
        format!("{:.0}k", r / 1000.0)
    } else {
        format!("{r:.0}")
    }
}

/// A phase's row of the table, without the database: what, rows, seconds, rows/s,
/// growth, peak, crossings, note.
fn cells(p: &Phase) -> String {
    format!(
        "{} | {} | {:.2} | {} | {} | {} | {} | {}",
        p.what,
        p.rows,
        p.secs,
        rate(p),
        mib(p.growth_kib),
        mib(p.peak_kib),
        crossed(p),
        p.note
    )
}

/// The progress line of a phase: its row of the table and the load average at its end.
pub fn line(database: Database, p: &Phase) -> String {
    format!("| {database} | {} | [load {}]", cells(p), load_average())
}

/// The table of every phase.
///
/// ```
/// use plugorm_bench::{scale::{phases::Phase, report::table}, Database};
/// let p = Phase {
///     what: "stream()".into(), rows: 10_000_000, secs: 8.0,
///     growth_kib: Some(2048), peak_kib: Some(40960), note: "x".into(),
///     crossings: plugorm::plugin_api::ffi::crossings::Crossings {
///         into_plugin: 80_000, into_host: 0, wakes: 19_000,
///     },
/// };
/// let t = table(&[(Database::Postgres, p)]);
/// assert!(t.contains("| PostgreSQL | stream() | 10000000 | 8.00 | 1250k | 2.0 | 40.0 | 80000 (19000) | x |"), "{t}");
/// ```
pub fn table(results: &[(Database, Phase)]) -> String {
    let mut out = String::from(
        "| database | phase | rows | s | rows/s | RSS growth MiB | peak RSS MiB | crossings (wakes) | note |\n\
         | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n",
    );
    for (db, p) in results {
        let _ = writeln!(out, "| {db} | {} |", cells(p));
    }
    out
}
