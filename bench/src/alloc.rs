//! Counting heap allocations: [`Counting`], a global allocator that counts every
//! allocation of this image (and the bytes asked for) before handing it to the system's.
//!
//! A binary opts in by installing it (the `workloads` bench and `plugorm-scale` do):
//!
//! ```ignore
//! #[global_allocator]
//! static ALLOC: plugorm_bench::alloc::Counting = plugorm_bench::alloc::Counting;
//! ```
//!
//! What it sees: the host, the bench and raw sqlx with its SQLite (all linked into the
//! binary). What it cannot see: a plugin loaded from its `.so` has its own copy of Rust's
//! allocator shim, so the driver's allocations inside the plugin are not counted.

use std::{
    alloc::{GlobalAlloc, Layout, System},
    sync::atomic::{AtomicBool, AtomicU64, Ordering},
};

static ON: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

/// The system allocator, counting once [`start_counting`] was called (before, it only reads a
/// flag that never changes, so the timed runs pay no shared counter).
pub struct Counting;

#[inline]
fn count(bytes: usize) {
    if ON.load(Ordering::Relaxed) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(bytes as u64, Ordering::Relaxed);
    }
}

// SAFETY: every method forwards its arguments unchanged to `System`, which upholds
// `GlobalAlloc`'s contract; the counters are plain relaxed atomics and never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: forwarded unchanged; the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: forwarded unchanged; the caller upholds `alloc_zeroed`'s contract.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged; `ptr` came from this allocator, i.e. from `System`.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        // SAFETY: forwarded unchanged; `ptr` came from `System` with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Allocations (a `realloc` is one) and bytes asked for so far, by the whole process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Allocs {
    pub count: u64,
    pub bytes: u64,
}

impl Allocs {
    /// The counters now (zero in a binary that did not install [`Counting`]).
    pub fn now() -> Allocs {
        Allocs {
            count: ALLOCATIONS.load(Ordering::Relaxed),
            bytes: BYTES.load(Ordering::Relaxed),
        }
    }

    /// What was allocated between `earlier` and `self`.
    ///
    /// ```
    /// use plugorm_bench::alloc::Allocs;
    /// let a = Allocs { count: 2, bytes: 64 };
    /// assert_eq!(Allocs { count: 5, bytes: 100 }.since(a), Allocs { count: 3, bytes: 36 });
    /// ```
    pub fn since(self, earlier: Allocs) -> Allocs {
        Allocs {
            count: self.count.wrapping_sub(earlier.count),
            bytes: self.bytes.wrapping_sub(earlier.bytes),
        }
    }
}

/// Starts counting; true when this binary installed [`Counting`] (it allocates and
/// looks).
pub fn start_counting() -> bool {
    ON.store(true, Ordering::Relaxed);
    let before = Allocs::now();
    let probe = std::hint::black_box(vec![0u8; 64]);
    drop(probe);
    Allocs::now().count > before.count
}
