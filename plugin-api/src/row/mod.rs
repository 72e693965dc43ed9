//! Query results: [`Rows`] made of [`RowBatch`]es of typed [`Column`] buffers.
//!
//! A plugin builds each column with a [`ColumnBuilder`] whose kind it picks once per
//! column (from the statement's column types), so no per-cell type dispatch happens on the
//! plugin side; the host reads cells through [`Column::cell`] and the [`Decode`] trait.

use crate::types::{List, Text};
use abi_stable::StableAbi;

use crate::value::{from_ffi, Date, FfiValue, Time, Timestamp, Value};
use crate::DbError;

/// The physical kind of a column buffer: an integer tag so kinds can be appended.
#[repr(transparent)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ColumnKind(pub u8);

impl ColumnKind {
    /// Every cell is NULL (no type known).
    pub const NULL: ColumnKind = ColumnKind(0);
    pub const BOOL: ColumnKind = ColumnKind(1);
    pub const I64: ColumnKind = ColumnKind(2);
    pub const F64: ColumnKind = ColumnKind(3);
    pub const TEXT: ColumnKind = ColumnKind(4);
    pub const BYTES: ColumnKind = ColumnKind(5);
    pub const DECIMAL: ColumnKind = ColumnKind(6);
    pub const DATE: ColumnKind = ColumnKind(7);
    pub const TIME: ColumnKind = ColumnKind(8);
    pub const TIMESTAMP: ColumnKind = ColumnKind(9);
    pub const TIMESTAMP_UTC: ColumnKind = ColumnKind(10);
    pub const UUID: ColumnKind = ColumnKind(11);
    pub const JSON: ColumnKind = ColumnKind(12);
    /// Cells of mixed types, each a full [`Value`] (SQLite's dynamic typing).
    pub const MIXED: ColumnKind = ColumnKind(13);

    fn uses_ints(self) -> bool {
        matches!(self.0, 1 | 2 | 7 | 8 | 9 | 10)
    }
    fn uses_heap(self) -> bool {
        matches!(self.0, 4 | 5 | 6 | 11 | 12)
    }
}

/// One column of a batch. Which buffers are used depends on `kind`: integers (bool, i64,
/// date as days, time and timestamps as microseconds) in `ints`, floats in `floats`,
/// text-like and byte cells in `heap` delimited by `offsets`, mixed cells in `values`.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct Column {
    pub kind: ColumnKind,
    /// Per-row null flags; empty when no cell is NULL.
    pub nulls: List<bool>,
    pub ints: List<i64>,
    pub floats: List<f64>,
    pub heap: List<u8>,
    /// `len + 1` offsets into `heap` for heap kinds.
    pub offsets: List<u32>,
    pub values: List<FfiValue>,
    pub len: u64,
}

/// A borrowed cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Null,
    Bool(bool),
    I64(i64),
    F64(f64),
    Text(&'a str),
    Bytes(&'a [u8]),
    Decimal(&'a str),
    Date(Date),
    Time(Time),
    Timestamp(Timestamp),
    /// A UUID's 16 bytes (a UUID column holds nothing else).
    Uuid([u8; 16]),
    Json(&'a str),
}

impl Cell<'_> {
    /// The owned [`Value`] of this cell.
    pub fn to_value(self) -> Value {
        match self {
            Cell::Null => Value::Null,
            Cell::Bool(b) => Value::Bool(b),
            Cell::I64(i) => Value::I64(i),
            Cell::F64(f) => Value::F64(f),
            Cell::Text(s) => Value::Text(s.into()),
            Cell::Bytes(b) => Value::Bytes(b.to_vec().into()),
            Cell::Decimal(s) => Value::Decimal(s.into()),
            Cell::Date(d) => Value::Date(d),
            Cell::Time(t) => Value::Time(t),
            Cell::Timestamp(t) => Value::Timestamp(t),
            Cell::Uuid(u) => Value::Uuid(u),
            Cell::Json(s) => Value::Json(s.into()),
        }
    }

    /// A short name of the cell's type, for decode errors.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Cell::Null => "NULL",
            Cell::Bool(_) => "bool",
            Cell::I64(_) => "integer",
            Cell::F64(_) => "float",
            Cell::Text(_) => "text",
            Cell::Bytes(_) => "bytes",
            Cell::Decimal(_) => "decimal",
            Cell::Date(_) => "date",
            Cell::Time(_) => "time",
            Cell::Timestamp(_) => "timestamp",
            Cell::Uuid(_) => "uuid",
            Cell::Json(_) => "json",
        }
    }
}

impl<'a> Cell<'a> {
    /// The cell view of a value.
    pub fn of(v: &'a Value) -> Cell<'a> {
        cell_of_value(v)
    }
}

fn cell_of_value(v: &Value) -> Cell<'_> {
    match v {
        Value::Null => Cell::Null,
        Value::Bool(b) => Cell::Bool(*b),
        Value::I64(i) => Cell::I64(*i),
        Value::F64(f) => Cell::F64(*f),
        Value::Decimal(s) => Cell::Decimal(s.as_str()),
        Value::Text(s) => Cell::Text(s.as_str()),
        Value::Bytes(b) => Cell::Bytes(b.as_slice()),
        Value::Date(d) => Cell::Date(*d),
        Value::Time(t) => Cell::Time(*t),
        Value::Timestamp(t) => Cell::Timestamp(*t),
        Value::Uuid(u) => Cell::Uuid(*u),
        Value::Json(s) => Cell::Json(s.as_str()),
    }
}

impl Column {
    /// Number of cells.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// True when the column has no cells.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The cell at `row`. Out-of-range rows and unknown kinds are errors, not panics.
    pub fn cell(&self, row: usize) -> Result<Cell<'_>, DbError> {
        if row >= self.len() {
            return Err(DbError::Decode {
                detail: format!("row {row} out of range"),
            });
        }
        if self.nulls.get(row).copied().unwrap_or(false) || self.kind == ColumnKind::NULL {
            return Ok(Cell::Null);
        }
        let k = self.kind;
        if k.uses_ints() {
            let i = *self.ints.get(row).ok_or_else(|| corrupt(k))?;
            return Ok(match k {
                ColumnKind::BOOL => Cell::Bool(i != 0),
                ColumnKind::I64 => Cell::I64(i),
                ColumnKind::DATE => Cell::Date(Date {
                    days_since_epoch: i32::try_from(i).map_err(|_| corrupt(k))?,
                }),
                ColumnKind::TIME => Cell::Time(Time { micros: i }),
                ColumnKind::TIMESTAMP => Cell::Timestamp(Timestamp {
                    micros: i,
                    utc: false,
                }),
                _ => Cell::Timestamp(Timestamp {
                    micros: i,
                    utc: true,
                }),
            });
        }
        if k.uses_heap() {
            let start = *self.offsets.get(row).ok_or_else(|| corrupt(k))? as usize;
            let end = *self.offsets.get(row + 1).ok_or_else(|| corrupt(k))? as usize;
            let bytes = self.heap.get(start..end).ok_or_else(|| corrupt(k))?;
            let text = || std::str::from_utf8(bytes).map_err(|_| corrupt(k));
            return Ok(match k {
                ColumnKind::TEXT => Cell::Text(text()?),
                ColumnKind::BYTES => Cell::Bytes(bytes),
                ColumnKind::DECIMAL => Cell::Decimal(text()?),
                ColumnKind::UUID => Cell::Uuid(bytes.try_into().map_err(|_| corrupt(k))?),
                _ => Cell::Json(text()?),
            });
        }
        match k {
            ColumnKind::F64 => Ok(Cell::F64(*self.floats.get(row).ok_or_else(|| corrupt(k))?)),
            ColumnKind::MIXED => {
                let v = self.values.get(row).ok_or_else(|| corrupt(k))?;
                Ok(cell_of_value(from_ffi(v)?))
            }
            other => Err(DbError::Decode {
                detail: format!(
                    "column kind #{} is unknown to this side of the plugin boundary",
                    other.0
                ),
            }),
        }
    }
}

fn corrupt(k: ColumnKind) -> DbError {
    DbError::Decode {
        detail: format!("column buffer of kind #{} is inconsistent", k.0),
    }
}

/// Builds one column. Pick the kind once per column, then push each cell with the push
/// of its type: [`ColumnBuilder::push_i64`], [`ColumnBuilder::push_f64`],
/// [`ColumnBuilder::push_text`] (text, decimal and JSON columns),
/// [`ColumnBuilder::push_bytes`], [`ColumnBuilder::push_uuid`],
/// [`ColumnBuilder::push_int_raw`] (bool, date, time, timestamp), or any [`Value`] with
/// [`ColumnBuilder::push`]. A cell of another type than the column's kind turns the
/// column into [`ColumnKind::MIXED`], where every cell keeps its own type: nothing is
/// lost or reinterpreted. In particular a text cell only ever comes from a `&str`, so it
/// is always valid UTF-8: bytes pushed into a text column stay a [`Cell::Bytes`] (read
/// as a `String` only when they are UTF-8, else a decode error), and text pushed into a
/// bytes column stays a [`Cell::Text`].
///
/// ```
/// use plugorm_plugin_api::row::{Cell, ColumnBuilder, ColumnKind};
/// let mut b = ColumnBuilder::new(ColumnKind::I64);
/// b.push_i64(7);
/// b.push_null();
/// let col = b.finish();
/// assert_eq!(col.cell(0).unwrap(), Cell::I64(7));
/// assert_eq!(col.cell(1).unwrap(), Cell::Null);
///
/// let mut name = ColumnBuilder::new(ColumnKind::TEXT);
/// name.push_text("ada");
/// name.push_bytes(&[0xff, 0xfe]); // not UTF-8: kept as bytes, never as text
/// let col = name.finish();
/// assert_eq!(col.kind, ColumnKind::MIXED);
/// assert_eq!(col.cell(0).unwrap(), Cell::Text("ada"));
/// assert_eq!(col.cell(1).unwrap(), Cell::Bytes(&[0xff, 0xfe]));
/// ```
#[derive(Debug)]
pub struct ColumnBuilder {
    col: Column,
}

impl ColumnBuilder {
    /// A builder for a column of `kind`.
    pub fn new(kind: ColumnKind) -> ColumnBuilder {
        let mut offsets = List::new();
        if kind.uses_heap() {
            offsets.push(0);
        }
        ColumnBuilder {
            col: Column {
                kind,
                nulls: List::new(),
                ints: List::new(),
                floats: List::new(),
                heap: List::new(),
                offsets,
                values: List::new(),
                len: 0,
            },
        }
    }

    /// The kind being built.
    pub fn kind(&self) -> ColumnKind {
        self.col.kind
    }

    fn mark(&mut self, null: bool) {
        if null && self.col.nulls.is_empty() {
            self.col.nulls = std::iter::repeat_n(false, self.col.len()).collect();
        }
        if !self.col.nulls.is_empty() || null {
            self.col.nulls.push(null);
        }
        self.col.len += 1;
    }

    /// Appends a NULL.
    pub fn push_null(&mut self) {
        let k = self.col.kind;
        if k.uses_ints() {
            self.col.ints.push(0);
        } else if k.uses_heap() {
            let end = self.heap_end();
            self.col.offsets.push(end);
        } else if k == ColumnKind::F64 {
            self.col.floats.push(0.0);
        } else if k == ColumnKind::MIXED {
            self.col.values.push(Value::Null.into_ffi());
        }
        self.mark(true);
    }

    fn heap_end(&self) -> u32 {
        self.col.heap.len() as u32
    }

    /// Appends an integer cell of an integer-backed kind (i64, bool, date, time, timestamp).
    pub fn push_int_raw(&mut self, v: i64) {
        if self.col.kind.uses_ints() {
            self.col.ints.push(v);
            self.mark(false);
        } else {
            self.push(Value::I64(v));
        }
    }

    /// Appends an i64.
    pub fn push_i64(&mut self, v: i64) {
        if self.col.kind == ColumnKind::I64 {
            self.col.ints.push(v);
            self.mark(false);
        } else {
            self.push(Value::I64(v));
        }
    }

    /// Appends an f64.
    pub fn push_f64(&mut self, v: f64) {
        if self.col.kind == ColumnKind::F64 {
            self.col.floats.push(v);
            self.mark(false);
        } else {
            self.push(Value::F64(v));
        }
    }

    /// Appends one cell's bytes to the heap of a heap kind; callers check the kind.
    fn push_heap(&mut self, bytes: &[u8]) {
        self.col.heap.extend_from_slice(bytes);
        let end = self.heap_end();
        self.col.offsets.push(end);
        self.mark(false);
    }

    /// Appends text: the cell of a [`ColumnKind::TEXT`] column, or the text of a
    /// [`ColumnKind::DECIMAL`] or [`ColumnKind::JSON`] one, copied once into the column's
    /// buffer. In a column of another kind it is a text cell of a mixed column.
    ///
    /// ```
    /// use plugorm_plugin_api::row::{Cell, ColumnBuilder, ColumnKind};
    /// let mut b = ColumnBuilder::new(ColumnKind::DECIMAL);
    /// b.push_text("12.50");
    /// assert_eq!(b.finish().cell(0).unwrap(), Cell::Decimal("12.50"));
    /// ```
    pub fn push_text(&mut self, s: &str) {
        match self.col.kind {
            ColumnKind::TEXT | ColumnKind::DECIMAL | ColumnKind::JSON => {
                self.push_heap(s.as_bytes())
            }
            _ => self.push(Value::Text(s.into())),
        }
    }

    /// Appends bytes: the cell of a [`ColumnKind::BYTES`] column, copied once into the
    /// column's buffer. In a column of another kind (text included) it is a bytes cell
    /// of a mixed column, never text.
    ///
    /// ```
    /// use plugorm_plugin_api::row::{Cell, ColumnBuilder, ColumnKind};
    /// let mut b = ColumnBuilder::new(ColumnKind::BYTES);
    /// b.push_bytes(&[0, 159, 146, 150]);
    /// assert_eq!(b.finish().cell(0).unwrap(), Cell::Bytes(&[0, 159, 146, 150]));
    /// ```
    pub fn push_bytes(&mut self, bytes: &[u8]) {
        if self.col.kind == ColumnKind::BYTES {
            self.push_heap(bytes)
        } else {
            self.push(Value::Bytes(bytes.to_vec().into()))
        }
    }

    /// Appends a UUID: the cell of a [`ColumnKind::UUID`] column (always 16 bytes). In
    /// a column of another kind it is a UUID cell of a mixed column.
    ///
    /// ```
    /// use plugorm_plugin_api::row::{Cell, ColumnBuilder, ColumnKind};
    /// let mut b = ColumnBuilder::new(ColumnKind::UUID);
    /// b.push_uuid(&[7; 16]);
    /// assert_eq!(b.finish().cell(0).unwrap(), Cell::Uuid([7; 16]));
    /// ```
    pub fn push_uuid(&mut self, uuid: &[u8; 16]) {
        if self.col.kind == ColumnKind::UUID {
            self.push_heap(uuid)
        } else {
            self.push(Value::Uuid(*uuid))
        }
    }

    /// Appends any value: stored natively when it matches the column's kind, else the
    /// column becomes mixed.
    pub fn push(&mut self, v: Value) {
        let k = self.col.kind;
        match (&v, k) {
            (Value::Null, _) => return self.push_null(),
            (Value::Bool(b), ColumnKind::BOOL) => return self.push_int_raw(i64::from(*b)),
            (Value::I64(i), ColumnKind::I64) => return self.push_i64(*i),
            (Value::F64(f), ColumnKind::F64) => return self.push_f64(*f),
            (Value::Text(s), ColumnKind::TEXT)
            | (Value::Decimal(s), ColumnKind::DECIMAL)
            | (Value::Json(s), ColumnKind::JSON) => return self.push_heap(s.as_bytes()),
            (Value::Bytes(b), ColumnKind::BYTES) => return self.push_heap(b.as_slice()),
            (Value::Uuid(u), ColumnKind::UUID) => return self.push_uuid(u),
            (Value::Date(d), ColumnKind::DATE) => {
                return self.push_int_raw(i64::from(d.days_since_epoch))
            }
            (Value::Time(t), ColumnKind::TIME) => return self.push_int_raw(t.micros),
            (Value::Timestamp(t), ColumnKind::TIMESTAMP) if !t.utc => {
                return self.push_int_raw(t.micros)
            }
            (Value::Timestamp(t), ColumnKind::TIMESTAMP_UTC) if t.utc => {
                return self.push_int_raw(t.micros)
            }
            (_, ColumnKind::MIXED) => {}
            _ => self.make_mixed(),
        }
        self.col.values.push(v.into_ffi());
        self.mark(false);
    }

    fn make_mixed(&mut self) {
        let old = std::mem::replace(&mut self.col, ColumnBuilder::new(ColumnKind::MIXED).col);
        for row in 0..old.len() {
            let v = old.cell(row).map(Cell::to_value).unwrap_or(Value::Null);
            self.col.values.push(v.into_ffi());
            self.mark(false);
        }
        self.col.nulls = List::new();
    }

    /// The finished column.
    pub fn finish(self) -> Column {
        self.col
    }
}

/// Rows of one batch, column-major.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct RowBatch {
    pub columns: List<Column>,
    pub len: u64,
}

/// A query's result: column names once, then the rows in batches.
///
/// ```
/// use plugorm_plugin_api::row::{ColumnBuilder, ColumnKind, RowBatch, Rows};
/// let mut id = ColumnBuilder::new(ColumnKind::I64);
/// id.push_i64(1);
/// let rows = Rows::new(vec!["id".into()], vec![RowBatch { columns: vec![id.finish()].into(), len: 1 }]);
/// assert_eq!(rows.len(), 1);
/// let first = rows.iter().next().unwrap();
/// assert_eq!(first.get::<i64>("id").unwrap(), 1);
/// ```
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq, Default)]
pub struct Rows {
    pub names: List<Text>,
    pub batches: List<RowBatch>,
}

impl Rows {
    /// Rows from column names and batches.
    pub fn new(names: Vec<Text>, batches: Vec<RowBatch>) -> Rows {
        Rows {
            names: names.into(),
            batches: batches.into(),
        }
    }

    /// Total number of rows.
    pub fn len(&self) -> usize {
        self.batches.iter().map(|b| b.len as usize).sum()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The index of a column by name (exact match first, then case-insensitive).
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.names
            .iter()
            .position(|n| n.as_str() == name)
            .or_else(|| {
                self.names
                    .iter()
                    .position(|n| n.as_str().eq_ignore_ascii_case(name))
            })
    }

    /// The column names.
    pub fn column_names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(|n| n.as_str())
    }

    /// The row at `index` (counting across batches), without walking the rows before it.
    ///
    /// ```
    /// use plugorm_plugin_api::row::{ColumnBuilder, ColumnKind, RowBatch, Rows};
    /// let batch = |v: i64| {
    ///     let mut b = ColumnBuilder::new(ColumnKind::I64);
    ///     b.push_i64(v);
    ///     RowBatch { columns: vec![b.finish()].into(), len: 1 }
    /// };
    /// let rows = Rows::new(vec!["id".into()], vec![batch(1), batch(2)]);
    /// assert_eq!(rows.row(1).unwrap().get::<i64>("id").unwrap(), 2);
    /// assert!(rows.row(2).is_none());
    /// ```
    pub fn row(&self, index: usize) -> Option<Row<'_>> {
        let mut rest = index;
        for b in self.batches.iter() {
            let len = b.len as usize;
            if rest < len {
                return Some(Row {
                    rows: self,
                    batch: b,
                    index: rest,
                });
            }
            rest -= len;
        }
        None
    }

    /// Iterates over the rows.
    pub fn iter(&self) -> impl Iterator<Item = Row<'_>> {
        self.batches.iter().flat_map(move |b| {
            (0..b.len as usize).map(move |i| Row {
                rows: self,
                batch: b,
                index: i,
            })
        })
    }
}

/// One row, borrowed from its [`Rows`].
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    rows: &'a Rows,
    batch: &'a RowBatch,
    index: usize,
}

impl<'a> Row<'a> {
    /// The cell of column `idx`.
    pub fn cell(&self, idx: usize) -> Result<Cell<'a>, DbError> {
        let col = self.batch.columns.get(idx).ok_or_else(|| DbError::Decode {
            detail: format!(
                "column #{idx} does not exist (the row has {})",
                self.batch.columns.len()
            ),
        })?;
        col.cell(self.index)
    }

    /// Decodes the cell of column `idx`.
    pub fn get_at<T: Decode>(&self, idx: usize) -> Result<T, DbError> {
        let name = self.rows.names.get(idx).map(|n| n.as_str()).unwrap_or("?");
        T::decode(self.cell(idx)?).map_err(|e| e.in_column(name))
    }

    /// Decodes the cell of the named column.
    pub fn get<T: Decode>(&self, name: &str) -> Result<T, DbError> {
        let idx = self
            .rows
            .column_index(name)
            .ok_or_else(|| DbError::Decode {
                detail: format!(
                    "column `{name}`: no such column in the result (columns: {})",
                    self.rows
                        .names
                        .iter()
                        .map(|n| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })?;
        self.get_at(idx)
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.batch.columns.len()
    }

    /// True when the row has no columns.
    pub fn is_empty(&self) -> bool {
        self.batch.columns.is_empty()
    }

    /// The column names.
    pub fn names(&self) -> impl Iterator<Item = &'a str> {
        self.rows.names.iter().map(|n| n.as_str())
    }
}

/// Why a cell did not decode; becomes [`DbError::Decode`] with the column's name.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeError {
    pub expected: &'static str,
    pub found: String,
}

impl DecodeError {
    /// A mismatch between the Rust type and the cell.
    pub fn mismatch(expected: &'static str, cell: &Cell<'_>) -> DecodeError {
        DecodeError {
            expected,
            found: cell.kind_name().to_string(),
        }
    }
    fn in_column(self, column: &str) -> DbError {
        DbError::Decode {
            detail: format!(
                "column `{column}`: expected {}, found {}",
                self.expected, self.found
            ),
        }
    }
}

impl From<DbError> for DecodeError {
    fn from(e: DbError) -> DecodeError {
        DecodeError {
            expected: "a readable cell",
            found: e.to_string(),
        }
    }
}

/// A Rust type that can be read from a cell.
///
/// ```
/// use plugorm_plugin_api::row::{Cell, Decode};
/// assert_eq!(i32::decode(Cell::I64(5)).unwrap(), 5);
/// assert!(i32::decode(Cell::Text("x")).is_err());
/// assert_eq!(Option::<String>::decode(Cell::Null).unwrap(), None);
/// ```
pub trait Decode: Sized {
    /// Reads the value from a cell.
    fn decode(cell: Cell<'_>) -> Result<Self, DecodeError>;
}

mod builder;
mod decode_impls;

pub use builder::{RowsBuilder, DEFAULT_BATCH_ROWS};

#[cfg(test)]
mod tests;
