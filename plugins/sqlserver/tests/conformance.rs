//! The SQL Server plugin through the dialect conformance kit, loaded from its built
//! library (`cargo build --workspace` first), on the server `PLUGORM_MSSQL_URL` names
//! (skipped without it). This file must not name the `plugorm_sqlserver` crate, or its
//! linked-in copy would be served instead.

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlserver_library_conforms() {
    let Some(server) = common::server_url() else {
        return;
    };
    let report = common::suite(plugorm_dialect_tests::Plugin::built("sqlserver"), server)
        .run()
        .await;
    report.assert_passed();
}
