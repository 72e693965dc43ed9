//! Errors that plugins report and the host surfaces: [`DbError`], and its boundary form.

use crate::types::Text;
use abi_stable::StableAbi;

/// Everything a dialect, a pool or a feature plugin can report.
///
/// Database errors are translated by the dialect into the typed variants
/// (`UniqueViolation`, `ForeignKeyViolation`, `NotNullViolation`, `CheckViolation`) so that
/// application code can match on them whatever the database.
///
/// ```
/// use plugorm_plugin_api::DbError;
/// let e = DbError::UniqueViolation { constraint: Some("users_email_key".into()), message: "dup".into() };
/// assert!(e.to_string().contains("users_email_key"));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    /// The connection URL could not be used.
    #[error("invalid database URL `{url}`: {reason}")]
    InvalidUrl { url: String, reason: String },
    /// Connecting to the database failed.
    #[error("cannot connect to the database: {message}")]
    Connect { message: String },
    /// A unique or primary key constraint was violated.
    #[error("duplicated key{}: {message}", fmt_name(" on constraint", .constraint))]
    UniqueViolation {
        constraint: Option<String>,
        message: String,
    },
    /// A foreign key constraint was violated.
    #[error("foreign key violated{}: {message}", fmt_name(" on constraint", .constraint))]
    ForeignKeyViolation {
        constraint: Option<String>,
        message: String,
    },
    /// A NOT NULL constraint was violated.
    #[error("null value not allowed{}: {message}", fmt_name(" in column", .column))]
    NotNullViolation {
        column: Option<String>,
        message: String,
    },
    /// A CHECK constraint was violated.
    #[error("check constraint violated{}: {message}", fmt_name(" on constraint", .constraint))]
    CheckViolation {
        constraint: Option<String>,
        message: String,
    },
    /// Any other error the database returned.
    #[error("database error{}: {message}", fmt_name(" code", .code))]
    Database {
        code: Option<String>,
        message: String,
    },
    /// A statement could not be rendered by the dialect.
    #[error("cannot render statement: {0}")]
    Render(String),
    /// A value could not be converted to or from the database's type.
    #[error("cannot decode {detail}")]
    Decode { detail: String },
    /// A value variant one side of the boundary does not know.
    #[error("unsupported value: {detail}")]
    UnsupportedValue { detail: String },
    /// The operation is not supported by this dialect or plugin.
    #[error("not supported: {0}")]
    Unsupported(String),
    /// The pool is closed or exhausted.
    #[error("connection pool: {0}")]
    Pool(String),
    /// The operation timed out.
    #[error("timed out: {0}")]
    Timeout(String),
    /// The transaction was already committed or rolled back.
    #[error("transaction already finished")]
    TransactionFinished,
    /// A feature plugin refused its configuration.
    #[error("invalid configuration{}: {message}", fmt_name(" key", .key))]
    Config {
        key: Option<String>,
        message: String,
    },
    /// The plugin panicked; the panic was contained at the boundary.
    #[error("plugin panicked: {0}")]
    Panicked(String),
    /// Anything else, with its message.
    #[error("{0}")]
    Other(String),
    /// A row or table lock could not be taken: `NOWAIT` found it held, or the database's
    /// lock timeout expired (PostgreSQL `55P03`, MySQL 3572 / 1205).
    #[error("lock not available: {message}")]
    LockNotAvailable { message: String },
    /// SQL text that cannot be sent as given (a NUL byte in it, or more than one
    /// statement given to an API that runs one).
    #[error("invalid SQL text: {0}")]
    InvalidSql(String),
    /// The connection to the server was lost: the socket closed or failed, or the server
    /// ended the session (restart, an administrator's kill, an idle limit). The
    /// connection is not reused; whether a statement in flight took effect is unknown.
    #[error("connection lost: {message}")]
    ConnectionLost { message: String },
    /// The transaction could not be serialized with concurrent ones (PostgreSQL `40001`);
    /// run the whole transaction again.
    #[error("serialization failure: {message} (retry the transaction)")]
    SerializationFailure { message: String },
    /// The transaction was chosen as a deadlock victim (PostgreSQL `40P01`, MySQL 1213)
    /// and rolled back; run the whole transaction again.
    #[error("deadlock detected: {message} (retry the transaction)")]
    Deadlock { message: String },
    /// The database file is locked by another connection (SQLite `SQLITE_BUSY` and its
    /// extended codes 261, 517, 773, and `SQLITE_LOCKED`); retry, or raise
    /// `busy_timeout`.
    #[error("database is busy: {message} (retry, or raise the busy timeout)")]
    Busy { message: String },
    /// [`crate::Connection::begin`] on a connection whose transaction is still open: a
    /// connection holds one transaction at a time, and the open one is left as it was.
    /// Commit or roll it back first, or nest with a savepoint
    /// ([`crate::Transaction::savepoint`]; the host's `transaction` inside a transaction).
    ///
    /// ```
    /// use plugorm_plugin_api::DbError;
    /// assert!(DbError::TransactionAlreadyOpen.to_string().contains("savepoint"));
    /// ```
    #[error("a transaction is already open on this connection: commit or roll it back before beginning another, or nest with a savepoint")]
    TransactionAlreadyOpen,
    /// A feature plugin refused the statement for a reason of its own (plugin API
    /// 0.2.4): `code` is `plugin:reason`, stable text an application matches on (the
    /// sharding plugin's `sharding:missing_sharding_key`, say); `message` says what to
    /// change.
    ///
    /// ```
    /// use plugorm_plugin_api::DbError;
    /// let e = DbError::Plugin {
    ///     code: "sharding:missing_sharding_key".into(),
    ///     message: "`orders` needs `user_id = …`".into(),
    /// };
    /// assert_eq!(e.to_string(), "sharding:missing_sharding_key: `orders` needs `user_id = …`");
    /// ```
    #[error("{code}: {message}")]
    Plugin { code: String, message: String },
}

impl DbError {
    /// True for failures that running the same transaction again may cure: a
    /// serialization failure, a deadlock, a busy database file and a lock wait that
    /// timed out. A lost connection is not among them: a `COMMIT` in flight may have
    /// taken effect.
    ///
    /// ```
    /// use plugorm_plugin_api::DbError;
    /// assert!(DbError::Deadlock { message: "victim".into() }.is_retryable());
    /// assert!(!DbError::Other("syntax".into()).is_retryable());
    /// ```
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            DbError::SerializationFailure { .. }
                | DbError::Deadlock { .. }
                | DbError::Busy { .. }
                | DbError::LockNotAvailable { .. }
        )
    }
}

fn fmt_name(prefix: &str, name: &Option<String>) -> String {
    match name {
        Some(n) => format!("{prefix} `{n}`"),
        None => String::new(),
    }
}

/// The boundary form of [`DbError`]: a kind tag (an integer, so new kinds can be appended)
/// and text fields.
#[repr(C)]
#[derive(StableAbi, Debug, Clone)]
pub struct FfiError {
    pub kind: u32,
    pub message: Text,
    /// Constraint, column, key or code, depending on the kind.
    pub name: Text,
    /// A second text field (the URL of `InvalidUrl`).
    pub extra: Text,
}

mod kind {
    pub const OTHER: u32 = 0;
    pub const INVALID_URL: u32 = 1;
    pub const CONNECT: u32 = 2;
    pub const UNIQUE: u32 = 3;
    pub const FOREIGN_KEY: u32 = 4;
    pub const NOT_NULL: u32 = 5;
    pub const CHECK: u32 = 6;
    pub const DATABASE: u32 = 7;
    pub const RENDER: u32 = 8;
    pub const DECODE: u32 = 9;
    pub const UNSUPPORTED_VALUE: u32 = 10;
    pub const UNSUPPORTED: u32 = 11;
    pub const POOL: u32 = 12;
    pub const TIMEOUT: u32 = 13;
    pub const TX_FINISHED: u32 = 14;
    pub const CONFIG: u32 = 15;
    pub const PANICKED: u32 = 16;
    pub const LOCK_NOT_AVAILABLE: u32 = 17;
    pub const INVALID_SQL: u32 = 18;
    pub const CONNECTION_LOST: u32 = 19;
    pub const SERIALIZATION: u32 = 20;
    pub const DEADLOCK: u32 = 21;
    pub const BUSY: u32 = 22;
    pub const TX_ALREADY_OPEN: u32 = 23;
    pub const PLUGIN: u32 = 24;
}

fn opt(s: &Text) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

impl From<DbError> for FfiError {
    fn from(e: DbError) -> FfiError {
        let (kind, message, name, extra) = match e {
            DbError::InvalidUrl { url, reason } => (kind::INVALID_URL, reason, String::new(), url),
            DbError::Connect { message } => (kind::CONNECT, message, String::new(), String::new()),
            DbError::UniqueViolation {
                constraint,
                message,
            } => (
                kind::UNIQUE,
                message,
                constraint.unwrap_or_default(),
                String::new(),
            ),
            DbError::ForeignKeyViolation {
                constraint,
                message,
            } => (
                kind::FOREIGN_KEY,
                message,
                constraint.unwrap_or_default(),
                String::new(),
            ),
            DbError::NotNullViolation { column, message } => (
                kind::NOT_NULL,
                message,
                column.unwrap_or_default(),
                String::new(),
            ),
            DbError::CheckViolation {
                constraint,
                message,
            } => (
                kind::CHECK,
                message,
                constraint.unwrap_or_default(),
                String::new(),
            ),
            DbError::Database { code, message } => (
                kind::DATABASE,
                message,
                code.unwrap_or_default(),
                String::new(),
            ),
            DbError::Render(m) => (kind::RENDER, m, String::new(), String::new()),
            DbError::Decode { detail } => (kind::DECODE, detail, String::new(), String::new()),
            DbError::UnsupportedValue { detail } => (
                kind::UNSUPPORTED_VALUE,
                detail,
                String::new(),
                String::new(),
            ),
            DbError::Unsupported(m) => (kind::UNSUPPORTED, m, String::new(), String::new()),
            DbError::Pool(m) => (kind::POOL, m, String::new(), String::new()),
            DbError::Timeout(m) => (kind::TIMEOUT, m, String::new(), String::new()),
            DbError::TransactionFinished => (
                kind::TX_FINISHED,
                String::new(),
                String::new(),
                String::new(),
            ),
            DbError::Config { key, message } => (
                kind::CONFIG,
                message,
                key.unwrap_or_default(),
                String::new(),
            ),
            DbError::Panicked(m) => (kind::PANICKED, m, String::new(), String::new()),
            DbError::Other(m) => (kind::OTHER, m, String::new(), String::new()),
            DbError::LockNotAvailable { message } => (
                kind::LOCK_NOT_AVAILABLE,
                message,
                String::new(),
                String::new(),
            ),
            DbError::InvalidSql(m) => (kind::INVALID_SQL, m, String::new(), String::new()),
            DbError::ConnectionLost { message } => {
                (kind::CONNECTION_LOST, message, String::new(), String::new())
            }
            DbError::SerializationFailure { message } => {
                (kind::SERIALIZATION, message, String::new(), String::new())
            }
            DbError::Deadlock { message } => {
                (kind::DEADLOCK, message, String::new(), String::new())
            }
            DbError::Busy { message } => (kind::BUSY, message, String::new(), String::new()),
            DbError::TransactionAlreadyOpen => (
                kind::TX_ALREADY_OPEN,
                String::new(),
                String::new(),
                String::new(),
            ),
            DbError::Plugin { code, message } => (kind::PLUGIN, message, code, String::new()),
        };
        FfiError {
            kind,
            message: message.into(),
            name: name.into(),
            extra: extra.into(),
        }
    }
}

impl From<FfiError> for DbError {
    fn from(e: FfiError) -> DbError {
        let message = e.message.to_string();
        match e.kind {
            kind::INVALID_URL => DbError::InvalidUrl {
                url: e.extra.to_string(),
                reason: message,
            },
            kind::CONNECT => DbError::Connect { message },
            kind::UNIQUE => DbError::UniqueViolation {
                constraint: opt(&e.name),
                message,
            },
            kind::FOREIGN_KEY => DbError::ForeignKeyViolation {
                constraint: opt(&e.name),
                message,
            },
            kind::NOT_NULL => DbError::NotNullViolation {
                column: opt(&e.name),
                message,
            },
            kind::CHECK => DbError::CheckViolation {
                constraint: opt(&e.name),
                message,
            },
            kind::DATABASE => DbError::Database {
                code: opt(&e.name),
                message,
            },
            kind::RENDER => DbError::Render(message),
            kind::DECODE => DbError::Decode { detail: message },
            kind::UNSUPPORTED_VALUE => DbError::UnsupportedValue { detail: message },
            kind::UNSUPPORTED => DbError::Unsupported(message),
            kind::POOL => DbError::Pool(message),
            kind::TIMEOUT => DbError::Timeout(message),
            kind::TX_FINISHED => DbError::TransactionFinished,
            kind::CONFIG => DbError::Config {
                key: opt(&e.name),
                message,
            },
            kind::PANICKED => DbError::Panicked(message),
            kind::LOCK_NOT_AVAILABLE => DbError::LockNotAvailable { message },
            kind::INVALID_SQL => DbError::InvalidSql(message),
            kind::CONNECTION_LOST => DbError::ConnectionLost { message },
            kind::SERIALIZATION => DbError::SerializationFailure { message },
            kind::DEADLOCK => DbError::Deadlock { message },
            kind::BUSY => DbError::Busy { message },
            kind::TX_ALREADY_OPEN => DbError::TransactionAlreadyOpen,
            kind::PLUGIN => DbError::Plugin {
                code: e.name.to_string(),
                message,
            },
            _ => DbError::Other(message),
        }
    }
}

/// Result alias used across the plugin API.
pub type DbResult<T> = Result<T, DbError>;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant crosses the boundary and comes back equal; the kind numbers already
    /// given out never change (plugins built against an older API send them).
    #[test]
    fn every_error_crosses_the_boundary_unchanged() {
        let m = || "m".to_string();
        let all = [
            (
                DbError::InvalidUrl {
                    url: "u".into(),
                    reason: m(),
                },
                kind::INVALID_URL,
            ),
            (DbError::Connect { message: m() }, kind::CONNECT),
            (
                DbError::UniqueViolation {
                    constraint: Some("c".into()),
                    message: m(),
                },
                kind::UNIQUE,
            ),
            (
                DbError::ForeignKeyViolation {
                    constraint: None,
                    message: m(),
                },
                kind::FOREIGN_KEY,
            ),
            (
                DbError::NotNullViolation {
                    column: Some("c".into()),
                    message: m(),
                },
                kind::NOT_NULL,
            ),
            (
                DbError::CheckViolation {
                    constraint: Some("c".into()),
                    message: m(),
                },
                kind::CHECK,
            ),
            (
                DbError::Database {
                    code: Some("42".into()),
                    message: m(),
                },
                kind::DATABASE,
            ),
            (DbError::Render(m()), kind::RENDER),
            (DbError::Decode { detail: m() }, kind::DECODE),
            (
                DbError::UnsupportedValue { detail: m() },
                kind::UNSUPPORTED_VALUE,
            ),
            (DbError::Unsupported(m()), kind::UNSUPPORTED),
            (DbError::Pool(m()), kind::POOL),
            (DbError::Timeout(m()), kind::TIMEOUT),
            (DbError::TransactionFinished, kind::TX_FINISHED),
            (
                DbError::Config {
                    key: Some("k".into()),
                    message: m(),
                },
                kind::CONFIG,
            ),
            (DbError::Panicked(m()), kind::PANICKED),
            (DbError::Other(m()), kind::OTHER),
            (
                DbError::LockNotAvailable { message: m() },
                kind::LOCK_NOT_AVAILABLE,
            ),
            (DbError::InvalidSql(m()), kind::INVALID_SQL),
            (
                DbError::ConnectionLost { message: m() },
                kind::CONNECTION_LOST,
            ),
            (
                DbError::SerializationFailure { message: m() },
                kind::SERIALIZATION,
            ),
            (DbError::Deadlock { message: m() }, kind::DEADLOCK),
            (DbError::Busy { message: m() }, kind::BUSY),
            (DbError::TransactionAlreadyOpen, kind::TX_ALREADY_OPEN),
            (
                DbError::Plugin {
                    code: "sharding:missing_sharding_key".into(),
                    message: m(),
                },
                kind::PLUGIN,
            ),
        ];
        for (e, k) in all {
            let ffi = FfiError::from(e.clone());
            assert_eq!(ffi.kind, k, "{e:?}");
            assert_eq!(DbError::from(ffi), e);
        }
        assert_eq!(kind::BUSY, 22);
        assert_eq!(kind::TX_ALREADY_OPEN, 23);
        assert_eq!(kind::PLUGIN, 24, "appended after the last kind");
    }

    #[test]
    fn an_unknown_kind_reads_as_other_with_its_message() {
        let ffi = FfiError {
            kind: 9_999,
            message: "from a newer plugin".into(),
            name: "".into(),
            extra: "".into(),
        };
        assert_eq!(
            DbError::from(ffi),
            DbError::Other("from a newer plugin".into())
        );
    }
}
