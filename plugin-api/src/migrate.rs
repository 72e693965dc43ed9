//! Schema migration: DDL statements a dialect renders, and the table description it
//! reads back from the database (introspection) so AutoMigrate only issues what is
//! missing.

use abi_stable::{
    std_types::{ROption, RString, RVec},
    StableAbi,
};

use crate::{
    schema::{FieldSchema, IndexSchema, ModelSchema},
    statement::TableRef,
};

/// A DDL operation.
#[repr(C, u8)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
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
        column: RString,
    },
    CreateIndex {
        table: TableRef,
        index: IndexSchema,
    },
    DropIndex {
        table: TableRef,
        name: RString,
    },
    DropTable {
        table: TableRef,
        if_exists: bool,
    },
    RenameColumn {
        table: TableRef,
        from: RString,
        to: RString,
    },
}

/// A column as the database describes it.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq)]
pub struct ColumnInfo {
    pub name: RString,
    /// The database's type name, lower case (`varchar(100)`, `integer`).
    pub sql_type: RString,
    pub nullable: bool,
    pub default: ROption<RString>,
    pub primary_key: bool,
    /// Declared length of character / binary types (0 = none reported).
    pub size: u32,
}

/// An index as the database describes it.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq)]
pub struct IndexInfo {
    pub name: RString,
    pub unique: bool,
    /// True for the primary key's own index.
    pub primary: bool,
    pub columns: RVec<RString>,
}

/// A table as the database describes it.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq, Default)]
pub struct TableInfo {
    pub exists: bool,
    pub columns: RVec<ColumnInfo>,
    pub indexes: RVec<IndexInfo>,
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
}
