//! # plugorm-bench
//!
//! plugorm's benchmark workloads (W1–W7, described in the README's Benchmarks section) against raw sqlx,
//! on SQLite (file and `:memory:`), PostgreSQL and MariaDB, and the measurement of the
//! plugin boundary's own cost (the `plugorm-boundary` binaries).
//!
//! plugorm runs with every dialect loaded from its release `.so` through a generated
//! `plugins.toml`; the baseline is sqlx called directly, with its own copy of SQLite and
//! its own database files.
//!
//! Each library is a [`runner::Peer`]; the runner, the table and the chart take any
//! number of them, so the `bench/peers` workspace adds SeaORM and Diesel through
//! [`cli::main_with`] without this crate depending on either.
//!
//! ```no_run
//! // What `cargo bench -p plugorm-bench` runs:
//! plugorm_bench::cli::main();
//! ```

pub mod alloc;
pub mod boundary;
pub mod chart;
pub mod cli;
pub mod counts;
pub mod cpu;
pub mod data;
pub mod database;
mod error;
pub mod models;
pub mod peer_plugorm;
pub mod peer_sqlx;
pub mod report;
pub mod rss;
pub mod runner;
pub mod scale;
pub mod setup;
pub mod workload;

pub use database::Database;
pub use error::{BenchError, Result};
pub use workload::Workload;
