//! The async boundary on every backend: a pool works from many host runtimes. Futures
//! dropped mid-flight — slow statements, transactions dropped or cut off mid-commit —
//! are the dialect conformance kit's `cancellation` checks, which every dialect runs
//! (`plugins/*/tests/conformance*.rs`).

use plugorm_tests::matrix::Backend;

plugorm_tests::matrix!(plugin_works_from_many_host_runtimes);

async fn plugin_works_from_many_host_runtimes(backend: Backend) {
    // Each #[tokio::test] has its own runtime; the pool lives on the plugin's runtime, so
    // a pool created on one host runtime works on another.
    let Some(db) = backend.open("").await else {
        return;
    };
    let db2 = db.clone();
    let handle = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            db2.raw("SELECT 41 + 1 AS v", ())
                .await
                .unwrap()
                .iter()
                .next()
                .unwrap()
                .get::<i64>("v")
                .unwrap()
        })
    });
    assert_eq!(handle.join().unwrap(), 42);
    assert_eq!(db.raw("SELECT 1 AS v", ()).await.unwrap().len(), 1);
}
