//! SQL Server cells as plugin-API values, and tiberius rows into [`Rows`].
//!
//! | SQL Server | value |
//! | --- | --- |
//! | `tinyint`, `smallint`, `int`, `bigint` | integer |
//! | `bit` | bool |
//! | `real`, `float` | float (`real` through its shortest text, so `0.1` stays 0.1) |
//! | `decimal`, `numeric`, `money`, `smallmoney` | decimal, scale kept (`12.50`) |
//! | `char`, `varchar`, `nchar`, `nvarchar`, `text`, `ntext`, `xml` | text |
//! | `binary`, `varbinary`, `image`, `rowversion`, UDTs | bytes |
//! | `uniqueidentifier` | uuid |
//! | `date`, `time` | date, time (to the microsecond) |
//! | `datetime`, `smalldatetime`, `datetime2` | timestamp without zone |
//! | `datetimeoffset` | UTC timestamp (the same instant) |
//! | NULL | NULL |

use plugorm_plugin_api::{
    row::RowsBuilder,
    value::{Time, Value},
    DbError, DbResult,
};
use tiberius::ColumnData;

use crate::calendar::{date_from_days, legacy_datetime, micros_of_time, small_datetime, timestamp};

/// One cell as a value.
pub(crate) fn cell(data: &ColumnData<'_>) -> DbResult<Value> {
    Ok(match data {
        ColumnData::U8(v) => v.map_or(Value::Null, |i| Value::I64(i.into())),
        ColumnData::I16(v) => v.map_or(Value::Null, |i| Value::I64(i.into())),
        ColumnData::I32(v) => v.map_or(Value::Null, |i| Value::I64(i.into())),
        ColumnData::I64(v) => v.map_or(Value::Null, Value::I64),
        ColumnData::F32(v) => v.map_or(Value::Null, |f| {
            Value::F64(f.to_string().parse::<f64>().unwrap_or(f64::from(f)))
        }),
        ColumnData::F64(v) => v.map_or(Value::Null, Value::F64),
        ColumnData::Bit(v) => v.map_or(Value::Null, Value::Bool),
        ColumnData::String(v) => v
            .as_ref()
            .map_or(Value::Null, |s| Value::Text(s.as_ref().into())),
        ColumnData::Guid(v) => v.map_or(Value::Null, |g| Value::Uuid(*g.as_bytes())),
        ColumnData::Binary(v) => v
            .as_ref()
            .map_or(Value::Null, |b| Value::Bytes(b.to_vec().into())),
        ColumnData::Numeric(v) => v.map_or(Value::Null, |n| {
            Value::Decimal(decimal_text(n.value(), n.scale()).into())
        }),
        ColumnData::Xml(v) => v
            .as_ref()
            .map_or(Value::Null, |x| Value::Text(x.to_string().into())),
        ColumnData::DateTime(v) => v.map_or(Value::Null, |d| {
            let days = d.days();
            Value::Timestamp(legacy_datetime(days, d.seconds_fragments()))
        }),
        ColumnData::SmallDateTime(v) => v.map_or(Value::Null, |d| {
            Value::Timestamp(small_datetime(d.days(), d.seconds_fragments()))
        }),
        ColumnData::Date(v) => match v {
            None => Value::Null,
            Some(d) => Value::Date(date_from_days(d.days()).ok_or_else(|| range("date"))?),
        },
        ColumnData::Time(v) => v.map_or(Value::Null, |t| {
            Value::Time(Time {
                micros: micros_of_time(t.increments(), t.scale()),
            })
        }),
        ColumnData::DateTime2(v) => v.map_or(Value::Null, |dt| {
            let micros = micros_of_time(dt.time().increments(), dt.time().scale());
            Value::Timestamp(timestamp(dt.date().days(), micros, false))
        }),
        ColumnData::DateTimeOffset(v) => v.map_or(Value::Null, |o| {
            // On the wire the date and time are UTC; the offset only says where it was
            // written, so the instant is the UTC part as it is.
            let dt = o.datetime2();
            let micros = micros_of_time(dt.time().increments(), dt.time().scale());
            Value::Timestamp(timestamp(dt.date().days(), micros, true))
        }),
    })
}

fn range(kind: &str) -> DbError {
    DbError::Decode {
        detail: format!("a {kind} outside the range the plugin API carries"),
    }
}

/// A scaled integer as canonical decimal text: `-1250` at scale 2 is `-12.50`.
pub(crate) fn decimal_text(value: i128, scale: u8) -> String {
    let digits = value.unsigned_abs().to_string();
    let scale = usize::from(scale);
    let sign = if value < 0 { "-" } else { "" };
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    format!("{sign}{int}.{frac}")
}

/// Appends one tiberius row to `rows`.
pub(crate) fn push_row(rows: &mut RowsBuilder, row: tiberius::Row) -> DbResult<()> {
    let cells: DbResult<Vec<Value>> = row.into_iter().map(|c| cell(&c)).collect();
    rows.push_row(cells?);
    Ok(())
}

/// The column names of a result's metadata.
pub(crate) fn names(columns: &[tiberius::Column]) -> Vec<String> {
    columns.iter().map(|c| c.name().to_string()).collect()
}

#[cfg(test)]
mod tests;
