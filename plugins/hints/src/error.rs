//! What goes wrong with a hint: a setting that does not parse, or a hint the statement's
//! dialect cannot express. Each names the hint, so nothing is dropped without a word.

use plugorm_plugin_api::DbError;

/// A hint that cannot be written into a statement.
///
/// ```
/// use plugorm_hints::{rewrite, HintError};
/// let e = rewrite("sqlite", [("hints:index", "users use a,b")], "SELECT * FROM t").map(|_| ());
/// assert_eq!(e, Ok(()), "another table's statement: nothing to write");
/// let e = rewrite("sqlite", [("hints:index", "users use a,b")], "SELECT * FROM users").unwrap_err();
/// assert!(matches!(e, HintError::Unsupported { ref dialect, .. } if dialect == "sqlite"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HintError {
    /// A `hints:` setting whose value does not parse.
    #[error("the setting `{key}` = {value:?} is not valid: {reason}")]
    Malformed {
        key: String,
        value: String,
        reason: String,
    },
    /// A `hints:` key the plugin does not read.
    #[error(
        "the setting `{0}` is not a hints setting: use hints:optimizer, hints:comment, \
         hints:comment_before, hints:comment_after or hints:index"
    )]
    UnknownKey(String),
    /// A hint the dialect has no way to express.
    #[error("the hint `{hint}` cannot be written for {dialect}: {reason}")]
    Unsupported {
        hint: String,
        dialect: String,
        reason: String,
    },
}

impl From<HintError> for DbError {
    fn from(e: HintError) -> DbError {
        match e {
            HintError::Unsupported { .. } => DbError::Unsupported(e.to_string()),
            _ => DbError::InvalidSql(e.to_string()),
        }
    }
}
