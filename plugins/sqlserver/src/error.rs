//! Translation of tiberius / SQL Server errors into typed [`DbError`]s, by error number.
//!
//! | number | meaning | error, with the name taken from the message |
//! | --- | --- | --- |
//! | 2627, 2601 | duplicate key (constraint / unique index) | `UniqueViolation`, the constraint or index |
//! | 547 (FOREIGN KEY / REFERENCE) | row without parent, parent still referenced | `ForeignKeyViolation`, the constraint |
//! | 547 (CHECK) | CHECK failed | `CheckViolation`, the constraint |
//! | 515 | NULL into a NOT NULL column | `NotNullViolation`, the column |
//! | 1205 | deadlock victim, the transaction rolled back | `Deadlock` |
//! | 1222 | `LOCK_TIMEOUT` expired, or `NOWAIT` found a lock | `LockNotAvailable` |
//! | 3960 | snapshot isolation update conflict | `SerializationFailure` |
//! | 18456, 4060, 18452 | login failed, database cannot be opened | `Connect` |
//! | 596, 6005, severity 20 and above | the server ended the session | `ConnectionLost` |
//! | any other | | `Database` with the number as its code |

use plugorm_plugin_api::DbError;
use tiberius::error::Error as TdsError;

/// The text between the first `open` quote after `after` and the next `close`.
fn quoted_after<'a>(message: &'a str, after: &str, quotes: &[(char, char)]) -> Option<&'a str> {
    let rest = &message[message.find(after)? + after.len()..];
    let (start, close) = rest.char_indices().find_map(|(i, c)| {
        quotes
            .iter()
            .find(|(o, _)| *o == c)
            .map(|(o, cl)| (i + o.len_utf8(), *cl))
    })?;
    let len = rest[start..].find(close)?;
    Some(&rest[start..start + len]).filter(|s| !s.is_empty())
}

const QUOTES: [(char, char); 3] = [('\'', '\''), ('"', '"'), ('[', ']')];

/// 2627: `Violation of UNIQUE KEY constraint 'uni_users_email'. …`;
/// 2601: `… with unique index 'idx_users_email'. …`.
fn unique_name(number: u32, message: &str) -> Option<String> {
    let after = if number == 2601 {
        "unique index"
    } else {
        "constraint"
    };
    quoted_after(message, after, &QUOTES).map(String::from)
}

/// 547: `The INSERT statement conflicted with the FOREIGN KEY constraint "fk_x". …`.
fn constraint_name(message: &str) -> Option<String> {
    quoted_after(message, "constraint", &QUOTES).map(String::from)
}

/// 515: `Cannot insert the value NULL into column 'name', table 'db.dbo.t'; …`.
fn null_column(message: &str) -> Option<String> {
    quoted_after(message, "into column", &QUOTES).map(String::from)
}

/// Maps one SQL Server error (number, severity class, message) to the plugin API's error.
///
/// 547 serves foreign keys and CHECK constraints alike; the message names which
/// (`… conflicted with the FOREIGN KEY constraint …`, `… the REFERENCE constraint …` for
/// a parent row still referenced, `… the CHECK constraint …`).
pub(crate) fn classify(number: u32, class: u8, message: &str) -> DbError {
    let message = message.to_string();
    match number {
        2627 | 2601 => DbError::UniqueViolation {
            constraint: unique_name(number, &message),
            message,
        },
        547 if message.contains("CHECK constraint") => DbError::CheckViolation {
            constraint: constraint_name(&message),
            message,
        },
        547 if message.contains("FOREIGN KEY") || message.contains("REFERENCE constraint") => {
            DbError::ForeignKeyViolation {
                constraint: constraint_name(&message),
                message,
            }
        }
        515 => DbError::NotNullViolation {
            column: null_column(&message),
            message,
        },
        1205 => DbError::Deadlock { message },
        1222 => DbError::LockNotAvailable { message },
        3960 => DbError::SerializationFailure { message },
        18456 | 18452 | 4060 => DbError::Connect { message },
        596 | 6005 => DbError::ConnectionLost { message },
        _ if class >= 20 => DbError::ConnectionLost { message },
        n => DbError::Database {
            code: Some(n.to_string()),
            message,
        },
    }
}

/// Maps a tiberius error to the plugin API's error.
pub(crate) fn translate(e: TdsError) -> DbError {
    match e {
        TdsError::Server(t) => classify(t.code(), t.class(), t.message()),
        TdsError::Io {
            kind: std::io::ErrorKind::TimedOut,
            message,
        } => DbError::Timeout(format!(
            "the server did not answer within the `command_timeout`: {message}"
        )),
        TdsError::Io { message, .. } => DbError::ConnectionLost {
            message: format!("connection to the server failed: {message}"),
        },
        TdsError::Tls(message) => DbError::Connect {
            message: format!(
                "TLS: {message} (for a server with a self-signed certificate add \
                 `trust_server_certificate=true`, or `encrypt=danger_plaintext` for one \
                 without TLS)"
            ),
        },
        TdsError::Routing { host, port } => DbError::Connect {
            message: format!(
                "the server redirects this login to {host}:{port}; connect to that address"
            ),
        },
        TdsError::Conversion(m) | TdsError::Encoding(m) | TdsError::Protocol(m) => {
            DbError::Decode {
                detail: m.into_owned(),
            }
        }
        TdsError::Utf8 | TdsError::Utf16 => DbError::Decode {
            detail: "text the server sent is not valid Unicode".into(),
        },
        other => DbError::Other(other.to_string()),
    }
}

/// Maps an error of connecting: anything that is not already about the login is a
/// connect failure, named by the server it was for.
pub(crate) fn connect_error(label: &str, e: DbError) -> DbError {
    let message = match e {
        DbError::Connect { message } | DbError::ConnectionLost { message } => message,
        other => other.to_string(),
    };
    DbError::Connect {
        message: format!("{label}: {message}"),
    }
}

/// True when `e` leaves the connection unusable: the socket failed or timed out mid
/// response, the protocol lost its place, or the server ended the session (severity 20
/// and above, a killed session, a shutdown).
pub(crate) fn ends_connection(e: &TdsError) -> bool {
    match e {
        TdsError::Server(t) => t.class() >= 20 || matches!(t.code(), 596 | 6005),
        TdsError::Io { .. }
        | TdsError::Protocol(_)
        | TdsError::Tls(_)
        | TdsError::Encoding(_)
        | TdsError::Conversion(_)
        | TdsError::Utf8
        | TdsError::Utf16 => true,
        _ => false,
    }
}

/// True for the server's refusal of a NULL sent as `nvarchar` where a binary type is
/// wanted (error 257, "Implicit conversion from data type nvarchar to varbinary(max) is
/// not allowed"): the statement did not run, and runs with its NULLs as `varbinary`.
pub(crate) fn refuses_text_null(e: &TdsError) -> bool {
    matches!(e, TdsError::Server(t) if t.code() == 257 && text_to_binary(t.message()))
}

fn text_to_binary(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("nvarchar to") && (m.contains("binary") || m.contains(" image"))
}

#[cfg(test)]
mod tests;
