//! The procedure of WORKLOADS.md: untimed preparation with plain SQL, one warm-up run per
//! peer, then N interleaved repetitions (the peer order rotated each time), medians.

use std::time::{Duration, Instant};

use tokio::runtime::Runtime;

use crate::{
    cpu, data,
    setup::Peers,
    workload::{Start, Workload},
    Database, Result,
};

/// The two peers of every comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    Plugorm,
    Sqlx,
}

/// The measured runs of one workload on one database.
#[derive(Debug, Clone)]
pub struct Measurement {
    pub database: Database,
    pub workload: Workload,
    pub plugorm: Vec<Duration>,
    pub sqlx: Vec<Duration>,
    /// CPU time of the whole process during each measured run.
    pub plugorm_cpu: Vec<Duration>,
    pub sqlx_cpu: Vec<Duration>,
    /// Every run's checksum, per peer (warm-up included).
    pub plugorm_sums: Vec<u64>,
    pub sqlx_sums: Vec<u64>,
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

impl Measurement {
    /// plugorm's median.
    pub fn plugorm_median(&self) -> Duration {
        median(&self.plugorm)
    }

    /// sqlx's median.
    pub fn sqlx_median(&self) -> Duration {
        median(&self.sqlx)
    }

    /// plugorm's median over sqlx's.
    pub fn ratio(&self) -> f64 {
        self.plugorm_median().as_secs_f64() / self.sqlx_median().as_secs_f64().max(1e-12)
    }

    /// plugorm's median CPU time over sqlx's.
    pub fn cpu_ratio(&self) -> f64 {
        median(&self.plugorm_cpu).as_secs_f64() / median(&self.sqlx_cpu).as_secs_f64().max(1e-12)
    }

    /// True when every run of both peers produced the same checksum.
    pub fn checksums_match(&self) -> bool {
        let Some(first) = self.sqlx_sums.first().or(self.plugorm_sums.first()) else {
            return false;
        };
        self.sqlx_sums
            .iter()
            .chain(self.plugorm_sums.iter())
            .all(|s| s == first)
    }
}

/// The plain SQL that puts `start`'s data in place on `database`.
fn preparation(database: Database, start: Start) -> Vec<String> {
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

/// One measured run: wall time, CPU time and checksum.
struct Run {
    wall: Duration,
    cpu: Duration,
    sum: u64,
}

/// One run of one peer: preparation (untimed), then the timed workload.
fn run_once(
    rt: &Runtime,
    peers: &Peers,
    peer: Peer,
    database: Database,
    w: Workload,
) -> Result<Run> {
    let prep = preparation(database, w.start());
    rt.block_on(async {
        match peer {
            Peer::Plugorm => peers.plugorm.exec_all(&prep).await?,
            Peer::Sqlx => peers.sqlx.exec_all(&prep).await?,
        }
        let cpu = cpu::process_cpu_time();
        let t = Instant::now();
        let sum = match peer {
            Peer::Plugorm => peers.plugorm.run(w).await?,
            Peer::Sqlx => peers.sqlx.run(w).await?,
        };
        let wall = t.elapsed();
        Ok(Run {
            wall,
            cpu: cpu::process_cpu_time().saturating_sub(cpu),
            sum,
        })
    })
}

/// Measures `w` on `database`: a warm-up run of each of `which`, then `reps` interleaved
/// repetitions, the order of the peers rotated each time.
pub fn measure(
    rt: &Runtime,
    peers: &Peers,
    which: &[Peer],
    database: Database,
    w: Workload,
    reps: usize,
) -> Result<Measurement> {
    let mut m = Measurement {
        database,
        workload: w,
        plugorm: Vec::with_capacity(reps),
        sqlx: Vec::with_capacity(reps),
        plugorm_cpu: Vec::with_capacity(reps),
        sqlx_cpu: Vec::with_capacity(reps),
        plugorm_sums: Vec::new(),
        sqlx_sums: Vec::new(),
    };
    for rep in 0..=reps {
        let mut order = which.to_vec();
        order.rotate_left(rep % which.len().max(1));
        for peer in order {
            let run = run_once(rt, peers, peer, database, w)?;
            let (times, cpus, sums) = match peer {
                Peer::Plugorm => (&mut m.plugorm, &mut m.plugorm_cpu, &mut m.plugorm_sums),
                Peer::Sqlx => (&mut m.sqlx, &mut m.sqlx_cpu, &mut m.sqlx_sums),
            };
            sums.push(run.sum);
            // Repetition 0 is the warm-up.
            if rep > 0 {
                times.push(run.wall);
                cpus.push(run.cpu);
            }
        }
    }
    Ok(m)
}
