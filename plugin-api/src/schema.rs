//! The schema of a model: table, fields, indexes. Built once per model by
//! `#[derive(Model)]`, read by the host (queries, migrations) and by feature plugins
//! (soft delete looks for its field here).

use crate::types::{List, Optional, Text};
use abi_stable::StableAbi;

/// The logical type of a field; each dialect maps it to a column type.
#[repr(u8)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataType {
    Bool,
    /// Signed integer; `FieldSchema::bits` gives 8 / 16 / 32 / 64.
    Int,
    /// Unsigned integer; `FieldSchema::bits` gives the width.
    UInt,
    /// Float; `FieldSchema::bits` gives 32 / 64.
    Float,
    String,
    Bytes,
    /// Date and time without zone.
    Timestamp,
    /// Date and time with zone (an instant).
    TimestampTz,
    Date,
    Time,
    Decimal,
    Uuid,
    Json,
}

/// How a field tracks creation or update time.
#[repr(u8)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TimeTracking {
    #[default]
    None,
    /// A date-time value.
    Time,
    /// An integer of Unix seconds.
    UnixSecond,
    UnixMilli,
    UnixNano,
}

/// How a soft-delete field marks a deleted row.
#[repr(u8)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SoftDelete {
    #[default]
    None,
    /// A nullable date-time: NULL while alive.
    Timestamp,
    /// An integer of Unix seconds: 0 while alive.
    UnixSecond,
    UnixMilli,
    UnixNano,
    /// An integer flag: 0 alive, 1 deleted.
    Flag,
}

/// One field (column) of a model.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct FieldSchema {
    /// The Rust field name (with embedded prefixes joined by `.`).
    pub name: Text,
    /// The column name.
    pub column: Text,
    pub data_type: DataType,
    /// Width of integer / float types in bits (0 = default).
    pub bits: u8,
    /// Length of string / bytes types (0 = unbounded).
    pub size: u32,
    pub precision: u32,
    pub scale: u32,
    /// An explicit column type that overrides the dialect's mapping.
    pub sql_type: Optional<Text>,
    pub primary_key: bool,
    pub auto_increment: bool,
    /// The Rust type is an `Option`.
    pub nullable: bool,
    /// `NOT NULL` requested explicitly.
    pub not_null: bool,
    pub unique: bool,
    /// Default value as SQL text (`0`, `'draft'`, `CURRENT_TIMESTAMP`).
    pub default: Optional<Text>,
    /// A CHECK expression on this column.
    pub check: Optional<Text>,
    pub comment: Optional<Text>,
    /// Read from the database.
    pub readable: bool,
    /// Written on create.
    pub creatable: bool,
    /// Written on update.
    pub updatable: bool,
    /// Created and altered by AutoMigrate.
    pub migrate: bool,
    pub auto_create_time: TimeTracking,
    pub auto_update_time: TimeTracking,
    pub soft_delete: SoftDelete,
    /// For flag soft delete: the column that receives the deletion time (mixed mode).
    pub soft_delete_at: Optional<Text>,
}

impl FieldSchema {
    /// A plain readable, writable, migrated field.
    ///
    /// ```
    /// use plugorm_plugin_api::schema::{DataType, FieldSchema};
    /// let f = FieldSchema::new("name", "name", DataType::String);
    /// assert!(f.creatable && f.updatable && f.readable);
    /// ```
    pub fn new(name: &str, column: &str, data_type: DataType) -> FieldSchema {
        FieldSchema {
            name: name.into(),
            column: column.into(),
            data_type,
            bits: 0,
            size: 0,
            precision: 0,
            scale: 0,
            sql_type: Optional::None,
            primary_key: false,
            auto_increment: false,
            nullable: false,
            not_null: false,
            unique: false,
            default: Optional::None,
            check: Optional::None,
            comment: Optional::None,
            readable: true,
            creatable: true,
            updatable: true,
            migrate: true,
            auto_create_time: TimeTracking::None,
            auto_update_time: TimeTracking::None,
            soft_delete: SoftDelete::None,
            soft_delete_at: Optional::None,
        }
    }
}

/// One column of an index.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq)]
pub struct IndexColumn {
    pub column: Text,
    /// `ASC` / `DESC`, or empty.
    pub sort: Text,
    /// Prefix length (MySQL), 0 = whole column.
    pub length: u32,
}

/// An index or unique index.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq)]
pub struct IndexSchema {
    pub name: Text,
    pub unique: bool,
    pub columns: List<IndexColumn>,
    /// Index type / method (`btree`, `FULLTEXT`), or empty.
    pub kind: Text,
    /// Partial-index condition, or empty.
    pub condition: Text,
    pub comment: Text,
}

/// A model's table and fields.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct ModelSchema {
    /// The Rust type name.
    pub name: Text,
    pub table: Text,
    pub fields: List<FieldSchema>,
    pub indexes: List<IndexSchema>,
}

impl ModelSchema {
    /// A field by column name.
    pub fn field_by_column(&self, column: &str) -> Option<&FieldSchema> {
        self.fields.iter().find(|f| f.column.as_str() == column)
    }

    /// A field by Rust name (or column name as a fallback).
    pub fn field(&self, name: &str) -> Option<&FieldSchema> {
        self.fields
            .iter()
            .find(|f| f.name.as_str() == name)
            .or_else(|| self.field_by_column(name))
    }

    /// The index of a field by Rust or column name.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields
            .iter()
            .position(|f| f.name.as_str() == name)
            .or_else(|| self.fields.iter().position(|f| f.column.as_str() == name))
    }

    /// The primary-key fields, in declaration order.
    pub fn primary_keys(&self) -> impl Iterator<Item = &FieldSchema> {
        self.fields.iter().filter(|f| f.primary_key)
    }

    /// The soft-delete field, if any.
    pub fn soft_delete_field(&self) -> Option<&FieldSchema> {
        self.fields
            .iter()
            .find(|f| f.soft_delete != SoftDelete::None)
    }
}
