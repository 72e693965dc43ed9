//! Row locks as SQL Server table hints.
//!
//! GORM's sqlserver driver writes the generic `FOR UPDATE` (G68, G70, G71), which T-SQL
//! does not have; SQL Server locks through table hints after each table of the FROM
//! clause. This dialect writes those instead (a deliberate difference):
//!
//! | lock | hint after each locked table |
//! | --- | --- |
//! | `FOR UPDATE` (and PostgreSQL's weaker `NO KEY UPDATE`) | `WITH (UPDLOCK, ROWLOCK)` |
//! | `FOR SHARE` (and the weaker `KEY SHARE`) | `WITH (HOLDLOCK, ROWLOCK)`: shared locks held to the end of the transaction |
//! | … `NOWAIT` | `…, NOWAIT)`: fail at once on a locked row |
//! | … `SKIP LOCKED` | `…, READPAST)`; a shared lock then holds its locks with `REPEATABLEREAD` (SQL Server refuses `READPAST` under `HOLDLOCK`) |
//! | … `OF t` | the hint only on the tables named (by alias or name) |
//!
//! Without `OF`, every table of the FROM clause and its joins is locked, as PostgreSQL's
//! `FOR UPDATE` locks the rows of every table read. Raw join text carries no hint; a raw
//! FROM text gets it appended. A lock with no table to carry it (a sub-query in FROM) or
//! naming a table the query does not read is refused with [`DbError::Unsupported`].

use plugorm_plugin_api::{
    render::SqlWriter,
    statement::{Lock, LockStrength, LockWait, TableRef},
    types::Text,
    DbError, DbResult,
};

/// The hint of one SELECT's lock, and which of its tables carry it.
#[derive(Debug)]
pub(crate) struct TableHint<'a> {
    text: String,
    of: &'a [Text],
    /// Which `of` names found their table.
    matched: Vec<bool>,
    placed: usize,
}

impl<'a> TableHint<'a> {
    /// The hint for a locking clause.
    pub(crate) fn new(lock: &'a Lock) -> TableHint<'a> {
        let update = matches!(
            lock.strength,
            LockStrength::Update | LockStrength::NoKeyUpdate
        );
        let hints: &[&str] = match (update, lock.wait) {
            (true, LockWait::Wait) => &["UPDLOCK", "ROWLOCK"],
            (true, LockWait::NoWait) => &["UPDLOCK", "ROWLOCK", "NOWAIT"],
            (true, LockWait::SkipLocked) => &["UPDLOCK", "ROWLOCK", "READPAST"],
            (false, LockWait::Wait) => &["HOLDLOCK", "ROWLOCK"],
            (false, LockWait::NoWait) => &["HOLDLOCK", "ROWLOCK", "NOWAIT"],
            (false, LockWait::SkipLocked) => &["REPEATABLEREAD", "ROWLOCK", "READPAST"],
        };
        TableHint {
            text: format!(" WITH ({})", hints.join(", ")),
            of: &lock.of,
            matched: vec![false; lock.of.len()],
            placed: 0,
        }
    }

    /// True when the lock covers a table known by `names`; marks the `of` names it matches.
    fn wanted(&mut self, names: &[&str]) -> bool {
        let mut any = self.of.is_empty();
        for (t, seen) in self.of.iter().zip(self.matched.iter_mut()) {
            if names.iter().any(|n| t.as_str().eq_ignore_ascii_case(n)) {
                *seen = true;
                any = true;
            }
        }
        any
    }

    /// Writes the hint after `table` when the lock covers it.
    pub(crate) fn after_table(&mut self, w: &mut SqlWriter, table: &TableRef) {
        if self.wanted(&[table.reference_name(), &table.name]) {
            w.push_str(&self.text);
            self.placed += 1;
        }
    }

    /// Writes the hint after a raw FROM text when the lock covers every table.
    pub(crate) fn after_raw(&mut self, w: &mut SqlWriter) {
        if self.of.is_empty() {
            w.push_str(&self.text);
            self.placed += 1;
        }
    }

    /// Checks that the hint found its tables.
    pub(crate) fn finish(self) -> DbResult<()> {
        if self.placed > 0 && self.matched.iter().all(|m| *m) {
            return Ok(());
        }
        let what = if self.of.is_empty() {
            "this query reads no table that can carry one (a sub-query in FROM cannot): \
             put the lock on the sub-query instead"
                .to_string()
        } else {
            let names: Vec<&str> = self.of.iter().map(|t| t.as_str()).collect();
            format!(
                "the lock names {} but the query's FROM and JOIN tables do not all match \
                 (raw JOIN text cannot carry a hint)",
                names.join(", ")
            )
        };
        Err(DbError::Unsupported(format!(
            "SQL Server locks rows with table hints ({}), and {what}",
            self.text.trim()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint(strength: LockStrength, wait: LockWait) -> String {
        let lock = Lock {
            strength,
            of: Default::default(),
            wait,
        };
        TableHint::new(&lock).text
    }

    #[test]
    fn every_lock_is_a_valid_hint() {
        use LockStrength::*;
        use LockWait::*;
        assert_eq!(hint(Update, Wait), " WITH (UPDLOCK, ROWLOCK)");
        assert_eq!(hint(Update, NoWait), " WITH (UPDLOCK, ROWLOCK, NOWAIT)");
        assert_eq!(
            hint(Update, SkipLocked),
            " WITH (UPDLOCK, ROWLOCK, READPAST)"
        );
        assert_eq!(hint(NoKeyUpdate, Wait), " WITH (UPDLOCK, ROWLOCK)");
        assert_eq!(hint(Share, Wait), " WITH (HOLDLOCK, ROWLOCK)");
        assert_eq!(hint(KeyShare, NoWait), " WITH (HOLDLOCK, ROWLOCK, NOWAIT)");
        assert_eq!(
            hint(Share, SkipLocked),
            " WITH (REPEATABLEREAD, ROWLOCK, READPAST)"
        );
    }
}
