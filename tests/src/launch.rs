//! What the launchers of extra servers share ([`crate::replication`],
//! [`crate::prometheus_server`]): their error type, the skip-or-fail rule for missing
//! programs, free loopback ports, running a program, bounded waits and log tails.
//!
//! A launcher returns [`HarnessError::NotAvailable`] when a program it needs is not
//! installed and `CI` is not `true`; a test turns that into a printed skip with
//! [`or_skip`]. Under `CI=true` the same absence is [`HarnessError::Missing`], which
//! `or_skip` turns into a failure, because the CI script installs the programs.
//!
//! ```no_run
//! # async fn t() {
//! use plugorm_tests::{launch::or_skip, replication::ReplicaSet};
//! let Some(set) = or_skip(ReplicaSet::start().await) else { return };
//! # }
//! ```

use std::{
    future::Future,
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

/// How long a launcher waits for a server to come up, replay, or answer, unless told.
///
/// ```
/// assert!(plugorm_tests::launch::WAIT.as_secs() >= 10);
/// ```
pub const WAIT: Duration = Duration::from_secs(30);

/// How often a bounded wait looks again.
const POLL: Duration = Duration::from_millis(100);

/// Lines of a server log quoted in an error.
const LOG_LINES: usize = 30;

/// Why a launcher could not start or drive its server.
///
/// ```
/// use plugorm_tests::launch::HarnessError;
/// let e = HarnessError::NotAvailable {
///     program: "/usr/bin/prometheus".into(),
///     package: "prometheus".into(),
/// };
/// assert!(e.is_not_available());
/// assert!(e.to_string().contains("apt-get install -y prometheus"));
/// ```
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// A program is not installed and `CI` is not `true`: the test should skip.
    #[error(
        "{} is not installed; `apt-get install -y {package}` to run this test",
        program.display()
    )]
    NotAvailable {
        /// The program looked for.
        program: PathBuf,
        /// The Debian package providing it.
        package: String,
    },
    /// A program is not installed although `CI=true`: the CI script must install it.
    #[error(
        "{} is required under CI=true but is not installed: the CI script must \
         `apt-get install -y {package}`",
        program.display()
    )]
    Missing {
        /// The program looked for.
        program: PathBuf,
        /// The Debian package providing it.
        package: String,
    },
    /// A file or process operation failed.
    #[error("cannot {what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// A program ran but exited unsuccessfully.
    #[error("{what} failed ({status}):\n{output}")]
    Command {
        /// What the program was asked to do.
        what: String,
        /// Its exit status.
        status: String,
        /// Its standard error and output (and, for a server, its log tail).
        output: String,
    },
    /// A bounded wait ran out.
    #[error("gave up after {}s waiting until {what}; last seen: {last}\n{log}", waited.as_secs())]
    Timeout {
        /// The condition that did not come true.
        what: String,
        /// How long the launcher waited.
        waited: Duration,
        /// The last observation (a value or an error).
        last: String,
        /// The tail of the server's log.
        log: String,
    },
    /// A server answered something the launcher cannot use.
    #[error("{what}: {detail}")]
    Protocol {
        /// The request.
        what: String,
        /// What was wrong with the answer.
        detail: String,
    },
}

impl HarnessError {
    /// True when the error means "not installed here, skip" rather than a failure.
    ///
    /// ```
    /// use plugorm_tests::launch::HarnessError;
    /// let e = HarnessError::Protocol { what: "GET /".into(), detail: "no status".into() };
    /// assert!(!e.is_not_available());
    /// ```
    pub fn is_not_available(&self) -> bool {
        matches!(self, HarnessError::NotAvailable { .. })
    }
}

/// The launched value, or `None` after printing why the test skips; panics on any other
/// error (including a program missing under `CI=true`).
///
/// ```
/// use plugorm_tests::launch::{or_skip, HarnessError};
/// let missing: Result<u8, _> = Err(HarnessError::NotAvailable {
///     program: "/nowhere/prometheus".into(),
///     package: "prometheus".into(),
/// });
/// assert_eq!(or_skip(missing), None);
/// assert_eq!(or_skip(Ok::<u8, HarnessError>(1)), Some(1));
/// ```
pub fn or_skip<T>(launched: Result<T, HarnessError>) -> Option<T> {
    match launched {
        Ok(value) => Some(value),
        Err(e) if e.is_not_available() => {
            println!("skipped: {e}");
            None
        }
        Err(e) => panic!("{e}"),
    }
}

/// `Ok` when `program` exists; otherwise the skip or the CI failure naming `package`.
///
/// ```
/// use plugorm_tests::launch::require;
/// assert!(require("/bin/sh".as_ref(), "dash").is_ok());
/// assert!(require("/nowhere/prometheus".as_ref(), "prometheus").is_err());
/// ```
pub fn require(program: &Path, package: &str) -> Result<(), HarnessError> {
    if program.is_file() {
        return Ok(());
    }
    let (program, package) = (program.to_path_buf(), package.to_string());
    if crate::postgres::required() {
        Err(HarnessError::Missing { program, package })
    } else {
        Err(HarnessError::NotAvailable { program, package })
    }
}

/// The first `name` on `PATH` (then `/usr/sbin` and `/sbin`, which a non-login root shell
/// may lack), or the bare name under `/usr/bin` for [`require`] to report.
///
/// ```
/// assert!(plugorm_tests::launch::find_program("sh").is_file());
/// ```
pub fn find_program(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/sbin".into()])
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| Path::new("/usr/bin").join(name))
}

/// A loopback port nobody listens on right now (the system picks it when binding port 0).
///
/// ```
/// assert_ne!(plugorm_tests::launch::free_port().unwrap(), 0);
/// ```
pub fn free_port() -> Result<u16, HarnessError> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|source| io("pick a free port", source))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|source| io("read the picked port", source))
}

/// An [`HarnessError::Io`] for `what`.
pub(crate) fn io(what: &str, source: std::io::Error) -> HarnessError {
    HarnessError::Io {
        what: what.to_string(),
        source,
    }
}

/// Runs `command` to completion off the async threads and returns its standard output;
/// a failure carries its output and, when given, the tail of `log`.
///
/// ```
/// # async fn t() {
/// let out = plugorm_tests::launch::run(std::process::Command::new("echo").arg("hi"), "echo", None)
///     .await
///     .unwrap();
/// assert_eq!(out.trim(), "hi");
/// # }
/// ```
pub async fn run(
    command: &mut Command,
    what: &str,
    log: Option<&Path>,
) -> Result<String, HarnessError> {
    let mut command = std::mem::replace(command, Command::new(""));
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .map_err(|e| io(what, std::io::Error::other(e)))?
        .map_err(|source| io(&format!("start {what}"), source))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if output.status.success() {
        return Ok(stdout);
    }
    let mut text = format!("{}{stdout}", String::from_utf8_lossy(&output.stderr));
    if let Some(log) = log {
        text.push('\n');
        text.push_str(&log_tail(log));
    }
    Err(HarnessError::Command {
        what: what.to_string(),
        status: output.status.to_string(),
        output: text,
    })
}

/// The last lines of a server log, headed by its path, for an error message.
///
/// ```
/// assert!(plugorm_tests::launch::log_tail("/nowhere/log".as_ref()).contains("/nowhere/log"));
/// ```
pub fn log_tail(log: &Path) -> String {
    match std::fs::read_to_string(log) {
        Ok(text) => {
            let lines: Vec<&str> = text.lines().collect();
            let tail = lines[lines.len().saturating_sub(LOG_LINES)..].join("\n");
            format!("--- last lines of {} ---\n{tail}", log.display())
        }
        Err(e) => format!("--- no log at {}: {e} ---", log.display()),
    }
}

/// Calls `check` until it returns `Ok(Some(value))`, at most `limit` long. `Ok(None)` and
/// `Err` both mean "not yet"; the last of them is quoted in the timeout error, with the
/// tail of `log`.
///
/// ```
/// # async fn t() {
/// use std::time::Duration;
/// let two = plugorm_tests::launch::wait_until("two", Duration::from_secs(1), None, || async {
///     Ok::<_, String>(Some(2))
/// })
/// .await
/// .unwrap();
/// assert_eq!(two, 2);
/// # }
/// ```
pub async fn wait_until<T, E, F, Fut>(
    what: &str,
    limit: Duration,
    log: Option<&Path>,
    mut check: F,
) -> Result<T, HarnessError>
where
    E: std::fmt::Display,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, E>>,
{
    let start = Instant::now();
    loop {
        let last = match check().await {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => "not yet".to_string(),
            Err(e) => e.to_string(),
        };
        if start.elapsed() >= limit {
            return Err(HarnessError::Timeout {
                what: what.to_string(),
                waited: start.elapsed(),
                last,
                log: log.map(log_tail).unwrap_or_default(),
            });
        }
        tokio::time::sleep(POLL).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_wait_that_runs_out_names_the_condition_the_last_answer_and_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("server.log");
        std::fs::write(&log, "LOG:  starting\nFATAL:  no luck\n").unwrap();
        let waited = wait_until("the moon is up", Duration::ZERO, Some(&log), || async {
            Err::<Option<()>, _>("it is cloudy")
        })
        .await;
        let text = waited.unwrap_err().to_string();
        for part in ["the moon is up", "it is cloudy", "FATAL:  no luck"] {
            assert!(text.contains(part), "{part:?} missing from {text}");
        }
    }

    #[tokio::test]
    async fn a_failed_program_reports_its_error_output() {
        let mut sh = Command::new("sh");
        sh.args(["-c", "echo broken >&2; exit 3"]);
        let text = run(&mut sh, "a broken step", None)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("a broken step") && text.contains("broken\n"),
            "{text}"
        );
    }
}
