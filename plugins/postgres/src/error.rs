//! Translation of sqlx / PostgreSQL errors into typed [`DbError`]s, by SQLSTATE.
//!
//! PostgreSQL reports the violated constraint (and, for NOT NULL, the column) in fields
//! of its own, so the typed errors carry the real names — `users_email_key`,
//! `fk_pets_user`, `chk_pets_name` — never a guess parsed from the message text.

use plugorm_plugin_api::DbError;
use sqlx_postgres::{PgDatabaseError, PgSeverity};

/// SQLSTATE codes this plugin gives a meaning to.
pub(crate) mod sqlstate {
    pub(crate) const UNIQUE_VIOLATION: &str = "23505";
    pub(crate) const FOREIGN_KEY_VIOLATION: &str = "23503";
    pub(crate) const CHECK_VIOLATION: &str = "23514";
    pub(crate) const NOT_NULL_VIOLATION: &str = "23502";
    pub(crate) const LOCK_NOT_AVAILABLE: &str = "55P03";
    pub(crate) const QUERY_CANCELED: &str = "57014";
    pub(crate) const SERIALIZATION_FAILURE: &str = "40001";
    pub(crate) const DEADLOCK_DETECTED: &str = "40P01";
    pub(crate) const INDETERMINATE_DATATYPE: &str = "42P18";
    pub(crate) const AMBIGUOUS_FUNCTION: &str = "42725";
    pub(crate) const FEATURE_NOT_SUPPORTED: &str = "0A000";
    pub(crate) const SYNTAX_ERROR: &str = "42601";
}

/// The PostgreSQL error inside a sqlx error, if it is one.
pub(crate) fn database_error(e: &sqlx_core::Error) -> Option<&PgDatabaseError> {
    match e {
        sqlx_core::Error::Database(db) => db.try_downcast_ref::<PgDatabaseError>(),
        _ => None,
    }
}

/// True for the error a cached statement gets after its table's columns changed
/// (`SELECT *` prepared before an `ALTER TABLE … ADD`): the statement must be prepared
/// again.
pub(crate) fn is_stale_plan(e: &sqlx_core::Error) -> bool {
    database_error(e).is_some_and(|db| {
        db.code() == sqlstate::FEATURE_NOT_SUPPORTED
            && db
                .message()
                .starts_with("cached plan must not change result type")
    })
}

/// True when the connection is unusable after `e`: the socket or TLS session failed, the
/// protocol lost step, or the server ended the session (a `FATAL` error such as
/// `terminating connection due to administrator command`). The kit then closes the
/// connection instead of handing it out again.
pub(crate) fn breaks_connection(e: &sqlx_core::Error) -> bool {
    match e {
        sqlx_core::Error::Io(_)
        | sqlx_core::Error::Tls(_)
        | sqlx_core::Error::Protocol(_)
        | sqlx_core::Error::WorkerCrashed => true,
        _ => database_error(e)
            .is_some_and(|db| matches!(db.severity(), PgSeverity::Fatal | PgSeverity::Panic)),
    }
}

/// Maps an error of a statement on an open connection: one that ended the connection
/// (see [`breaks_connection`]: the socket failed, or the server ended the session with
/// `57P01 terminating connection due to administrator command`) is `ConnectionLost`.
pub(crate) fn translate_statement(e: sqlx_core::Error) -> DbError {
    if !breaks_connection(&e) {
        return translate(e);
    }
    let message = match translate(e) {
        DbError::Database {
            code: Some(code),
            message,
        } => format!("{message} (SQLSTATE {code})"),
        DbError::Other(message) | DbError::Connect { message } => message,
        other => other.to_string(),
    };
    DbError::ConnectionLost { message }
}

/// Maps a sqlx error to the plugin API's error.
pub(crate) fn translate(e: sqlx_core::Error) -> DbError {
    if let Some(db) = database_error(&e) {
        return translate_database(db);
    }
    match e {
        sqlx_core::Error::Database(db) => DbError::Database {
            code: db.code().map(|c| c.into_owned()),
            message: db.message().to_string(),
        },
        sqlx_core::Error::Io(io) => {
            DbError::Other(format!("the connection to PostgreSQL failed: {io}"))
        }
        sqlx_core::Error::Tls(tls) => DbError::Connect {
            message: format!("TLS: {tls}"),
        },
        sqlx_core::Error::Encode(e) => DbError::UnsupportedValue {
            detail: e.to_string(),
        },
        sqlx_core::Error::Decode(e) => DbError::Decode {
            detail: e.to_string(),
        },
        other => DbError::Other(other.to_string()),
    }
}

fn translate_database(db: &PgDatabaseError) -> DbError {
    let message = db.message().to_string();
    let constraint = db.constraint().map(str::to_string);
    match db.code() {
        sqlstate::UNIQUE_VIOLATION => DbError::UniqueViolation {
            constraint,
            message,
        },
        sqlstate::FOREIGN_KEY_VIOLATION => DbError::ForeignKeyViolation {
            constraint,
            message,
        },
        sqlstate::CHECK_VIOLATION => DbError::CheckViolation {
            constraint,
            message,
        },
        sqlstate::NOT_NULL_VIOLATION => DbError::NotNullViolation {
            column: db.column().map(str::to_string),
            message,
        },
        sqlstate::LOCK_NOT_AVAILABLE => DbError::LockNotAvailable { message },
        sqlstate::QUERY_CANCELED => DbError::Timeout(message),
        sqlstate::SERIALIZATION_FAILURE => DbError::SerializationFailure { message },
        sqlstate::DEADLOCK_DETECTED => DbError::Deadlock { message },
        code @ (sqlstate::INDETERMINATE_DATATYPE | sqlstate::AMBIGUOUS_FUNCTION) => {
            DbError::Database {
                code: Some(code.to_string()),
                message: format!(
                    "{message} (nothing in the statement gives the parameter a type: write \
                     the placeholder with a cast, such as `?::text` or `?::integer`)"
                ),
            }
        }
        sqlstate::SYNTAX_ERROR if message.starts_with("cannot insert multiple commands") => {
            DbError::InvalidSql(format!(
                "{message}: one call runs one statement; run each statement on its own"
            ))
        }
        code => DbError::Database {
            code: Some(code.to_string()),
            message,
        },
    }
}

/// A connection failure, naming where it was connecting to.
pub(crate) fn connect_error(target: &str, e: sqlx_core::Error) -> DbError {
    let detail = match translate(e) {
        DbError::Database { code, message } => match code {
            Some(c) => format!("{message} (SQLSTATE {c})"),
            None => message,
        },
        DbError::Connect { message } => message,
        other => other.to_string(),
    };
    DbError::Connect {
        message: format!("{target}: {detail}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_and_protocol_failures_break_the_connection_and_statement_errors_do_not() {
        let io = sqlx_core::Error::Io(std::io::ErrorKind::UnexpectedEof.into());
        assert!(breaks_connection(&io));
        assert!(breaks_connection(&sqlx_core::Error::Protocol("x".into())));
        assert!(breaks_connection(&sqlx_core::Error::WorkerCrashed));
        assert!(!breaks_connection(&sqlx_core::Error::RowNotFound));
        assert!(!breaks_connection(&sqlx_core::Error::ColumnNotFound(
            "c".into()
        )));
    }
}
