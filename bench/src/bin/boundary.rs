//! `plugorm-boundary`: the plugin boundary's cost (see `plugorm_bench::boundary`). Runs
//! the measurement; the dynamic variants run in children of this binary, the static ones
//! in `plugorm-boundary-static`. This binary must not link the SQLite plugin crate.

fn main() {
    plugorm_bench::boundary::main(None);
}
