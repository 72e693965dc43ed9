//! PostgreSQL rows into typed column batches.
//!
//! Results arrive in binary form. Each column's reader is chosen once, from the type the
//! statement declares for it, so a cell costs a null check and a fixed-width read (or a
//! copy for text-like cells). `infinity` dates and timestamps have no plugorm value: they
//! come back as the text `infinity` / `-infinity` (the column turns mixed; nothing is
//! lost). A type plugorm has no value for (arrays, ranges, network types…) is a decode
//! error naming the column and the type, with the cast that reads it.

use plugorm_plugin_api::{
    row::{ColumnBuilder, ColumnKind, RowBatch, Rows},
    value::{Time, Timestamp},
    DbError, DbResult, Value,
};
use sqlx_core::{column::Column as _, row::Row as _, value::ValueRef as _};
use sqlx_postgres::{PgColumn, PgRow, PgTypeInfo};

use crate::{
    codec::{numeric, time},
    types::{kind_of, sql_name, PgKind},
};

/// Rows per batch.
pub(crate) const BATCH: usize = 1024;

/// How one column's cells are read.
#[derive(Debug, Clone)]
pub(crate) struct Reader {
    name: String,
    kind: PgKind,
    ty: PgTypeInfo,
}

impl Reader {
    fn column_kind(&self) -> ColumnKind {
        match self.kind {
            PgKind::Bool => ColumnKind::BOOL,
            PgKind::Int2 | PgKind::Int4 | PgKind::Int8 | PgKind::Oid => ColumnKind::I64,
            PgKind::Float4 | PgKind::Float8 => ColumnKind::F64,
            PgKind::Numeric => ColumnKind::DECIMAL,
            PgKind::Text | PgKind::Char | PgKind::Interval | PgKind::TimeTz => ColumnKind::TEXT,
            PgKind::Bytea => ColumnKind::BYTES,
            PgKind::Date => ColumnKind::DATE,
            PgKind::Time => ColumnKind::TIME,
            PgKind::Timestamp => ColumnKind::TIMESTAMP,
            PgKind::TimestampTz => ColumnKind::TIMESTAMP_UTC,
            PgKind::Uuid => ColumnKind::UUID,
            PgKind::Json | PgKind::Jsonb => ColumnKind::JSON,
            PgKind::Void | PgKind::Other => ColumnKind::NULL,
        }
    }

    fn bad(&self, what: impl std::fmt::Display) -> DbError {
        DbError::Decode {
            detail: format!(
                "column `{}` (PostgreSQL {}): {what}",
                self.name,
                sql_name(&self.ty)
            ),
        }
    }

    /// Appends the cell of a non-NULL binary value.
    fn push(&self, b: &mut ColumnBuilder, bytes: &[u8]) -> DbResult<()> {
        let fixed = |n: usize| -> DbResult<&[u8]> {
            if bytes.len() == n {
                Ok(bytes)
            } else {
                Err(self.bad(format!("expected {n} bytes, got {}", bytes.len())))
            }
        };
        let i16_at = |b: &[u8]| i16::from_be_bytes([b[0], b[1]]);
        let i32_at = |b: &[u8]| i32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        let i64_at = |b: &[u8]| {
            let mut a = [0u8; 8];
            a.copy_from_slice(&b[..8]);
            i64::from_be_bytes(a)
        };
        match self.kind {
            PgKind::Bool => b.push_int_raw(i64::from(fixed(1)?[0] != 0)),
            PgKind::Int2 => b.push_i64(i64::from(i16_at(fixed(2)?))),
            PgKind::Int4 => b.push_i64(i64::from(i32_at(fixed(4)?))),
            PgKind::Oid => b.push_i64(i64::from(i32_at(fixed(4)?) as u32)),
            PgKind::Int8 => b.push_i64(i64_at(fixed(8)?)),
            PgKind::Float4 => {
                let raw = fixed(4)?;
                b.push_f64(f64::from(f32::from_be_bytes([
                    raw[0], raw[1], raw[2], raw[3],
                ])))
            }
            PgKind::Float8 => b.push_f64(f64::from_bits(i64_at(fixed(8)?) as u64)),
            PgKind::Numeric => b.push_text(&numeric::to_text(bytes).map_err(|e| self.bad(e))?),
            PgKind::Text | PgKind::Char => {
                let s = std::str::from_utf8(bytes).map_err(|_| self.bad("text is not UTF-8"))?;
                b.push_text(s)
            }
            PgKind::Bytea => b.push_bytes(bytes),
            PgKind::Uuid => b.push_uuid(
                bytes
                    .try_into()
                    .map_err(|_| self.bad(format!("expected 16 bytes, got {}", bytes.len())))?,
            ),
            PgKind::Json => {
                let s = std::str::from_utf8(bytes).map_err(|_| self.bad("json is not UTF-8"))?;
                b.push_text(s)
            }
            PgKind::Jsonb => {
                let (version, doc) = bytes
                    .split_first()
                    .ok_or_else(|| self.bad("empty jsonb value"))?;
                if *version != 1 {
                    return Err(self.bad(format!("unknown jsonb format version {version}")));
                }
                let s = std::str::from_utf8(doc).map_err(|_| self.bad("jsonb is not UTF-8"))?;
                b.push_text(s)
            }
            PgKind::Date => match time::date_from_pg(i32_at(fixed(4)?)) {
                Ok(d) => b.push(Value::Date(d)),
                Err(special) => b.push(Value::Text(special.into())),
            },
            PgKind::Time => b.push(Value::Time(Time {
                micros: i64_at(fixed(8)?),
            })),
            PgKind::Timestamp | PgKind::TimestampTz => {
                match time::micros_from_pg(i64_at(fixed(8)?)) {
                    Ok(micros) => b.push(Value::Timestamp(Timestamp {
                        micros,
                        utc: self.kind == PgKind::TimestampTz,
                    })),
                    Err(special) => b.push(Value::Text(special.into())),
                }
            }
            PgKind::TimeTz => {
                let raw = fixed(12)?;
                b.push_text(&time::timetz_text(i64_at(raw), i32_at(&raw[8..])))
            }
            PgKind::Interval => {
                let raw = fixed(16)?;
                b.push_text(&time::interval_text(
                    i64_at(raw),
                    i32_at(&raw[8..]),
                    i32_at(&raw[12..]),
                ))
            }
            PgKind::Void => b.push_null(),
            PgKind::Other => {
                return Err(self.bad(format!(
                    "plugorm has no value for this type; cast it in SQL (`{0}::text`, or \
                     `to_jsonb({0})` for arrays and records)",
                    self.name
                )))
            }
        }
        Ok(())
    }
}

/// The readers of a statement's result columns.
pub(crate) fn readers(columns: &[PgColumn]) -> Vec<Reader> {
    columns
        .iter()
        .map(|c| Reader {
            name: c.name().to_string(),
            kind: kind_of(c.type_info()),
            ty: c.type_info().clone(),
        })
        .collect()
}

/// One batch from a run of rows.
pub(crate) fn batch(readers: &[Reader], rows: &[PgRow]) -> DbResult<RowBatch> {
    let mut columns = Vec::with_capacity(readers.len());
    for (i, reader) in readers.iter().enumerate() {
        let mut b = ColumnBuilder::new(reader.column_kind());
        for row in rows {
            let raw = row
                .try_get_raw(i)
                .map_err(|e| reader.bad(format!("unreadable cell: {e}")))?;
            if raw.is_null() {
                b.push_null();
                continue;
            }
            let bytes = raw
                .as_bytes()
                .map_err(|e| reader.bad(format!("unreadable cell: {e}")))?;
            reader.push(&mut b, bytes)?;
        }
        columns.push(b.finish());
    }
    Ok(RowBatch {
        columns: columns.into(),
        len: rows.len() as u64,
    })
}

/// All rows of a result, in batches of [`BATCH`]; the names come from the statement, so
/// an empty result still has them.
pub(crate) fn rows(readers: &[Reader], rows: &[PgRow]) -> DbResult<Rows> {
    let names = readers.iter().map(|r| r.name.as_str().into()).collect();
    let batches = rows
        .chunks(BATCH)
        .map(|chunk| batch(readers, chunk))
        .collect::<DbResult<Vec<_>>>()?;
    Ok(Rows::new(names, batches))
}

/// The column names of the readers.
pub(crate) fn names(readers: &[Reader]) -> Vec<String> {
    readers.iter().map(|r| r.name.clone()).collect()
}
