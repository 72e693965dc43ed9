//! [`MigrationError`]: everything a versioned-migration run can refuse or fail with, each
//! naming the file or version involved and what to do about it.

use std::path::PathBuf;

/// Why a set of migrations could not be read, or a run could not go on.
///
/// ```
/// use plugorm::migrations::MigrationError;
/// let e = MigrationError::ChangedChecksum {
///     version: 2,
///     name: "add_email".into(),
///     source_name: "migrations/2_add_email.up.sql".into(),
/// };
/// assert!(e.to_string().contains("version 2"));
/// ```
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    /// The folder of migration files cannot be read.
    #[error("cannot read the migrations folder `{}`: {reason}", dir.display())]
    Dir { dir: PathBuf, reason: String },
    /// A migration file cannot be read (not UTF-8, unreadable).
    #[error("cannot read the migration file `{}`: {reason}", file.display())]
    File { file: PathBuf, reason: String },
    /// A file in the folder is not named `<version>_<name>.up.sql` / `.down.sql`.
    #[error("`{}` is not a migration file name: {reason} (expected `<version>_<name>.up.sql` or `<version>_<name>.down.sql`, version a positive integer)", file.display())]
    BadName { file: PathBuf, reason: String },
    /// Two migrations share a version.
    #[error("migration version {version} is defined twice: by `{first}` and by `{second}` (give each migration its own version)")]
    DuplicateVersion {
        version: i64,
        first: String,
        second: String,
    },
    /// A down file with no up file beside it.
    #[error("`{}` has no up migration beside it (add `{version}_<name>.up.sql`)", file.display())]
    DownWithoutUp { file: PathBuf, version: i64 },
    /// An applied migration's up text differs from what was applied.
    #[error("migration version {version} (`{name}`) was changed after it was applied: the checksum of `{source_name}` differs from the one recorded (revert the edit and add a new migration instead)")]
    ChangedChecksum {
        version: i64,
        name: String,
        source_name: String,
    },
    /// The database holds applied migrations that no source defines.
    #[error("the database has applied migration(s) {versions:?} that are not among the sources (restore them, or allow missing migrations with `allow_missing(true)`)")]
    MissingSources { versions: Vec<i64> },
    /// A rollback reached an applied migration that no source defines.
    #[error("migration version {version} is applied but no source defines it, so it cannot be rolled back (restore its files)")]
    NoSource { version: i64 },
    /// A rollback reached a migration without a down part.
    #[error("migration version {version} (`{name}`) is irreversible: it has no down migration (add `{version}_{name}.down.sql`)")]
    Irreversible { version: i64, name: String },
    /// `up_to` / `down_to` named a version no source defines.
    #[error("no migration has version {version}")]
    UnknownVersion { version: i64 },
    /// A statement of a migration failed; the migration was not recorded.
    #[error("migration version {version} (`{name}`) failed at statement {statement} of {statements} (`{sql}`){}: {source}", if *.rolled_back { "; its transaction was rolled back, nothing of it remains" } else { "; this database has no transactional DDL, so the statements before it stay applied" })]
    Failed {
        version: i64,
        name: String,
        /// 1-based index of the failing statement.
        statement: usize,
        statements: usize,
        /// The failing statement's text (its start, for a long one).
        sql: String,
        /// The migration ran in a transaction that was rolled back.
        rolled_back: bool,
        source: Box<crate::Error>,
    },
    /// The migrations lock could not be taken.
    #[error("cannot take the migrations lock: {0}")]
    Lock(String),
    /// The database refused a bookkeeping statement (the migrations table, the lock).
    #[error(transparent)]
    Db(Box<crate::Error>),
}

impl From<crate::Error> for MigrationError {
    fn from(e: crate::Error) -> MigrationError {
        MigrationError::Db(Box::new(e))
    }
}

impl From<plugorm_plugin_api::DbError> for MigrationError {
    fn from(e: plugorm_plugin_api::DbError) -> MigrationError {
        MigrationError::from(crate::Error::Db(e))
    }
}
