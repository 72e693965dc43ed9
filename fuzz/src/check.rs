//! Renders a statement with each dialect and checks the SQL with sqlparser.
//!
//! For every dialect whose renderer accepts the tree (a render error is an allowed
//! answer), the SQL must parse as exactly one statement with that dialect's sqlparser
//! grammar, and its tokens must show that nothing escaped its quotes: every quoted
//! identifier is one the generator made, and the placeholders are exactly the bound
//! parameters (`?` each, or `$1`, `$2`, … in order).

use std::collections::HashSet;

use plugorm_mysql::{LockSupport, MysqlDialect};
use plugorm_plugin_api::render::{render, SqlRenderer};
use plugorm_plugin_api::statement::{LockStrength, Statement};
use plugorm_plugin_api::types::Optional;
use plugorm_postgres::PostgresDialect;
use plugorm_sqlite::SqliteDialect;
use sqlparser::dialect::{Dialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

/// Placeholders the dialect writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placeholders {
    Question,
    Dollar,
}

/// What went wrong with one rendered statement.
#[derive(Debug)]
pub struct Failure {
    pub dialect: &'static str,
    pub sql: String,
    pub problem: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}\n  SQL: {}", self.dialect, self.problem, self.sql)
    }
}

/// The MySQL lock syntaxes the dialect can be rendering for.
pub const MYSQL_LOCKS: [LockSupport; 3] = [
    LockSupport::MYSQL_8,
    LockSupport::MYSQL_5,
    LockSupport::MARIADB_10_6,
];

/// Renders `stmt` for SQLite, PostgreSQL and MySQL (with `locks`) and checks each SQL.
pub fn all_dialects(
    stmt: &Statement,
    names: &HashSet<String>,
    locks: LockSupport,
) -> Result<(), Failure> {
    one(
        &SqliteDialect,
        stmt,
        names,
        "sqlite",
        &SQLiteDialect {},
        Placeholders::Question,
    )?;
    one(
        &PostgresDialect,
        stmt,
        names,
        "postgres",
        &PostgreSqlDialect {},
        Placeholders::Dollar,
    )?;
    one(
        &MysqlDialect::with_locks(locks),
        stmt,
        names,
        "mysql",
        &MySqlDialect {},
        Placeholders::Question,
    )
}

fn one<R: SqlRenderer>(
    renderer: &R,
    stmt: &Statement,
    names: &HashSet<String>,
    dialect: &'static str,
    grammar: &dyn Dialect,
    style: Placeholders,
) -> Result<(), Failure> {
    let adjusted = within_sqlparser(dialect, stmt);
    if adjusted.is_some() {
        // Rendered as generated all the same, so a panic in it still shows.
        let _ = render(renderer, stmt);
    }
    let stmt = adjusted.as_ref().unwrap_or(stmt);
    let Ok(sql) = render(renderer, stmt) else {
        return Ok(());
    };
    let text = sql.text.as_str();
    let fail = |problem: String| Failure {
        dialect,
        sql: text.to_string(),
        problem,
    };
    check_sql(text, sql.params.len(), names, grammar, style).map_err(fail)
}

/// The tree without what `dialect` writes in a form its database takes but sqlparser
/// cannot read, or `None` when nothing needs taking out.
fn within_sqlparser(dialect: &str, stmt: &Statement) -> Option<Statement> {
    match (dialect, stmt) {
        // MySQL's and MariaDB's `LOCK IN SHARE MODE` (sqlparser reads only `FOR SHARE`).
        ("mysql", Statement::Select(s)) if matches!(&s.lock, Optional::Some(l) if l.strength == LockStrength::Share) =>
        {
            let mut s = s.clone();
            s.lock = Optional::None;
            Some(Statement::Select(s))
        }
        _ => None,
    }
}

/// Parses `sql` with `grammar` and checks its tokens (see the module docs).
pub fn check_sql(
    sql: &str,
    params: usize,
    names: &HashSet<String>,
    grammar: &dyn Dialect,
    style: Placeholders,
) -> Result<(), String> {
    let statements = Parser::new(grammar)
        .with_recursion_limit(1000)
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_statements())
        .map_err(|e| format!("sqlparser refuses it: {e}"))?;
    if statements.len() != 1 {
        return Err(format!("{} statements instead of 1", statements.len()));
    }
    let tokens = Tokenizer::new(grammar, sql)
        .tokenize()
        .map_err(|e| format!("sqlparser's tokenizer refuses it: {e}"))?;
    let mut seen = 0usize;
    for t in &tokens {
        match t {
            Token::Placeholder(p) => {
                seen += 1;
                let want = match style {
                    Placeholders::Question => "?".to_string(),
                    Placeholders::Dollar => format!("${seen}"),
                };
                if *p != want {
                    return Err(format!("placeholder #{seen} is `{p}`, expected `{want}`"));
                }
            }
            Token::Word(w) if w.quote_style.is_some() && !names.contains(&w.value) => {
                return Err(format!(
                    "quoted identifier {:?} is none of the generated names",
                    w.value
                ));
            }
            _ => {}
        }
    }
    if seen != params {
        return Err(format!("{seen} placeholders for {params} bound parameters"));
    }
    Ok(())
}
