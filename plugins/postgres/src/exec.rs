//! Running one statement on one connection: prepare, bind, execute, decode.
//!
//! * A statement with parameters is prepared first (a cache lookup once the connection
//!   has seen it), with the parameter types left to the server, so each value can be
//!   written in the type the statement declares (see [`crate::bind`]) and an empty result
//!   still has its column names.
//! * A statement without parameters that returns no rows (DDL, `BEGIN`, scripts of
//!   several statements) runs through the simple protocol and is not cached.
//! * A cached `SELECT *` whose table gained a column since it was prepared fails with
//!   "cached plan must not change result type": outside a transaction the connection's
//!   statement cache is cleared and the statement runs once more; inside one the error is
//!   returned (the transaction is already aborted).

use plugorm_plugin_api::{DbError, ExecResult, Rows, Sql, Value};
use sqlx_core::{
    connection::Connection as _,
    executor::Executor as _,
    sql_str::{AssertSqlSafe, SqlSafeStr},
    statement::Statement as _,
    Either,
};
use sqlx_postgres::{PgArguments, PgConnection, PgStatement, PgTypeInfo, Postgres};

use crate::{
    bind, decode,
    error::{is_stale_plan, translate_statement},
    types,
};

/// How statements run on a connection.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mode {
    /// The connection caches prepared statements.
    pub(crate) cache: bool,
    /// The connection is inside a transaction (no automatic retry).
    pub(crate) in_tx: bool,
}

/// Why one attempt failed: a driver error (maybe retryable) or a final one.
pub(crate) enum Failure {
    Driver(sqlx_core::Error),
    Final(DbError),
}

impl From<DbError> for Failure {
    fn from(e: DbError) -> Failure {
        Failure::Final(e)
    }
}

impl From<sqlx_core::Error> for Failure {
    fn from(e: sqlx_core::Error) -> Failure {
        Failure::Driver(e)
    }
}

impl Failure {
    /// True when clearing the statement cache and running again will help.
    pub(crate) fn retryable(&self, mode: Mode) -> bool {
        !mode.in_tx && matches!(self, Failure::Driver(e) if is_stale_plan(e))
    }

    pub(crate) fn into_db(self) -> DbError {
        match self {
            Failure::Driver(e) => translate_statement(e),
            Failure::Final(e) => e,
        }
    }
}

fn sql_str(sql: &Sql) -> sqlx_core::sql_str::SqlStr {
    // Audited by construction: the dialect's renderer binds every value and quotes every
    // identifier; raw SQL is the application's own text, with its values bound too.
    AssertSqlSafe(sql.text.to_string()).into_sql_str()
}

/// A prepared statement and the arguments for it.
pub(crate) struct Bound {
    pub(crate) statement: Option<PgStatement>,
    pub(crate) arguments: PgArguments,
}

/// Prepares `sql` (or, without a statement cache, only encodes its values in their
/// natural types) and binds its values.
pub(crate) async fn bind(
    conn: &mut PgConnection,
    sql: &Sql,
    values: &[&Value],
    mode: Mode,
) -> Result<Bound, Failure> {
    if !mode.cache {
        // Without a cache a prepared statement would be re-prepared by the execution
        // anyway; send each value in its own type (text as text).
        let declared: Vec<PgTypeInfo> = values
            .iter()
            .map(|v| match (bind::natural_type(v), v) {
                (types::UNSPECIFIED, Value::Text(_)) => types::info(types::TEXT),
                (oid, _) => types::info(oid),
            })
            .collect();
        return Ok(Bound {
            statement: None,
            arguments: bind::arguments(values, &declared)?,
        });
    }
    // Every parameter's type is left to the server, which infers it from the context as
    // for a quoted literal: a parameter compared with or stored into a column takes the
    // column's type, so each value is later written exactly in that type. Where the
    // context says nothing (`concat(?)`), the server refuses, inside a transaction or
    // not, and the error asks for a cast (see `error::translate`).
    let unspecified = vec![types::info(types::UNSPECIFIED); values.len()];
    let statement = conn.prepare_with(sql_str(sql), &unspecified).await?;
    let declared = match statement.parameters() {
        Some(Either::Left(types)) => types.to_vec(),
        _ => unspecified,
    };
    let arguments = bind::arguments(values, &declared)?;
    Ok(Bound {
        statement: Some(statement),
        arguments,
    })
}

/// The sqlx query for a bound statement.
pub(crate) fn query<'q>(
    sql: &Sql,
    bound: &'q Bound,
    arguments: PgArguments,
) -> sqlx_core::query::Query<'q, Postgres, PgArguments> {
    match &bound.statement {
        Some(stmt) => sqlx_core::query::query_statement_with(stmt, arguments),
        None => sqlx_core::query::query_with(sql_str(sql), arguments).persistent(false),
    }
}

/// Clears the connection's statement cache after a stale-plan error.
pub(crate) async fn recover(conn: &mut PgConnection) -> Result<(), Failure> {
    tracing::debug!("a cached statement's result type changed; clearing the statement cache");
    Ok(conn.clear_cached_statements().await?)
}

async fn execute_once(
    conn: &mut PgConnection,
    sql: &Sql,
    values: &[&Value],
    mode: Mode,
) -> Result<ExecResult, Failure> {
    if values.is_empty() {
        // The extended protocol, unnamed and uncached (DDL and one-off statements would
        // only crowd the cache): the server refuses a second statement in the text, so
        // one call runs one statement, as with values.
        let r = sqlx_core::query::query_with(sql_str(sql), PgArguments::default())
            .persistent(false)
            .execute(&mut *conn)
            .await?;
        return Ok(exec_result(r.rows_affected()));
    }
    let mut bound = bind(conn, sql, values, mode).await?;
    let arguments = std::mem::take(&mut bound.arguments);
    let r = query(sql, &bound, arguments).execute(&mut *conn).await?;
    Ok(exec_result(r.rows_affected()))
}

/// The result of `execute`: the count of the command tag. The kit reports none for a
/// query, whose tag (`SELECT 3`) counts the rows it returned
/// (`plugorm_plugin_api::Executor::execute`).
fn exec_result(rows_affected: u64) -> ExecResult {
    ExecResult {
        rows_affected,
        last_insert_id: None.into(),
    }
}

async fn query_once(
    conn: &mut PgConnection,
    sql: &Sql,
    values: &[&Value],
    mode: Mode,
) -> Result<Rows, Failure> {
    let mut bound = bind(conn, sql, values, mode).await?;
    let arguments = std::mem::take(&mut bound.arguments);
    let rows = query(sql, &bound, arguments).fetch_all(&mut *conn).await?;
    let readers = match &bound.statement {
        Some(stmt) => decode::readers(stmt.columns()),
        None => rows
            .first()
            .map(|r| decode::readers(sqlx_core::row::Row::columns(r)))
            .unwrap_or_default(),
    };
    Ok(decode::rows(&readers, &rows)?)
}

/// Runs a statement that returns no rows. The error stays a [`Failure`] so the caller
/// can tell a broken connection from a failed statement.
pub(crate) async fn execute(
    conn: &mut PgConnection,
    sql: &Sql,
    mode: Mode,
) -> Result<ExecResult, Failure> {
    let values = bind::values(sql)?;
    match execute_once(conn, sql, &values, mode).await {
        Err(f) if f.retryable(mode) => {
            recover(conn).await?;
            execute_once(conn, sql, &values, mode).await
        }
        r => r,
    }
}

/// Runs a statement and returns all its rows.
pub(crate) async fn query_all(
    conn: &mut PgConnection,
    sql: &Sql,
    mode: Mode,
) -> Result<Rows, Failure> {
    let values = bind::values(sql)?;
    match query_once(conn, sql, &values, mode).await {
        Err(f) if f.retryable(mode) => {
            recover(conn).await?;
            query_once(conn, sql, &values, mode).await
        }
        r => r,
    }
}

/// Runs transaction control (`BEGIN`, `SAVEPOINT "sp1"`) through the simple protocol:
/// nothing to prepare, and nothing left in the statement cache.
pub(crate) async fn control(conn: &mut PgConnection, sql: &str) -> Result<(), Failure> {
    sqlx_core::raw_sql::raw_sql(AssertSqlSafe(sql.to_string()))
        .execute(&mut *conn)
        .await?;
    Ok(())
}
