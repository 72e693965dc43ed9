//! The SQL Server plugin through the dialect conformance kit, linked in, on the server
//! `PLUGORM_MSSQL_URL` names (skipped without it).

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlserver_conforms() {
    let Some(server) = common::server_url() else {
        return;
    };
    let report = common::suite(
        plugorm_dialect_tests::Plugin::Static(&plugorm_sqlserver::PLUGIN),
        server,
    )
    .run()
    .await;
    report.assert_passed();
}
