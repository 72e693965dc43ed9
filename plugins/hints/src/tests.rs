//! The rewriting on each dialect's text, without a database.

use super::{rewrite, HintError};

fn on(dialect: &str, key: &str, value: &str, sql: &str) -> Result<String, HintError> {
    rewrite(dialect, [(key, value)], sql)
}

#[test]
fn optimizer_hints_follow_the_leading_keyword_and_merge() {
    let sql = "SELECT * FROM \"users\"";
    let two = "MAX_EXECUTION_TIME(100)\nUSE_INDEX(t1, idx1)";
    assert_eq!(
        on("postgres", "hints:optimizer", two, sql).unwrap(),
        "SELECT /*+ MAX_EXECUTION_TIME(100) USE_INDEX(t1, idx1) */ * FROM \"users\""
    );
    assert_eq!(
        on("sqlserver", "hints:optimizer", two, sql).unwrap(),
        "SELECT * FROM \"users\" OPTION (MAX_EXECUTION_TIME(100), USE_INDEX(t1, idx1))"
    );
    // A CTE's statement: the hint goes to the main SELECT, not into the CTE.
    assert_eq!(
        on(
            "sqlite",
            "hints:optimizer",
            "h",
            "WITH c AS (SELECT 1) SELECT * FROM c"
        )
        .unwrap(),
        "WITH c AS (SELECT 1) SELECT /*+ h */ * FROM c"
    );
    // DDL is left alone.
    let ddl = "CREATE TABLE t (id INT)";
    assert_eq!(on("mysql", "hints:optimizer", "h", ddl).unwrap(), ddl);
}

#[test]
fn comments_sit_at_their_clause_and_only_at_the_top_level() {
    let sql = "SELECT * FROM `t` WHERE id IN (SELECT id FROM `u` WHERE 'where' = ?) ORDER BY id";
    assert_eq!(
        on("mysql", "hints:comment_after", "where w", sql).unwrap(),
        "SELECT * FROM `t` WHERE id IN (SELECT id FROM `u` WHERE 'where' = ?) /* w */ ORDER BY id"
    );
    assert_eq!(
        on("mysql", "hints:comment", "ORDER by o", sql).unwrap(),
        "SELECT * FROM `t` WHERE id IN (SELECT id FROM `u` WHERE 'where' = ?) ORDER BY /* o */ id"
    );
    assert_eq!(
        on("mysql", "hints:comment_before", "from f", sql).unwrap(),
        "SELECT * /* f */ FROM `t` WHERE id IN (SELECT id FROM `u` WHERE 'where' = ?) ORDER BY id"
    );
    // A clause the statement does not have: nothing to comment.
    assert_eq!(on("mysql", "hints:comment", "having h", sql).unwrap(), sql);
}

#[test]
fn index_hints_go_after_their_table_and_its_alias_only() {
    let sql = "SELECT * FROM `users` `u` LEFT JOIN `companies` ON 1 = 1";
    assert_eq!(
        on("mysql", "hints:index", "users force a", sql).unwrap(),
        "SELECT * FROM `users` `u` FORCE INDEX (`a`) LEFT JOIN `companies` ON 1 = 1"
    );
    // Another table's statement: untouched.
    let other = "SELECT * FROM `companies` WHERE `id` IN (?)";
    assert_eq!(
        on("mysql", "hints:index", "users force a", other).unwrap(),
        other
    );
    assert_eq!(
        on(
            "postgres",
            "hints:index",
            "users use a,b",
            "SELECT * FROM \"users\" AS u"
        )
        .unwrap(),
        "SELECT /*+ IndexScan(u a b) */ * FROM \"users\" AS u"
    );
    assert_eq!(
        on(
            "postgres",
            "hints:index",
            "users ignore *",
            "UPDATE \"users\" SET x=$1"
        )
        .unwrap(),
        "UPDATE /*+ NoIndexScan(users) */ \"users\" SET x=$1"
    );
    assert_eq!(
        on(
            "sqlite",
            "hints:index",
            "users ignore *",
            "UPDATE `users` SET x=?"
        )
        .unwrap(),
        "UPDATE `users` NOT INDEXED SET x=?"
    );
    assert_eq!(
        on(
            "sqlserver",
            "hints:index",
            "users force a",
            "SELECT * FROM \"users\" WITH (UPDLOCK)"
        )
        .unwrap(),
        "SELECT * FROM \"users\" WITH (INDEX(\"a\"), UPDLOCK)"
    );
}

#[test]
fn what_a_dialect_cannot_express_is_an_error_naming_hint_and_dialect() {
    let refused =
        |dialect: &str, value: &str, sql: &str| match on(dialect, "hints:index", value, sql) {
            Err(HintError::Unsupported {
                hint, dialect: d, ..
            }) => {
                assert_eq!(hint, value);
                assert_eq!(d, dialect);
            }
            other => panic!("{dialect} {value}: {other:?}"),
        };
    let select = "SELECT * FROM users";
    refused("sqlite", "users use a,b", select);
    refused("sqlite", "users ignore a", select);
    refused("sqlite", "users use for join a", select);
    refused("postgres", "users ignore a", select);
    refused("postgres", "users force for group by a", select);
    refused("sqlserver", "users ignore a", select);
    refused("sqlserver", "users use a", "UPDATE users SET x = @p1");
    refused("mysql", "users ignore *", select);
    refused("duckdb", "users use a", select);
}
