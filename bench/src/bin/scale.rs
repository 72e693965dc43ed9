//! `plugorm-scale`: plugorm at scale (see `plugorm_bench::scale`): a 10,000,000-row
//! stream, batch inserts up to and past the parameter limit, a 100,000-parent preload.

fn main() {
    plugorm_bench::scale::main();
}
