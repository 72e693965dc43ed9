//! The kit's pool: idle connection workers, a semaphore that caps the connections in
//! use, and leases.
//!
//! A permit stands for one connection in use; idle connections hold none. A lease takes a
//! permit, then the most recently used idle connection (or opens one when none is idle),
//! so the number of open connections never exceeds `max_connections`. A lease ends by a
//! message to its worker, which rolls back anything left open and only then puts itself
//! back on the idle list and releases the permit.

use std::{
    collections::VecDeque,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc, Mutex, Weak,
    },
    time::{Duration, Instant},
};

use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};

use super::{
    driver::Driver,
    worker::{self, Msg, Release, WorkerHandle},
};
use crate::{connection::PoolStats, dialect::PoolOptions, DbError, DbResult};

/// The pool settings the kit applies, from [`PoolOptions`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) max: u32,
    pub(crate) min: u32,
    pub(crate) acquire_timeout: Duration,
    pub(crate) idle_timeout: Option<Duration>,
    pub(crate) max_lifetime: Option<Duration>,
    /// Ping a connection idle at least this long before lending it.
    pub(crate) check_after_idle: Option<Duration>,
}

impl Limits {
    pub(crate) fn from_options(o: &PoolOptions) -> Limits {
        let max = o.max_connections.max(1);
        Limits {
            max,
            min: o.min_connections.min(max),
            acquire_timeout: o.connect_timeout(),
            idle_timeout: o.idle_timeout_ms.into_option().map(Duration::from_millis),
            max_lifetime: o.max_lifetime_ms.into_option().map(Duration::from_millis),
            check_after_idle: None,
        }
    }

    fn expired(&self, h: &WorkerHandle, now: Instant) -> bool {
        let old = self
            .max_lifetime
            .is_some_and(|l| now.duration_since(h.info.born) >= l);
        let idle = self
            .idle_timeout
            .is_some_and(|l| now.duration_since(h.idle_since) >= l);
        old || idle
    }
}

/// State shared by a pool's handles and its workers.
pub(crate) struct Shared {
    pub(crate) limits: Limits,
    idle: Mutex<VecDeque<WorkerHandle>>,
    in_use: Arc<Semaphore>,
    closed: AtomicBool,
    /// Acquisitions that waited for a permit, and their total wait in nanoseconds.
    waited: AtomicU64,
    waited_nanos: AtomicU64,
    /// Open connections.
    size: watch::Sender<u32>,
    /// Opens a connection (type-erased so leases need not name the driver).
    opener: Box<dyn Fn(Weak<Shared>) -> crate::BoxFuture<WorkerHandle> + Send + Sync>,
}

impl Shared {
    pub(crate) fn new<D: Driver>(driver: Arc<D>, mut limits: Limits) -> Arc<Shared> {
        limits.check_after_idle = driver.check_after_idle();
        Arc::new(Shared {
            limits,
            idle: Mutex::new(VecDeque::new()),
            in_use: Arc::new(Semaphore::new(limits.max as usize)),
            closed: AtomicBool::new(false),
            waited: AtomicU64::new(0),
            waited_nanos: AtomicU64::new(0),
            size: watch::Sender::new(0),
            opener: Box::new(move |shared| {
                let driver = driver.clone();
                Box::pin(worker::spawn(driver, shared))
            }),
        })
    }

    pub(crate) fn connection_started(&self) {
        self.size.send_modify(|n| *n += 1);
    }

    pub(crate) fn connection_ended(&self) {
        self.size.send_modify(|n| *n = n.saturating_sub(1));
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, VecDeque<WorkerHandle>> {
        // The lock guards plain pushes and pops that cannot panic; recover from poison.
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Puts a worker back on the idle list after its lease; false when the pool is closed
    /// (the worker then closes its connection).
    pub(crate) fn rejoin(&self, release: Release) -> bool {
        let Release { mut handle, permit } = release;
        if self.closed.load(Ordering::Acquire) {
            return false;
        }
        handle.idle_since = Instant::now();
        self.idle().push_back(handle);
        drop(permit);
        true
    }

    /// An idle worker that is alive and within its limits (the most recently used).
    fn take_idle(&self) -> Option<WorkerHandle> {
        let now = Instant::now();
        let mut idle = self.idle();
        while let Some(h) = idle.pop_back() {
            if !h.is_dead() && !self.limits.expired(&h, now) {
                return Some(h);
            }
            // Dropping its last handle ends the worker, which closes the connection.
        }
        None
    }

    /// Drops idle connections past their limits, keeping `min` open.
    pub(crate) fn prune(&self) {
        let now = Instant::now();
        let open = *self.size.borrow();
        let mut idle = self.idle();
        let mut spare = open.saturating_sub(self.limits.min) as usize;
        idle.retain(|h| {
            let keep = spare == 0 || !(h.is_dead() || self.limits.expired(h, now));
            if !keep {
                spare -= 1;
            }
            keep
        });
    }

    pub(crate) fn stats(&self) -> PoolStats {
        PoolStats {
            connections: *self.size.borrow(),
            idle: u32::try_from(self.idle().len()).unwrap_or(u32::MAX),
            max_connections: self.limits.max,
        }
    }

    pub(crate) fn waits(&self) -> crate::PoolWaits {
        crate::PoolWaits {
            count: self.waited.load(Ordering::Relaxed),
            nanos: self.waited_nanos.load(Ordering::Relaxed),
        }
    }

    fn closed_error() -> DbError {
        DbError::Pool("the pool is closed".into())
    }

    /// A permit to use a connection, waiting up to the acquire timeout for one.
    async fn permit(&self) -> DbResult<OwnedSemaphorePermit> {
        match self.in_use.clone().try_acquire_owned() {
            Ok(p) => Ok(p),
            Err(tokio::sync::TryAcquireError::Closed) => Err(Self::closed_error()),
            Err(tokio::sync::TryAcquireError::NoPermits) => {
                let wait = self.in_use.clone().acquire_owned();
                let started = Instant::now();
                let waited = tokio::time::timeout(self.limits.acquire_timeout, wait).await;
                let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
                self.waited.fetch_add(1, Ordering::Relaxed);
                self.waited_nanos.fetch_add(nanos, Ordering::Relaxed);
                match waited {
                    Ok(Ok(p)) => Ok(p),
                    Ok(Err(_)) => Err(Self::closed_error()),
                    Err(_) => Err(DbError::Timeout(format!(
                        "no connection became free within {:?} (all {} in use); raise \
                         `max_connections` or `connect_timeout`, or hold connections \
                         for less time",
                        self.limits.acquire_timeout, self.limits.max
                    ))),
                }
            }
        }
    }

    /// Takes a connection for the caller until the lease is dropped: the most recently
    /// used idle one (pinged first when it sat idle past the driver's
    /// `check_after_idle`), or a new one.
    pub(crate) async fn lease(self: &Arc<Shared>) -> DbResult<Lease> {
        let permit = self.permit().await?;
        let (handle, reused) = loop {
            match self.take_idle() {
                Some(h) => match self.answers(&h).await {
                    Answer::Unchecked => break (h, true),
                    Answer::Pinged => break (h, false),
                    // Dropping a dead connection's last handle ends its worker.
                    Answer::Dead => continue,
                },
                None => break (self.open_connection().await?, false),
            }
        };
        Ok(Lease {
            handle: Some(handle),
            permit: Some(permit),
            reused,
        })
    }

    /// A lease on a connection opened for it, never one from the idle list.
    pub(crate) async fn lease_new(self: &Arc<Shared>) -> DbResult<(WorkerHandle, Release)> {
        let permit = self.permit().await?;
        let handle = self.open_connection().await?;
        let lease = Lease {
            handle: Some(handle),
            permit: Some(permit),
            reused: false,
        };
        lease.into_release().ok_or_else(worker::gone)
    }

    /// Whether an idle connection may serve: one idle longer than the driver's
    /// `check_after_idle` must answer a ping first.
    async fn answers(&self, h: &WorkerHandle) -> Answer {
        let Some(limit) = self.limits.check_after_idle else {
            return Answer::Unchecked;
        };
        if h.idle_since.elapsed() < limit {
            return Answer::Unchecked;
        }
        let (reply, answer) = tokio::sync::oneshot::channel();
        let ping = Msg::Run {
            tx: None,
            op: worker::Op::Ping(reply),
            release: None,
        };
        if h.send(ping).is_err() {
            return Answer::Dead;
        }
        if matches!(answer.await, Ok(Ok(()))) {
            return Answer::Pinged;
        }
        tracing::debug!("an idle connection did not answer its ping; opening another");
        Answer::Dead
    }

    /// A lease for one operation: the connection, the release its worker performs after
    /// that operation, and whether the connection came from the idle list unpinged (so
    /// the server may have closed it meanwhile).
    pub(crate) async fn lease_one(self: &Arc<Shared>) -> DbResult<(WorkerHandle, Release, bool)> {
        let lease = self.lease().await?;
        let reused = lease.reused;
        let (handle, release) = lease.into_release().ok_or_else(worker::gone)?;
        Ok((handle, release, reused))
    }

    /// Opens one more connection, within the connect timeout.
    pub(crate) async fn open_connection(self: &Arc<Shared>) -> DbResult<WorkerHandle> {
        let open = (self.opener)(Arc::downgrade(self));
        match tokio::time::timeout(self.limits.acquire_timeout, open).await {
            Ok(r) => r,
            Err(_) => Err(DbError::Timeout(format!(
                "connecting took longer than {:?} (`connect_timeout`)",
                self.limits.acquire_timeout
            ))),
        }
    }

    /// Adds an open connection to the idle list (pool start-up).
    pub(crate) fn add_idle(&self, handle: WorkerHandle) {
        self.idle().push_back(handle);
    }

    /// Refuses new leases, closes idle connections, and waits for leased ones to return.
    pub(crate) async fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.in_use.close();
        self.idle().clear();
        let mut size = self.size.subscribe();
        let _ = size.wait_for(|n| *n == 0).await;
    }
}

/// What the pool knows of an idle connection before handing it out.
enum Answer {
    /// Idle for less than the driver's `check_after_idle`: handed out as it is.
    Unchecked,
    /// It answered a ping just now.
    Pinged,
    /// Closed, or it did not answer its ping.
    Dead,
}

/// A connection taken out of the pool; dropping it sends the worker back.
pub(crate) struct Lease {
    handle: Option<WorkerHandle>,
    permit: Option<OwnedSemaphorePermit>,
    /// Taken from the idle list without a ping.
    reused: bool,
}

impl Lease {
    pub(crate) fn handle(&self) -> DbResult<&WorkerHandle> {
        self.handle.as_ref().ok_or_else(worker::gone)
    }

    /// Ends the lease with the message carrying `release`, so a one-statement lease costs
    /// one message.
    pub(crate) fn into_release(mut self) -> Option<(WorkerHandle, Release)> {
        let handle = self.handle.take()?;
        let release = Release {
            handle: handle.clone(),
            permit: self.permit.take(),
        };
        Some((handle, release))
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            let release = Release {
                handle: handle.clone(),
                permit: self.permit.take(),
            };
            // A dead worker hands the message back; dropping it releases the permit.
            let _ = handle.send(Msg::Release(release));
        }
    }
}
