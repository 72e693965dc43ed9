//! The SQLite plugin through the dialect conformance kit, loaded from its built library
//! (`cargo build --workspace` first). This file must not name the `plugorm_sqlite`
//! crate: a linked-in copy would be served instead of the library
//! (`conformance_static.rs` runs that one).

use plugorm_dialect_tests::{golden, Plugin, Suite};

#[tokio::test]
async fn sqlite_library_conforms() {
    let report = Suite::new(Plugin::built("sqlite"), "sqlite::memory:")
        .golden(golden::SQLITE)
        .run()
        .await;
    report.assert_passed();
    assert!(
        report.plugin.ends_with(&format!(
            "{}plugorm_sqlite{}",
            std::env::consts::DLL_PREFIX,
            std::env::consts::DLL_SUFFIX
        )),
        "served from the library: {}",
        report.plugin
    );
}
