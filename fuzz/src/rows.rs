//! Random result sets, well-formed (through `ColumnBuilder`) or not (column buffers
//! written field by field, as a buggy plugin could hand them over), decoded into the Rust
//! types models use. Errors are the expected answer to bad cells; a panic is a bug.

use arbitrary::{Result, Unstructured};
use plugorm_plugin_api::row::{Column, ColumnBuilder, ColumnKind, Decode, Row, RowBatch, Rows};
use plugorm_plugin_api::types::{List, Text};

use crate::value;

/// Rows decoded per input, at most (a corrupt batch may claim billions).
const MAX_ROWS: usize = 64;

/// A column built through the builder's public pushes.
fn built_column(u: &mut Unstructured<'_>) -> Result<Column> {
    let mut b = ColumnBuilder::new(ColumnKind(u.int_in_range(0u8..=15)?));
    let n = u.int_in_range(0..=8)?;
    for _ in 0..n {
        match u.int_in_range(0u8..=7)? {
            0 => b.push(value(u)?),
            1 => b.push_null(),
            2 => b.push_i64(u.arbitrary()?),
            3 => b.push_f64(u.arbitrary()?),
            4 => b.push_text(u.arbitrary()?),
            5 => b.push_bytes(u.arbitrary()?),
            6 => b.push_uuid(&u.arbitrary()?),
            _ => b.push_int_raw(u.arbitrary()?),
        }
    }
    Ok(b.finish())
}

/// A column whose buffers need not agree with each other or with its kind.
fn raw_column(u: &mut Unstructured<'_>) -> Result<Column> {
    let nvalues = u.int_in_range(0..=4)?;
    let values = (0..nvalues)
        .map(|_| value(u).map(|v| v.into_ffi()))
        .collect::<Result<List<_>>>()?;
    Ok(Column {
        kind: ColumnKind(u.arbitrary()?),
        nulls: u.arbitrary::<Vec<bool>>()?.into(),
        ints: u.arbitrary::<Vec<i64>>()?.into(),
        floats: u.arbitrary::<Vec<f64>>()?.into(),
        heap: u.arbitrary::<Vec<u8>>()?.into(),
        offsets: u.arbitrary::<Vec<u32>>()?.into(),
        values,
        len: u.arbitrary()?,
    })
}

/// A result set of one to three batches.
pub fn rows(u: &mut Unstructured<'_>) -> Result<Rows> {
    let ncols = u.int_in_range(0..=4)?;
    let names = (0..ncols)
        .map(|_| u.arbitrary::<String>().map(Text::from))
        .collect::<Result<Vec<_>>>()?;
    let nbatches = u.int_in_range(1..=3)?;
    let mut batches = Vec::with_capacity(nbatches);
    for _ in 0..nbatches {
        let width = if u.ratio(1u8, 8u8)? {
            u.int_in_range(0..=5)?
        } else {
            ncols
        };
        let columns = (0..width)
            .map(|_| {
                if u.ratio(1u8, 3u8)? {
                    raw_column(u)
                } else {
                    built_column(u)
                }
            })
            .collect::<Result<List<_>>>()?;
        let len = if u.ratio(1u8, 8u8)? {
            u.arbitrary()?
        } else {
            columns.first().map_or(0, |c| c.len)
        };
        batches.push(RowBatch { columns, len });
    }
    Ok(Rows::new(names, batches))
}

/// Decodes one cell into `T` by position and the same cell by name.
fn both<T: Decode>(row: &Row<'_>, idx: usize, name: Option<&str>) {
    let _ = row.get_at::<T>(idx);
    if let Some(name) = name {
        let _ = row.get::<T>(name);
    }
}

/// Decodes every cell of the first rows into every supported type.
pub fn decode_all(rows: &Rows) {
    let names: Vec<String> = rows.column_names().map(str::to_string).collect();
    // Not `rows.len()` / `is_empty()`: they add up the batches' claimed lengths and
    // overflow (a panic with overflow checks) when a corrupt batch claims ~2^64 rows.
    // Reported; `Rows::row` below walks the same lengths without adding them up.
    for i in 0..MAX_ROWS {
        let Some(row) = rows.row(i) else { break };
        let _ = row.names().count();
        for idx in 0..row.len() + 1 {
            let name = names.get(idx).map(String::as_str);
            if let Ok(cell) = row.cell(idx) {
                let _ = cell.to_value();
            }
            both::<i8>(&row, idx, name);
            both::<i16>(&row, idx, name);
            both::<i32>(&row, idx, name);
            both::<i64>(&row, idx, name);
            both::<u8>(&row, idx, name);
            both::<u16>(&row, idx, name);
            both::<u32>(&row, idx, name);
            both::<u64>(&row, idx, name);
            both::<usize>(&row, idx, name);
            both::<f32>(&row, idx, name);
            both::<f64>(&row, idx, name);
            both::<bool>(&row, idx, name);
            both::<String>(&row, idx, name);
            both::<Vec<u8>>(&row, idx, name);
            both::<Option<i64>>(&row, idx, name);
            both::<Option<String>>(&row, idx, name);
            both::<plugorm_plugin_api::Value>(&row, idx, name);
            both::<chrono::NaiveDateTime>(&row, idx, name);
            both::<chrono::DateTime<chrono::Utc>>(&row, idx, name);
            both::<chrono::NaiveDate>(&row, idx, name);
            both::<chrono::NaiveTime>(&row, idx, name);
            both::<plugorm_plugin_api::value::Date>(&row, idx, name);
            both::<plugorm_plugin_api::value::Time>(&row, idx, name);
            both::<uuid::Uuid>(&row, idx, name);
            both::<rust_decimal::Decimal>(&row, idx, name);
            both::<serde_json::Value>(&row, idx, name);
        }
    }
}
