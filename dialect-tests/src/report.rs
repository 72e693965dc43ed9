//! [`Report`]: what passed, failed and was skipped, per capability.

use std::{fmt, time::Duration};

use crate::{Capability, SuiteError};

/// How one check ended.
///
/// ```
/// use plugorm_dialect_tests::Outcome;
/// assert!(Outcome::Passed.is_passed());
/// assert!(!Outcome::Failed("boom".into()).is_passed());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every expectation held.
    Passed,
    /// An expectation did not hold, an operation failed, the check panicked or timed out:
    /// the reason.
    Failed(String),
    /// Not run: the reason (the dialect says it lacks the capability).
    Skipped(String),
}

impl Outcome {
    /// True for [`Outcome::Passed`].
    ///
    /// ```
    /// assert!(!plugorm_dialect_tests::Outcome::Skipped("no savepoints".into()).is_passed());
    /// ```
    pub fn is_passed(&self) -> bool {
        matches!(self, Outcome::Passed)
    }
}

/// One check's result.
///
/// ```
/// use plugorm_dialect_tests::{Capability, CheckResult, Outcome};
/// let r = CheckResult {
///     capability: Capability::Crud,
///     name: "create_and_read".into(),
///     outcome: Outcome::Passed,
///     elapsed: std::time::Duration::from_millis(3),
/// };
/// assert_eq!(r.id(), "crud/create_and_read");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    /// The capability it belongs to.
    pub capability: Capability,
    /// The check's name, unique within its capability.
    pub name: String,
    /// How it ended.
    pub outcome: Outcome,
    /// How long it ran.
    pub elapsed: Duration,
}

impl CheckResult {
    /// `capability/name`.
    ///
    /// ```
    /// # use plugorm_dialect_tests::{Capability, CheckResult, Outcome};
    /// # let r = CheckResult { capability: Capability::Values, name: "uuid".into(),
    /// #     outcome: Outcome::Passed, elapsed: Default::default() };
    /// assert_eq!(r.id(), "values/uuid");
    /// ```
    pub fn id(&self) -> String {
        format!("{}/{}", self.capability, self.name)
    }
}

/// The suite's result: the dialect, where it came from, and every check's outcome.
///
/// Its `Display` is a table — one row per capability with its passed / failed / skipped
/// counts — followed by each failed check with its reason and each skipped one with why.
///
/// ```
/// use plugorm_dialect_tests::{Capability, CheckResult, Outcome, Report};
/// let report = Report {
///     dialect: "duck".into(),
///     plugin: "static".into(),
///     url: "duck::memory:".into(),
///     setup_error: None,
///     checks: vec![CheckResult {
///         capability: Capability::Crud,
///         name: "create_and_read".into(),
///         outcome: Outcome::Failed("expected 1 row, got 0".into()),
///         elapsed: Default::default(),
///     }],
/// };
/// assert!(!report.passed());
/// assert_eq!(report.counts(Capability::Crud), (0, 1, 0));
/// assert!(report.to_string().contains("crud/create_and_read: expected 1 row, got 0"));
/// ```
#[derive(Debug, Clone)]
pub struct Report {
    /// The dialect's name.
    pub dialect: String,
    /// Where the plugin came from (`static` or the library path).
    pub plugin: String,
    /// The database URL (password redacted).
    pub url: String,
    /// Set when the suite could not start (plugin not loadable, database unreachable):
    /// then no check ran and the report fails.
    pub setup_error: Option<SuiteError>,
    /// Every check, in the order run.
    pub checks: Vec<CheckResult>,
}

impl Report {
    /// True when the suite started and no check failed (skipped checks do not fail it).
    ///
    /// ```
    /// # use plugorm_dialect_tests::Report;
    /// let empty = Report { dialect: "d".into(), plugin: "static".into(), url: "d:".into(),
    ///     setup_error: None, checks: vec![] };
    /// assert!(empty.passed());
    /// ```
    pub fn passed(&self) -> bool {
        self.setup_error.is_none() && self.checks.iter().all(|c| !is_failed(&c.outcome))
    }

    /// `(passed, failed, skipped)` checks of one capability.
    ///
    /// ```
    /// # use plugorm_dialect_tests::{Capability, Report};
    /// # let r = Report { dialect: "d".into(), plugin: "static".into(), url: "d:".into(),
    /// #     setup_error: None, checks: vec![] };
    /// assert_eq!(r.counts(Capability::Values), (0, 0, 0));
    /// ```
    pub fn counts(&self, capability: Capability) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        for c in self.checks.iter().filter(|c| c.capability == capability) {
            match c.outcome {
                Outcome::Passed => counts.0 += 1,
                Outcome::Failed(_) => counts.1 += 1,
                Outcome::Skipped(_) => counts.2 += 1,
            }
        }
        counts
    }

    /// The failed checks.
    ///
    /// ```
    /// # use plugorm_dialect_tests::Report;
    /// # let r = Report { dialect: "d".into(), plugin: "static".into(), url: "d:".into(),
    /// #     setup_error: None, checks: vec![] };
    /// assert_eq!(r.failures().count(), 0);
    /// ```
    pub fn failures(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks.iter().filter(|c| is_failed(&c.outcome))
    }

    /// Panics with the report's table when the suite did not pass: for `#[test]`s.
    ///
    /// ```should_panic
    /// # use plugorm_dialect_tests::{Capability, CheckResult, Outcome, Report};
    /// let report = Report { dialect: "d".into(), plugin: "static".into(), url: "d:".into(),
    ///     setup_error: None, checks: vec![CheckResult { capability: Capability::Errors,
    ///     name: "unique".into(), outcome: Outcome::Failed("untyped".into()),
    ///     elapsed: Default::default() }] };
    /// report.assert_passed();
    /// ```
    pub fn assert_passed(&self) {
        if !self.passed() {
            panic!("dialect conformance failed\n{self}");
        }
        println!("{self}");
    }
}

impl Report {
    /// True when the suite could not connect to the database (a server that is down or
    /// not there), as opposed to any other failure.
    ///
    /// ```
    /// # use plugorm_dialect_tests::{Report, SuiteError};
    /// let mut r = Report { dialect: "d".into(), plugin: "static".into(), url: "d:".into(),
    ///     setup_error: None, checks: vec![] };
    /// assert!(!r.unreachable());
    /// r.setup_error = Some(SuiteError::Host(plugorm::Error::Db(plugorm::DbError::Connect {
    ///     message: "connection refused".into(),
    /// })));
    /// assert!(r.unreachable());
    /// ```
    pub fn unreachable(&self) -> bool {
        matches!(
            &self.setup_error,
            Some(SuiteError::Host(plugorm::Error::Db(
                plugorm::DbError::Connect { .. }
                    | plugorm::DbError::Timeout(_)
                    | plugorm::DbError::Pool(_)
            )))
        )
    }

    /// As [`Report::assert_passed`], except that an [unreachable](Report::unreachable)
    /// database only prints why the suite was skipped — unless `CI` is `true` or `1`,
    /// where the server must be there and its absence fails.
    ///
    /// ```
    /// # use plugorm_dialect_tests::{Report, SuiteError};
    /// let r = Report { dialect: "d".into(), plugin: "static".into(), url: "d:".into(),
    ///     setup_error: None, checks: vec![] };
    /// r.assert_passed_or_skip_offline();
    /// ```
    pub fn assert_passed_or_skip_offline(&self) {
        let ci = std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1");
        if self.unreachable() && !ci {
            eprintln!("skipping the conformance suite: {} is unreachable (CI=true makes this a failure)\n{self}", self.url);
            return;
        }
        self.assert_passed();
    }
}

fn millis(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

fn is_failed(o: &Outcome) -> bool {
    matches!(o, Outcome::Failed(_))
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "plugorm dialect conformance: `{}` ({}) on {}",
            self.dialect, self.plugin, self.url
        )?;
        if let Some(e) = &self.setup_error {
            writeln!(f, "SETUP FAILED: {e}")?;
        }
        writeln!(
            f,
            "{:<14} {:>6} {:>6} {:>7} {:>8}",
            "capability", "passed", "failed", "skipped", "time"
        )?;
        let mut total = (0, 0, 0);
        let mut total_time = Duration::ZERO;
        for cap in Capability::ALL {
            let (p, x, s) = self.counts(cap);
            total = (total.0 + p, total.1 + x, total.2 + s);
            let time: Duration = self
                .checks
                .iter()
                .filter(|c| c.capability == cap)
                .map(|c| c.elapsed)
                .sum();
            total_time += time;
            let mark = if x > 0 {
                "FAIL"
            } else if p == 0 && s > 0 {
                "skip"
            } else if p > 0 {
                "ok"
            } else {
                ""
            };
            writeln!(
                f,
                "{:<14} {p:>6} {x:>6} {s:>7} {:>8}  {mark}",
                cap.name(),
                millis(time)
            )?;
        }
        writeln!(
            f,
            "{:<14} {:>6} {:>6} {:>7} {:>8}",
            "total",
            total.0,
            total.1,
            total.2,
            millis(total_time)
        )?;
        for c in &self.checks {
            match &c.outcome {
                Outcome::Failed(why) => writeln!(f, "FAILED  {}: {why}", c.id())?,
                Outcome::Skipped(why) => writeln!(f, "skipped {}: {why}", c.id())?,
                Outcome::Passed => {}
            }
        }
        Ok(())
    }
}
