//! Statements on related tables — join rows, unlinking foreign keys — run through the
//! processors (query, create, update, delete) with the schema of the table they touch,
//! like every other statement: plugins see them, so a soft-deletable join model or
//! related model has its rows soft-deleted and its deleted rows left unread, and sharding,
//! read replicas or auditing apply to them too.

use plugorm_plugin_api::{schema::ModelSchema, statement::Statement, Processor, Rows};

use crate::{
    chain::{soft_delete, ChainRun, Execute, Fetch},
    Db, Result,
};

/// Runs an INSERT, UPDATE or DELETE on `schema`'s table through `processor`; the rows it
/// affected.
pub(crate) async fn execute(
    db: &Db,
    processor: Processor,
    schema: &'static ModelSchema,
    stmt: Statement,
) -> Result<u64> {
    soft_delete::guard(db, schema, false)?;
    let mut op = Execute::default();
    ChainRun::start(db, processor, Some(schema), stmt, false)
        .drive(&mut op)
        .await?;
    Ok(op.affected)
}

/// Runs a SELECT on `schema`'s table through the query processor.
pub(crate) async fn query(db: &Db, schema: &'static ModelSchema, stmt: Statement) -> Result<Rows> {
    soft_delete::guard(db, schema, false)?;
    let mut op = Fetch::default();
    ChainRun::start(db, Processor::Query, Some(schema), stmt, false)
        .drive(&mut op)
        .await?;
    Ok(op.rows)
}

/// Deletes join rows (a DELETE on a join table) through the delete processor, with the
/// join model's schema when it has one; `unscoped` makes a soft-deletable join model's
/// delete real.
pub(crate) async fn delete(
    db: &Db,
    join_schema: Option<&'static ModelSchema>,
    stmt: Statement,
    unscoped: bool,
) -> Result<u64> {
    let Some(schema) = join_schema else {
        return Ok(db.execute_statement(&stmt).await?.rows_affected);
    };
    soft_delete::guard(db, schema, unscoped)?;
    let mut op = Execute::default();
    ChainRun::start(db, Processor::Delete, Some(schema), stmt, unscoped)
        .drive(&mut op)
        .await?;
    Ok(op.affected)
}
