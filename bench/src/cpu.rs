//! CPU time of this process (every thread: the caller's, the plugin runtime's, sqlx's
//! SQLite threads), from `/proc/self/task/*/schedstat` in nanoseconds. Less sensitive to
//! a loaded machine than wall time, which on a 2-core machine shared with compilers is
//! mostly the scheduler's latency in handing work between threads.

use std::time::Duration;

/// The CPU time consumed so far by the process's live threads (zero where `/proc` is
/// unavailable).
///
/// ```
/// let a = plugorm_bench::cpu::process_cpu_time();
/// let mut x = 0u64;
/// for i in 0..1_000_000u64 { x = x.wrapping_add(i * i); }
/// assert!(x > 0);
/// assert!(plugorm_bench::cpu::process_cpu_time() >= a);
/// ```
pub fn process_cpu_time() -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    let nanos: u64 = tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    Duration::from_nanos(nanos)
}
