//! Statements on related tables — join rows, unlinking foreign keys — run through the
//! processors (query, create, update, delete) with the schema of the table they touch,
//! like every other statement: plugins see them, so a soft-deletable join model or
//! related model has its rows soft-deleted and its deleted rows left unread, and sharding,
//! read replicas or auditing apply to them too.

use plugorm_plugin_api::{
    schema::ModelSchema, statement::Statement, Processor, Rows, SOFT_DELETE_CALLBACK,
};

use crate::{callbacks::names, chain::ChainRun, relation::ResolvedRelation, Db, Error, Result};

/// Refuses a schema with a soft-delete field when no plugin serves soft delete (as
/// [`crate::write`] does for models): a silent hard delete would be worse than an error.
fn check(db: &Db, schema: &ModelSchema) -> Result<()> {
    if let Some(field) = schema.soft_delete_field() {
        if !db
            .shared
            .callbacks
            .contains(Processor::Delete, SOFT_DELETE_CALLBACK)
        {
            return Err(Error::SoftDeleteUnavailable {
                model: schema.name.to_string(),
                field: field.name.to_string(),
            });
        }
    }
    Ok(())
}

/// Runs an INSERT, UPDATE or DELETE on `schema`'s table through `processor`; the rows it
/// affected.
pub(crate) async fn execute(
    db: &Db,
    processor: Processor,
    schema: &'static ModelSchema,
    stmt: Statement,
) -> Result<u64> {
    check(db, schema)?;
    let mut run = ChainRun::start(db, processor, Some(schema), stmt, false);
    let mut affected = 0;
    while let Some(step) = run.next_builtin().await {
        if matches!(step, names::CREATE | names::UPDATE | names::DELETE) {
            let r = run.db.execute_statement(&run.ctx.statement).await;
            run.record(r.map(|r| affected = r.rows_affected));
        }
    }
    run.finish().await?;
    Ok(affected)
}

/// Runs a SELECT on `schema`'s table through the query processor.
pub(crate) async fn query(db: &Db, schema: &'static ModelSchema, stmt: Statement) -> Result<Rows> {
    check(db, schema)?;
    let mut run = ChainRun::start(db, Processor::Query, Some(schema), stmt, false);
    let mut out = Rows::default();
    while let Some(step) = run.next_builtin().await {
        if step == names::QUERY {
            let r = run.db.query_statement(&run.ctx.statement).await;
            run.record(r.map(|rows| out = rows));
        }
    }
    run.finish().await?;
    Ok(out)
}

/// Deletes join rows of `rel` (a DELETE on its join table) through the delete processor;
/// `unscoped` makes a soft-deletable join model's delete real.
pub(crate) async fn delete(
    db: &Db,
    rel: &ResolvedRelation,
    stmt: Statement,
    unscoped: bool,
) -> Result<u64> {
    let Some(schema) = rel.join_schema else {
        return Ok(db.execute_statement(&stmt).await?.rows_affected);
    };
    if !unscoped {
        check(db, schema)?;
    }
    let mut run = ChainRun::start(db, Processor::Delete, Some(schema), stmt, unscoped);
    let mut affected = 0;
    while let Some(step) = run.next_builtin().await {
        if step == names::DELETE {
            let r = run.db.execute_statement(&run.ctx.statement).await;
            run.record(r.map(|r| affected = r.rows_affected));
        }
    }
    run.finish().await?;
    Ok(affected)
}
