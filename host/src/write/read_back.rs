//! After an INSERT: generated keys and database defaults back into the records, from
//! `RETURNING` rows or, without it, from the driver's insert id and a SELECT by key.
//!
//! The rows of one INSERT follow the records in `order` (indexes into the chunk): usually
//! the records' own order, but new records first (or last) when keys come from the insert
//! id — see [`super::insert_plan::row_order`].

use plugorm_plugin_api::{
    statement::{Expr, Select, Statement, TableRef},
    Rows, Value,
};

use crate::model::set_value;
use crate::{decode, Db, Model, Result};

use super::insert_plan::Plan;

/// `RETURNING` rows into the records, row `j` into record `order[j]`.
pub(super) fn assign_returned<T: Model>(
    chunk: &mut [T],
    order: &[usize],
    plan: &Plan,
    rows: &Rows,
) -> Result<()> {
    if rows.len() != chunk.len() {
        // ON CONFLICT DO NOTHING returns only the inserted rows: which input each belongs
        // to is unknown, so nothing is assigned rather than something wrong.
        return Ok(());
    }
    let map: Vec<Option<usize>> = decode::column_map::<T>(rows)
        .into_iter()
        .enumerate()
        .map(|(i, c)| c.filter(|_| plan.returning.contains(&i)))
        .collect();
    for (j, &n) in order.iter().enumerate() {
        if let Some(item) = chunk.get_mut(n) {
            decode::assign_row(item, rows, &map, j)?;
        }
    }
    Ok(())
}

/// Without RETURNING (MySQL): the database defaults of the fields the INSERT left out are
/// read back with one SELECT by primary key, once every record's key is known (generated
/// and back-filled, or set by the caller). Models without a single-column key keep their
/// zero values, as before.
pub(super) async fn read_back_defaults<T: Model>(
    db: &Db,
    table: &TableRef,
    chunk: &mut [T],
    plan: &Plan,
) -> Result<()> {
    let schema = T::schema();
    let mut keys = schema
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.primary_key);
    let (Some((pk, key)), None) = (keys.next(), keys.next()) else {
        return Ok(());
    };
    let wanted: Vec<usize> = plan
        .returning
        .iter()
        .copied()
        .filter(|&i| i != pk)
        .collect();
    if wanted.is_empty() || db.session.dry_run || chunk.iter().any(|it| it.is_zero_at(pk)) {
        return Ok(());
    }
    let mut select = Select::from_table(table.clone());
    select.column(Expr::bare_col(key.column.clone()));
    for &i in &wanted {
        select.column(Expr::bare_col(schema.fields[i].column.clone()));
    }
    select.filter(
        Expr::bare_col(key.column.clone()).in_values(chunk.iter().map(|it| it.value_at(pk))),
    );
    let rows = db.query_statement(&Statement::Select(select)).await?;
    let Some(key_col) = rows.column_index(key.column.as_str()) else {
        return Ok(());
    };
    let map: Vec<Option<usize>> = decode::column_map::<T>(&rows)
        .into_iter()
        .enumerate()
        .map(|(i, c)| c.filter(|_| wanted.contains(&i)))
        .collect();
    for n in 0..rows.len() {
        let Some(row) = rows.row(n) else { continue };
        // The key as the model holds it, so it compares equal to the records' keys.
        let mut probe = T::new_default();
        probe
            .set_at(pk, row.cell(key_col)?)
            .map_err(|e| plugorm_plugin_api::DbError::Decode {
                detail: format!(
                    "key `{}` of {} read back after INSERT: expected {}, found {}",
                    key.column, schema.name, e.expected, e.found
                ),
            })?;
        let key_value = probe.value_at(pk);
        // Rows come back in key order, which is usually the records' order: try that first.
        let at = match chunk.get(n) {
            Some(it) if it.value_at(pk) == key_value => Some(n),
            _ => chunk.iter().position(|it| it.value_at(pk) == key_value),
        };
        if let Some(item) = at.and_then(|i| chunk.get_mut(i)) {
            decode::assign_row(item, &rows, &map, n)?;
        }
    }
    Ok(())
}

/// A key a statement callback wrote into the INSERT's rows (a sharder's generated id)
/// into the records whose key is zero, row `j` into record `order[j]`: the database
/// generates nothing for them, so neither RETURNING nor the insert id would tell.
pub(super) fn backfill_from_statement<T: Model>(
    chunk: &mut [T],
    order: &[usize],
    plan: &Plan,
    sent: &Statement,
) -> Result<()> {
    let Statement::Insert(ins) = sent else {
        return Ok(());
    };
    let schema = T::schema();
    for &i in &plan.returning {
        let field = &schema.fields[i];
        let Some(col) = ins.columns.iter().position(|c| *c == field.column) else {
            continue;
        };
        for (j, &n) in order.iter().enumerate() {
            let Some(Expr::Value(v)) = ins.rows.get(j).and_then(|row| row.get(col)) else {
                continue;
            };
            let Some(item) = chunk.get_mut(n).filter(|it| it.is_zero_at(i)) else {
                continue;
            };
            let value = plugorm_plugin_api::value::from_ffi(v)?;
            let cell = plugorm_plugin_api::Cell::of(value);
            item.set_at(i, cell)
                .map_err(|e| plugorm_plugin_api::DbError::Decode {
                    detail: format!(
                        "`{}` of {} written by a statement callback: expected {}, found {}",
                        field.column, schema.name, e.expected, e.found
                    ),
                })?;
        }
    }
    Ok(())
}

/// Without RETURNING: the driver's insert id is the *last* generated key on SQLite (the
/// ones before it count down from it) and the *first* on MySQL-family servers, where the
/// ones after it count up (`auto_increment_increment` = 1; one INSERT gets consecutive
/// keys) — as the dialect's [`plugorm_plugin_api::dialect::InsertIdRow`] capability says.
/// Only the records whose key was zero get one (GORM's back-fill), in row order: the
/// caller puts them together at the end the insert id names, so that a key the caller
/// set, inserted between them, cannot move the counter under them.
pub(super) fn backfill_last_id<T: Model>(
    chunk: &mut [T],
    order: &[usize],
    plan: &Plan,
    reported: Option<i64>,
    first_reported: bool,
) -> Result<()> {
    let Some(id) = reported.filter(|id| *id > 0) else {
        return Ok(());
    };
    let Some(&pk) = plan
        .returning
        .iter()
        .find(|&&i| T::schema().fields[i].auto_increment)
    else {
        return Ok(());
    };
    let fresh: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&n| chunk.get(n).is_some_and(|it| it.is_zero_at(pk)))
        .collect();
    let n = fresh.len() as i64;
    let first = if first_reported { id } else { id - (n - 1) };
    for (k, &at) in fresh.iter().enumerate() {
        if let Some(item) = chunk.get_mut(at) {
            set_value(item, pk, &Value::I64(first + k as i64))?;
        }
    }
    Ok(())
}
