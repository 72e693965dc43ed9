//! The example dialect through the conformance kit `plugorm-dialect-tests` — the suite the
//! in-tree dialects pass — loaded from its built library (`cargo build --workspace`
//! first), as an application loads it.

use plugorm_dialect_tests::{golden, Plugin, Suite};

#[tokio::test]
async fn the_rusqlite_library_conforms() {
    let report = Suite::new(Plugin::built("rusqlite"), "rusqlite::memory:")
        .golden(golden::STANDARD)
        .run()
        .await;
    report.assert_passed();
    assert_eq!(report.dialect, "rusqlite");
}
