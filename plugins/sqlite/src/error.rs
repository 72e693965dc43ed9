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

/// True for `SQLITE_BUSY` (5) and `SQLITE_LOCKED` (6) with any of their extended codes
/// (sqlx reports the extended one: 261 busy recovery, 517 busy snapshot, 773 busy
/// timeout, 262 locked shared cache): another connection holds the lock.
fn is_busy(code: &str) -> bool {
    code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6))
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
                _ => {
                    let code = db.code().map(|c| c.into_owned());
                    if code.as_deref().is_some_and(is_busy) {
                        return DbError::Busy { message };
                    }
                    DbError::Database { code, message }
                }
            }
        }
        sqlx::Error::PoolTimedOut => {
            DbError::Timeout("no SQLite connection became free in time".into())
        }
        sqlx::Error::PoolClosed => DbError::Pool("the pool is closed".into()),
        other => DbError::Other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::is_busy;

    #[test]
    fn busy_and_locked_codes_with_their_extended_forms_are_busy() {
        for code in ["5", "6", "261", "517", "773", "262"] {
            assert!(is_busy(code), "{code}");
        }
        for code in ["1", "19", "2067", "x", ""] {
            assert!(!is_busy(code), "{code}");
        }
    }
}
