//! Which pool of several serves a statement: `random` (the default, as GORM's),
//! `round_robin` (GORM's order: the first pick is the second pool, then the third, …,
//! wrapping) or `least_busy` (the fewest connections in use; the first such on a tie).

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Deserialize;

/// A load-balancing policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Policy {
    #[default]
    Random,
    RoundRobin,
    LeastBusy,
}

/// A policy with its state (the round-robin counter, the random generator's).
#[derive(Debug)]
pub(crate) struct Picker {
    policy: Policy,
    counter: AtomicU64,
}

impl Picker {
    pub(crate) fn new(policy: Policy) -> Picker {
        let seed = match policy {
            // A different start per process and picker, without a dependency.
            Policy::Random => {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0x9e37_79b9, |d| d.as_nanos() as u64)
                    ^ (&policy as *const Policy as u64)
            }
            _ => 0,
        };
        Picker {
            policy,
            counter: AtomicU64::new(seed),
        }
    }

    /// The index to use among `n` candidates whose busy connections `busy(i)` reports.
    /// `n` must be at least 1.
    pub(crate) fn pick(&self, n: usize, busy: impl Fn(usize) -> u32) -> usize {
        if n <= 1 {
            return 0;
        }
        match self.policy {
            Policy::RoundRobin => {
                let k = self.counter.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
                (k % n as u64) as usize
            }
            Policy::Random => {
                // SplitMix64 over an atomic state: uniform enough to spread reads.
                let mut z = self
                    .counter
                    .fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed)
                    .wrapping_add(0x9e37_79b9_7f4a_7c15);
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                z ^= z >> 31;
                (z % n as u64) as usize
            }
            Policy::LeastBusy => (0..n).min_by_key(|&i| (busy(i), i)).unwrap_or(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_robin_starts_at_the_second_pool_and_wraps() {
        let p = Picker::new(Policy::RoundRobin);
        let picks: Vec<usize> = (0..5).map(|_| p.pick(3, |_| 0)).collect();
        assert_eq!(picks, [1, 2, 0, 1, 2]);
    }

    #[test]
    fn least_busy_takes_the_fewest_in_use_and_the_first_on_a_tie() {
        let p = Picker::new(Policy::LeastBusy);
        assert_eq!(p.pick(3, |i| [4, 1, 1][i]), 1);
        assert_eq!(p.pick(3, |_| 2), 0);
    }

    #[test]
    fn random_uses_every_pool() {
        let p = Picker::new(Policy::Random);
        let mut seen = [0u32; 3];
        for _ in 0..300 {
            seen[p.pick(3, |_| 0)] += 1;
        }
        assert!(seen.iter().all(|&n| n > 50), "{seen:?}");
        assert_eq!(p.pick(1, |_| 0), 0);
    }
}
