//! What an INSERT of records writes: its columns, what it reads back, the values of each
//! row and the order of the rows (GORM's `ConvertToCreateValues`).

use plugorm_plugin_api::{
    dialect::InsertIdRow,
    schema::TimeTracking,
    statement::Expr,
    types::{List, Optional},
};

use crate::model::{set_value, time_value};
use crate::{Db, Model, Result};

use super::create::CreateFields;

/// Which fields an INSERT writes and which it reads back.
pub(super) struct Plan {
    /// Field indexes written: in schema order, then the auto-increment key when some
    /// records set it (GORM appends the fields the database fills after the others).
    pub(super) columns: Vec<usize>,
    /// Field indexes read back (generated key, database defaults).
    pub(super) returning: Vec<usize>,
    /// The auto-increment key when it is among `columns`: the records without one write
    /// `DEFAULT` there and get a generated key.
    pub(super) key_written: Option<usize>,
}

pub(super) fn plan<T: Model>(items: &[T], fields: &CreateFields) -> Plan {
    let mut columns = Vec::new();
    let mut returning = Vec::new();
    let mut key_written = None;
    for (i, f) in T::schema().fields.iter().enumerate() {
        if !f.creatable || !fields.chosen(f) {
            if f.readable && (f.default.is_some() || f.auto_increment) {
                returning.push(i);
            }
            continue;
        }
        let db_assigned = f.auto_increment || f.default.is_some();
        let any_set = items.iter().any(|it| !it.is_zero_at(i));
        if db_assigned && !any_set {
            if f.readable {
                returning.push(i);
            }
        } else if f.auto_increment && key_written.is_none() {
            // Read back too (GORM's `RETURNING "id"` after an explicit key, G73): the
            // records that left it zero get theirs from the database.
            key_written = Some(i);
            if f.readable {
                returning.push(i);
            }
        } else {
            columns.push(i);
        }
    }
    columns.extend(key_written);
    Plan {
        columns,
        returning,
        key_written,
    }
}

/// Fills zero time-tracking fields with now, as GORM does before building VALUES; with
/// `refresh_updated` (a save of a slice, GORM's `gorm:update_track_time`) the update-time
/// fields take now even when set, as the rows they overwrite are being updated.
pub(super) fn fill_times<T: Model>(db: &Db, items: &mut [T], refresh_updated: bool) -> Result<()> {
    let now = db.session.now();
    for (i, f) in T::schema().fields.iter().enumerate() {
        let tracking = if f.auto_create_time != TimeTracking::None {
            f.auto_create_time
        } else {
            f.auto_update_time
        };
        if tracking == TimeTracking::None {
            continue;
        }
        let refresh = refresh_updated && f.auto_update_time != TimeTracking::None;
        let v = time_value(f, tracking, now);
        for item in items.iter_mut() {
            if refresh || item.is_zero_at(i) {
                set_value(item, i, &v)?;
            }
        }
    }
    Ok(())
}

/// The order of a chunk's rows in its INSERT, as indexes into the chunk: the records'
/// own order, except when the keys of new records are derived from the driver's insert id
/// (`by_insert_id`) and some records set theirs. Then the new records go together at the
/// end the insert id names (first on MySQL, last on SQLite): MySQL numbers the rows it
/// generates keys for one after another, but a larger key set by the caller, inserted
/// between them, moves its counter past the rest.
pub(super) fn row_order<T: Model>(
    chunk: &[T],
    plan: &Plan,
    by_insert_id: bool,
    insert_id_row: InsertIdRow,
) -> Vec<usize> {
    let mut order: Vec<usize> = (0..chunk.len()).collect();
    if let (true, Some(pk)) = (by_insert_id, plan.key_written) {
        let new_first = insert_id_row == InsertIdRow::First;
        order.sort_by_key(|&n| chunk.get(n).is_some_and(|it| it.is_zero_at(pk)) != new_first);
    }
    order
}

/// One record's VALUES row.
pub(super) fn row_values<T: Model>(item: &T, plan: &Plan) -> crate::Result<List<Expr>> {
    let schema = T::schema();
    plan.columns
        .iter()
        .map(|&i| {
            let f = &schema.fields[i];
            Ok(match (&f.default, item.is_zero_at(i)) {
                // Another row set this column; this one takes the default.
                (Optional::Some(d), true) => Expr::raw(d.as_str(), []),
                // Another row set its key; this one gets a generated one (GORM's
                // `DefaultValueOf`; the SQLite dialect writes it as NULL).
                (Optional::None, true) if f.auto_increment => Expr::raw("DEFAULT", []),
                _ => Expr::value(item.try_value_at(i)?),
            })
        })
        .collect()
}
