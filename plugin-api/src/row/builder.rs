//! [`RowsBuilder`]: a result built one row at a time, in batches.

use super::{ColumnBuilder, ColumnKind, RowBatch, Rows};
use crate::{types::Text, value::Value};

/// Rows per batch unless [`RowsBuilder::batch_rows`] says otherwise.
pub const DEFAULT_BATCH_ROWS: usize = 1024;

/// Builds [`Rows`] from a driver that yields one row of [`Value`]s at a time: what every
/// driver without typed column buffers of its own needs. Each column's kind is the kind
/// of its first row's value (a column whose first value is NULL holds mixed cells); a
/// later cell of another type turns that column into a mixed one, so nothing is coerced.
/// Full batches can be taken as they close ([`RowsBuilder::take_batch`]), for streaming.
///
/// ```
/// use plugorm_plugin_api::{row::RowsBuilder, Value};
/// let mut b = RowsBuilder::new(vec!["id".into(), "name".into()]).batch_rows(2);
/// for i in 0..3 {
///     b.push_row([Value::I64(i), Value::from("x")]);
/// }
/// assert_eq!(b.take_batch().map(|batch| batch.len), Some(2));
/// b.push_row([Value::I64(3), Value::Null]);
/// let rows = b.finish();
/// assert_eq!(rows.len(), 2);
/// assert_eq!(rows.iter().nth(1).unwrap().get::<Option<String>>("name").unwrap(), None);
/// ```
#[derive(Debug)]
pub struct RowsBuilder {
    names: Vec<Text>,
    kinds: Vec<ColumnKind>,
    columns: Vec<ColumnBuilder>,
    sealed: std::collections::VecDeque<RowBatch>,
    in_batch: usize,
    batch_rows: usize,
}

impl RowsBuilder {
    /// A builder for a result with these column names.
    pub fn new(names: Vec<String>) -> RowsBuilder {
        RowsBuilder {
            names: names.into_iter().map(Text::from).collect(),
            kinds: Vec::new(),
            columns: Vec::new(),
            sealed: Default::default(),
            in_batch: 0,
            batch_rows: DEFAULT_BATCH_ROWS,
        }
    }

    /// Closes a batch every `rows` rows (at least one; default [`DEFAULT_BATCH_ROWS`]).
    pub fn batch_rows(mut self, rows: usize) -> RowsBuilder {
        self.batch_rows = rows.max(1);
        self
    }

    /// The column names.
    pub fn names(&self) -> Vec<String> {
        self.names.iter().map(|n| n.to_string()).collect()
    }

    /// Appends one row, a cell per column in order (missing cells are NULL, extra ones
    /// are ignored).
    pub fn push_row(&mut self, cells: impl IntoIterator<Item = Value>) {
        let mut cells = cells.into_iter();
        if self.kinds.is_empty() && !self.names.is_empty() {
            let first: Vec<Value> = cells.by_ref().take(self.names.len()).collect();
            self.kinds = (0..self.names.len())
                .map(|i| first.get(i).map_or(ColumnKind::MIXED, ColumnKind::of))
                .collect();
            self.columns = self.fresh();
            return self.push_row(first);
        }
        for column in &mut self.columns {
            column.push(cells.next().unwrap_or(Value::Null));
        }
        self.in_batch += 1;
        if self.in_batch == self.batch_rows {
            self.seal();
        }
    }

    /// The oldest full batch not taken yet.
    pub fn take_batch(&mut self) -> Option<RowBatch> {
        self.sealed.pop_front()
    }

    fn fresh(&self) -> Vec<ColumnBuilder> {
        self.kinds.iter().map(|k| ColumnBuilder::new(*k)).collect()
    }

    fn seal(&mut self) {
        let fresh = self.fresh();
        let columns = std::mem::replace(&mut self.columns, fresh);
        self.sealed.push_back(RowBatch {
            columns: columns.into_iter().map(ColumnBuilder::finish).collect(),
            len: self.in_batch as u64,
        });
        self.in_batch = 0;
    }

    /// The rows pushed and not taken.
    pub fn finish(mut self) -> Rows {
        if self.in_batch > 0 {
            self.seal();
        }
        Rows::new(self.names, self.sealed.into())
    }
}

impl ColumnKind {
    /// The column kind that stores `v` natively ([`ColumnKind::MIXED`] for NULL).
    ///
    /// ```
    /// use plugorm_plugin_api::{row::ColumnKind, Value};
    /// assert_eq!(ColumnKind::of(&Value::I64(1)), ColumnKind::I64);
    /// assert_eq!(ColumnKind::of(&Value::Null), ColumnKind::MIXED);
    /// ```
    pub fn of(v: &Value) -> ColumnKind {
        match v {
            Value::Bool(_) => ColumnKind::BOOL,
            Value::I64(_) => ColumnKind::I64,
            Value::F64(_) => ColumnKind::F64,
            Value::Decimal(_) => ColumnKind::DECIMAL,
            Value::Text(_) => ColumnKind::TEXT,
            Value::Bytes(_) => ColumnKind::BYTES,
            Value::Date(_) => ColumnKind::DATE,
            Value::Time(_) => ColumnKind::TIME,
            Value::Timestamp(t) if t.utc => ColumnKind::TIMESTAMP_UTC,
            Value::Timestamp(_) => ColumnKind::TIMESTAMP,
            Value::Uuid(_) => ColumnKind::UUID,
            Value::Json(_) => ColumnKind::JSON,
            Value::Null => ColumnKind::MIXED,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_of_another_type_makes_its_column_mixed_and_keeps_every_value() {
        let mut b = RowsBuilder::new(vec!["v".into(), "w".into()]);
        b.push_row([Value::I64(1), Value::Null]);
        b.push_row([Value::from("two"), Value::F64(2.5)]);
        b.push_row([Value::I64(3)]);
        let rows = b.finish();
        let values: Vec<(Value, Value)> = rows
            .iter()
            .map(|r| (r.get_at(0).unwrap(), r.get_at(1).unwrap()))
            .collect();
        assert_eq!(
            values,
            [
                (Value::I64(1), Value::Null),
                (Value::from("two"), Value::F64(2.5)),
                (Value::I64(3), Value::Null)
            ]
        );
    }

    #[test]
    fn batches_close_at_the_limit_and_an_empty_result_has_none() {
        let mut b = RowsBuilder::new(vec!["v".into()]).batch_rows(0);
        b.push_row([Value::I64(1)]);
        b.push_row([Value::I64(2)]);
        assert_eq!(b.take_batch().map(|x| x.len), Some(1));
        assert_eq!(b.take_batch().map(|x| x.len), Some(1));
        assert!(b.take_batch().is_none());
        assert!(b.finish().batches.is_empty());
        let empty = RowsBuilder::new(vec!["v".into()]).finish();
        assert_eq!((empty.len(), empty.names.len()), (0, 1));
    }
}
