//! The Prometheus launcher: it scrapes a static `/metrics` page served by the test and
//! answers queries about it.

use std::time::Duration;

use plugorm_tests::{
    launch::or_skip,
    prometheus_server::{PrometheusServer, JOB},
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

const METRICS: &str = "# HELP harness_test_total A counter the test serves.\n\
                       # TYPE harness_test_total counter\n\
                       harness_test_total 3\n";

/// Answers every request on `listener` with [`METRICS`], closing after each answer.
async fn serve_metrics(listener: TcpListener) {
    while let Ok((mut stream, _)) = listener.accept().await {
        tokio::spawn(async move {
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{METRICS}",
                METRICS.len()
            );
            let _ = stream.write_all(answer.as_bytes()).await;
            let _ = stream.shutdown().await;
        });
    }
}

#[tokio::test]
async fn prometheus_scrapes_a_static_counter() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let target = listener.local_addr().unwrap().to_string();
    tokio::spawn(serve_metrics(listener));
    let Some(prom) = or_skip(PrometheusServer::start(&target, "/metrics").await) else {
        return;
    };
    let samples = prom
        .wait_for_series("harness_test_total", Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(samples.len(), 1, "{samples:?}");
    assert_eq!(samples[0].value, 3.0);
    assert_eq!(samples[0].labels["job"], JOB);
    assert_eq!(samples[0].labels["instance"], target);
    assert!(prom
        .query("harness_never_served_total")
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_series_that_never_appears_times_out_naming_the_query() {
    let Some(prom) = or_skip(PrometheusServer::start("127.0.0.1:9", "/metrics").await) else {
        return;
    };
    let err = prom
        .wait_for_series("harness_absent_total", Duration::from_millis(500))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("harness_absent_total"), "{err}");
}

#[tokio::test]
async fn dropping_the_server_removes_its_folder_and_frees_the_port() {
    let Some(prom) = or_skip(PrometheusServer::start("127.0.0.1:9", "/metrics").await) else {
        return;
    };
    let addr = prom.url().trim_start_matches("http://").to_string();
    let dir = prom.dir().to_path_buf();
    drop(prom);
    assert!(!dir.exists(), "{} is left behind", dir.display());
    assert!(
        std::net::TcpStream::connect(&addr).is_err(),
        "Prometheus still listens at {addr}"
    );
}
