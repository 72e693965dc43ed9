//! Translation of sqlx / MySQL errors into typed [`DbError`]s, by server error number.
//!
//! | number | meaning | error, with the name taken from the message |
//! | --- | --- | --- |
//! | 1062 | duplicate entry | `UniqueViolation`, the key (`uni_users_email`, or `PRIMARY`) |
//! | 1451, 1452 | parent row referenced / child row without parent | `ForeignKeyViolation`, the constraint |
//! | 1048, 1364 | column cannot be NULL / has no default | `NotNullViolation`, the column |
//! | 3819 (MySQL), 4025 (MariaDB) | CHECK failed | `CheckViolation`, the constraint |
//! | 1205, 3572 | lock wait timeout / NOWAIT lock refused | `LockNotAvailable` |
//! | 1213 | deadlock, the transaction rolled back | `Deadlock` |
//! | 1053, 1927, 4031 | the server ended the session | `ConnectionLost` |
//! | any other | | `Database` with the number as its code |

use plugorm_plugin_api::DbError;
use sqlx_mysql::MySqlDatabaseError;

/// The text between the first `open` after `after` and the next `close`.
fn between<'a>(message: &'a str, after: &str, open: char, close: char) -> Option<&'a str> {
    let rest = match after {
        "" => message,
        a => &message[message.find(a)? + a.len()..],
    };
    let start = rest.find(open)? + open.len_utf8();
    let len = rest[start..].find(close)?;
    Some(&rest[start..start + len]).filter(|s| !s.is_empty())
}

/// `Duplicate entry 'a@x' for key 'uni_users_email'` (MySQL 8: `'users.uni_users_email'`).
fn duplicate_key(message: &str) -> Option<String> {
    let at = message.rfind("for key '")? + "for key '".len();
    let key = message[at..].strip_suffix('\'')?;
    Some(match key.split_once('.') {
        Some((_, name)) if !name.is_empty() => name.to_string(),
        _ => key.to_string(),
    })
}

fn constraint_of_fk(message: &str) -> Option<String> {
    between(message, "CONSTRAINT ", '`', '`').map(String::from)
}

fn constraint_of_check(message: &str) -> Option<String> {
    // MySQL: Check constraint 'chk' is violated. MariaDB: CONSTRAINT `chk` failed for `db`.`t`
    between(message, "onstraint ", '\'', '\'')
        .or_else(|| between(message, "CONSTRAINT ", '`', '`'))
        .map(String::from)
}

fn column_of_not_null(message: &str) -> Option<String> {
    // Column 'name' cannot be null / Field 'name' doesn't have a default value
    between(message, "", '\'', '\'').map(String::from)
}

/// Maps a MySQL server error to the plugin API's error.
pub(crate) fn translate_database(db: &MySqlDatabaseError) -> DbError {
    let message = db.message().to_string();
    match db.number() {
        1062 | 1586 => DbError::UniqueViolation {
            constraint: duplicate_key(&message),
            message,
        },
        1451 | 1452 | 1216 | 1217 => DbError::ForeignKeyViolation {
            constraint: constraint_of_fk(&message),
            message,
        },
        1048 | 1364 => DbError::NotNullViolation {
            column: column_of_not_null(&message),
            message,
        },
        3819 => DbError::CheckViolation {
            constraint: constraint_of_check(&message),
            message,
        },
        4025 if db.code() == Some("23000") => DbError::CheckViolation {
            constraint: constraint_of_check(&message),
            message,
        },
        1205 | 3572 => DbError::LockNotAvailable { message },
        1213 => DbError::Deadlock { message },
        1053 | 1927 | 4031 => DbError::ConnectionLost { message },
        n => DbError::Database {
            code: Some(n.to_string()),
            message,
        },
    }
}

/// Maps a sqlx error to the plugin API's error.
pub(crate) fn translate(e: sqlx_core::Error) -> DbError {
    match e {
        sqlx_core::Error::Database(db) => match db.try_downcast_ref::<MySqlDatabaseError>() {
            Some(my) => translate_database(my),
            None => DbError::Database {
                code: db.code().map(|c| c.into_owned()),
                message: db.message().to_string(),
            },
        },
        sqlx_core::Error::PoolTimedOut => {
            DbError::Timeout("no MySQL connection became free in time".into())
        }
        sqlx_core::Error::PoolClosed => DbError::Pool("the pool is closed".into()),
        sqlx_core::Error::Io(io) => DbError::Connect {
            message: format!("connection to the server failed: {io}"),
        },
        sqlx_core::Error::Tls(tls) => DbError::Connect {
            message: format!("TLS: {tls}"),
        },
        other => DbError::Other(other.to_string()),
    }
}

/// Maps an error of a statement on an open connection: one that ended the connection
/// (see [`ends_connection`]) is `ConnectionLost`, whatever sqlx called it.
pub(crate) fn translate_statement(e: sqlx_core::Error) -> DbError {
    if !ends_connection(&e) {
        return translate(e);
    }
    match translate(e) {
        lost @ DbError::ConnectionLost { .. } => lost,
        DbError::Connect { message } => DbError::ConnectionLost { message },
        other => DbError::ConnectionLost {
            message: other.to_string(),
        },
    }
}

/// True when `e` leaves the connection unusable: an IO, TLS or protocol failure (the
/// socket is gone or mid-packet), or a server error sent as the server ends the session
/// (1927 connection killed, 1053 shutdown, 4031 MySQL's inactivity timeout).
pub(crate) fn ends_connection(e: &sqlx_core::Error) -> bool {
    use sqlx_core::Error as E;
    match e {
        E::Io(_) | E::Tls(_) | E::Protocol(_) | E::WorkerCrashed => true,
        E::Database(db) => db
            .try_downcast_ref::<MySqlDatabaseError>()
            .is_some_and(|my| matches!(my.number(), 1053 | 1927 | 4031)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_messages() {
        assert_eq!(
            duplicate_key("Duplicate entry 'a@x' for key 'uni_users_email'").as_deref(),
            Some("uni_users_email")
        );
        assert_eq!(
            duplicate_key("Duplicate entry 'a@x' for key 'users.uni_users_email'").as_deref(),
            Some("uni_users_email")
        );
        assert_eq!(
            duplicate_key("Duplicate entry '1' for key 'PRIMARY'").as_deref(),
            Some("PRIMARY")
        );
        assert_eq!(
            constraint_of_fk("Cannot add or update a child row: a foreign key constraint fails (`test`.`pets`, CONSTRAINT `fk_users_pets` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`))").as_deref(),
            Some("fk_users_pets")
        );
        assert_eq!(
            constraint_of_check("CONSTRAINT `chk_pets_name` failed for `test`.`pets`").as_deref(),
            Some("chk_pets_name")
        );
        assert_eq!(
            constraint_of_check("Check constraint 'chk_pets_name' is violated.").as_deref(),
            Some("chk_pets_name")
        );
        assert_eq!(
            column_of_not_null("Column 'name' cannot be null").as_deref(),
            Some("name")
        );
        assert_eq!(
            column_of_not_null("Field 'name' doesn't have a default value").as_deref(),
            Some("name")
        );
    }
}
