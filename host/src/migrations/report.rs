//! What a run did ([`RunReport`]), what [`status`](super::MigrationRunner::status) sees
//! ([`MigrationStatus`]), and the progress events a caller may follow ([`Progress`]).

use std::time::Duration;

use chrono::NaiveDateTime;

/// One migration a run applied or rolled back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ran {
    /// Its version.
    pub version: i64,
    /// Its name.
    pub name: String,
    /// How long its statements took.
    pub duration: Duration,
}

/// What a run did, in order.
///
/// ```
/// let report = plugorm::migrations::RunReport::default();
/// assert!(report.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Migrations applied, by ascending version.
    pub applied: Vec<Ran>,
    /// Migrations rolled back, latest first.
    pub rolled_back: Vec<Ran>,
}

impl RunReport {
    /// True when nothing ran.
    pub fn is_empty(&self) -> bool {
        self.applied.is_empty() && self.rolled_back.is_empty()
    }
}

/// Where a migration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Applied, with the checksum its source has now.
    Applied,
    /// Not applied yet.
    Pending,
    /// Applied, but its source changed since (`up` refuses to run).
    Changed,
    /// Applied, but no source defines it any more.
    Missing,
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            State::Applied => "applied",
            State::Pending => "pending",
            State::Changed => "changed",
            State::Missing => "missing",
        })
    }
}

/// One line of [`status`](super::MigrationRunner::status).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    /// The version.
    pub version: i64,
    /// The name (from the sources, or as recorded for a missing one).
    pub name: String,
    /// Applied, pending, changed or missing.
    pub state: State,
    /// When it was applied (UTC), for all but pending ones.
    pub applied_at: Option<NaiveDateTime>,
}

/// Which way a migration runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Applying.
    Up,
    /// Rolling back.
    Down,
}

/// A progress event: a migration starts (`done == false`) or has finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// Applying or rolling back.
    pub direction: Direction,
    /// The migration's version.
    pub version: i64,
    /// The migration's name.
    pub name: String,
    /// 0-based position in this run.
    pub index: usize,
    /// How many migrations this run will run.
    pub total: usize,
    /// False as it starts, true once it has finished.
    pub done: bool,
}
