//! PostgreSQL's built-in type OIDs (fixed in `pg_type.dat` since PostgreSQL 7) and what a
//! type is to this plugin: how its cells are read and how parameters are written.

use sqlx_postgres::{PgTypeInfo, PgTypeKind};

pub(crate) const UNSPECIFIED: u32 = 0;
pub(crate) const BOOL: u32 = 16;
pub(crate) const BYTEA: u32 = 17;
pub(crate) const CHAR: u32 = 18;
pub(crate) const NAME: u32 = 19;
pub(crate) const INT8: u32 = 20;
pub(crate) const INT2: u32 = 21;
pub(crate) const INT4: u32 = 23;
pub(crate) const TEXT: u32 = 25;
pub(crate) const OID: u32 = 26;
pub(crate) const JSON: u32 = 114;
pub(crate) const XML: u32 = 142;
pub(crate) const FLOAT4: u32 = 700;
pub(crate) const FLOAT8: u32 = 701;
pub(crate) const UNKNOWN: u32 = 705;
pub(crate) const BPCHAR: u32 = 1042;
pub(crate) const VARCHAR: u32 = 1043;
pub(crate) const DATE: u32 = 1082;
pub(crate) const TIME: u32 = 1083;
pub(crate) const TIMESTAMP: u32 = 1114;
pub(crate) const TIMESTAMPTZ: u32 = 1184;
pub(crate) const INTERVAL: u32 = 1186;
pub(crate) const TIMETZ: u32 = 1266;
pub(crate) const NUMERIC: u32 = 1700;
pub(crate) const VOID: u32 = 2278;
pub(crate) const UUID: u32 = 2950;
pub(crate) const JSONB: u32 = 3802;

/// What a PostgreSQL type is to this plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PgKind {
    Bool,
    Int2,
    Int4,
    Int8,
    /// `oid`: an unsigned 32-bit integer.
    Oid,
    Float4,
    Float8,
    Numeric,
    /// Character types, and enums (whose binary form is the label).
    Text,
    /// The single-byte `"char"` type.
    Char,
    Bytea,
    Date,
    Time,
    TimeTz,
    Timestamp,
    TimestampTz,
    Interval,
    Uuid,
    Json,
    Jsonb,
    Void,
    /// Anything else (arrays, ranges, geometry, network types, records…).
    Other,
}

/// The plugin's view of a type: domains are their base type, enums are text.
pub(crate) fn kind_of(ty: &PgTypeInfo) -> PgKind {
    let builtin = match ty.oid().map(|o| o.0).unwrap_or(UNSPECIFIED) {
        BOOL => PgKind::Bool,
        INT2 => PgKind::Int2,
        INT4 => PgKind::Int4,
        INT8 => PgKind::Int8,
        OID => PgKind::Oid,
        FLOAT4 => PgKind::Float4,
        FLOAT8 => PgKind::Float8,
        NUMERIC => PgKind::Numeric,
        TEXT | VARCHAR | BPCHAR | NAME | UNKNOWN | XML => PgKind::Text,
        CHAR => PgKind::Char,
        BYTEA => PgKind::Bytea,
        DATE => PgKind::Date,
        TIME => PgKind::Time,
        TIMETZ => PgKind::TimeTz,
        TIMESTAMP => PgKind::Timestamp,
        TIMESTAMPTZ => PgKind::TimestampTz,
        INTERVAL => PgKind::Interval,
        UUID => PgKind::Uuid,
        JSON => PgKind::Json,
        JSONB => PgKind::Jsonb,
        VOID => PgKind::Void,
        _ => PgKind::Other,
    };
    if builtin != PgKind::Other || !resolved(ty) {
        return builtin;
    }
    // `citext` is an extension type with no fixed OID; its binary form is text.
    if ty_name(ty) == "citext" {
        return PgKind::Text;
    }
    match ty.kind() {
        PgTypeKind::Enum(_) => PgKind::Text,
        PgTypeKind::Domain(base) => kind_of(base),
        _ => PgKind::Other,
    }
}

/// True when sqlx has the type's description (asking an unresolved type for its kind
/// panics inside sqlx).
fn resolved(ty: &PgTypeInfo) -> bool {
    ty.oid().is_some() && ty_name(ty) != "?"
}

/// The type's name as sqlx knows it (`INT8`, `TEXT[]`, `my_enum`).
pub(crate) fn ty_name(ty: &PgTypeInfo) -> &str {
    sqlx_core::type_info::TypeInfo::name(ty)
}

/// The type's name as SQL writes it, for messages (`integer`, `text[]`, `my_enum`).
pub(crate) fn sql_name(ty: &PgTypeInfo) -> String {
    let builtin = match ty.oid().map(|o| o.0) {
        Some(BOOL) => "boolean",
        Some(BYTEA) => "bytea",
        Some(CHAR) => "\"char\"",
        Some(NAME) => "name",
        Some(INT8) => "bigint",
        Some(INT2) => "smallint",
        Some(INT4) => "integer",
        Some(TEXT) => "text",
        Some(OID) => "oid",
        Some(JSON) => "json",
        Some(XML) => "xml",
        Some(FLOAT4) => "real",
        Some(FLOAT8) => "double precision",
        Some(UNKNOWN) => "unknown",
        Some(BPCHAR) => "character",
        Some(VARCHAR) => "character varying",
        Some(DATE) => "date",
        Some(TIME) => "time",
        Some(TIMESTAMP) => "timestamp",
        Some(TIMESTAMPTZ) => "timestamptz",
        Some(INTERVAL) => "interval",
        Some(TIMETZ) => "timetz",
        Some(NUMERIC) => "numeric",
        Some(VOID) => "void",
        Some(UUID) => "uuid",
        Some(JSONB) => "jsonb",
        _ => "",
    };
    if !builtin.is_empty() {
        return builtin.to_string();
    }
    if !resolved(ty) {
        return match ty.oid() {
            Some(oid) => format!("with OID {}", oid.0),
            None => ty_name(ty).to_string(),
        };
    }
    match ty.kind() {
        PgTypeKind::Simple | PgTypeKind::Pseudo => ty_name(ty).to_ascii_lowercase(),
        _ => ty_name(ty).to_string(),
    }
}

/// A `PgTypeInfo` for a built-in OID.
pub(crate) fn info(oid: u32) -> PgTypeInfo {
    PgTypeInfo::with_oid(sqlx_postgres::types::Oid(oid))
}
