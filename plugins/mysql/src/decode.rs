//! MySQL rows into column batches.
//!
//! Each column's reader is chosen once per result from its declared type; cells are then
//! read without further type dispatch. Unsigned 64-bit values above `i64::MAX` travel as
//! decimals (the plugin API's convention for `u64`), turning that column into a mixed one.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use plugorm_plugin_api::{
    row::{ColumnBuilder, ColumnKind, RowBatch, Rows},
    value::{Date, Time, Timestamp},
    DbError, DbResult, Value,
};
use sqlx_core::{
    column::Column as _, row::Row as _, type_info::TypeInfo as _, value::ValueRef as _,
};
use sqlx_mysql::{types::MySqlTime, MySqlRow};

/// Rows per batch.
const BATCH: usize = 1024;

/// How one column's cells are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reader {
    Bool,
    Signed,
    Unsigned,
    Float32,
    Float64,
    Decimal,
    Text,
    Json,
    Bytes,
    Date,
    Time,
    DateTime,
    Timestamp,
    Null,
}

impl Reader {
    /// The reader of a declared type, by sqlx's type name.
    fn of_type(name: &str) -> Reader {
        match name {
            "BOOLEAN" => Reader::Bool,
            "TINYINT" | "SMALLINT" | "MEDIUMINT" | "INT" | "BIGINT" => Reader::Signed,
            "TINYINT UNSIGNED" | "SMALLINT UNSIGNED" | "MEDIUMINT UNSIGNED" | "INT UNSIGNED"
            | "BIGINT UNSIGNED" | "YEAR" | "BIT" => Reader::Unsigned,
            "FLOAT" => Reader::Float32,
            "DOUBLE" => Reader::Float64,
            "DECIMAL" => Reader::Decimal,
            "JSON" => Reader::Json,
            "CHAR" | "VARCHAR" | "TINYTEXT" | "TEXT" | "MEDIUMTEXT" | "LONGTEXT" | "ENUM"
            | "SET" => Reader::Text,
            "DATE" => Reader::Date,
            "TIME" => Reader::Time,
            "DATETIME" => Reader::DateTime,
            "TIMESTAMP" => Reader::Timestamp,
            "NULL" => Reader::Null,
            // BINARY, VARBINARY, the BLOBs, GEOMETRY and anything newer: the raw bytes.
            _ => Reader::Bytes,
        }
    }

    fn kind(self) -> ColumnKind {
        match self {
            Reader::Bool => ColumnKind::BOOL,
            Reader::Signed | Reader::Unsigned => ColumnKind::I64,
            Reader::Float32 | Reader::Float64 => ColumnKind::F64,
            Reader::Decimal => ColumnKind::DECIMAL,
            Reader::Text => ColumnKind::TEXT,
            Reader::Json => ColumnKind::JSON,
            Reader::Bytes => ColumnKind::BYTES,
            Reader::Date => ColumnKind::DATE,
            Reader::Time => ColumnKind::TIME,
            Reader::DateTime => ColumnKind::TIMESTAMP,
            Reader::Timestamp => ColumnKind::TIMESTAMP_UTC,
            Reader::Null => ColumnKind::MIXED,
        }
    }
}

fn cell_error(row: &MySqlRow, i: usize, e: impl std::fmt::Display) -> DbError {
    let name = row.columns().get(i).map(|c| c.name()).unwrap_or("?");
    DbError::Decode {
        detail: format!("column `{name}`: {e}"),
    }
}

/// The column readers of a result, from its first row.
fn readers(row: &MySqlRow) -> Vec<Reader> {
    row.columns()
        .iter()
        .map(|c| Reader::of_type(c.type_info().name()))
        .collect()
}

/// Converts fetched rows into [`Rows`].
pub(crate) fn rows_to_batches(rows: &[MySqlRow]) -> DbResult<Rows> {
    let Some(first) = rows.first() else {
        return Ok(Rows::default());
    };
    let names = first.columns().iter().map(|c| c.name().into()).collect();
    let readers = readers(first);
    let mut batches = Vec::with_capacity(rows.len() / BATCH + 1);
    for chunk in rows.chunks(BATCH) {
        let mut columns = Vec::with_capacity(readers.len());
        for (i, reader) in readers.iter().enumerate() {
            let mut b = ColumnBuilder::new(reader.kind());
            for row in chunk {
                push_cell(&mut b, *reader, row, i)?;
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

fn get<'r, T: sqlx_core::decode::Decode<'r, sqlx_mysql::MySql>>(
    row: &'r MySqlRow,
    i: usize,
) -> DbResult<T> {
    row.try_get_unchecked::<T, _>(i)
        .map_err(|e| cell_error(row, i, e))
}

/// Signed microseconds of a MySQL `TIME`.
fn time_micros(t: &MySqlTime) -> i64 {
    let magnitude =
        (i64::from(t.hours()) * 3600 + i64::from(t.minutes()) * 60 + i64::from(t.seconds()))
            * 1_000_000
            + i64::from(t.microseconds());
    // `MySqlTime::is_negative` answers the opposite in sqlx 0.9.0; the sign is reliable.
    if t.sign().is_negative() {
        -magnitude
    } else {
        magnitude
    }
}

fn push_cell(b: &mut ColumnBuilder, reader: Reader, row: &MySqlRow, i: usize) -> DbResult<()> {
    let raw = row.try_get_raw(i).map_err(|e| cell_error(row, i, e))?;
    if raw.is_null() {
        b.push_null();
        return Ok(());
    }
    match reader {
        Reader::Bool => b.push_int_raw(i64::from(get::<i64>(row, i)? != 0)),
        Reader::Signed => b.push_i64(get::<i64>(row, i)?),
        Reader::Unsigned => {
            let v = get::<u64>(row, i)?;
            match i64::try_from(v) {
                Ok(s) => b.push_i64(s),
                Err(_) => b.push(Value::from(v)),
            }
        }
        Reader::Float32 => {
            // Through f32's shortest text so `0.1` stays 0.1 rather than 0.100000001….
            let f = get::<f32>(row, i)?;
            b.push_f64(f.to_string().parse::<f64>().unwrap_or(f64::from(f)));
        }
        Reader::Float64 => b.push_f64(get::<f64>(row, i)?),
        Reader::Decimal | Reader::Text | Reader::Json => b.push_text(get::<&str>(row, i)?),
        Reader::Bytes => b.push_bytes(get::<&[u8]>(row, i)?),
        Reader::Date => {
            let d = get::<NaiveDate>(row, i)?;
            b.push(Value::Date(Date::from(d)));
        }
        Reader::Time => {
            let t = get::<MySqlTime>(row, i)?;
            b.push(Value::Time(Time {
                micros: time_micros(&t),
            }));
        }
        Reader::DateTime => {
            let t = get::<NaiveDateTime>(row, i)?;
            b.push(Value::Timestamp(Timestamp::from(t)));
        }
        Reader::Timestamp => {
            let t = get::<DateTime<Utc>>(row, i)?;
            b.push(Value::Timestamp(Timestamp::from(t)));
        }
        Reader::Null => {
            // A column typed NULL still carries a value in text results: keep it as text.
            b.push(Value::Text(get::<&str>(row, i)?.into()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_pick_readers() {
        assert_eq!(Reader::of_type("BOOLEAN"), Reader::Bool);
        assert_eq!(Reader::of_type("BIGINT UNSIGNED"), Reader::Unsigned);
        assert_eq!(Reader::of_type("VARBINARY"), Reader::Bytes);
        assert_eq!(Reader::of_type("LONGTEXT"), Reader::Text);
        assert_eq!(
            Reader::of_type("TIMESTAMP").kind(),
            ColumnKind::TIMESTAMP_UTC
        );
        assert_eq!(Reader::of_type("GEOMETRY"), Reader::Bytes);
    }
}
