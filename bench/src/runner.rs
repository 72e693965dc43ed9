//! The procedure of WORKLOADS.md: untimed preparation with plain SQL, one warm-up run per
//! peer, then N interleaved repetitions (the peer order rotated each time), medians.

use std::time::{Duration, Instant};

use tokio::runtime::Runtime;

use crate::{
    cpu, data,
    workload::{Start, Workload},
    Database, Result,
};

/// The peer every ratio is taken against.
pub const BASELINE: &str = "sqlx";

/// One library under measurement on one database: plugorm, raw sqlx, or a peer ORM (the
/// `bench/peers` workspace adds SeaORM and Diesel).
///
/// Async peers drive their futures on `rt`; synchronous ones ignore it.
pub trait Peer {
    /// The peer's name in the table (`sqlx` is the baseline).
    fn name(&self) -> &'static str;
    /// Runs plain SQL statements (schema, reset, seeding: never timed).
    fn prepare(&self, rt: &Runtime, statements: &[String]) -> Result<()>;
    /// Runs one workload; returns its checksum (what it read or wrote, see [`data`]).
    fn run(&self, rt: &Runtime, w: Workload) -> Result<u64>;
}

/// An async peer: its workloads as async methods, driven on the runtime by the blanket
/// [`Peer`] implementation (one dispatch for every async peer).
// Futures run by `block_on` on the calling thread: no `Send` bound is needed.
#[allow(async_fn_in_trait)]
pub trait AsyncPeer {
    /// The peer's name in the table.
    fn peer_name(&self) -> &'static str;
    /// Runs plain SQL statements (never timed).
    async fn exec_all(&self, statements: &[impl AsRef<str>]) -> Result<()>;
    async fn w1(&self) -> Result<u64>;
    async fn w2(&self) -> Result<u64>;
    async fn w3(&self) -> Result<u64>;
    async fn w4(&self) -> Result<u64>;
    async fn w5(&self) -> Result<u64>;
    async fn w6(&self) -> Result<u64>;
    async fn w7(&self) -> Result<u64>;
}

impl<T: AsyncPeer> Peer for T {
    fn name(&self) -> &'static str {
        self.peer_name()
    }

    fn prepare(&self, rt: &Runtime, statements: &[String]) -> Result<()> {
        rt.block_on(self.exec_all(statements))
    }

    fn run(&self, rt: &Runtime, w: Workload) -> Result<u64> {
        rt.block_on(async {
            match w {
                Workload::W1 => self.w1().await,
                Workload::W2 => self.w2().await,
                Workload::W3 => self.w3().await,
                Workload::W4 => self.w4().await,
                Workload::W5 => self.w5().await,
                Workload::W6 => self.w6().await,
                Workload::W7 => self.w7().await,
            }
        })
    }
}

/// The measured runs of one peer.
#[derive(Debug, Clone, Default)]
pub struct PeerRuns {
    pub name: &'static str,
    /// Wall time of each measured run.
    pub wall: Vec<Duration>,
    /// CPU time of the whole process during each measured run.
    pub cpu: Vec<Duration>,
    /// Every run's checksum (warm-up included).
    pub sums: Vec<u64>,
}

/// The measured runs of one workload on one database, per peer.
#[derive(Debug, Clone)]
pub struct Measurement {
    pub database: Database,
    pub workload: Workload,
    pub peers: Vec<PeerRuns>,
}

/// The median of some durations (the mean of the middle two for an even count).
///
/// ```
/// use std::time::Duration;
/// let d = |ms| Duration::from_millis(ms);
/// assert_eq!(plugorm_bench::runner::median(&[d(5), d(1), d(3)]), d(3));
/// assert_eq!(plugorm_bench::runner::median(&[d(4), d(1), d(2), d(3)]), Duration::from_micros(2500));
/// ```
pub fn median(runs: &[Duration]) -> Duration {
    let mut v = runs.to_vec();
    v.sort();
    match v.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2,
    }
}

impl PeerRuns {
    /// The median wall time.
    pub fn wall_median(&self) -> Duration {
        median(&self.wall)
    }

    /// The median CPU time.
    pub fn cpu_median(&self) -> Duration {
        median(&self.cpu)
    }
}

impl Measurement {
    /// The runs of the peer named `name`.
    pub fn peer(&self, name: &str) -> Option<&PeerRuns> {
        self.peers.iter().find(|p| p.name == name)
    }

    /// The baseline's runs (raw sqlx), when it ran.
    pub fn baseline(&self) -> Option<&PeerRuns> {
        self.peer(BASELINE)
    }

    /// `name`'s median wall time over the baseline's (below 1: faster than raw sqlx).
    pub fn ratio(&self, name: &str) -> Option<f64> {
        let (p, b) = (self.peer(name)?, self.baseline()?);
        Some(p.wall_median().as_secs_f64() / b.wall_median().as_secs_f64().max(1e-12))
    }

    /// `name`'s median CPU time over the baseline's.
    pub fn cpu_ratio(&self, name: &str) -> Option<f64> {
        let (p, b) = (self.peer(name)?, self.baseline()?);
        Some(p.cpu_median().as_secs_f64() / b.cpu_median().as_secs_f64().max(1e-12))
    }

    /// True when every run of `name` produced the baseline's checksum (or, without a
    /// baseline, `name`'s own first one).
    pub fn checksum_matches(&self, name: &str) -> bool {
        let reference = self.baseline().or(self.peer(name));
        let (Some(first), Some(p)) = (reference.and_then(|r| r.sums.first()), self.peer(name))
        else {
            return false;
        };
        !p.sums.is_empty() && p.sums.iter().all(|s| s == first)
    }

    /// True when every peer's runs produced the baseline's checksum.
    pub fn checksums_match(&self) -> bool {
        self.peers.iter().all(|p| self.checksum_matches(p.name))
    }

    /// The progress line printed after each measurement.
    pub fn summary(&self) -> String {
        let parts: Vec<String> = self
            .peers
            .iter()
            .map(|p| {
                let ratio = match (self.ratio(p.name), self.cpu_ratio(p.name)) {
                    (Some(r), Some(c)) if p.name != BASELINE => {
                        format!(" {r:.2}x (CPU {c:.2}x)")
                    }
                    _ => String::new(),
                };
                let sum = if self.checksum_matches(p.name) {
                    ""
                } else {
                    " CHECKSUM MISMATCH"
                };
                format!(
                    "{} {:.1} ms (CPU {:.1}){ratio}{sum}",
                    p.name,
                    p.wall_median().as_secs_f64() * 1000.0,
                    p.cpu_median().as_secs_f64() * 1000.0,
                )
            })
            .collect();
        format!("{} {}: {}", self.database, self.workload, parts.join(", "))
    }
}

/// The plain SQL that puts `start`'s data in place on `database`.
pub fn preparation(database: Database, start: Start) -> Vec<String> {
    let mut sql: Vec<String> = database.reset().iter().map(|s| s.to_string()).collect();
    match start {
        Start::Empty => {}
        Start::Users => sql.extend(data::seed_users_sql(data::SEEDED_USERS)),
        Start::UsersAndPosts => {
            sql.extend(data::seed_users_sql(data::W5_USERS));
            sql.extend(data::seed_posts_sql(data::W5_USERS * data::POSTS_PER_USER));
        }
    }
    sql
}

/// One run of one peer: preparation (untimed), then the timed workload; returns the wall
/// time, the process's CPU time and the checksum.
fn run_once(rt: &Runtime, peer: &dyn Peer, prep: &[String], w: Workload) -> Result<RunTimes> {
    peer.prepare(rt, prep)?;
    let cpu = cpu::process_cpu_time();
    let t = Instant::now();
    let sum = peer.run(rt, w)?;
    let wall = t.elapsed();
    Ok(RunTimes {
        wall,
        cpu: cpu::process_cpu_time().saturating_sub(cpu),
        sum,
    })
}

struct RunTimes {
    wall: Duration,
    cpu: Duration,
    sum: u64,
}

/// Measures `w` on `database`: a warm-up run of each peer, then `reps` interleaved
/// repetitions, the order of the peers rotated each time.
pub fn measure(
    rt: &Runtime,
    peers: &[&dyn Peer],
    database: Database,
    w: Workload,
    reps: usize,
) -> Result<Measurement> {
    let mut m = Measurement {
        database,
        workload: w,
        peers: peers
            .iter()
            .map(|p| PeerRuns {
                name: p.name(),
                ..PeerRuns::default()
            })
            .collect(),
    };
    let prep = preparation(database, w.start());
    for rep in 0..=reps {
        let mut order: Vec<usize> = (0..peers.len()).collect();
        order.rotate_left(rep % peers.len().max(1));
        for i in order {
            let run = run_once(rt, peers[i], &prep, w)?;
            let runs = &mut m.peers[i];
            runs.sums.push(run.sum);
            // Repetition 0 is the warm-up.
            if rep > 0 {
                runs.wall.push(run.wall);
                runs.cpu.push(run.cpu);
            }
        }
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(name: &'static str, ms: u64, sums: &[u64]) -> PeerRuns {
        PeerRuns {
            name,
            wall: vec![Duration::from_millis(ms); 3],
            cpu: vec![Duration::from_millis(ms / 2); 3],
            sums: sums.to_vec(),
        }
    }

    #[test]
    fn ratios_are_taken_against_sqlx_and_a_wrong_checksum_is_named() {
        let m = Measurement {
            database: Database::Postgres,
            workload: Workload::W3,
            peers: vec![
                runs("plugorm", 30, &[7, 7]),
                runs(BASELINE, 20, &[7, 7]),
                runs("Diesel", 10, &[7, 8]),
            ],
        };
        assert_eq!(m.ratio("plugorm"), Some(1.5));
        assert_eq!(m.cpu_ratio("Diesel"), Some(0.5));
        assert_eq!(m.ratio("SeaORM"), None);
        assert!(m.checksum_matches("plugorm"));
        assert!(!m.checksum_matches("Diesel"));
        assert!(!m.checksums_match());
        let table = crate::report::table(std::slice::from_ref(&m), &[]);
        assert!(table.contains("| 1.50x (1.50x) |"));
        assert!(table.contains("**MISMATCH: Diesel**"));
        let svg = crate::chart::svg(&[m], crate::chart::Axis::Wall, "t");
        assert!(svg.contains("PostgreSQL W3 Diesel: 0.50x"));
    }
}
