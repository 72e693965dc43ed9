//! The plugin's own tokio runtime, and the wrappers that enter it.
//!
//! A plugin loaded from a `.so` has its own copy of tokio, so the host's runtime is
//! invisible to it. Every future a plugin hands out must therefore enter the plugin's
//! runtime on each poll **and on drop** (dropping a sqlx connection spawns a task), and
//! nothing may block. [`in_runtime`] does both; [`RuntimeBound`] does the drop half for
//! plain objects.

use std::{
    future::Future,
    mem::ManuallyDrop,
    pin::Pin,
    sync::OnceLock,
    task::{Context, Poll},
};

use tokio::runtime::{Handle, Runtime};

static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

/// Worker threads of a plugin runtime: `PLUGORM_PLUGIN_THREADS` when set, else one per
/// core up to four. The kit's connection workers run here (each connection's IO, protocol
/// and row building), so a pool under load needs more than one thread; the host's
/// executor does the decoding into models.
fn workers() -> usize {
    std::env::var("PLUGORM_PLUGIN_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| (1..=64).contains(n))
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get().min(4))
                .unwrap_or(1)
        })
}

/// The handle of this image's plugin runtime, created on first use.
///
/// Only one thread ever builds it (a runtime dropped inside an async context would panic,
/// and in a static build the host's runtime is such a context). Creating a runtime fails
/// only when the OS refuses threads; that is reported, never panicked on.
pub fn handle() -> Result<&'static Handle, crate::DbError> {
    let rt = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers())
            .thread_name("plugorm-plugin")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())
    });
    match rt {
        Ok(rt) => Ok(rt.handle()),
        Err(e) => Err(crate::DbError::Other(format!(
            "cannot start the plugin runtime: {e}"
        ))),
    }
}

/// Which runtime runs a plugin's IO and tasks.
///
/// A plugin loaded from a `.so` has a tokio of its own and always uses [`handle`]'s
/// runtime. A plugin linked into the application shares the application's tokio, and may
/// instead run on the runtime of whoever calls it ([`RuntimeChoice::Caller`]): its sockets
/// then wake the caller's task directly, saving the thread hop from the plugin runtime's
/// reactor on every round trip to a server. The price is sqlx's rule: a pool serves only
/// while the runtime that opened it runs, so one process with several runtimes (one per
/// test, say) must open a pool in each. Chosen with `PLUGORM_PLUGIN_RUNTIME=caller` (or
/// `own`, the default), read once per process.
///
/// ```
/// use plugorm_plugin_api::runtime::{choice, RuntimeChoice};
/// assert!(matches!(choice(), RuntimeChoice::Own | RuntimeChoice::Caller));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuntimeChoice {
    /// The plugin runtime of [`handle`] (the default; the only one for a loaded `.so`).
    Own,
    /// The calling task's runtime when there is one of this plugin's tokio (static builds).
    Caller,
}

static CHOICE: OnceLock<RuntimeChoice> = OnceLock::new();

/// This process's [`RuntimeChoice`], from `PLUGORM_PLUGIN_RUNTIME` (`own` when unset or
/// not `caller`; an unknown value is logged and ignored).
pub fn choice() -> RuntimeChoice {
    *CHOICE.get_or_init(|| match std::env::var("PLUGORM_PLUGIN_RUNTIME") {
        Ok(v) if v.trim().eq_ignore_ascii_case("caller") => RuntimeChoice::Caller,
        Ok(v) if v.trim().is_empty() || v.trim().eq_ignore_ascii_case("own") => RuntimeChoice::Own,
        Ok(v) => {
            tracing::warn!(
                value = %v,
                "PLUGORM_PLUGIN_RUNTIME must be `own` or `caller`; using `own`"
            );
            RuntimeChoice::Own
        }
        Err(_) => RuntimeChoice::Own,
    })
}

/// The caller's runtime, when it is chosen and the current thread is inside one of this
/// image's tokio (never for a loaded `.so`: the host's runtime belongs to another tokio).
fn callers() -> Option<Handle> {
    match choice() {
        RuntimeChoice::Caller => Handle::try_current().ok(),
        RuntimeChoice::Own => None,
    }
}

/// The runtime to enter around plugin work: none when the caller's runtime serves.
pub(crate) fn to_enter() -> Option<&'static Handle> {
    match callers() {
        Some(_) => None,
        None => handle().ok(),
    }
}

/// Where the plugin spawns its tasks (the kit's connection workers, statements finished
/// for a caller that went away): the caller's runtime or the plugin's own, as chosen.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let rt = plugorm_plugin_api::runtime::spawner().unwrap();
/// assert_eq!(rt.spawn(async { 2 }).await.unwrap(), 2);
/// # }
/// ```
pub fn spawner() -> Result<Handle, crate::DbError> {
    match callers() {
        Some(h) => Ok(h),
        None => handle().cloned(),
    }
}

/// A future that enters the plugin runtime on every poll and when dropped.
pub struct InRuntime<F> {
    handle: Option<&'static Handle>,
    fut: ManuallyDrop<F>,
}

/// Wraps a future so it runs its IO on the plugin runtime, whoever polls it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let v = plugorm_plugin_api::runtime::in_runtime(async {
///     tokio::time::sleep(std::time::Duration::from_millis(1)).await;
///     7
/// }).await;
/// assert_eq!(v, 7);
/// # }
/// ```
pub fn in_runtime<F: Future>(fut: F) -> InRuntime<F> {
    InRuntime {
        handle: to_enter(),
        fut: ManuallyDrop::new(fut),
    }
}

impl<F: Future> Future for InRuntime<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `fut` is never moved out of the pinned struct: it is only polled in place
        // here and dropped in place in `Drop`.
        let this = unsafe { self.get_unchecked_mut() };
        let _guard = this.handle.map(Handle::enter);
        // SAFETY: see above; `this.fut` stays at its pinned address.
        unsafe { Pin::new_unchecked(&mut *this.fut) }.poll(cx)
    }
}

impl<F> Drop for InRuntime<F> {
    fn drop(&mut self) {
        let _guard = self.handle.map(Handle::enter);
        // SAFETY: dropped exactly once, here, in place.
        unsafe { ManuallyDrop::drop(&mut self.fut) };
    }
}

/// A value whose drop runs inside the plugin runtime (sqlx connections and pools).
///
/// ```
/// let v = plugorm_plugin_api::runtime::RuntimeBound::new(vec![1, 2]);
/// assert_eq!(v.len(), 2);
/// ```
pub struct RuntimeBound<T> {
    handle: Option<&'static Handle>,
    inner: ManuallyDrop<T>,
}

impl<T> RuntimeBound<T> {
    /// Binds `inner`'s drop to the plugin runtime.
    pub fn new(inner: T) -> RuntimeBound<T> {
        RuntimeBound {
            handle: to_enter(),
            inner: ManuallyDrop::new(inner),
        }
    }
}

impl<T> std::ops::Deref for RuntimeBound<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> std::ops::DerefMut for RuntimeBound<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

impl<T> Drop for RuntimeBound<T> {
    fn drop(&mut self) {
        let _guard = self.handle.map(Handle::enter);
        // SAFETY: dropped exactly once, here.
        unsafe { ManuallyDrop::drop(&mut self.inner) };
    }
}
