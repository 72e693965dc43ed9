//! Typed hints for the hints plugin (GORM's `hints` package): each builder makes one line
//! of a `hints:` session setting, and [`Db::hint`] adds it to the session, after the
//! lines of the same key set before. The plugin (`plugins/hints`) writes them into each
//! statement in its dialect's form; without it loaded, a statement with one is refused.
//!
//! ```no_run
//! # async fn run(db: plugorm::Db) -> Result<(), plugorm::Error> {
//! use plugorm::hints::{comment_after, force_index, optimizer};
//! let hinted = db
//!     .hint(optimizer("MAX_EXECUTION_TIME(100)"))
//!     .hint(force_index("users", ["user_name", "user_id"]).for_join())
//!     .hint(comment_after("where", "report"));
//! let rows = hinted.raw("SELECT * FROM users WHERE name = ?", ("a",)).await?;
//! # Ok(()) }
//! ```

use crate::Db;

/// One hint: a line of the `hints:` setting `key`.
///
/// ```
/// let h = plugorm::hints::comment_before("select", "nightly report");
/// assert_eq!((h.key(), h.line()), ("hints:comment_before", "select nightly report"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    key: &'static str,
    line: String,
}

impl Hint {
    /// The setting's key (`hints:optimizer`).
    ///
    /// ```
    /// assert_eq!(plugorm::hints::optimizer("NO_ICP(t)").key(), "hints:optimizer");
    /// ```
    pub fn key(&self) -> &'static str {
        self.key
    }

    /// The line it adds to the setting's value.
    ///
    /// ```
    /// assert_eq!(plugorm::hints::optimizer("NO_ICP(t)").line(), "NO_ICP(t)");
    /// ```
    pub fn line(&self) -> &str {
        &self.line
    }
}

fn hint(key: &'static str, line: String) -> Hint {
    Hint { key, line }
}

/// An optimizer hint (`hints.New`): `/*+ text */` after the statement's keyword; several
/// merge into one comment.
///
/// ```
/// assert_eq!(plugorm::hints::optimizer("MAX_EXECUTION_TIME(100)").line(), "MAX_EXECUTION_TIME(100)");
/// ```
pub fn optimizer(text: &str) -> Hint {
    hint("hints:optimizer", text.to_string())
}

/// `/* text */` right after the clause's keyword (`hints.Comment`).
///
/// ```
/// assert_eq!(plugorm::hints::comment("select", "hint").line(), "select hint");
/// ```
pub fn comment(clause: &str, text: &str) -> Hint {
    hint("hints:comment", format!("{clause} {text}"))
}

/// `/* text */` right before the clause's keyword (`hints.CommentBefore`).
///
/// ```
/// assert_eq!(plugorm::hints::comment_before("select", "hint").key(), "hints:comment_before");
/// ```
pub fn comment_before(clause: &str, text: &str) -> Hint {
    hint("hints:comment_before", format!("{clause} {text}"))
}

/// `/* text */` after the clause's expression (`hints.CommentAfter`).
///
/// ```
/// assert_eq!(plugorm::hints::comment_after("where", "hint").key(), "hints:comment_after");
/// ```
pub fn comment_after(clause: &str, text: &str) -> Hint {
    hint("hints:comment_after", format!("{clause} {text}"))
}

/// An index hint on one table, before its `for …` part is chosen.
///
/// ```
/// let h: plugorm::hints::Hint = plugorm::hints::ignore_index("users", ["a"]).for_group_by().into();
/// assert_eq!(h.line(), "users ignore for group by a");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexHint {
    table: String,
    action: &'static str,
    scope: &'static str,
    indexes: Vec<String>,
}

impl IndexHint {
    /// Only for the joins (MySQL's `FOR JOIN`).
    ///
    /// ```
    /// let h = plugorm::hints::force_index("users", ["a", "b"]).for_join();
    /// assert_eq!(plugorm::hints::Hint::from(h).line(), "users force for join a,b");
    /// ```
    pub fn for_join(self) -> IndexHint {
        IndexHint {
            scope: " for join",
            ..self
        }
    }

    /// Only for ORDER BY (MySQL's `FOR ORDER BY`).
    ///
    /// ```
    /// let h = plugorm::hints::use_index("users", ["a"]).for_order_by();
    /// assert_eq!(plugorm::hints::Hint::from(h).line(), "users use for order by a");
    /// ```
    pub fn for_order_by(self) -> IndexHint {
        IndexHint {
            scope: " for order by",
            ..self
        }
    }

    /// Only for GROUP BY (MySQL's `FOR GROUP BY`).
    ///
    /// ```
    /// let h = plugorm::hints::use_index("users", ["a"]).for_group_by();
    /// assert_eq!(plugorm::hints::Hint::from(h).line(), "users use for group by a");
    /// ```
    pub fn for_group_by(self) -> IndexHint {
        IndexHint {
            scope: " for group by",
            ..self
        }
    }
}

impl From<IndexHint> for Hint {
    fn from(h: IndexHint) -> Hint {
        hint(
            "hints:index",
            format!(
                "{} {}{} {}",
                h.table,
                h.action,
                h.scope,
                h.indexes.join(",")
            ),
        )
    }
}

fn index_hint<S: AsRef<str>>(
    table: &str,
    action: &'static str,
    indexes: impl IntoIterator<Item = S>,
) -> IndexHint {
    IndexHint {
        table: table.to_string(),
        action,
        scope: "",
        indexes: indexes
            .into_iter()
            .map(|i| i.as_ref().to_string())
            .collect(),
    }
}

/// Use one of these indexes on `table` (`hints.UseIndex`).
///
/// ```
/// let h = plugorm::hints::Hint::from(plugorm::hints::use_index("users", ["user_name"]));
/// assert_eq!(h.line(), "users use user_name");
/// ```
pub fn use_index<S: AsRef<str>>(table: &str, indexes: impl IntoIterator<Item = S>) -> IndexHint {
    index_hint(table, "use", indexes)
}

/// Force one of these indexes on `table` (`hints.ForceIndex`).
///
/// ```
/// let h = plugorm::hints::Hint::from(plugorm::hints::force_index("users", ["user_name"]));
/// assert_eq!(h.line(), "users force user_name");
/// ```
pub fn force_index<S: AsRef<str>>(table: &str, indexes: impl IntoIterator<Item = S>) -> IndexHint {
    index_hint(table, "force", indexes)
}

/// Ignore these indexes on `table` (`hints.IgnoreIndex`); `["*"]` ignores every index
/// (PostgreSQL's `NoIndexScan`, SQLite's `NOT INDEXED`).
///
/// ```
/// let h = plugorm::hints::Hint::from(plugorm::hints::ignore_index("users", ["*"]));
/// assert_eq!(h.line(), "users ignore *");
/// ```
pub fn ignore_index<S: AsRef<str>>(table: &str, indexes: impl IntoIterator<Item = S>) -> IndexHint {
    index_hint(table, "ignore", indexes)
}

impl Db {
    /// A session with one more hint for the hints plugin (see [`crate::hints`]): its
    /// line is added to the lines of its setting set before, so hints accumulate.
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// use plugorm::hints::{optimizer, use_index};
    /// let db = db.hint(optimizer("MAX_EXECUTION_TIME(100)")).hint(use_index("users", ["user_name"]));
    /// let sql = db.to_sql(|tx| async move { tx.raw("SELECT * FROM users", ()).await }).await?;
    /// # Ok(()) }
    /// ```
    pub fn hint(&self, hint: impl Into<Hint>) -> Db {
        let hint = hint.into();
        let value = match self
            .session
            .plugin_settings
            .iter()
            .find(|(k, _)| k == hint.key)
        {
            Some((_, before)) => format!("{before}\n{}", hint.line),
            None => hint.line,
        };
        self.plugin_setting(hint.key, &value)
    }
}
