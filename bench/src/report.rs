//! The result table (Markdown, so it reads in a terminal and pastes into the README).

use std::{fmt::Write as _, time::Duration};

use crate::{runner::Measurement, Database};

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

/// The table of every measurement, then one line per skipped database.
///
/// ```
/// let t = plugorm_bench::report::table(&[], &[(plugorm_bench::Database::MySql, "no server".into())]);
/// assert!(t.contains("| database |"));
/// assert!(t.contains("MariaDB: skipped (no server)"));
/// ```
pub fn table(measurements: &[Measurement], skipped: &[(Database, String)]) -> String {
    let mut out = String::new();
    out.push_str(
        "| database | workload | plugorm ms | sqlx ms | plugorm / sqlx | CPU ratio | checksum | spread | plugorm API |\n",
    );
    out.push_str("| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | --- |\n");
    for m in measurements {
        let both = !m.plugorm.is_empty() && !m.sqlx.is_empty();
        let ratio = |r: f64| if both { format!("{r:.2}x") } else { "-".into() };
        let _ = writeln!(
            out,
            "| {} | {} {} | {} | {} | {} | {} | {} | {:.0}% | {} |",
            m.database,
            m.workload,
            m.workload.title(),
            ms(m.plugorm_median()),
            ms(m.sqlx_median()),
            ratio(m.ratio()),
            ratio(m.cpu_ratio()),
            if m.checksums_match() {
                "match"
            } else {
                "**MISMATCH**"
            },
            spread(&m.plugorm).max(spread(&m.sqlx)),
            m.workload.plugorm_note(),
        );
    }
    for (db, why) in skipped {
        let _ = writeln!(out, "\n{db}: skipped ({why})");
    }
    out
}
