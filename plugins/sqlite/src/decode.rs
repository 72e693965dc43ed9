//! SQLite rows into column batches.
//!
//! Each column's buffer kind is chosen once, from the declared type (or, for expressions,
//! the first row's storage class). SQLite is dynamically typed, so each cell's storage
//! class is still read (a cheap C call); a cell that does not match its column's kind
//! turns the column into a mixed one rather than being coerced.

use plugorm_plugin_api::row::{ColumnBuilder, ColumnKind, RowBatch, Rows};
use sqlx::{sqlite::SqliteRow, Column as _, Row as _, TypeInfo as _, ValueRef as _};

use crate::error::translate;
use plugorm_plugin_api::{DbResult, Value};

/// Rows per batch.
const BATCH: usize = 1024;

fn kind_of_decl(name: &str) -> Option<ColumnKind> {
    Some(match name {
        "INTEGER" => ColumnKind::I64,
        "BOOLEAN" => ColumnKind::BOOL,
        "REAL" => ColumnKind::F64,
        "TEXT" | "DATE" | "TIME" | "DATETIME" => ColumnKind::TEXT,
        "BLOB" => ColumnKind::BYTES,
        _ => return None,
    })
}

fn kind_of_storage(name: &str) -> ColumnKind {
    kind_of_decl(name).unwrap_or(ColumnKind::MIXED)
}

/// Converts fetched rows into [`Rows`].
pub(crate) fn rows_to_batches(rows: &[SqliteRow]) -> DbResult<Rows> {
    let Some(first) = rows.first() else {
        return Ok(Rows::default());
    };
    let names = first.columns().iter().map(|c| c.name().into()).collect();
    let ncols = first.columns().len();
    let kinds: Vec<ColumnKind> = (0..ncols)
        .map(|i| {
            let decl = first.columns()[i].type_info();
            match kind_of_decl(decl.name()) {
                Some(k) => Ok(k),
                None => {
                    let v = first.try_get_raw(i).map_err(translate)?;
                    Ok(kind_of_storage(v.type_info().name()))
                }
            }
        })
        .collect::<DbResult<_>>()?;
    let mut batches = Vec::with_capacity(rows.len() / BATCH + 1);
    for chunk in rows.chunks(BATCH) {
        let mut columns = Vec::with_capacity(ncols);
        for (i, kind) in kinds.iter().enumerate() {
            let mut b = ColumnBuilder::new(*kind);
            for row in chunk {
                push_cell(&mut b, row, i)?;
            }
            columns.push(b.finish());
        }
        batches.push(RowBatch {
            columns: columns.into(),
            len: chunk.len() as u64,
        });
    }
    Ok(Rows::new(names, batches))
}

fn push_cell(b: &mut ColumnBuilder, row: &SqliteRow, i: usize) -> DbResult<()> {
    let raw = row.try_get_raw(i).map_err(translate)?;
    if raw.is_null() {
        b.push_null();
        return Ok(());
    }
    let storage = raw.type_info();
    match storage.name() {
        "INTEGER" => {
            let v: i64 = row.try_get_unchecked(i).map_err(translate)?;
            if b.kind() == ColumnKind::BOOL {
                b.push_int_raw(i64::from(v != 0));
            } else {
                b.push_i64(v);
            }
        }
        "REAL" => b.push_f64(row.try_get_unchecked(i).map_err(translate)?),
        "TEXT" => {
            let s: &str = row.try_get_unchecked(i).map_err(translate)?;
            b.push_str(s);
        }
        _ => {
            let bytes: &[u8] = row.try_get_unchecked(i).map_err(translate)?;
            if b.kind() == ColumnKind::BYTES {
                b.push_heap(bytes);
            } else {
                b.push(Value::Bytes(bytes.to_vec().into()));
            }
        }
    }
    Ok(())
}
