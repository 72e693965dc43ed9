//! [`Capability`]: the groups the checks are reported in.

use std::fmt;

/// A group of checks, reported together; the dialect's
/// [`Capabilities`](plugorm::plugin_api::dialect::Capabilities) can make one skipped
/// (`savepoints = false` skips [`Capability::Savepoints`]).
///
/// ```
/// use plugorm_dialect_tests::Capability;
/// assert_eq!(Capability::GoldenSql.name(), "golden_sql");
/// assert_eq!(Capability::ALL.len(), 11);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Capability {
    /// Create, read, update, delete of derived models.
    Crud,
    /// WHERE conditions, ordering, paging, counting, grouping.
    Conditions,
    /// Relations: create with associations, preload, association mode.
    Associations,
    /// Transactions: commit, rollback, default transactions around writes.
    Transactions,
    /// Nested transactions and explicit savepoints.
    Savepoints,
    /// Futures dropped mid-flight leave nothing behind.
    Cancellation,
    /// Model streams, raw row streams, `find_in_batches`.
    Streaming,
    /// AutoMigrate (twice: no DDL the second time), describe table, foreign keys.
    Migrations,
    /// Constraint violations come back as the host's typed errors.
    Errors,
    /// Every `Value` type round-trips.
    Values,
    /// Statements render to the SQL texts the dialect declares.
    GoldenSql,
}

impl Capability {
    /// Every capability, in report order.
    ///
    /// ```
    /// assert_eq!(plugorm_dialect_tests::Capability::ALL[0].name(), "crud");
    /// ```
    pub const ALL: [Capability; 11] = [
        Capability::Crud,
        Capability::Conditions,
        Capability::Associations,
        Capability::Transactions,
        Capability::Savepoints,
        Capability::Cancellation,
        Capability::Streaming,
        Capability::Migrations,
        Capability::Errors,
        Capability::Values,
        Capability::GoldenSql,
    ];

    /// The capability's name as the report prints it.
    ///
    /// ```
    /// assert_eq!(plugorm_dialect_tests::Capability::Savepoints.name(), "savepoints");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Capability::Crud => "crud",
            Capability::Conditions => "conditions",
            Capability::Associations => "associations",
            Capability::Transactions => "transactions",
            Capability::Savepoints => "savepoints",
            Capability::Cancellation => "cancellation",
            Capability::Streaming => "streaming",
            Capability::Migrations => "migrations",
            Capability::Errors => "errors",
            Capability::Values => "values",
            Capability::GoldenSql => "golden_sql",
        }
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
