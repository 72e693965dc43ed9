//! Translation of sqlx / SQLite errors into typed [`DbError`]s.

use plugorm_plugin_api::DbError;
use sqlx::error::ErrorKind;

/// The part after `constraint failed: ` in SQLite's messages (`users.email`).
fn subject(message: &str) -> Option<String> {
    message
        .split_once("failed: ")
        .map(|(_, s)| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Maps a sqlx error to the plugin API's error.
pub(crate) fn translate(e: sqlx::Error) -> DbError {
    match e {
        sqlx::Error::Database(db) => {
            let message = db.message().to_string();
            match db.kind() {
                ErrorKind::UniqueViolation => DbError::UniqueViolation {
                    constraint: subject(&message),
                    message,
                },
                ErrorKind::ForeignKeyViolation => DbError::ForeignKeyViolation {
                    constraint: subject(&message),
                    message,
                },
                ErrorKind::NotNullViolation => DbError::NotNullViolation {
                    column: subject(&message),
                    message,
                },
                ErrorKind::CheckViolation => DbError::CheckViolation {
                    constraint: subject(&message),
                    message,
                },
                _ => DbError::Database {
                    code: db.code().map(|c| c.into_owned()),
                    message,
                },
            }
        }
        sqlx::Error::PoolTimedOut => {
            DbError::Timeout("no SQLite connection became free in time".into())
        }
        sqlx::Error::PoolClosed => DbError::Pool("the pool is closed".into()),
        other => DbError::Other(other.to_string()),
    }
}
