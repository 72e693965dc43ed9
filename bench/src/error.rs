//! [`BenchError`]: what can stop a benchmark run.

/// An error of the benchmark harness.
///
/// ```
/// let e = plugorm_bench::BenchError::Setup("no plugin".into());
/// assert_eq!(e.to_string(), "set-up failed: no plugin");
/// ```
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// plugorm returned an error.
    #[error("plugorm: {0}")]
    Plugorm(#[from] plugorm::Error),
    /// sqlx (the baseline) returned an error.
    #[error("sqlx: {0}")]
    Sqlx(#[from] sqlx::Error),
    /// A peer library (SeaORM, Diesel: the `bench/peers` workspace) returned an error.
    #[error("{library}: {source}")]
    Library {
        library: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The environment is not ready (a plugin library missing, a server unreachable).
    #[error("set-up failed: {0}")]
    Setup(String),
    /// A peer read back something other than what the workload implies.
    #[error("wrong result: {0}")]
    Wrong(String),
    /// A file could not be written or read.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// The harness's result type.
pub type Result<T> = std::result::Result<T, BenchError>;
