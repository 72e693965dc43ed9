//! SQLite rows into column batches.
//!
//! Each column's buffer kind is chosen once, from the declared type (or, for expressions,
//! the first row's storage class). SQLite is dynamically typed, so each cell's storage
//! class is still read (a cheap C call); a cell that does not match its column's kind
//! turns the column into a mixed one rather than being coerced.

use plugorm_plugin_api::{
    row::{ColumnBuilder, ColumnKind, RowBatch, Rows},
    types::Text,
    DbError, DbResult,
};
use rusqlite::{types::ValueRef, Row, Statement};

/// Rows per batch of a whole result.
const BATCH: usize = 1024;

/// The kind of a column from its declared type, read as SQLite's type affinity reads
/// it: `BOOLEAN` / `BOOL`, `DATE`, `TIME`, `DATETIME` / `TIMESTAMP` by name, then any
/// type holding `INT` is an integer, `CHAR` / `CLOB` / `TEXT` text, `BLOB` bytes,
/// `REAL` / `FLOA` / `DOUB` a float. Anything else (`NUMERIC`, `DECIMAL`, no type) has
/// none: the first row's storage class decides.
fn kind_of_decl(decl: &str) -> Option<ColumnKind> {
    let d = decl.to_ascii_lowercase();
    Some(match d.as_str() {
        "boolean" | "bool" => ColumnKind::BOOL,
        "date" | "time" | "datetime" | "timestamp" => ColumnKind::TEXT,
        _ if d.contains("int") => ColumnKind::I64,
        _ if d.contains("char") || d.contains("clob") || d.contains("text") => ColumnKind::TEXT,
        _ if d.contains("blob") => ColumnKind::BYTES,
        _ if d.contains("real") || d.contains("floa") || d.contains("doub") => ColumnKind::F64,
        _ => return None,
    })
}

/// The kind of a column whose type is the first row's storage class.
fn kind_of_storage(v: ValueRef<'_>) -> ColumnKind {
    match v {
        ValueRef::Integer(_) => ColumnKind::I64,
        ValueRef::Real(_) => ColumnKind::F64,
        ValueRef::Text(_) => ColumnKind::TEXT,
        ValueRef::Blob(_) => ColumnKind::BYTES,
        ValueRef::Null => ColumnKind::MIXED,
    }
}

/// Builds [`Rows`] one stepped row at a time, so a result is decoded as it streams in
/// (each row's cells are copied while SQLite holds them, nothing else is kept).
pub(crate) struct RowsBuilder {
    names: Vec<Text>,
    /// The declared kinds, `None` for a column typed by its first value.
    declared: Vec<Option<ColumnKind>>,
    kinds: Vec<ColumnKind>,
    columns: Vec<ColumnBuilder>,
    batches: Vec<RowBatch>,
    in_batch: usize,
    batch_rows: usize,
    started: bool,
}

impl RowsBuilder {
    /// A builder for the rows of `stmt`: its column names and declared types (SQLite
    /// knows both before the first step, so a result without rows is named too).
    pub(crate) fn for_statement(stmt: &Statement<'_>) -> RowsBuilder {
        let (names, declared) = columns_of(stmt);
        RowsBuilder {
            names,
            declared,
            kinds: Vec::new(),
            columns: Vec::new(),
            batches: Vec::new(),
            in_batch: 0,
            batch_rows: BATCH,
            started: false,
        }
    }

    /// Closes a batch every `batch_rows` rows (at least one).
    pub(crate) fn batch_rows(mut self, batch_rows: usize) -> RowsBuilder {
        self.batch_rows = batch_rows.max(1);
        self
    }

    /// True until the first row is pushed.
    pub(crate) fn is_empty(&self) -> bool {
        !self.started
    }

    /// The column names.
    pub(crate) fn names(&self) -> Vec<String> {
        self.names.iter().map(|n| n.to_string()).collect()
    }

    /// The oldest full batch not taken yet (streaming takes each as soon as it closes).
    pub(crate) fn take_sealed(&mut self) -> Option<RowBatch> {
        (!self.batches.is_empty()).then(|| self.batches.remove(0))
    }

    /// Appends one row; the first one fixes the kinds of the columns without a declared
    /// type.
    pub(crate) fn push(&mut self, row: &Row<'_>) -> DbResult<()> {
        if !self.started {
            self.refresh(row.as_ref());
            self.kinds = self
                .declared
                .iter()
                .enumerate()
                .map(|(i, k)| k.unwrap_or_else(|| kind_of_storage(row.get_ref_unwrap(i))))
                .collect();
            self.columns = self.kinds.iter().map(|k| ColumnBuilder::new(*k)).collect();
            self.started = true;
        }
        for (i, b) in self.columns.iter_mut().enumerate() {
            push_cell(b, row.get_ref_unwrap(i))?;
        }
        self.in_batch += 1;
        if self.in_batch == self.batch_rows {
            self.seal();
        }
        Ok(())
    }

    /// Reads the columns again from `stmt` as it is now. The first step of a cached
    /// statement whose table changed since it was prepared (a column added or dropped, the
    /// table rebuilt) prepares it anew, so the columns read before that step may be stale:
    /// the builder takes them again at the first row, or after the last step of an empty
    /// result.
    pub(crate) fn refresh(&mut self, stmt: &Statement<'_>) {
        if !self.started {
            (self.names, self.declared) = columns_of(stmt);
        }
    }

    /// Closes the current batch.
    fn seal(&mut self) {
        let fresh = self.kinds.iter().map(|k| ColumnBuilder::new(*k)).collect();
        let columns: Vec<_> = std::mem::replace(&mut self.columns, fresh)
            .into_iter()
            .map(ColumnBuilder::finish)
            .collect();
        self.batches.push(RowBatch {
            columns: columns.into(),
            len: self.in_batch as u64,
        });
        self.in_batch = 0;
    }

    /// The rows pushed so far (for an empty result, no batches and the names).
    pub(crate) fn finish(mut self) -> Rows {
        if self.in_batch > 0 {
            self.seal();
        }
        Rows::new(self.names, self.batches)
    }
}

fn push_cell(b: &mut ColumnBuilder, cell: ValueRef<'_>) -> DbResult<()> {
    match cell {
        ValueRef::Null => b.push_null(),
        ValueRef::Integer(v) if b.kind() == ColumnKind::BOOL => b.push_int_raw(i64::from(v != 0)),
        ValueRef::Integer(v) => b.push_i64(v),
        ValueRef::Real(v) => b.push_f64(v),
        ValueRef::Text(t) => b.push_text(std::str::from_utf8(t).map_err(|e| DbError::Decode {
            detail: format!("a TEXT cell that is not UTF-8: {e}"),
        })?),
        // A BLOB: a bytes cell in any column (SQLite stores blobs in TEXT columns too).
        ValueRef::Blob(bytes) => b.push_bytes(bytes),
    }
    Ok(())
}

/// The names and declared kinds of the columns of `stmt`.
fn columns_of(stmt: &Statement<'_>) -> (Vec<Text>, Vec<Option<ColumnKind>>) {
    let columns = stmt.columns();
    (
        columns.iter().map(|c| c.name().into()).collect(),
        columns
            .iter()
            .map(|c| c.decl_type().and_then(kind_of_decl))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::kind_of_decl;
    use plugorm_plugin_api::row::ColumnKind;

    #[test]
    fn declared_types_are_read_by_affinity() {
        let cases = [
            ("INTEGER", Some(ColumnKind::I64)),
            ("bigint", Some(ColumnKind::I64)),
            ("BOOLEAN", Some(ColumnKind::BOOL)),
            ("bool", Some(ColumnKind::BOOL)),
            ("datetime", Some(ColumnKind::TEXT)),
            ("TIMESTAMP", Some(ColumnKind::TEXT)),
            ("varchar(20)", Some(ColumnKind::TEXT)),
            ("BLOB", Some(ColumnKind::BYTES)),
            ("double precision", Some(ColumnKind::F64)),
            ("numeric", None),
            ("decimal(10,2)", None),
            ("", None),
        ];
        for (decl, kind) in cases {
            assert_eq!(kind_of_decl(decl), kind, "{decl}");
        }
    }
}
