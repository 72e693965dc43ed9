//! MySQL DDL: GORM's mysql type mapping and the operations MySQL writes differently from
//! the default renderer (see `plugorm_plugin_api::render::ddl`).
//!
//! Types (an explicit `sql_type` always wins):
//!
//! | logical type | column type |
//! | --- | --- |
//! | bool | `boolean` (the server stores `tinyint(1)`) |
//! | int / uint by bits 8, 16, 24, 32, 64 | `tinyint`, `smallint`, `mediumint`, `int`, `bigint`, with ` unsigned` for uint and ` AUTO_INCREMENT` |
//! | float | `float` (32 bits), `double`, or `decimal(p, s)` with a precision |
//! | decimal | `decimal(p, s)`; without a precision `decimal(38, 10)` (MySQL's bare `decimal` is `decimal(10,0)`, which would round every fraction away) |
//! | string | `varchar(n)`; without a size `varchar(191)` when the column is a key, unique, indexed or has a default (`TEXT` cannot be, 191 × 4 bytes fits InnoDB's 767-byte key prefix), else `longtext`; 65 536 ≤ n ≤ 2²⁴ `mediumtext` |
//! | bytes | `varbinary(n)` below 65 536, `mediumblob` up to 2²⁴, else `longblob` |
//! | timestamp, timestamp with zone | `datetime(p)`, precision 3 by default, with ` NULL` unless NOT NULL or a key (GORM's form); instants are stored as UTC wall-clock time |
//! | date / time | `date` / `time(p)`, precision 3 by default |
//! | uuid | `char(36)`: the hyphenated text, readable and comparable in SQL; values are bound as that text |
//! | json | `json` (MariaDB keeps it as `longtext` with a JSON check) |
//!
//! Operations: ALTER COLUMN is `MODIFY COLUMN` with the full definition (G128), an index
//! member may carry a prefix length (`` `name`(10) ``), an index method follows the column
//! list (`USING btree`), a partial-index condition is not written (MySQL has none; a
//! *unique* partial index is refused, since dropping its condition would change what it
//! allows), DROP INDEX names its table.
//!
//! An indexed string column added to an existing table (AddColumn) cannot see the index
//! and becomes `longtext`, which MySQL cannot index without a prefix length: give such a
//! field a size.

use plugorm_plugin_api::{
    migrate::ForeignKeySchema,
    render::{
        ddl::{self, comment_of, default_text, explicit_type, is_index_class, write_ddl_table},
        SqlRenderer, SqlWriter,
    },
    schema::{DataType, FieldSchema, IndexColumn, IndexSchema, ModelSchema},
    statement::TableRef,
    DbError, DbResult, Sql,
};

/// The default column definition, then GORM's ` COMMENT '…'` for a commented field (in
/// CREATE TABLE, ADD COLUMN and MODIFY COLUMN alike).
pub(crate) fn write_column_definition<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    field: &FieldSchema,
) -> DbResult<()> {
    ddl::write_column_definition(r, w, field)?;
    if let Some(comment) = comment_of(field) {
        w.push_str(" COMMENT ");
        w.push_str(&string_literal(
            comment,
            &format!("the comment of column `{}`", field.column),
        )?);
    }
    Ok(())
}

/// A string literal for DDL, where MySQL takes no bound value: quotes doubled and
/// backslashes escaped (the server's default `sql_mode` reads them as escapes); a NUL is
/// refused.
fn string_literal(s: &str, what: &str) -> DbResult<String> {
    if s.contains('\0') {
        return Err(DbError::Render(format!("{what} contains a NUL character")));
    }
    Ok(format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''")))
}

/// The size GORM gives a keyed string without one.
const KEYED_STRING_SIZE: u32 = 191;
const MEDIUM: u32 = 1 << 24;
/// Default fractional-second digits of `datetime` and `time` (GORM's default).
const TIME_PRECISION: u32 = 3;

fn integer(field: &FieldSchema) -> String {
    let base = match field.bits {
        1..=8 => "tinyint",
        9..=16 => "smallint",
        17..=24 => "mediumint",
        25..=32 => "int",
        _ => "bigint",
    };
    let mut t = base.to_string();
    if field.data_type == DataType::UInt {
        t.push_str(" unsigned");
    }
    if field.auto_increment {
        t.push_str(" AUTO_INCREMENT");
    }
    t
}

fn string(field: &FieldSchema) -> String {
    let mut size = field.size;
    if size == 0 && (field.primary_key || field.unique || default_text(field).is_some()) {
        size = KEYED_STRING_SIZE;
    }
    match size {
        0 => "longtext".to_string(),
        65_536..=MEDIUM => "mediumtext".to_string(),
        n if n > MEDIUM => "longtext".to_string(),
        n => format!("varchar({n})"),
    }
}

fn bytes(field: &FieldSchema) -> String {
    match field.size {
        n if n > 0 && n < 65_536 => format!("varbinary({n})"),
        65_536..=MEDIUM => "mediumblob".to_string(),
        _ => "longblob".to_string(),
    }
}

fn precision(field: &FieldSchema) -> u32 {
    if field.precision > 0 {
        field.precision.min(6)
    } else {
        TIME_PRECISION
    }
}

fn decimal(p: u32, s: u32) -> String {
    if s == 0 {
        format!("decimal({p})")
    } else {
        format!("decimal({p}, {s})")
    }
}

/// GORM's mysql `DataTypeOf`, extended to plugorm's other logical types (see the module
/// documentation).
pub(crate) fn column_type(field: &FieldSchema) -> String {
    if let Some(t) = explicit_type(field) {
        return t.to_string();
    }
    match field.data_type {
        DataType::Bool => "boolean".to_string(),
        DataType::Int | DataType::UInt => integer(field),
        DataType::Float if field.precision > 0 => decimal(field.precision, field.scale),
        DataType::Float if field.bits == 32 => "float".to_string(),
        DataType::Float => "double".to_string(),
        DataType::Decimal if field.precision > 0 => decimal(field.precision, field.scale),
        DataType::Decimal => decimal(38, 10),
        DataType::String => string(field),
        DataType::Bytes => bytes(field),
        DataType::Timestamp | DataType::TimestampTz => {
            let t = format!("datetime({})", precision(field));
            if field.not_null || field.primary_key {
                t
            } else {
                format!("{t} NULL")
            }
        }
        DataType::Date => "date".to_string(),
        DataType::Time => format!("time({})", precision(field)),
        DataType::Uuid => "char(36)".to_string(),
        DataType::Json => "json".to_string(),
    }
}

/// CREATE TABLE, with the strings that an index of the model covers sized like keys
/// (`varchar(191)`): MySQL cannot index a `longtext` without a prefix length. FOREIGN KEY
/// constraints go inside (G126).
pub(crate) fn create_table<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    schema: &ModelSchema,
    foreign_keys: &[ForeignKeySchema],
) -> DbResult<Vec<Sql>> {
    // An index with a prefix length, or of a class (FULLTEXT, SPATIAL), indexes a
    // `longtext` as it is.
    let keyed = ddl::with_keyed_strings(schema, KEYED_STRING_SIZE, |i, c| {
        !is_index_class(i.kind.trim()) && c.length == 0
    });
    ddl::create_table_with_foreign_keys(r, table, &keyed, foreign_keys)
}

/// `ALTER TABLE t MODIFY COLUMN <definition>` (G128): MySQL changes type, nullability and
/// default in one statement.
pub(crate) fn alter_column<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    field: &FieldSchema,
) -> DbResult<Vec<Sql>> {
    if table.name.trim().is_empty() {
        return Err(DbError::Render("empty table name in ALTER COLUMN".into()));
    }
    let mut w = SqlWriter::default();
    w.push_str("ALTER TABLE ");
    write_ddl_table(r, &mut w, table);
    w.push_str(" MODIFY COLUMN ");
    r.write_column_definition(&mut w, field)?;
    Ok(vec![w.finish()])
}

/// One index member: `` `c`(length) desc `` (MySQL's prefix length after the column).
pub(crate) fn write_index_column<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    index_name: &str,
    column: &IndexColumn,
) -> DbResult<()> {
    if column.length == 0 {
        return ddl::write_index_column(r, w, index_name, column);
    }
    // The default writes the column and validates the sort; the length goes between.
    let mut bare = column.clone();
    bare.sort = "".into();
    ddl::write_index_column(r, w, index_name, &bare)?;
    w.push_str(&format!("({})", column.length));
    let mut sort = SqlWriter::default();
    ddl::write_index_column(r, &mut sort, index_name, column)?;
    let mut name = SqlWriter::default();
    r.write_ident(&mut name, &column.column);
    w.push_str(sort.text().get(name.text().len()..).unwrap_or(""));
    Ok(())
}

/// `CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX i ON t(<members>)[ USING <method>]`.
pub(crate) fn create_index<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    index: &IndexSchema,
) -> DbResult<Vec<Sql>> {
    let condition = index.condition.trim();
    if condition.is_empty() {
        return ddl::create_index(r, table, index);
    }
    if index.unique {
        return Err(DbError::Unsupported(format!(
            "MySQL has no partial indexes: unique index `{}` on `{}` has the condition `{condition}`, \
             and without it the index would refuse rows the model allows",
            index.name, table.name
        )));
    }
    tracing::debug!(index = %index.name, %condition, "mysql has no partial indexes; condition not written");
    let mut plain = index.clone();
    plain.condition = "".into();
    ddl::create_index(r, table, &plain)
}

/// `DROP INDEX i ON t`.
pub(crate) fn drop_index<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    name: &str,
) -> DbResult<Vec<Sql>> {
    if name.trim().is_empty() || table.name.trim().is_empty() {
        return Err(DbError::Render(format!(
            "DROP INDEX needs an index and a table name (got `{name}` on `{}`)",
            table.name
        )));
    }
    let mut w = SqlWriter::default();
    w.push_str("DROP INDEX ");
    r.write_ident(&mut w, name);
    w.push_str(" ON ");
    write_ddl_table(r, &mut w, table);
    Ok(vec![w.finish()])
}

/// `ALTER TABLE t RENAME INDEX i TO n` (GORM's MySQL form, G134; MariaDB has it since
/// 10.5.2).
pub(crate) fn rename_index<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    from: &str,
    to: &str,
) -> DbResult<Vec<Sql>> {
    ddl::check_rename("index", table, from, to)?;
    let mut w = SqlWriter::default();
    w.push_str("ALTER TABLE ");
    write_ddl_table(r, &mut w, table);
    w.push_str(" RENAME INDEX ");
    r.write_ident(&mut w, from);
    w.push_str(" TO ");
    r.write_ident(&mut w, to);
    Ok(vec![w.finish()])
}

#[cfg(test)]
mod tests {
    use plugorm_plugin_api::{
        render::SqlRenderer,
        schema::{DataType, FieldSchema},
    };

    /// The dialect spells MySQL's types where the plugin API's portable default writes
    /// standard SQL (`clob`, `blob`, `timestamp with time zone`, `double precision`).
    #[test]
    fn the_dialect_spells_mysql_types_not_the_portable_default() {
        let mysql = |ty| {
            crate::MysqlDialect::new()
                .column_type(&FieldSchema::new("c", "c", ty))
                .unwrap_or_default()
        };
        for (ty, want) in [
            (DataType::String, "longtext"),
            (DataType::Bytes, "longblob"),
            (DataType::Float, "double"),
            (DataType::TimestampTz, "datetime(3) NULL"),
            (DataType::Uuid, "char(36)"),
            (DataType::Json, "json"),
        ] {
            assert_eq!(mysql(ty), want, "{ty:?}");
        }
    }
}
