//! `plugorm-peers`: W1–W7 through plugorm (every dialect from its release `.so`), raw
//! sqlx, SeaORM and Diesel, interleaved (options: `--help`).

fn main() {
    plugorm_bench::cli::main_with(
        plugorm_bench::cli::Linking::Dynamic,
        &plugorm_bench_peers::open_peers,
    );
}
