//! A Prometheus server scraping one target every second, for tests of metrics exporters
//! (the prometheus plugin): a test serves `/metrics`, starts [`PrometheusServer`] on it,
//! and asks the query API what Prometheus saw.
//!
//! The server is Debian's `prometheus` program (`PLUGORM_PROMETHEUS_BIN`, else the
//! first on `PATH`), with a generated configuration and its storage in a temporary
//! folder, listening on a free loopback port; dropping the value kills it and removes
//! the folder. When the program is missing the start is
//! [`HarnessError::NotAvailable`] (skip), unless `CI=true`.
//!
//! ```no_run
//! # async fn t() {
//! use std::time::Duration;
//! use plugorm_tests::{launch::or_skip, prometheus_server::PrometheusServer};
//! let Some(prom) = or_skip(PrometheusServer::start("127.0.0.1:9464", "/metrics").await) else {
//!     return;
//! };
//! let samples = prom.wait_for_series("up", Duration::from_secs(30)).await.unwrap();
//! assert_eq!(samples[0].value, 1.0);
//! # }
//! ```

use std::{
    collections::BTreeMap,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::Duration,
};

use serde_json::Value;

use crate::{
    http,
    launch::{find_program, free_port, io, require, wait_until, HarnessError, WAIT},
};

/// The job name of the one scrape configuration (the `job` label of its series).
///
/// ```
/// assert_eq!(plugorm_tests::prometheus_server::JOB, "plugorm_test");
/// ```
pub const JOB: &str = "plugorm_test";

/// One element of an instant vector: the series' labels and its value.
///
/// ```
/// let sample = plugorm_tests::prometheus_server::Sample {
///     labels: [("job".to_string(), "plugorm_test".to_string())].into(),
///     value: 3.0,
/// };
/// assert_eq!(sample.labels["job"], "plugorm_test");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The labels, `__name__` included.
    pub labels: BTreeMap<String, String>,
    /// The value at the query's time.
    pub value: f64,
}

/// A running Prometheus; dropping it kills the process and removes its folder.
///
/// ```no_run
/// # async fn t() {
/// let prom = plugorm_tests::prometheus_server::PrometheusServer::start("127.0.0.1:9464", "/metrics")
///     .await
///     .unwrap();
/// println!("Prometheus at {}", prom.url());
/// # }
/// ```
#[derive(Debug)]
pub struct PrometheusServer {
    child: Child,
    addr: String,
    log: PathBuf,
    // Last, so it is removed after `Drop::drop` has killed the process.
    dir: tempfile::TempDir,
}

impl PrometheusServer {
    /// Starts Prometheus scraping `target` (`host:port`) at `metrics_path` every second
    /// and returns once its HTTP API is ready.
    ///
    /// ```no_run
    /// # async fn t() {
    /// match plugorm_tests::prometheus_server::PrometheusServer::start("127.0.0.1:9464", "/metrics").await {
    ///     Ok(prom) => println!("ready at {}", prom.url()),
    ///     Err(e) if e.is_not_available() => println!("skipped: {e}"),
    ///     Err(e) => panic!("{e}"),
    /// }
    /// # }
    /// ```
    pub async fn start(target: &str, metrics_path: &str) -> Result<PrometheusServer, HarnessError> {
        let program = std::env::var_os("PLUGORM_PROMETHEUS_BIN")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| find_program("prometheus"));
        require(&program, "prometheus")?;
        let dir = tempfile::Builder::new()
            .prefix("plugorm-prometheus-")
            .tempdir()
            .map_err(|e| io("create Prometheus's temporary folder", e))?;
        let config = dir.path().join("prometheus.yml");
        std::fs::write(&config, config_text(target, metrics_path))
            .map_err(|e| io(&format!("write {}", config.display()), e))?;
        let log = dir.path().join("prometheus.log");
        let log_file =
            std::fs::File::create(&log).map_err(|e| io(&format!("create {}", log.display()), e))?;
        let log_copy = log_file
            .try_clone()
            .map_err(|e| io("share the log file between stdout and stderr", e))?;
        let addr = format!("127.0.0.1:{}", free_port()?);
        let child = Command::new(&program)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address={addr}"))
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_copy)
            .spawn()
            .map_err(|e| io(&format!("start {}", program.display()), e))?;
        let mut server = PrometheusServer {
            child,
            addr,
            log,
            dir,
        };
        server.wait_ready().await?;
        Ok(server)
    }

    /// `http://127.0.0.1:PORT`, the server's web address.
    ///
    /// ```no_run
    /// # fn t(prom: plugorm_tests::prometheus_server::PrometheusServer) {
    /// assert!(prom.url().starts_with("http://127.0.0.1:"));
    /// # }
    /// ```
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The temporary folder holding the configuration, the storage and the log.
    ///
    /// ```no_run
    /// # fn t(prom: plugorm_tests::prometheus_server::PrometheusServer) {
    /// assert!(prom.dir().join("prometheus.yml").is_file());
    /// # }
    /// ```
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// The instant vector `promql` evaluates to now (empty when no series matches).
    /// A query whose result is not a vector (a scalar, a range) is an error.
    ///
    /// ```no_run
    /// # async fn t(prom: plugorm_tests::prometheus_server::PrometheusServer) {
    /// let up = prom.query("up").await.unwrap();
    /// assert!(up.iter().all(|s| s.labels["job"] == plugorm_tests::prometheus_server::JOB));
    /// # }
    /// ```
    pub async fn query(&self, promql: &str) -> Result<Vec<Sample>, HarnessError> {
        let path = format!("/api/v1/query?query={}", percent_encode(promql));
        let what = format!("Prometheus query {promql:?}");
        let page = http::get(&self.addr, &path).await?;
        let protocol = |detail: String| HarnessError::Protocol {
            what: what.clone(),
            detail,
        };
        let answer: Value = serde_json::from_str(&page.body).map_err(|e| {
            protocol(format!(
                "HTTP {} with a body that is not JSON ({e}): {}",
                page.status, page.body
            ))
        })?;
        if answer["status"] != "success" {
            return Err(protocol(format!("HTTP {}: {answer}", page.status)));
        }
        if answer["data"]["resultType"] != "vector" {
            return Err(protocol(format!(
                "the result is not an instant vector: {}",
                answer["data"]
            )));
        }
        let items = answer["data"]["result"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        items
            .iter()
            .map(|item| {
                sample(item).ok_or_else(|| protocol(format!("unexpected vector element {item}")))
            })
            .collect()
    }

    /// Polls [`PrometheusServer::query`] until it returns at least one sample, at most
    /// `timeout` long; the timeout error quotes the last answer and the server's log.
    ///
    /// ```no_run
    /// # async fn t(prom: plugorm_tests::prometheus_server::PrometheusServer) {
    /// let samples = prom
    ///     .wait_for_series("plugorm_queries_total", std::time::Duration::from_secs(30))
    ///     .await
    ///     .unwrap();
    /// # }
    /// ```
    pub async fn wait_for_series(
        &self,
        promql: &str,
        timeout: Duration,
    ) -> Result<Vec<Sample>, HarnessError> {
        let what = format!("Prometheus has a series for {promql:?}");
        wait_until(&what, timeout, Some(&self.log), || async {
            let samples = self.query(promql).await?;
            Ok::<_, HarnessError>((!samples.is_empty()).then_some(samples))
        })
        .await
    }

    /// Waits until `/-/ready` answers 200, failing early when the process exits.
    async fn wait_ready(&mut self) -> Result<(), HarnessError> {
        let what = format!("Prometheus answers {}/-/ready", self.url());
        let addr = self.addr.clone();
        let log = self.log.clone();
        let child = &mut self.child;
        wait_until(&what, WAIT, Some(&log), || {
            let exited = child.try_wait();
            let addr = addr.clone();
            async move {
                match exited {
                    Ok(Some(status)) => return Err(format!("Prometheus exited ({status})")),
                    Ok(None) => {}
                    Err(e) => return Err(format!("cannot watch the process: {e}")),
                }
                let page = http::get(&addr, "/-/ready")
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(page.is_success().then_some(()))
            }
        })
        .await
    }
}

impl Drop for PrometheusServer {
    fn drop(&mut self) {
        // Kill then reap, so no zombie outlives the test and the folder is free to go.
        if let Err(e) = self.child.kill() {
            eprintln!("cannot kill the test Prometheus: {e}");
        }
        let _ = self.child.wait();
    }
}

/// The configuration: one job scraping `target` at `metrics_path` every second.
///
/// Strings are written as JSON strings, which YAML reads as double-quoted scalars, so
/// any target or path text stays one value.
fn config_text(target: &str, metrics_path: &str) -> String {
    let quote = |s: &str| Value::from(s).to_string();
    format!(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
         scrape_configs:\n  - job_name: {}\n    scrape_interval: 1s\n    scrape_timeout: 1s\n\
         \x20   metrics_path: {}\n    static_configs:\n      - targets: [{}]\n",
        quote(JOB),
        quote(metrics_path),
        quote(target)
    )
}

/// One `{"metric": {...}, "value": [time, "text"]}` element.
fn sample(item: &Value) -> Option<Sample> {
    let labels = item["metric"]
        .as_object()?
        .iter()
        .map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect::<Option<BTreeMap<_, _>>>()?;
    // Prometheus writes values as text: numbers, `NaN`, `+Inf`, `-Inf`.
    let value = match item["value"][1].as_str()? {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        text => text.parse().ok()?,
    };
    Some(Sample { labels, value })
}

/// Percent-encodes everything but RFC 3986's unreserved characters, for a query value.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_a_query_with_braces_and_quotes() {
        assert_eq!(
            percent_encode(r#"up{job="a b"}"#),
            "up%7Bjob%3D%22a%20b%22%7D"
        );
    }

    #[test]
    fn reads_a_vector_element() {
        let item = serde_json::json!({"metric": {"__name__": "x"}, "value": [1.5, "3"]});
        let s = sample(&item).unwrap();
        assert_eq!((s.labels["__name__"].as_str(), s.value), ("x", 3.0));
    }

    #[test]
    fn config_quotes_the_target_and_path() {
        let text = config_text("127.0.0.1:1", "/m");
        assert!(text.contains("targets: [\"127.0.0.1:1\"]"), "{text}");
        assert!(text.contains("metrics_path: \"/m\""), "{text}");
    }
}
