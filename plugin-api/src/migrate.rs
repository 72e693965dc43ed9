//! Schema migration: DDL statements a dialect renders, and the table description it
//! reads back from the database (introspection) so AutoMigrate only issues what is
//! missing.

// abi_stable's derive for non-exhaustive enums emits impls for generated types.
#![allow(non_local_definitions)]

use crate::types::{List, Optional, Text};
use abi_stable::StableAbi;

use crate::{
    schema::{FieldSchema, IndexSchema, ModelSchema},
    statement::TableRef,
};

/// A DDL operation.
///
/// `#[non_exhaustive]`: later plugin-API 0.2 releases may append operations; it crosses
/// the boundary in abi_stable's non-exhaustive form, so a plugin built before an operation
/// existed refuses it with an error instead of failing to load.
#[repr(C, u8)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
#[sabi(kind(WithNonExhaustive(size = [u64; 64], traits(Debug, Clone, PartialEq))))]
#[non_exhaustive]
pub enum Ddl {
    /// `CREATE TABLE` with every migrated column, the primary key, unique and check
    /// constraints (indexes are separate [`Ddl::CreateIndex`] operations).
    CreateTable {
        table: TableRef,
        schema: ModelSchema,
    },
    AddColumn {
        table: TableRef,
        field: FieldSchema,
    },
    /// Changes a column's type / nullability / default to the field's.
    AlterColumn {
        table: TableRef,
        field: FieldSchema,
    },
    DropColumn {
        table: TableRef,
        column: Text,
    },
    CreateIndex {
        table: TableRef,
        index: IndexSchema,
    },
    DropIndex {
        table: TableRef,
        name: Text,
    },
    DropTable {
        table: TableRef,
        if_exists: bool,
    },
    RenameColumn {
        table: TableRef,
        from: Text,
        to: Text,
    },
    /// [`Ddl::CreateTable`] with FOREIGN KEY constraints written inside the definition
    /// (after the primary key, before UNIQUE and CHECK constraints, as GORM writes them).
    CreateTableWithForeignKeys {
        table: TableRef,
        schema: ModelSchema,
        foreign_keys: List<ForeignKeySchema>,
    },
    /// `ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (…) REFERENCES …` on an existing table;
    /// dialects that cannot alter constraints (SQLite) refuse it with
    /// [`crate::DbError::Unsupported`].
    AddForeignKey {
        table: TableRef,
        foreign_key: ForeignKeySchema,
    },
    /// `ALTER TABLE t DROP CONSTRAINT name` (any named constraint).
    DropConstraint {
        table: TableRef,
        name: Text,
    },
    /// Renames the table to `to`, a name in the same schema (appended in plugin API
    /// 0.2.4): `ALTER TABLE t RENAME TO n`, SQL Server's `sp_rename`.
    RenameTable {
        table: TableRef,
        to: Text,
    },
    /// Renames an index of the table (appended in plugin API 0.2.4): `ALTER INDEX i
    /// RENAME TO n` by default, MySQL's `ALTER TABLE t RENAME INDEX i TO n`, SQL Server's
    /// `sp_rename`; SQLite, which cannot rename an index, refuses it with
    /// [`crate::DbError::Unsupported`].
    RenameIndex {
        table: TableRef,
        from: Text,
        to: Text,
    },
    /// A catalog read (appended in plugin API 0.2.4): one SELECT whose first column is
    /// the name of each base table of the current schema (the current database on MySQL,
    /// the main database on SQLite). It is rendered here, beside the DDL it serves, so
    /// it crosses the boundary as the migrator's other statements do.
    ListTables,
    /// A catalog read (appended in plugin API 0.2.4): one SELECT returning one row whose
    /// first column is the current database's name.
    CurrentDatabase,
    /// `CREATE [OR REPLACE] VIEW v AS <query> [<check_option>]` (appended in plugin API
    /// 0.2.4). `query` is a SELECT the host rendered with this dialect, with no bound
    /// values; `check_option` is empty, `WITH CHECK OPTION`, `WITH LOCAL CHECK OPTION` or
    /// `WITH CASCADED CHECK OPTION` (anything else is refused).
    CreateView {
        view: TableRef,
        query: Text,
        replace: bool,
        check_option: Text,
    },
    /// `DROP VIEW [IF EXISTS] v` (appended in plugin API 0.2.4).
    DropView {
        view: TableRef,
        if_exists: bool,
    },
    /// A catalog read (appended in plugin API 0.2.5) for a dialect that changes a table by
    /// rebuilding it (SQLite): one SELECT whose rows are `(kind, name, sql)`, the stored
    /// definition of the table (`kind` = `table`) and of every index and trigger on it
    /// (each re-created after the rebuild). No row: no such table. The default refuses
    /// with [`crate::DbError::Unsupported`]: a dialect with `ALTER TABLE` for the change
    /// never rebuilds.
    TableDefinition {
        table: TableRef,
    },
    /// The statements that rebuild `table` with `change` applied (appended in plugin API
    /// 0.2.5), run by the host in one transaction on a connection of its own: create the
    /// new table from `definition` (the stored `CREATE TABLE`, as [`Ddl::TableDefinition`]
    /// read it) with the change made, copy every row and every column into it, drop the
    /// old table, give the new one its name, and create again the `dependents` (the
    /// stored `CREATE` statements of its indexes and triggers, which the drop removed).
    /// The host then checks the foreign keys ([`Ddl::ForeignKeyViolations`]) and commits.
    RebuildTable {
        table: TableRef,
        definition: Text,
        dependents: List<Text>,
        change: TableChange,
    },
    /// The statements a rebuild runs on its connection before its transaction begins
    /// (`enter`) and after it ends (appended in plugin API 0.2.5). SQLite turns foreign
    /// keys off around the rebuild (else dropping the old table would fire the `ON
    /// DELETE` actions of the tables referencing it), which it can only do outside a
    /// transaction, and turns them back on after.
    RebuildSession {
        enter: bool,
    },
    /// A catalog read (appended in plugin API 0.2.5): one row for each row of the database
    /// that breaks a FOREIGN KEY constraint held by `table` or referencing it, as
    /// `(table, rowid, referenced table)`; no row when every constraint holds.
    ForeignKeyViolations {
        table: TableRef,
    },
    /// `ALTER TABLE t ADD CONSTRAINT name CHECK (expression)` (appended in plugin API
    /// 0.2.5); `expression` is the model's SQL, written as is. SQLite refuses it in place
    /// with [`crate::DbError::Unsupported`] (the migrator rebuilds the table).
    AddCheck {
        table: TableRef,
        name: Text,
        expression: Text,
    },
    /// A catalog read (appended in plugin API 0.2.5): one SELECT returning one row whose
    /// first column counts the constraints of `table` named `name` (of any kind: check,
    /// unique, foreign or primary key); 0 when there is none.
    HasConstraint {
        table: TableRef,
        name: Text,
    },
    /// A catalog read (appended in plugin API 0.2.5): one SELECT whose rows are `(column,
    /// comment)` for the columns of `table` (a NULL or empty comment: none). The default
    /// refuses with [`crate::DbError::Unsupported`]: a database without column comments
    /// (SQLite) reports none.
    ColumnComments {
        table: TableRef,
    },
    /// The statements of a SQL script (a migration file), each to run in a call of its
    /// own (appended in plugin API 0.2.5), without parameters. By default it is split at
    /// the semicolons the renderer's [`crate::kit::lexer::Lexicon`] finds outside quotes
    /// and comments, a trigger's body kept whole ([`crate::kit::script::split_script`]).
    SplitScript {
        text: Text,
    },
    /// The lock that keeps two migration runs apart (appended in plugin API 0.2.5), held
    /// on the run's connection. With `acquire`, one query that waits for the lock of the
    /// current database (or schema) and returns a row whose first column is 1 once it is
    /// granted (anything else: not granted); without, the statement that releases it. The
    /// default refuses with [`crate::DbError::Unsupported`], and the host keeps a lock
    /// row in a table of its own instead.
    MigrationLock {
        acquire: bool,
    },
}

/// The change a [`Ddl::RebuildTable`] makes to a table's definition. Its layout is fixed
/// within plugin API 0.2: a later kind of change comes as a new [`Ddl`] operation.
///
/// ```
/// use plugorm_plugin_api::migrate::TableChange;
/// let change = TableChange::DropConstraint { name: "fk_users_pets".into() };
/// assert!(matches!(change, TableChange::DropConstraint { .. }));
/// ```
#[repr(C, u8)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub enum TableChange {
    /// The column of `field.column` takes the field's definition (type, nullability,
    /// default, checks).
    AlterColumn { field: FieldSchema },
    /// The FOREIGN KEY constraint is added to the definition.
    AddForeignKey { foreign_key: ForeignKeySchema },
    /// The named constraint (`CONSTRAINT name …`) leaves the definition.
    DropConstraint { name: Text },
    /// `CONSTRAINT name CHECK (expression)` is added to the definition.
    AddCheck { name: Text, expression: Text },
}

/// A FOREIGN KEY constraint: the columns of the table holding it, the table and columns
/// they reference (paired in order), and the referential actions (empty: the database's
/// default, `NO ACTION`).
///
/// ```
/// use plugorm_plugin_api::migrate::ForeignKeySchema;
/// use plugorm_plugin_api::statement::TableRef;
/// let fk = ForeignKeySchema::new("fk_users_pets", ["user_id"], TableRef::new("users"), ["id"])
///     .on_delete("CASCADE");
/// assert_eq!(fk.on_delete.as_str(), "CASCADE");
/// assert!(fk.on_update.is_empty());
/// ```
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq)]
pub struct ForeignKeySchema {
    /// The constraint's name (`fk_<owner table>_<relation>`).
    pub name: Text,
    pub columns: List<Text>,
    pub referenced_table: TableRef,
    pub referenced_columns: List<Text>,
    /// `CASCADE`, `SET NULL`, `SET DEFAULT`, `RESTRICT`, `NO ACTION`, or empty.
    pub on_delete: Text,
    pub on_update: Text,
}

impl ForeignKeySchema {
    /// A constraint without referential actions.
    ///
    /// ```
    /// use plugorm_plugin_api::migrate::ForeignKeySchema;
    /// use plugorm_plugin_api::statement::TableRef;
    /// let fk = ForeignKeySchema::new("fk_a_b", ["b_id"], TableRef::new("b"), ["id"]);
    /// assert_eq!(fk.columns[0].as_str(), "b_id");
    /// ```
    pub fn new<C, R>(
        name: impl Into<Text>,
        columns: C,
        referenced_table: TableRef,
        referenced_columns: R,
    ) -> ForeignKeySchema
    where
        C: IntoIterator,
        C::Item: Into<Text>,
        R: IntoIterator,
        R::Item: Into<Text>,
    {
        ForeignKeySchema {
            name: name.into(),
            columns: columns.into_iter().map(Into::into).collect(),
            referenced_table,
            referenced_columns: referenced_columns.into_iter().map(Into::into).collect(),
            on_delete: Text::new(),
            on_update: Text::new(),
        }
    }

    /// The `ON DELETE` action.
    ///
    /// ```
    /// # use plugorm_plugin_api::{migrate::ForeignKeySchema, statement::TableRef};
    /// let fk = ForeignKeySchema::new("fk", ["a"], TableRef::new("t"), ["id"]).on_delete("SET NULL");
    /// assert_eq!(fk.on_delete.as_str(), "SET NULL");
    /// ```
    pub fn on_delete(mut self, action: impl Into<Text>) -> ForeignKeySchema {
        self.on_delete = action.into();
        self
    }

    /// The `ON UPDATE` action.
    ///
    /// ```
    /// # use plugorm_plugin_api::{migrate::ForeignKeySchema, statement::TableRef};
    /// let fk = ForeignKeySchema::new("fk", ["a"], TableRef::new("t"), ["id"]).on_update("CASCADE");
    /// assert_eq!(fk.on_update.as_str(), "CASCADE");
    /// ```
    pub fn on_update(mut self, action: impl Into<Text>) -> ForeignKeySchema {
        self.on_update = action.into();
        self
    }
}

/// A FOREIGN KEY constraint as the database describes it.
///
/// ```
/// use plugorm_plugin_api::migrate::ForeignKeyInfo;
/// let fk = ForeignKeyInfo { name: "fk_users_pets".into(), ..Default::default() };
/// assert!(fk.columns.is_empty());
/// ```
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq, Default)]
pub struct ForeignKeyInfo {
    /// The constraint's name (empty when the database keeps none: an unnamed SQLite one).
    pub name: Text,
    pub columns: List<Text>,
    pub referenced_table: Text,
    pub referenced_columns: List<Text>,
    /// Upper case as the database reports it (`CASCADE`, `NO ACTION`).
    pub on_delete: Text,
    pub on_update: Text,
}

/// A column as the database describes it.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq)]
pub struct ColumnInfo {
    pub name: Text,
    /// The database's type name, lower case (`varchar(100)`, `integer`).
    pub sql_type: Text,
    pub nullable: bool,
    pub default: Optional<Text>,
    pub primary_key: bool,
    /// Declared length of character / binary types (0 = none reported).
    pub size: u32,
}

/// An index as the database describes it.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq)]
pub struct IndexInfo {
    pub name: Text,
    pub unique: bool,
    /// True for the primary key's own index.
    pub primary: bool,
    pub columns: List<Text>,
}

/// A table as the database describes it.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq, Default)]
pub struct TableInfo {
    pub exists: bool,
    pub columns: List<ColumnInfo>,
    pub indexes: List<IndexInfo>,
    /// The FOREIGN KEY constraints the table holds (appended after the first release).
    pub foreign_keys: List<ForeignKeyInfo>,
}

impl TableInfo {
    /// A column by name (case-insensitive, as databases fold names).
    pub fn column(&self, name: &str) -> Option<&ColumnInfo> {
        self.columns
            .iter()
            .find(|c| c.name.as_str().eq_ignore_ascii_case(name))
    }
    /// An index by name.
    pub fn index(&self, name: &str) -> Option<&IndexInfo> {
        self.indexes
            .iter()
            .find(|i| i.name.as_str().eq_ignore_ascii_case(name))
    }
    /// A FOREIGN KEY constraint by name (case-insensitive).
    ///
    /// ```
    /// use plugorm_plugin_api::migrate::{ForeignKeyInfo, TableInfo};
    /// let mut t = TableInfo::default();
    /// t.foreign_keys.push(ForeignKeyInfo { name: "fk_users_pets".into(), ..Default::default() });
    /// assert!(t.foreign_key("FK_USERS_PETS").is_some());
    /// ```
    pub fn foreign_key(&self, name: &str) -> Option<&ForeignKeyInfo> {
        self.foreign_keys
            .iter()
            .find(|f| !f.name.is_empty() && f.name.as_str().eq_ignore_ascii_case(name))
    }
    /// A FOREIGN KEY constraint on exactly these columns (in order, case-insensitive) —
    /// for databases that keep unnamed constraints.
    ///
    /// ```
    /// use plugorm_plugin_api::migrate::{ForeignKeyInfo, TableInfo};
    /// let mut t = TableInfo::default();
    /// t.foreign_keys.push(ForeignKeyInfo { columns: vec!["user_id".into()].into(), ..Default::default() });
    /// assert!(t.foreign_key_on(&["USER_ID"]).is_some());
    /// ```
    pub fn foreign_key_on(&self, columns: &[&str]) -> Option<&ForeignKeyInfo> {
        self.foreign_keys.iter().find(|f| {
            f.columns.len() == columns.len()
                && f.columns
                    .iter()
                    .zip(columns)
                    .all(|(a, b)| a.as_str().eq_ignore_ascii_case(b))
        })
    }
}
