//! `cargo bench -p plugorm-bench [-- --reps N --only W1,W3 --db sqlite-memory]`: the
//! workloads W1–W7, plugorm against raw sqlx (see the crate docs and the README).

// Counts allocations for `--counts` (two relaxed atomic adds per allocation otherwise).
#[global_allocator]
static ALLOC: plugorm_bench::alloc::Counting = plugorm_bench::alloc::Counting;

fn main() {
    plugorm_bench::cli::main();
}
