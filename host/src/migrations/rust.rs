//! Migrations written in Rust, registered with `inventory` so that every crate linked into
//! the binary can contribute some: [`RustMigration`].

use futures_util::future::BoxFuture;

use crate::{Db, Result};

/// The up or down function of a [`RustMigration`]: given the handle the migration runs on
/// (inside the migration's transaction where the dialect has transactional DDL).
pub type MigrationFn = for<'a> fn(&'a Db) -> BoxFuture<'a, Result<()>>;

/// A migration in Rust. Register one with `plugorm::migrations::inventory::submit!`, and
/// [`Migrations::registered`](super::Migrations::registered) finds it; its checksum covers
/// its version and name (code cannot be hashed), so editing its body is not detected.
///
/// ```
/// use plugorm::{migrations::{inventory, BoxFuture, Migrations, RustMigration}, Db};
///
/// fn seed_roles(db: &Db) -> BoxFuture<'_, plugorm::Result<()>> {
///     Box::pin(async move {
///         db.exec("INSERT INTO roles (name) VALUES (?)", ("admin",)).await?;
///         Ok(())
///     })
/// }
///
/// fn unseed_roles(db: &Db) -> BoxFuture<'_, plugorm::Result<()>> {
///     Box::pin(async move {
///         db.exec("DELETE FROM roles WHERE name = ?", ("admin",)).await?;
///         Ok(())
///     })
/// }
///
/// inventory::submit! {
///     RustMigration::new(20240102, "seed_roles", seed_roles, Some(unseed_roles))
/// }
///
/// let set = Migrations::registered().unwrap();
/// assert_eq!(set.get(20240102).unwrap().name(), "seed_roles");
/// ```
pub struct RustMigration {
    /// The version (a positive integer, unique among all migrations of the run).
    pub version: i64,
    /// The name, shown by status and recorded in the migrations table.
    pub name: &'static str,
    /// Applies the migration.
    pub up: MigrationFn,
    /// Rolls it back (`None`: irreversible).
    pub down: Option<MigrationFn>,
}

impl RustMigration {
    /// A migration for `inventory::submit!` (a `const fn`, as `submit!` needs).
    pub const fn new(
        version: i64,
        name: &'static str,
        up: MigrationFn,
        down: Option<MigrationFn>,
    ) -> RustMigration {
        RustMigration {
            version,
            name,
            up,
            down,
        }
    }
}

inventory::collect!(RustMigration);
