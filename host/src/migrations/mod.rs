//! Versioned migrations: SQL files or Rust functions, applied in version order, recorded
//! with checksums in `plugorm_migrations`, one run at a time per database.
//!
//! This is not GORM's schema [`Migrator`](crate::migrator::Migrator) (AutoMigrate and the
//! table / column operations): it runs migrations the application wrote, as sqlx-cli,
//! refinery or Diesel do.
//!
//! * **Sources** ([`Migrations`]): a folder of `<version>_<name>.up.sql` files, each with
//!   an optional `<version>_<name>.down.sql` (without it the migration is irreversible),
//!   and [`RustMigration`]s registered with [`inventory::submit!`]. A file may hold several
//!   statements; they run one at a time, split at the `;`s outside quotes, comments and
//!   dollar-quoted bodies.
//! * **The table** `plugorm_migrations` (version, name, checksum = SHA-256 of the up text,
//!   applied_at, execution_ms), created on first use through the dialect.
//! * **The lock**: `pg_advisory_lock` on PostgreSQL, `GET_LOCK` on MySQL / MariaDB, a lock
//!   row on SQLite, held on the run's own connection and released when the run ends,
//!   fails or is dropped.
//! * **Transactions**: each migration and its record in one transaction; on PostgreSQL
//!   and SQLite a failed migration leaves nothing, on MySQL / MariaDB (DDL commits at
//!   once) the statements before the failing one stay.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use plugorm::migrations::Migrations;
//! let db = plugorm::open("sqlite://app.db").await?;
//! let report = db.migrations(Migrations::from_dir("migrations")?).up().await?;
//! println!("{} migration(s) applied", report.applied.len());
//! # Ok(()) }
//! ```

mod error;
mod files;
mod lock;
mod report;
mod run;
mod rust;
mod source;
mod table;

pub use error::MigrationError;
pub use futures_util::future::BoxFuture;
pub use inventory;
pub use lock::StaleLock;
pub use report::{Direction, MigrationStatus, Progress, Ran, RunReport, State};
pub use run::MigrationRunner;
pub use rust::{MigrationFn, RustMigration};
pub use source::{Migration, Migrations, Step};
pub use table::{LOCK_TABLE, TABLE};

use crate::Db;

impl Db {
    /// A runner of versioned migrations on this database (see [`crate::migrations`]).
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> Result<(), plugorm::migrations::MigrationError> {
    /// use plugorm::migrations::Migrations;
    /// let mut set = Migrations::from_dir("migrations")?;
    /// set.add_registered()?;                  // plus the Rust ones
    /// db.migrations(set).up().await?;
    /// # Ok(()) }
    /// ```
    pub fn migrations(&self, set: Migrations) -> MigrationRunner {
        MigrationRunner::new(self.clone(), set)
    }
}
