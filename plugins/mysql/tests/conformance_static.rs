//! The MariaDB / MySQL plugin through the dialect conformance kit, linked in.

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_conforms() {
    let report = common::suite(plugorm_dialect_tests::Plugin::Static(
        &plugorm_mysql::PLUGIN,
    ))
    .run()
    .await;
    report.assert_passed_or_skip_offline();
}
