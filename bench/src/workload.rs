//! The seven workloads W1–W7 and the data each starts from.

use std::fmt;

/// One workload of WORKLOADS.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// 2,000 single inserts, each id read back.
    W1,
    /// 10,000 users in 10 multi-row INSERTs of 1,000.
    W2,
    /// 10,000 point selects by primary key (seed 42).
    W3,
    /// The whole 10,000-row `users` table, 20 times.
    W4,
    /// 1,000 users with their 10,000 posts, 10 times.
    W5,
    /// 5,000 updates by primary key (seed 4242).
    W6,
    /// 5 transactions of 1,000 single inserts.
    W7,
}

/// The data a workload starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// Empty tables.
    Empty,
    /// 10,000 seeded users.
    Users,
    /// 1,000 users and their 10,000 posts.
    UsersAndPosts,
}

/// W1 inserts.
pub const W1_USERS: usize = 2_000;
/// W2 rows and rows per statement.
pub const W2_USERS: usize = 10_000;
pub const W2_BATCH: usize = 1_000;
/// W3 selects and seed.
pub const W3_SELECTS: usize = 10_000;
pub const W3_SEED: u64 = 42;
/// W4 repetitions of the full load.
pub const W4_LOADS: usize = 20;
/// W5 repetitions of the eager load.
pub const W5_LOADS: usize = 10;
/// W6 updates and seed.
pub const W6_UPDATES: usize = 5_000;
pub const W6_SEED: u64 = 4242;
/// W7 transactions and inserts per transaction.
pub const W7_TRANSACTIONS: usize = 5;
pub const W7_INSERTS: usize = 1_000;

impl Workload {
    /// Every workload, in order.
    pub const ALL: [Workload; 7] = [
        Workload::W1,
        Workload::W2,
        Workload::W3,
        Workload::W4,
        Workload::W5,
        Workload::W6,
        Workload::W7,
    ];

    /// The workload named `W1` … `W7` (case-insensitive).
    ///
    /// ```
    /// use plugorm_bench::Workload;
    /// assert_eq!(Workload::parse("w3"), Some(Workload::W3));
    /// assert_eq!(Workload::parse("W8"), None);
    /// ```
    pub fn parse(name: &str) -> Option<Workload> {
        Workload::ALL
            .into_iter()
            .find(|w| w.to_string().eq_ignore_ascii_case(name))
    }

    /// What the tables hold when the timer starts.
    pub fn start(self) -> Start {
        match self {
            Workload::W1 | Workload::W2 | Workload::W7 => Start::Empty,
            Workload::W3 | Workload::W4 | Workload::W6 => Start::Users,
            Workload::W5 => Start::UsersAndPosts,
        }
    }

    /// A short description for the table.
    pub fn title(self) -> &'static str {
        match self {
            Workload::W1 => "single inserts",
            Workload::W2 => "batch insert",
            Workload::W3 => "point selects",
            Workload::W4 => "select all",
            Workload::W5 => "eager load",
            Workload::W6 => "updates by key",
            Workload::W7 => "transactions",
        }
    }

    /// The operations a run makes and what one is, for the per-operation counts.
    ///
    /// ```
    /// use plugorm_bench::Workload;
    /// assert_eq!(Workload::W3.operations(), (10_000, "select"));
    /// ```
    pub fn operations(self) -> (u64, &'static str) {
        match self {
            Workload::W1 => (W1_USERS as u64, "insert"),
            Workload::W2 => ((W2_USERS / W2_BATCH) as u64, "1,000-row INSERT"),
            Workload::W3 => (W3_SELECTS as u64, "select"),
            Workload::W4 => (W4_LOADS as u64, "10,000-row load"),
            Workload::W5 => (W5_LOADS as u64, "eager load"),
            Workload::W6 => (W6_UPDATES as u64, "update"),
            Workload::W7 => ((W7_TRANSACTIONS * W7_INSERTS) as u64, "insert in a tx"),
        }
    }

    /// How plugorm does it, where that differs from the plain idiom.
    pub fn plugorm_note(self) -> &'static str {
        match self {
            Workload::W1 => "create; skip_default_transaction",
            Workload::W2 => "create_in_batches(1000), ids read back",
            Workload::W3 => "model().id(..).first()",
            Workload::W4 => "model().find()",
            Workload::W5 => "model().preload(\"Posts\").find()",
            Workload::W6 => "id(..).updates_map; skip_default_tx",
            Workload::W7 => "db.transaction + create",
        }
    }
}

impl fmt::Display for Workload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = Workload::ALL.iter().position(|w| w == self).unwrap_or(0) + 1;
        write!(f, "W{n}")
    }
}
