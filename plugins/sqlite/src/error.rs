//! Translation of SQLite errors (as rusqlite reports them) into typed [`DbError`]s.

use plugorm_plugin_api::DbError;

/// SQLite's extended result codes for the constraint violations the API types.
const CONSTRAINT_CHECK: i32 = 275;
const CONSTRAINT_FOREIGNKEY: i32 = 787;
const CONSTRAINT_NOTNULL: i32 = 1299;
const CONSTRAINT_PRIMARYKEY: i32 = 1555;
const CONSTRAINT_UNIQUE: i32 = 2067;

/// The part after `constraint failed: ` in SQLite's messages (`users.email`).
fn subject(message: &str) -> Option<String> {
    message
        .split_once("failed: ")
        .map(|(_, s)| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// True for `SQLITE_BUSY` (5) and `SQLITE_LOCKED` (6) with any of their extended codes
/// (261 busy recovery, 517 busy snapshot, 773 busy timeout, 262 locked shared cache):
/// another connection holds the lock.
fn is_busy(code: i32) -> bool {
    matches!(code & 0xff, 5 | 6)
}

/// Maps a rusqlite error to the plugin API's error: constraint violations and lock
/// waits to their own variants, any other SQLite error to [`DbError::Database`] with its
/// extended code (an interrupted statement: code 9, `interrupted`).
pub(crate) fn translate(e: rusqlite::Error) -> DbError {
    let (code, message) = match e {
        rusqlite::Error::SqliteFailure(failure, message) => (
            failure.extended_code,
            message.unwrap_or_else(|| failure.to_string()),
        ),
        rusqlite::Error::SqlInputError { error, msg, .. } => (error.extended_code, msg),
        other => return DbError::Other(other.to_string()),
    };
    match code {
        CONSTRAINT_UNIQUE | CONSTRAINT_PRIMARYKEY => DbError::UniqueViolation {
            constraint: subject(&message),
            message,
        },
        CONSTRAINT_FOREIGNKEY => DbError::ForeignKeyViolation {
            constraint: subject(&message),
            message,
        },
        CONSTRAINT_NOTNULL => DbError::NotNullViolation {
            column: subject(&message),
            message,
        },
        CONSTRAINT_CHECK => DbError::CheckViolation {
            constraint: subject(&message),
            message,
        },
        c if is_busy(c) => DbError::Busy { message },
        c => DbError::Database {
            code: Some(c.to_string()),
            message,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_and_locked_codes_with_their_extended_forms_are_busy() {
        for code in [5, 6, 261, 517, 773, 262] {
            assert!(is_busy(code), "{code}");
        }
        for code in [1, 19, 2067, 9] {
            assert!(!is_busy(code), "{code}");
        }
    }

    #[test]
    fn constraint_failures_keep_their_subject() {
        let failure = |code: i32, m: &str| {
            let e = rusqlite::ffi::Error {
                code: rusqlite::ErrorCode::ConstraintViolation,
                extended_code: code,
            };
            translate(rusqlite::Error::SqliteFailure(e, Some(m.into())))
        };
        let e = failure(2067, "UNIQUE constraint failed: users.email");
        assert!(
            matches!(&e, DbError::UniqueViolation { constraint: Some(c), .. } if c == "users.email"),
            "{e:?}"
        );
        let e = failure(1299, "NOT NULL constraint failed: users.name");
        assert!(
            matches!(&e, DbError::NotNullViolation { column: Some(c), .. } if c == "users.name"),
            "{e:?}"
        );
        let e = failure(787, "FOREIGN KEY constraint failed");
        assert!(
            matches!(
                &e,
                DbError::ForeignKeyViolation {
                    constraint: None,
                    ..
                }
            ),
            "{e:?}"
        );
        let e = failure(9, "interrupted");
        assert!(
            matches!(&e, DbError::Database { code: Some(c), .. } if c == "9"),
            "{e:?}"
        );
    }
}
