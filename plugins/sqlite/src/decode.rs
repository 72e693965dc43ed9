//! SQLite rows into column batches.
//!
//! Each column's buffer kind is chosen once, from the declared type (or, for expressions,
//! the first row's storage class). SQLite is dynamically typed, so each cell's storage
//! class is still read (a cheap C call); a cell that does not match its column's kind
//! turns the column into a mixed one rather than being coerced.

use plugorm_plugin_api::row::{ColumnBuilder, ColumnKind, RowBatch, Rows};
use sqlx::{sqlite::SqliteRow, Column as _, Row as _, TypeInfo as _, ValueRef as _};

use crate::error::translate;
use plugorm_plugin_api::DbResult;

/// Rows per batch of a whole result.
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

/// Builds [`Rows`] one fetched row at a time, so a result is decoded as it streams in
/// (each sqlx row is dropped right after its cells are copied, instead of all of them
/// being held and then walked column by column).
pub(crate) struct RowsBuilder {
    names: Vec<plugorm_plugin_api::types::Text>,
    kinds: Vec<ColumnKind>,
    columns: Vec<ColumnBuilder>,
    batches: Vec<RowBatch>,
    in_batch: usize,
    batch_rows: usize,
    started: bool,
}

impl Default for RowsBuilder {
    fn default() -> RowsBuilder {
        RowsBuilder::with_batch_rows(BATCH)
    }
}

impl RowsBuilder {
    /// A builder that closes a batch every `batch_rows` rows (at least one).
    pub(crate) fn with_batch_rows(batch_rows: usize) -> RowsBuilder {
        RowsBuilder {
            names: Vec::new(),
            kinds: Vec::new(),
            columns: Vec::new(),
            batches: Vec::new(),
            in_batch: 0,
            batch_rows: batch_rows.max(1),
            started: false,
        }
    }

    /// True until the first row is pushed.
    pub(crate) fn is_empty(&self) -> bool {
        !self.started
    }

    /// The column names (known once the first row is pushed).
    pub(crate) fn names(&self) -> Vec<String> {
        self.names.iter().map(|n| n.to_string()).collect()
    }

    /// The oldest full batch not taken yet (streaming takes each as soon as it closes).
    pub(crate) fn take_sealed(&mut self) -> Option<RowBatch> {
        (!self.batches.is_empty()).then(|| self.batches.remove(0))
    }

    /// Appends one row; the first one fixes the column names and kinds.
    pub(crate) fn push(&mut self, row: &SqliteRow) -> DbResult<()> {
        if !self.started {
            self.start(row)?;
            self.started = true;
        }
        for (i, b) in self.columns.iter_mut().enumerate() {
            push_cell(b, row, i)?;
        }
        self.in_batch += 1;
        if self.in_batch == self.batch_rows {
            self.seal();
        }
        Ok(())
    }

    fn start(&mut self, first: &SqliteRow) -> DbResult<()> {
        self.names = first.columns().iter().map(|c| c.name().into()).collect();
        self.kinds = (0..first.columns().len())
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
        self.columns = self.kinds.iter().map(|k| ColumnBuilder::new(*k)).collect();
        Ok(())
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

    /// Names the columns of a result without rows (SQLite names a result's columns with
    /// its rows, so the names of an empty one come from its prepared statement).
    pub(crate) fn name_empty(&mut self, names: Vec<String>) {
        if !self.started {
            self.names = names.into_iter().map(Into::into).collect();
        }
    }

    /// The rows pushed so far (for an empty result, no batches and the names given to
    /// [`RowsBuilder::name_empty`]).
    pub(crate) fn finish(mut self) -> Rows {
        if self.in_batch > 0 {
            self.seal();
        }
        Rows::new(self.names, self.batches)
    }
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
            b.push_text(s);
        }
        _ => {
            // A BLOB: a bytes cell in any column (SQLite stores blobs in TEXT columns too).
            let bytes: &[u8] = row.try_get_unchecked(i).map_err(translate)?;
            b.push_bytes(bytes);
        }
    }
    Ok(())
}
