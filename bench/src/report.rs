//! The result table (Markdown, so it reads in a terminal and pastes into the README).

use std::{fmt::Write as _, time::Duration};

use crate::{
    runner::{Measurement, BASELINE},
    Database,
};

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

/// The spread of some runs, (max − min) / median, in percent.
fn spread(runs: &[Duration]) -> f64 {
    let (Some(min), Some(max)) = (runs.iter().min(), runs.iter().max()) else {
        return 0.0;
    };
    let med = crate::runner::median(runs).as_secs_f64().max(1e-12);
    (max.as_secs_f64() - min.as_secs_f64()) / med * 100.0
}

/// The peers of some measurements other than the baseline, in order of first appearance.
pub fn compared_peers(measurements: &[Measurement]) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for p in measurements.iter().flat_map(|m| &m.peers) {
        if p.name != BASELINE && !names.contains(&p.name) {
            names.push(p.name);
        }
    }
    names
}

/// The table of every measurement — the baseline's median, then each other peer's median
/// and its wall and CPU ratios to the baseline — then one line per skipped database.
///
/// ```
/// let t = plugorm_bench::report::table(&[], &[(plugorm_bench::Database::MySql, "no server".into())]);
/// assert!(t.contains("| database |"));
/// assert!(t.contains("MariaDB: skipped (no server)"));
/// ```
pub fn table(measurements: &[Measurement], skipped: &[(Database, String)]) -> String {
    let peers = compared_peers(measurements);
    let mut out = format!("| database | workload | {BASELINE} ms |");
    for p in &peers {
        let _ = write!(out, " {p} ms | {p} / {BASELINE} (CPU) |");
    }
    out.push_str(" checksums | spread |\n| --- | --- | ---: |");
    out.push_str(&" ---: | ---: |".repeat(peers.len()));
    out.push_str(" --- | ---: |\n");
    for m in measurements {
        let base = m.baseline().map_or("-".into(), |b| ms(b.wall_median()));
        let _ = write!(
            out,
            "| {} | {} {} | {base} |",
            m.database,
            m.workload,
            m.workload.title()
        );
        for p in &peers {
            let time = m.peer(p).map_or("-".into(), |r| ms(r.wall_median()));
            let ratio = match (m.ratio(p), m.cpu_ratio(p)) {
                (Some(r), Some(c)) => format!("{r:.2}x ({c:.2}x)"),
                _ => "-".into(),
            };
            let _ = write!(out, " {time} | {ratio} |");
        }
        let wrong: Vec<&str> = m
            .peers
            .iter()
            .filter(|p| !m.checksum_matches(p.name))
            .map(|p| p.name)
            .collect();
        let sums = if wrong.is_empty() {
            "match".to_string()
        } else {
            format!("**MISMATCH: {}**", wrong.join(", "))
        };
        let worst = m.peers.iter().map(|p| spread(&p.wall)).fold(0.0, f64::max);
        let _ = writeln!(out, " {sums} | {worst:.0}% |");
    }
    for (db, why) in skipped {
        let _ = writeln!(out, "\n{db}: skipped ({why})");
    }
    out
}
