//! The running exporter of one plugin instance: the `/metrics` server thread and the
//! background thread (collectors, pushes), and what stops them.
//!
//! Its lifetime is the host's databases': the [`Exporter`] is owned by a do-nothing
//! callback (`prometheus:keepalive`) that the registry and every database it opens hold
//! in their callback chains. When the last of them is dropped the exporter is dropped,
//! the threads stop and the port is free again. The threads hold the [`Host`] (to list
//! pools at each scrape) but never the exporter, and the host never holds a registry's
//! callbacks, so nothing keeps itself alive.

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream},
    sync::{
        atomic::{AtomicBool, Ordering},
        mpsc, Arc, Mutex,
    },
    time::{Duration, Instant},
};

use plugorm_plugin_api::{host::Host, Callback, CallbackContext, DbError, DbResult};

use crate::{collectors, config::Config, metrics::Metrics, push, server};

/// Renders the page: the pool series refreshed from the host, then everything encoded.
struct Scraper {
    host: Host,
    metrics: Arc<Metrics>,
    /// One refresh-and-encode at a time (the server and the pusher both render).
    busy: Mutex<()>,
}

impl Scraper {
    fn page(&self) -> Result<String, String> {
        let _one = self.busy.lock().unwrap_or_else(|p| p.into_inner());
        self.metrics.pools.refresh(&self.host.pools());
        self.metrics.encode().map_err(|e| e.to_string())
    }
}

/// The threads of one plugin instance; dropping it stops them.
pub(crate) struct Exporter {
    stop: Arc<AtomicBool>,
    /// Where the server listens, as a client reaches it (to wake its accept); `None`
    /// when nothing listens.
    wake: Option<SocketAddr>,
    /// Dropped with the exporter: the background thread's wait ends at once.
    _background: mpsc::Sender<()>,
}

impl Exporter {
    /// Binds the listen address, if any (a failure names the `listen` key), and starts
    /// the threads.
    pub(crate) fn start(host: Host, config: Config, metrics: Arc<Metrics>) -> DbResult<Exporter> {
        let scraper = Arc::new(Scraper {
            host,
            metrics,
            busy: Mutex::new(()),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, rx) = mpsc::channel();
        let mut exporter = Exporter {
            stop: Arc::clone(&stop),
            wake: None,
            _background: tx,
        };
        if let Some(listen) = config.listen {
            let listener = bind(listen)?;
            let bound = listener
                .local_addr()
                .map_err(|e| listen_error(listen, &e))?;
            let (serving, path) = (Arc::clone(&scraper), config.path.clone());
            spawn("plugorm-prometheus-http", move || {
                server::serve(listener, path, stop, || serving.page())
            })?;
            exporter.wake = Some(reachable(bound));
            tracing::info!(address = %bound, path = %config.path, "serving Prometheus metrics");
        }
        spawn("plugorm-prometheus-refresh", move || {
            background(&scraper, &config, &rx)
        })?;
        Ok(exporter)
    }
}

fn listen_error(listen: SocketAddr, e: &std::io::Error) -> DbError {
    DbError::Config {
        key: Some("listen".into()),
        message: format!(
            "cannot listen on {listen}: {e} (choose a free address, or port 0 for any)"
        ),
    }
}

fn bind(listen: SocketAddr) -> DbResult<TcpListener> {
    TcpListener::bind(listen).map_err(|e| listen_error(listen, &e))
}

impl Drop for Exporter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        // The server blocks in accept: one connection lets it see the flag. A failure
        // means it is gone already.
        if let Some(wake) = self.wake {
            let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        }
    }
}

/// The address a client uses to reach `bound` (an unspecified IP is reached on loopback).
fn reachable(bound: SocketAddr) -> SocketAddr {
    match bound.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => (Ipv4Addr::LOCALHOST, bound.port()).into(),
        IpAddr::V6(ip) if ip.is_unspecified() => (Ipv6Addr::LOCALHOST, bound.port()).into(),
        _ => bound,
    }
}

fn spawn(name: &str, f: impl FnOnce() + Send + 'static) -> DbResult<()> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(f)
        .map(drop)
        .map_err(|e| DbError::Other(format!("cannot start the {name} thread: {e}")))
}

/// Runs the collectors every refresh interval and pushes every push interval, until
/// the exporter is dropped (the channel disconnects).
fn background(scraper: &Scraper, config: &Config, stop: &mpsc::Receiver<()>) {
    let push_every = config
        .push
        .as_ref()
        .map(|p| Duration::from_millis(p.interval_ms));
    let mut next_refresh = Instant::now();
    let mut next_push = push_every.map(|every| Instant::now() + every);
    loop {
        let now = Instant::now();
        if now >= next_refresh {
            collectors::refresh(&scraper.metrics, config, &scraper.host.pools());
            next_refresh = Instant::now() + config.refresh_interval;
        }
        if let (Some(due), Some(every), Some(to)) = (next_push, push_every, config.push.as_ref()) {
            if now >= due {
                let sent = scraper
                    .page()
                    .map_err(|e| e.to_string())
                    .and_then(|body| push::push(to, &body).map_err(|e| e.to_string()));
                if let Err(e) = sent {
                    tracing::warn!(error = %e, "cannot push the metrics to the Pushgateway");
                }
                next_push = Some(Instant::now() + every);
            }
        }
        let next = next_push.map_or(next_refresh, |p| p.min(next_refresh));
        match stop.recv_timeout(next.saturating_duration_since(Instant::now())) {
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            // Disconnected: the exporter is gone. Nothing is ever sent.
            _ => return,
        }
    }
}

/// The callback that holds the exporter in every callback chain of the registry and its
/// databases (see the module documentation); running it does nothing.
pub(crate) struct KeepAlive(pub(crate) Exporter);

impl Callback for KeepAlive {
    fn call(&self, _: &mut CallbackContext<'_>) -> DbResult<()> {
        let _ = &self.0;
        Ok(())
    }
}
