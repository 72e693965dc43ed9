//! # plugorm-bench-peers
//!
//! The workloads of `plugorm-bench` (W1–W7) with two more peers, SeaORM and Diesel, next
//! to plugorm and raw sqlx, interleaved in one process with the same procedure, ratios
//! and checksums. A workspace of its own (see its `Cargo.toml`); `scripts/bench-peers`
//! builds the plugin libraries and runs it.
//!
//! ```no_run
//! // What `plugorm-peers` runs: plugorm from the plugins' .so files.
//! plugorm_bench::cli::main_with(plugorm_bench::cli::Linking::Dynamic, &plugorm_bench_peers::open_peers);
//! ```

pub mod diesel;
pub mod seaorm;

use plugorm_bench::{runner::Peer, setup::Peers, Database, Result};
use tokio::runtime::Runtime;

/// Opens SeaORM and Diesel on `database`, where plugorm and sqlx are open in `peers`.
pub fn open_peers(rt: &Runtime, database: Database, peers: &Peers) -> Result<Vec<Box<dyn Peer>>> {
    let seaorm = rt.block_on(seaorm::open(database, peers))?;
    let diesel = diesel::open(database, peers)?;
    Ok(vec![Box::new(seaorm), Box::new(diesel)])
}
