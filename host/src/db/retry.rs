//! Running a transaction again when the database asks for it: serialization failures,
//! deadlock victims, a busy SQLite file, a lock wait that timed out
//! ([`crate::Error::is_retryable`]).

use std::time::Duration;

use crate::Error;

/// How often and how patiently [`Db::transaction_with_retry`](crate::Db::transaction_with_retry) runs a transaction again.
///
/// The pause before attempt `n + 1` is `first_backoff * 2^(n-1)`, capped at
/// `max_backoff`, with up to half of it taken off at random so that competing
/// transactions spread out.
///
/// ```
/// use std::time::Duration;
/// let policy = plugorm::RetryPolicy::default().attempts(10).max_backoff(Duration::from_millis(200));
/// assert_eq!(policy.max_attempts(), 10);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    attempts: u32,
    first_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// Five attempts, pausing 5 ms, 10 ms, 20 ms, 40 ms (at most 1 s).
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            first_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_secs(1),
        }
    }
}

impl RetryPolicy {
    /// Runs the transaction at most `attempts` times in all (at least once).
    ///
    /// ```
    /// assert_eq!(plugorm::RetryPolicy::default().attempts(0).max_attempts(), 1);
    /// ```
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts.max(1);
        self
    }

    /// The pause before the second attempt; each later pause doubles it.
    ///
    /// ```
    /// let p = plugorm::RetryPolicy::default().first_backoff(std::time::Duration::ZERO);
    /// ```
    pub fn first_backoff(mut self, pause: Duration) -> Self {
        self.first_backoff = pause;
        self
    }

    /// The longest pause between two attempts.
    ///
    /// ```
    /// let p = plugorm::RetryPolicy::default().max_backoff(std::time::Duration::from_millis(50));
    /// ```
    pub fn max_backoff(mut self, pause: Duration) -> Self {
        self.max_backoff = pause;
        self
    }

    /// The number of attempts in all.
    ///
    /// ```
    /// assert_eq!(plugorm::RetryPolicy::default().max_attempts(), 5);
    /// ```
    pub fn max_attempts(&self) -> u32 {
        self.attempts
    }

    /// The pause after failed attempt `attempt` (1-based), before jitter.
    pub(super) fn backoff(&self, attempt: u32) -> Duration {
        let doubled = self
            .first_backoff
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
        doubled.min(self.max_backoff)
    }
}

/// Up to half of `pause` taken off, from the clock's low bits (no need for a strong
/// random source: this only spreads competing retries apart).
pub(super) fn jitter(pause: Duration) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let fraction = f64::from(nanos % 1000) / 2000.0;
    pause.mul_f64(1.0 - fraction)
}

impl Error {
    /// True when running the whole transaction again may succeed: the database reported
    /// a serialization failure, a deadlock, a busy file or a lock wait timeout (see
    /// [`plugorm_plugin_api::DbError::is_retryable`]). [`Db::transaction_with_retry`](crate::Db::transaction_with_retry)
    /// retries exactly these.
    ///
    /// ```
    /// use plugorm::{DbError, Error};
    /// assert!(Error::Db(DbError::SerializationFailure { message: "x".into() }).is_retryable());
    /// assert!(!Error::RecordNotFound.is_retryable());
    /// ```
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::Db(e) if e.is_retryable())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_up_to_the_cap_and_jitter_takes_at_most_half() {
        let p = RetryPolicy::default()
            .first_backoff(Duration::from_millis(10))
            .max_backoff(Duration::from_millis(50));
        let pauses: Vec<u128> = (1..=5).map(|a| p.backoff(a).as_millis()).collect();
        assert_eq!(pauses, [10, 20, 40, 50, 50]);
        let j = jitter(Duration::from_millis(100));
        assert!(j <= Duration::from_millis(100) && j >= Duration::from_millis(50));
        assert_eq!(
            RetryPolicy::default().backoff(u32::MAX),
            Duration::from_secs(1)
        );
    }
}
