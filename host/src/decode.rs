//! Rows into models: each field's column is looked up once per result, then every row
//! decodes by index. A NULL in a field that is not an `Option` leaves the field at its
//! zero value, as GORM does.

use plugorm_plugin_api::{Cell, DbError, Rows};

use crate::{Model, Result};

/// For each field of `T`, its column index in `rows` (None: not selected).
pub(crate) fn column_map<T: Model>(rows: &Rows) -> Vec<Option<usize>> {
    T::schema()
        .fields
        .iter()
        .map(|f| {
            if f.readable {
                rows.column_index(f.column.as_str())
            } else {
                None
            }
        })
        .collect()
}

/// Sets one field from a cell; a NULL into a non-`Option` field keeps the zero value.
fn set_cell<T: Model>(item: &mut T, field: usize, cell: Cell<'_>) -> Result<()> {
    let f = &T::schema().fields[field];
    if cell == Cell::Null && !f.nullable {
        return Ok(());
    }
    item.set_at(field, cell).map_err(|e| {
        DbError::Decode {
            detail: format!(
                "column `{}` into {}.{}: expected {}, found {}",
                f.column,
                T::schema().name,
                f.name,
                e.expected,
                e.found
            ),
        }
        .into()
    })
}

/// Decodes every row into a `T`; fields whose column is absent keep their default.
pub(crate) fn decode_all<T: Model>(rows: &Rows) -> Result<Vec<T>> {
    let map = column_map::<T>(rows);
    let mut out = Vec::with_capacity(rows.len());
    for row in rows.iter() {
        let mut item = T::new_default();
        for (field, col) in map.iter().enumerate() {
            if let Some(col) = col {
                set_cell(&mut item, field, row.cell(*col)?)?;
            }
        }
        out.push(item);
    }
    Ok(out)
}

/// Writes the columns of one returned row back into `item` (RETURNING, defaults).
pub(crate) fn assign_row<T: Model>(
    item: &mut T,
    rows: &Rows,
    map: &[Option<usize>],
    row_index: usize,
) -> Result<()> {
    if let Some(row) = rows.row(row_index) {
        for (field, col) in map.iter().enumerate() {
            if let Some(col) = col {
                set_cell(item, field, row.cell(*col)?)?;
            }
        }
    }
    Ok(())
}
