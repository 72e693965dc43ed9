use super::*;

/// The kind of a constraint error and the name it carries.
fn named(e: &DbError) -> (&'static str, Option<&str>) {
    match e {
        DbError::UniqueViolation { constraint, .. } => ("unique", constraint.as_deref()),
        DbError::ForeignKeyViolation { constraint, .. } => ("foreign key", constraint.as_deref()),
        DbError::CheckViolation { constraint, .. } => ("check", constraint.as_deref()),
        DbError::NotNullViolation { column, .. } => ("not null", column.as_deref()),
        _ => ("other", None),
    }
}

/// Messages as SQL Server 2019 / 2022 word them.
#[test]
fn constraint_violations_are_typed_and_named() {
    let cases = [
        (
            2627,
            "Violation of UNIQUE KEY constraint 'uni_users_email'. Cannot insert duplicate key \
             in object 'dbo.users'. The duplicate key value is (a@x).",
            ("unique", Some("uni_users_email")),
        ),
        (
            2627,
            "Violation of PRIMARY KEY constraint 'PK__users__3213E83F'. Cannot insert duplicate \
             key in object 'dbo.users'. The duplicate key value is (1).",
            ("unique", Some("PK__users__3213E83F")),
        ),
        (
            2601,
            "Cannot insert duplicate key row in object 'dbo.users' with unique index \
             'idx_users_email'. The duplicate key value is (a@x).",
            ("unique", Some("idx_users_email")),
        ),
        (
            547,
            "The INSERT statement conflicted with the FOREIGN KEY constraint \"fk_users_pets\". \
             The conflict occurred in database \"test\", table \"dbo.users\", column 'id'.",
            ("foreign key", Some("fk_users_pets")),
        ),
        (
            547,
            "The DELETE statement conflicted with the REFERENCE constraint \"fk_users_pets\". \
             The conflict occurred in database \"test\", table \"dbo.pets\", column 'user_id'.",
            ("foreign key", Some("fk_users_pets")),
        ),
        (
            547,
            "The INSERT statement conflicted with the CHECK constraint \"chk_pets_age\". The \
             conflict occurred in database \"test\", table \"dbo.pets\", column 'age'.",
            ("check", Some("chk_pets_age")),
        ),
        (
            515,
            "Cannot insert the value NULL into column 'name', table 'test.dbo.users'; column \
             does not allow nulls. INSERT fails.",
            ("not null", Some("name")),
        ),
    ];
    for (number, message, expected) in cases {
        let e = classify(number, 16, message);
        assert_eq!(named(&e), expected, "{number}: {message}");
        assert!(e.to_string().contains(message), "the message is kept: {e}");
    }
}

#[test]
fn concurrency_login_and_session_errors() {
    let deadlock = classify(
        1205,
        13,
        "Transaction (Process ID 52) was deadlocked on lock resources with another process and \
         has been chosen as the deadlock victim. Rerun the transaction.",
    );
    assert!(matches!(deadlock, DbError::Deadlock { .. }));
    assert!(deadlock.is_retryable());
    let lock = classify(1222, 16, "Lock request time out period exceeded.");
    assert!(matches!(lock, DbError::LockNotAvailable { .. }));
    assert!(matches!(
        classify(
            3960,
            16,
            "Snapshot isolation transaction aborted due to update conflict."
        ),
        DbError::SerializationFailure { .. }
    ));
    assert!(matches!(
        classify(18456, 14, "Login failed for user 'sa'."),
        DbError::Connect { .. }
    ));
    assert!(matches!(
        classify(
            4060,
            11,
            "Cannot open database \"nope\" requested by the login."
        ),
        DbError::Connect { .. }
    ));
    assert!(matches!(
        classify(
            596,
            21,
            "Cannot continue the execution because the session is in the kill state."
        ),
        DbError::ConnectionLost { .. }
    ));
    assert!(matches!(
        classify(9999, 20, "fatal"),
        DbError::ConnectionLost { .. }
    ));
}

#[test]
fn other_errors_keep_their_number() {
    let e = classify(208, 16, "Invalid object name 'nope'.");
    assert_eq!(
        e,
        DbError::Database {
            code: Some("208".into()),
            message: "Invalid object name 'nope'.".into()
        }
    );
    // A 547 that names neither kind stays a plain database error, not a guess.
    assert!(matches!(
        classify(547, 16, "conflicted with something else"),
        DbError::Database { .. }
    ));
}

#[test]
fn driver_errors() {
    let io = TdsError::Io {
        kind: std::io::ErrorKind::ConnectionReset,
        message: "reset".into(),
    };
    assert!(ends_connection(&io));
    assert!(matches!(translate(io), DbError::ConnectionLost { .. }));
    let timeout = TdsError::Io {
        kind: std::io::ErrorKind::TimedOut,
        message: "slow".into(),
    };
    assert!(matches!(translate(timeout), DbError::Timeout(_)));
    let tls = translate(TdsError::Tls("bad certificate".into()));
    assert!(
        matches!(&tls, DbError::Connect { message } if message.contains("trust_server_certificate")),
        "{tls:?}"
    );
    assert!(!ends_connection(&TdsError::BulkInput("x".into())));
    let routed = translate(TdsError::Routing {
        host: "replica".into(),
        port: 11000,
    });
    assert!(matches!(&routed, DbError::Connect { message } if message.contains("replica:11000")));
    let named = connect_error(
        "db:1433/app",
        DbError::ConnectionLost {
            message: "eof".into(),
        },
    );
    assert_eq!(
        named,
        DbError::Connect {
            message: "db:1433/app: eof".into()
        }
    );
}

#[test]
fn a_null_refused_by_a_binary_column_is_recognised() {
    assert!(text_to_binary(
        "Implicit conversion from data type nvarchar to varbinary(max) is not allowed. Use the \
         CONVERT function to run this query."
    ));
    assert!(!text_to_binary(
        "Implicit conversion from data type varbinary to float is not allowed."
    ));
    assert!(!refuses_text_null(&TdsError::Utf8));
}
