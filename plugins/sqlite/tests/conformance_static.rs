//! The SQLite plugin through the dialect conformance kit, linked in: on private
//! in-memory databases, and on database files (a pool of several connections), one per
//! check in a temporary folder.

use plugorm_dialect_tests::{golden, Capability, FreshDatabase, Plugin, Suite};

#[tokio::test]
async fn sqlite_conforms_in_memory() {
    let report = Suite::new(Plugin::Static(&plugorm_sqlite::PLUGIN), "sqlite::memory:")
        .golden(golden::SQLITE)
        .run()
        .await;
    report.assert_passed();
    assert_eq!(report.dialect, "sqlite");
    // Every capability ran something: nothing was skipped on SQLite.
    for capability in Capability::ALL {
        let (passed, failed, skipped) = report.counts(capability);
        assert!(
            passed > 0 && failed == 0 && skipped == 0,
            "{capability}: {report}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_conforms_on_files() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let folder = dir.path().to_path_buf();
    let report = Suite::new(Plugin::Static(&plugorm_sqlite::PLUGIN), "sqlite::memory:")
        .fresh_database(move |_admin, name| {
            let url = format!("sqlite://{}", folder.join(format!("{name}.db")).display());
            async move { Ok(FreshDatabase::new(url)) }
        })
        .run()
        .await;
    report.assert_passed();
}

#[tokio::test]
async fn a_wrong_golden_text_fails_and_names_both_texts() {
    let report = Suite::new(Plugin::Static(&plugorm_sqlite::PLUGIN), "sqlite::memory:")
        .only(&[Capability::GoldenSql])
        .golden(&[
            ("count", "SELECT COUNT(*) FROM kit_golden"),
            ("nosuch", "x"),
        ])
        .run()
        .await;
    assert!(!report.passed());
    let text = report.to_string();
    assert!(text.contains("SELECT count(*) FROM `kit_golden`"), "{text}");
    assert!(
        text.contains("no golden statement is named `nosuch`"),
        "{text}"
    );
    assert_eq!(report.counts(Capability::GoldenSql), (0, 2, 0));
    assert!(std::panic::catch_unwind(|| report.assert_passed()).is_err());
}

#[tokio::test]
async fn a_url_of_another_dialect_is_a_setup_error() {
    let report = Suite::new(Plugin::Static(&plugorm_sqlite::PLUGIN), "postgres://h/db")
        .run()
        .await;
    assert!(report.setup_error.is_some(), "{report}");
    assert!(report.checks.is_empty());
    assert!(!report.passed());
}
