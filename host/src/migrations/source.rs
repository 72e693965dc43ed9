//! [`Migration`] and [`Migrations`]: the versioned migrations a run applies, whether they
//! come from SQL files ([`Migrations::from_dir`]) or from Rust ([`RustMigration`]).

use std::{collections::BTreeMap, sync::Arc};

use sha2::{Digest, Sha256};

use super::{rust::MigrationFn, MigrationError, RustMigration};

/// What a migration runs in one direction.
#[derive(Clone)]
pub enum Step {
    /// SQL text, possibly several statements (run one at a time).
    Sql(String),
    /// A Rust function given the handle the migration runs on.
    Rust(MigrationFn),
}

impl std::fmt::Debug for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::Sql(text) => f.debug_tuple("Sql").field(text).finish(),
            Step::Rust(_) => f.write_str("Rust(fn)"),
        }
    }
}

/// One versioned migration: its version, name, up and (optional) down steps, and the
/// checksum recorded when it is applied.
///
/// ```
/// use plugorm::migrations::Migration;
/// let m = Migration::sql(1, "create_users", "CREATE TABLE users (id INT)", Some("DROP TABLE users"));
/// assert_eq!(m.checksum().len(), 64);
/// assert!(m.is_reversible());
/// ```
#[derive(Debug, Clone)]
pub struct Migration {
    version: i64,
    name: String,
    up: Step,
    down: Option<Step>,
    /// Where it came from, for messages (a file path, or `rust:<name>`).
    origin: String,
    checksum: String,
}

impl Migration {
    /// A migration from SQL text.
    pub fn sql(version: i64, name: &str, up: &str, down: Option<&str>) -> Migration {
        Migration {
            version,
            name: name.to_string(),
            up: Step::Sql(up.to_string()),
            down: down.map(|d| Step::Sql(d.to_string())),
            origin: format!("{version}_{name}"),
            checksum: sha256_hex(up.as_bytes()),
        }
    }

    /// The version (applied in ascending order).
    pub fn version(&self) -> i64 {
        self.version
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The up step.
    pub fn up(&self) -> &Step {
        &self.up
    }

    /// The down step, if the migration can be rolled back.
    pub fn down(&self) -> Option<&Step> {
        self.down.as_ref()
    }

    /// True when the migration has a down step.
    pub fn is_reversible(&self) -> bool {
        self.down.is_some()
    }

    /// Where it came from: the up file's path, or `rust:<name>`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The lowercase hex SHA-256 of the up SQL text (for a Rust migration, of its version
    /// and name: its code cannot be hashed).
    pub fn checksum(&self) -> &str {
        &self.checksum
    }

    pub(super) fn with_origin(mut self, origin: String) -> Migration {
        self.origin = origin;
        self
    }
}

impl From<&RustMigration> for Migration {
    fn from(r: &RustMigration) -> Migration {
        Migration {
            version: r.version,
            name: r.name.to_string(),
            up: Step::Rust(r.up),
            down: r.down.map(Step::Rust),
            origin: format!("rust:{}", r.name),
            checksum: sha256_hex(format!("rust migration {} {}", r.version, r.name).as_bytes()),
        }
    }
}

/// The lowercase hex SHA-256 of `bytes`.
pub(super) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A set of migrations, by version: what [`Db::migrations`](crate::Db::migrations) runs.
///
/// ```
/// use plugorm::migrations::{Migration, Migrations};
/// let mut set = Migrations::new();
/// set.add(Migration::sql(1, "a", "CREATE TABLE a (id INT)", None)).unwrap();
/// assert!(set.add(Migration::sql(1, "b", "SELECT 1", None)).is_err()); // same version
/// assert_eq!(set.len(), 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Migrations {
    by_version: BTreeMap<i64, Arc<Migration>>,
}

impl Migrations {
    /// An empty set.
    pub fn new() -> Migrations {
        Migrations::default()
    }

    /// The migrations of a folder of `<version>_<name>.up.sql` / `.down.sql` files (named
    /// as the module's documentation describes).
    ///
    /// ```no_run
    /// let set = plugorm::migrations::Migrations::from_dir("migrations")?;
    /// # Ok::<(), plugorm::migrations::MigrationError>(())
    /// ```
    pub fn from_dir(dir: impl AsRef<std::path::Path>) -> Result<Migrations, MigrationError> {
        let mut set = Migrations::new();
        for m in super::files::read_dir(dir.as_ref())? {
            set.add(m)?;
        }
        Ok(set)
    }

    /// Every [`RustMigration`] registered with `inventory::submit!` in the binary.
    pub fn registered() -> Result<Migrations, MigrationError> {
        let mut set = Migrations::new();
        set.add_registered()?;
        Ok(set)
    }

    /// Adds every registered [`RustMigration`] to this set.
    pub fn add_registered(&mut self) -> Result<&mut Migrations, MigrationError> {
        for r in inventory::iter::<RustMigration> {
            self.add(Migration::from(r))?;
        }
        Ok(self)
    }

    /// Adds one migration; a version already in the set is [`MigrationError::DuplicateVersion`]
    /// and a version below 1 is [`MigrationError::BadName`].
    pub fn add(&mut self, m: Migration) -> Result<&mut Migrations, MigrationError> {
        if m.version < 1 {
            return Err(MigrationError::BadName {
                file: m.origin.clone().into(),
                reason: format!("version {} is not a positive integer", m.version),
            });
        }
        if let Some(first) = self.by_version.get(&m.version) {
            return Err(MigrationError::DuplicateVersion {
                version: m.version,
                first: first.origin.clone(),
                second: m.origin,
            });
        }
        self.by_version.insert(m.version, Arc::new(m));
        Ok(self)
    }

    /// How many migrations the set holds.
    pub fn len(&self) -> usize {
        self.by_version.len()
    }

    /// True when the set holds none.
    pub fn is_empty(&self) -> bool {
        self.by_version.is_empty()
    }

    /// The migration of a version.
    pub fn get(&self, version: i64) -> Option<&Arc<Migration>> {
        self.by_version.get(&version)
    }

    /// Every migration, by ascending version.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Migration>> {
        self.by_version.values()
    }
}
