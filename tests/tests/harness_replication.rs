//! The replica-set launcher: a row written on the primary is readable on the standby
//! once replayed, the standby refuses writes, survives a stop and start, and the set
//! cleans up after itself.

use plugorm_tests::{
    launch::or_skip,
    replication::{ReplicaSet, Role},
};

#[tokio::test]
async fn standby_replays_the_primary_refuses_writes_and_restarts() {
    let Some(set) = or_skip(ReplicaSet::start().await) else {
        return;
    };
    set.sql(
        Role::Primary,
        "CREATE TABLE notes (id int PRIMARY KEY, body text); \
         INSERT INTO notes VALUES (1, 'first')",
    )
    .await
    .unwrap();
    set.wait_replayed().await.unwrap();
    let read = set
        .sql(Role::Standby, "SELECT body FROM notes WHERE id = 1")
        .await;
    assert_eq!(read.unwrap(), "first");

    let recovery = "SELECT pg_is_in_recovery()";
    assert_eq!(set.sql(Role::Standby, recovery).await.unwrap(), "t");
    assert_eq!(set.sql(Role::Primary, recovery).await.unwrap(), "f");

    let write = set
        .sql(
            Role::Standby,
            "INSERT INTO notes VALUES (2, 'on the standby')",
        )
        .await;
    let err = write.unwrap_err().to_string();
    assert!(err.contains("read-only transaction"), "{err}");

    set.stop_standby().await.unwrap();
    assert!(set.sql(Role::Standby, "SELECT 1").await.is_err());
    // Written while the standby is down: the slot keeps the WAL until it is back.
    set.sql(Role::Primary, "INSERT INTO notes VALUES (2, 'while down')")
        .await
        .unwrap();
    set.start_standby().await.unwrap();
    set.wait_replayed().await.unwrap();
    let rows = set
        .sql(Role::Standby, "SELECT body FROM notes ORDER BY id")
        .await;
    assert_eq!(rows.unwrap(), "first\nwhile down");
    assert_eq!(set.sql(Role::Standby, recovery).await.unwrap(), "t");
}

#[tokio::test]
async fn the_urls_open_with_the_postgres_plugin() {
    let Some(set) = or_skip(ReplicaSet::start().await) else {
        return;
    };
    let registry = plugorm_tests::postgres::registry_with("");
    let primary = registry.open(&set.primary_url()).await.unwrap();
    primary.exec("CREATE TABLE seen (n int)", ()).await.unwrap();
    primary
        .exec("INSERT INTO seen VALUES (?)", (7,))
        .await
        .unwrap();
    set.wait_replayed().await.unwrap();
    let standby = registry.open(&set.standby_url()).await.unwrap();
    let n: Option<i32> = standby.raw_scalar("SELECT n FROM seen", ()).await.unwrap();
    assert_eq!(n, Some(7));
}

#[tokio::test]
async fn dropping_the_set_stops_both_servers_and_removes_the_folder() {
    let Some(set) = or_skip(ReplicaSet::start().await) else {
        return;
    };
    let dir = set.dir().to_path_buf();
    let ports = [set.port(Role::Primary), set.port(Role::Standby)];
    drop(set);
    assert_gone(&dir, &ports);
}

/// The folder is removed and nothing listens on the ports any more.
fn assert_gone(dir: &std::path::Path, ports: &[u16]) {
    assert!(!dir.exists(), "{} is left behind", dir.display());
    for &port in ports {
        let still = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
        assert!(!still, "a server still listens on port {port}");
    }
}

#[tokio::test]
async fn a_panicking_test_still_stops_the_servers_and_removes_the_folder() {
    let (seen, dir) = tokio::sync::oneshot::channel();
    let test = tokio::spawn(async move {
        let Some(set) = or_skip(ReplicaSet::start().await) else {
            return;
        };
        let _ = seen.send((set.dir().to_path_buf(), set.port(Role::Primary)));
        panic!("the test body fails while the set runs");
    });
    let outcome = test.await;
    let Ok((dir, port)) = dir.await else {
        // No set ran: skipped, or the start failed, whose panic is this test's failure.
        if let Err(e) = outcome {
            std::panic::resume_unwind(e.into_panic());
        }
        return;
    };
    assert!(outcome.is_err_and(|e| e.is_panic()));
    assert_gone(&dir, &[port]);
}
