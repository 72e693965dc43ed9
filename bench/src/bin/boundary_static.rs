//! `plugorm-boundary-static`: the boundary measurement's statically linked variants.
//! Naming `plugorm_sqlite` here links the plugin into this binary only (its inventory
//! registration comes with it), so the host serves SQLite natively, with no FFI.

use std::sync::Arc;

fn main() {
    plugorm_bench::boundary::main(Some(Arc::new(plugorm_sqlite::SqliteDialect)));
}
