//! Peak resident memory of this process (Linux): `VmHWM` from `/proc/self/status`, and
//! its reset between phases (writing `5` to `/proc/self/clear_refs`).

/// Kibibytes of a `Vm…:` line of a `/proc/<pid>/status` text.
///
/// ```
/// let status = "Name:\tx\nVmHWM:\t  123456 kB\nVmRSS:\t   2048 kB\n";
/// assert_eq!(plugorm_bench::rss::field_kib(status, "VmHWM"), Some(123456));
/// assert_eq!(plugorm_bench::rss::field_kib(status, "VmRSS"), Some(2048));
/// assert_eq!(plugorm_bench::rss::field_kib(status, "VmSwap"), None);
/// ```
pub fn field_kib(status: &str, field: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let (name, rest) = line.split_once(':')?;
        if name != field {
            return None;
        }
        rest.trim().strip_suffix("kB")?.trim().parse().ok()
    })
}

fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    field_kib(&status, field)
}

/// The process's peak resident set since start or the last [`reset_peak`], in KiB.
pub fn peak_kib() -> Option<u64> {
    status_kib("VmHWM")
}

/// The process's resident set now, in KiB.
pub fn current_kib() -> Option<u64> {
    status_kib("VmRSS")
}

/// Resets the peak to the current resident set; false where the kernel refuses (then a
/// phase's growth is still its peak minus the resident set at its start).
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// KiB as MiB with one decimal, for the tables.
///
/// ```
/// assert_eq!(plugorm_bench::rss::mib(Some(1536)), "1.5");
/// assert_eq!(plugorm_bench::rss::mib(None), "-");
/// ```
pub fn mib(kib: Option<u64>) -> String {
    kib.map_or("-".into(), |k| format!("{:.1}", k as f64 / 1024.0))
}
