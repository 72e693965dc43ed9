//! The ratios to raw sqlx as an SVG bar chart, written by hand (no plotting crate to
//! compile): one panel per database, one group of bars per workload, one bar per peer,
//! a dashed line at 1 (raw sqlx).

use std::fmt::Write as _;

use crate::{report::compared_peers, runner::Measurement, Database, Workload};

const WIDTH: f64 = 960.0;
const PANEL: f64 = 230.0;
const LEFT: f64 = 56.0;
const TOP: f64 = 46.0;
const PLOT: f64 = 170.0;
const COLORS: [&str; 6] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1",
];

/// Which ratio a chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    Wall,
    Cpu,
}

/// The SVG document of the `axis` ratios (peer / sqlx) of `measurements`; `title` heads it.
///
/// ```
/// let svg = plugorm_bench::chart::svg(&[], plugorm_bench::chart::Axis::Wall, "none");
/// assert!(svg.starts_with("<svg"));
/// assert!(svg.trim_end().ends_with("</svg>"));
/// ```
pub fn svg(measurements: &[Measurement], axis: Axis, title: &str) -> String {
    let peers = compared_peers(measurements);
    let mut databases: Vec<Database> = Vec::new();
    for m in measurements {
        if !databases.contains(&m.database) {
            databases.push(m.database);
        }
    }
    let ratio = |m: &Measurement, p: &str| match axis {
        Axis::Wall => m.ratio(p),
        Axis::Cpu => m.cpu_ratio(p),
    };
    let top = measurements
        .iter()
        .flat_map(|m| peers.iter().filter_map(move |p| ratio(m, p)))
        .fold(1.0f64, f64::max)
        .ceil();
    let height = TOP + PANEL * databases.len() as f64 + 10.0;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         font-family=\"sans-serif\" font-size=\"11\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{LEFT}\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{}</text>\n",
        escape(title)
    );
    for (i, p) in peers.iter().enumerate() {
        let x = LEFT + 150.0 * i as f64;
        let _ = writeln!(
            out,
            "<rect x=\"{x}\" y=\"28\" width=\"10\" height=\"10\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"37\">{} / sqlx</text>",
            COLORS[i % COLORS.len()],
            x + 14.0,
            escape(p)
        );
    }
    for (d, database) in databases.iter().enumerate() {
        let y0 = TOP + PANEL * d as f64 + 30.0;
        let scale = |r: f64| y0 + PLOT - (r.min(top) / top) * PLOT;
        let _ = writeln!(
            out,
            "<text x=\"{LEFT}\" y=\"{}\" font-weight=\"bold\">{database}</text>",
            y0 - 8.0
        );
        for tick in 0..=(top as usize) {
            let y = scale(tick as f64);
            let _ = writeln!(
                out,
                "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/>\
                 <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{tick}x</text>",
                WIDTH - 10.0,
                LEFT - 6.0,
                y + 4.0
            );
        }
        let one = scale(1.0);
        let _ = writeln!(
            out,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{one:.1}\" y2=\"{one:.1}\" stroke=\"#333\" \
             stroke-dasharray=\"4 3\"/>",
            WIDTH - 10.0
        );
        let group = (WIDTH - LEFT - 10.0) / Workload::ALL.len() as f64;
        let bar = (group - 16.0) / peers.len().max(1) as f64;
        for (k, w) in Workload::ALL.iter().enumerate() {
            let gx = LEFT + group * k as f64 + 8.0;
            let _ = writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{w} {}</text>",
                gx + (group - 16.0) / 2.0,
                y0 + PLOT + 14.0,
                w.title()
            );
            let Some(m) = measurements
                .iter()
                .find(|m| m.database == *database && m.workload == *w)
            else {
                continue;
            };
            for (i, p) in peers.iter().enumerate() {
                let Some(r) = ratio(m, p) else { continue };
                let x = gx + bar * i as f64;
                let y = scale(r);
                let _ = writeln!(
                    out,
                    "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" \
                     fill=\"{}\"><title>{} {w} {p}: {r:.2}x</title></rect>\
                     <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"9\">{r:.1}</text>",
                    (bar - 2.0).max(1.0),
                    y0 + PLOT - y,
                    COLORS[i % COLORS.len()],
                    database,
                    x + bar / 2.0 - 1.0,
                    y - 2.0
                );
            }
        }
    }
    out.push_str("</svg>\n");
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
