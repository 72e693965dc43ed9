//! The PostgreSQL plugin through the dialect conformance kit, loaded from its built
//! library (`cargo build --workspace` first), on the test server (`PLUGORM_PG_URL`).
//! Under `CI=true` an unreachable server fails. This file must not name the
//! `plugorm_postgres` crate, or its linked-in copy would be served instead.

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_library_conforms() {
    let report = common::suite(plugorm_dialect_tests::Plugin::built("postgres"))
        .run()
        .await;
    report.assert_passed_or_skip_offline();
}
