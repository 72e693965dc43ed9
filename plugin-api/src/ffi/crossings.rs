//! Counters of boundary crossings, for benchmarks and profiling: how often the host calls
//! into a plugin library, and how often a plugin calls back into the host.
//!
//! - **Into the plugin** (counted by [`super::import`], on the calling thread): every
//!   method call through an `Ffi*` vtable, every poll of a boundary future, and every drop
//!   of a boundary future or plugin object (their destructors are plugin code).
//! - **Into the host** (counted process-wide, since plugin threads make them): every log
//!   event and level query a plugin sends through [`super::HostServices`], and — only
//!   while [`count_wakes`] is on — every wake of the host's task by a plugin.
//!
//! Not counted: the allocator calls an `RVec` / `RString` makes through its own vtable
//! when the other side grows or frees it, and the waker clones and drops a plugin makes.
//!
//! The host-bound counter of calls is thread-local (a plain `Cell`, no atomic, nothing
//! shared between threads that call plugins at once); the plugin-bound ones are relaxed
//! atomics, touched a few times per statement. Counting wakes wraps the task's waker, one
//! allocation per boundary future, so it is off unless asked for.
//!
//! ```
//! use plugorm_plugin_api::ffi::crossings;
//! let before = crossings::snapshot();
//! // … run statements through a plugin loaded from its library …
//! let spent = crossings::snapshot().since(before);
//! assert_eq!(spent.into_plugin, 0); // nothing crossed in this example
//! ```

use std::{
    cell::Cell,
    future::Future,
    pin::Pin,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    task::{Context, Poll, Wake, Waker},
};

thread_local! {
    static INTO_PLUGIN: Cell<u64> = const { Cell::new(0) };
}

static INTO_HOST: AtomicU64 = AtomicU64::new(0);
static WAKES: AtomicU64 = AtomicU64::new(0);
static COUNT_WAKES: AtomicBool = AtomicBool::new(false);

/// The crossings counted so far; subtract two with [`Crossings::since`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Crossings {
    /// Calls, polls and drops from the host into a plugin, on the thread that asked.
    pub into_plugin: u64,
    /// Log events and level queries from a plugin into the host (every thread).
    pub into_host: u64,
    /// Wakes of a host task by a plugin (every thread; only while [`count_wakes`] is on).
    pub wakes: u64,
}

impl Crossings {
    /// The crossings between `earlier` and `self`.
    ///
    /// ```
    /// use plugorm_plugin_api::ffi::crossings::Crossings;
    /// let a = Crossings { into_plugin: 3, into_host: 1, wakes: 0 };
    /// let b = Crossings { into_plugin: 10, into_host: 1, wakes: 2 };
    /// assert_eq!(b.since(a), Crossings { into_plugin: 7, into_host: 0, wakes: 2 });
    /// ```
    pub fn since(self, earlier: Crossings) -> Crossings {
        Crossings {
            into_plugin: self.into_plugin.wrapping_sub(earlier.into_plugin),
            into_host: self.into_host.wrapping_sub(earlier.into_host),
            wakes: self.wakes.wrapping_sub(earlier.wakes),
        }
    }
}

/// The counters now: host-to-plugin crossings of the calling thread, plugin-to-host ones of
/// the whole process.
pub fn snapshot() -> Crossings {
    Crossings {
        into_plugin: INTO_PLUGIN.try_with(Cell::get).unwrap_or(0),
        into_host: INTO_HOST.load(Ordering::Relaxed),
        wakes: WAKES.load(Ordering::Relaxed),
    }
}

/// Turns the counting of wakes on or off (off by default: it costs one allocation per
/// boundary future). Futures polled while it is off are not counted.
///
/// ```
/// plugorm_plugin_api::ffi::crossings::count_wakes(true);
/// plugorm_plugin_api::ffi::crossings::count_wakes(false);
/// ```
pub fn count_wakes(on: bool) {
    COUNT_WAKES.store(on, Ordering::Relaxed);
}

/// One crossing from the host into a plugin, on this thread.
#[inline]
pub(crate) fn into_plugin() {
    // `try_with`: a plugin object dropped while its thread is being torn down must never
    // panic for a counter.
    let _ = INTO_PLUGIN.try_with(|c| c.set(c.get().wrapping_add(1)));
}

/// One call from a plugin into the host.
#[inline]
pub(crate) fn into_host() {
    INTO_HOST.fetch_add(1, Ordering::Relaxed);
}

/// A value whose drop runs plugin code (a boundary object); the drop is counted.
pub(crate) struct Foreign<T>(pub(crate) T);

impl<T> std::ops::Deref for Foreign<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Drop for Foreign<T> {
    fn drop(&mut self) {
        into_plugin();
    }
}

/// A boundary future whose polls and drop are counted, and, while [`count_wakes`] is on,
/// whose wakes are.
pub(crate) struct Counted<F> {
    inner: F,
    waker: Option<(Waker, Waker)>,
}

impl<F> Counted<F> {
    pub(crate) fn new(inner: F) -> Counted<F> {
        Counted { inner, waker: None }
    }
}

/// The task's waker, counting each wake before passing it on.
struct CountingWaker(Waker);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        WAKES.fetch_add(1, Ordering::Relaxed);
        self.0.wake_by_ref();
    }
}

impl<F: Future + Unpin> Future for Counted<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        into_plugin();
        let this = self.get_mut();
        if !COUNT_WAKES.load(Ordering::Relaxed) {
            return Pin::new(&mut this.inner).poll(cx);
        }
        // One wrapper per future, rebuilt only when the task's waker changes.
        let stale = this
            .waker
            .as_ref()
            .is_none_or(|(task, _)| !task.will_wake(cx.waker()));
        if stale {
            let counting = Waker::from(Arc::new(CountingWaker(cx.waker().clone())));
            this.waker = Some((cx.waker().clone(), counting));
        }
        match &this.waker {
            Some((_, counting)) => {
                Pin::new(&mut this.inner).poll(&mut Context::from_waker(counting))
            }
            None => Pin::new(&mut this.inner).poll(cx),
        }
    }
}

impl<F> Drop for Counted<F> {
    fn drop(&mut self) {
        into_plugin();
    }
}
