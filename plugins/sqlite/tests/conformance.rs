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

/// A library whose file name is not the plugin's: the manifest's name is used.
#[tokio::test]
async fn a_renamed_library_is_found_by_its_manifest() {
    let Plugin::Library(built) = Plugin::built("sqlite") else {
        panic!("Plugin::built gives a library");
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let renamed = dir.path().join(format!(
        "{}plugorm_renamed{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ));
    std::fs::copy(&built, &renamed).expect("copy the library");
    let report = Suite::new(Plugin::library(&renamed), "sqlite::memory:")
        .only(&[plugorm_dialect_tests::Capability::Crud])
        .run()
        .await;
    report.assert_passed();
    assert_eq!(report.dialect, "sqlite");
    assert!(
        report.plugin.contains("plugorm_renamed"),
        "{}",
        report.plugin
    );
}
