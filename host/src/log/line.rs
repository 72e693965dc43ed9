//! [`SqlLine`]: one statement of the SQL log, written as GORM's logger writes it.

use std::{fmt, time::Duration};

/// How a logged statement ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome<'a> {
    /// It ran within the session's slow threshold.
    Done,
    /// It ran, but took at least `threshold_ms` milliseconds.
    Slow {
        /// The session's slow threshold ([`crate::Db::slow_threshold`]), in milliseconds.
        threshold_ms: f64,
    },
    /// It failed with `error`.
    Failed {
        /// The error's message.
        error: &'a str,
    },
}

/// One statement of the SQL log as GORM's logger prints it: `[2.345ms] [rows:1] SQL`,
/// preceded by `SLOW SQL >= 200ms` for a slow statement or by the error for a failed one
/// (GORM puts the caller's `file:line` first; a line here has none). Its
/// [`Display`](fmt::Display) is the plain form, the message of every `plugorm::sql`
/// event; [`SqlLine::colored`] adds GORM's terminal colours.
///
/// ```
/// use plugorm::log::{Outcome, SqlLine};
/// let line = SqlLine {
///     elapsed_ms: 2.3451,
///     rows: Some(1),
///     sql: "INSERT INTO \"users\" (\"name\",\"age\") VALUES ('jinzhu',18) RETURNING \"id\"",
///     outcome: Outcome::Done,
/// };
/// assert_eq!(
///     line.to_string(),
///     "[2.345ms] [rows:1] INSERT INTO \"users\" (\"name\",\"age\") VALUES ('jinzhu',18) RETURNING \"id\""
/// );
/// let failed = SqlLine { rows: None, outcome: Outcome::Failed { error: "no such table: t" }, ..line };
/// assert!(failed.to_string().starts_with("no such table: t [2.345ms] [rows:-] INSERT"));
/// let slow = SqlLine { outcome: Outcome::Slow { threshold_ms: 200.0 }, ..line };
/// assert!(slow.to_string().starts_with("SLOW SQL >= 200ms [2.345ms] [rows:1] INSERT"));
/// assert!(line.colored().starts_with("\x1b[33m[2.345ms] \x1b[34;1m[rows:1]\x1b[0m INSERT"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SqlLine<'a> {
    /// How long the statement took, in milliseconds.
    pub elapsed_ms: f64,
    /// The rows it returned or changed; `None` (printed `rows:-`) when unknown.
    pub rows: Option<u64>,
    /// The statement, with its values inlined ([`crate::Db::explain`]) where known.
    pub sql: &'a str,
    pub outcome: Outcome<'a>,
}

// GORM's logger colours (`gorm.io/gorm/logger`).
const RESET: &str = "\x1b[0m";
const YELLOW: &str = "\x1b[33m";
const MAGENTA: &str = "\x1b[35m";
const BLUE_BOLD: &str = "\x1b[34;1m";
const MAGENTA_BOLD: &str = "\x1b[35;1m";
const RED_BOLD: &str = "\x1b[31;1m";

/// The colours of one line's parts: prefix, elapsed time, rows, statement.
struct Palette {
    prefix: &'static str,
    elapsed: &'static str,
    rows: &'static str,
    sql: &'static str,
}

impl SqlLine<'_> {
    /// The line with GORM's ANSI colours, for a terminal: elapsed time yellow, rows
    /// blue; a slow statement's warning yellow and its text magenta; a failure's error
    /// magenta.
    pub fn colored(&self) -> String {
        let palette = match self.outcome {
            Outcome::Done => Palette {
                prefix: "",
                elapsed: YELLOW,
                rows: BLUE_BOLD,
                sql: RESET,
            },
            Outcome::Slow { .. } => Palette {
                prefix: YELLOW,
                elapsed: RED_BOLD,
                rows: YELLOW,
                sql: MAGENTA,
            },
            Outcome::Failed { .. } => Palette {
                prefix: MAGENTA_BOLD,
                elapsed: YELLOW,
                rows: BLUE_BOLD,
                sql: RESET,
            },
        };
        let mut out = String::new();
        self.write(&mut out, Some(&palette));
        out
    }

    fn write(&self, out: &mut String, palette: Option<&Palette>) {
        use fmt::Write as _;
        let paint = |part: fn(&Palette) -> &'static str| palette.map_or("", part);
        if let Some(prefix) = self.prefix() {
            let _ = write!(out, "{}{prefix}{} ", paint(|p| p.prefix), paint(|_| RESET));
        }
        let _ = write!(out, "{}[{:.3}ms] ", paint(|p| p.elapsed), self.elapsed_ms);
        out.push_str(paint(|p| p.rows));
        match self.rows {
            Some(n) => {
                let _ = write!(out, "[rows:{n}]");
            }
            None => out.push_str("[rows:-]"),
        }
        let _ = write!(out, "{} {}{}", paint(|p| p.sql), self.sql, paint(|_| RESET));
    }

    /// What comes before the timing: the slow warning or the error.
    fn prefix(&self) -> Option<String> {
        match self.outcome {
            Outcome::Done => None,
            Outcome::Slow { threshold_ms } => {
                Some(format!("SLOW SQL >= {}", threshold_text(threshold_ms)))
            }
            Outcome::Failed { error } => Some(error.to_owned()),
        }
    }
}

impl fmt::Display for SqlLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.write(&mut out, None);
        f.write_str(&out)
    }
}

/// A threshold as Go prints a `time.Duration` (`200ms`, `1s`, `1.5s`, `1µs`).
fn threshold_text(ms: f64) -> String {
    match Duration::try_from_secs_f64(ms / 1000.0) {
        Ok(d) => format!("{d:?}"),
        Err(_) => format!("{ms}ms"),
    }
}
