//! `plugorm-peers-static`: as `plugorm-peers`, with plugorm's dialects linked into the
//! binary (naming the plugin crates registers them), so no call crosses the plugin
//! boundary. A binary that links a dialect cannot also load its `.so`: hence two binaries.

use plugorm_mysql as _;
use plugorm_postgres as _;
use plugorm_sqlite as _;

fn main() {
    plugorm_bench::cli::main_with(
        plugorm_bench::cli::Linking::Static,
        &plugorm_bench_peers::open_peers,
    );
}
