//! Telling the observers about an operation that completed.

use std::time::Instant;

use plugorm_plugin_api::{
    host::OperationEvent,
    statement::{FromItem, Statement},
    Processor,
};

use crate::{db::Db, Error};

/// The table a statement is about (empty for raw SQL).
fn table_of(statement: &Statement) -> &str {
    match statement {
        Statement::Select(s) => match &s.from {
            FromItem::Table(t) => &t.name,
            FromItem::Subquery { alias, .. } => alias,
            FromItem::Nothing | FromItem::Raw(_) => "",
        },
        Statement::Insert(i) => &i.table.name,
        Statement::Update(u) => &u.table.name,
        Statement::Delete(d) => &d.table.name,
        Statement::Raw(_) => "",
    }
}

/// Calls every observer of `db` with the operation's outcome.
pub(crate) fn operation(
    db: &Db,
    processor: Processor,
    statement: &Statement,
    started: Instant,
    rows: u64,
    error: Option<&Error>,
) {
    let event = OperationEvent {
        processor,
        table: table_of(statement).into(),
        pool: db.pool_id(),
        database: db.shared.dialect.name().into(),
        elapsed_nanos: u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX),
        rows,
        error: error.map(|e| e.kind().into()).into(),
        extra: Default::default(),
    };
    for o in &db.shared.observers {
        o.observe(&event);
    }
}
