//! SQL Server DDL: GORM's sqlserver column types and the operations T-SQL writes
//! differently from the default renderer (see `plugorm_plugin_api::render::ddl`).
//!
//! Types (an explicit `sql_type` always wins):
//!
//! | logical type | column type |
//! | --- | --- |
//! | bool | `bit` |
//! | int / uint by bits < 16, < 31, else | `smallint`, `int`, `bigint` (GORM's thresholds), auto-increment ` IDENTITY(1,1)` |
//! | float | `float`, or `decimal(p)` / `decimal(p, s)` with a precision |
//! | decimal | `decimal(p[, s])`; without a precision `decimal(38, 10)` (a bare `decimal` has scale 0) |
//! | string | `nvarchar(n)` up to 4000, else `nvarchar(MAX)`; without a size `nvarchar(256)` for a key, unique or indexed column (`nvarchar(MAX)` cannot be an index key) |
//! | bytes | `varbinary(n)` up to 8000, else `varbinary(MAX)` (GORM: always `MAX`) |
//! | timestamp with zone / without | `datetimeoffset[(p)]` / `datetime2[(p)]`, `p` at most 7 |
//! | date / time | `date` / `time[(p)]` |
//! | uuid | `uniqueidentifier` |
//! | json | `nvarchar(MAX)` (SQL Server keeps JSON as text) |
//!
//! Defaults are written verbatim, except that `true` / `false` on a `bit` column become
//! `1` / `0` (T-SQL has no boolean literals).
//!
//! Operations: ALTER COLUMN restates type and nullability, `ALTER TABLE "t" ALTER COLUMN
//! "c" nvarchar(100) NOT NULL` (G128); an index kind `CLUSTERED` / `NONCLUSTERED` goes
//! before `INDEX`, other methods (`btree`, `hash`) and prefix lengths do not exist in
//! T-SQL and are left out (GORM writes them, G134); a partial index is a filtered index
//! (`WHERE …`); DROP INDEX names its table (`DROP INDEX "i" ON "t"`); a column is renamed
//! with `sp_rename` (GORM's form).

use plugorm_plugin_api::{
    migrate::ForeignKeySchema,
    render::{
        ddl::{self, default_text, explicit_type, write_ddl_table},
        SqlRenderer, SqlWriter,
    },
    schema::{DataType, FieldSchema, IndexSchema, ModelSchema},
    statement::TableRef,
    DbError, DbResult, Sql, Value,
};

/// The size GORM's sqlserver driver gives a keyed string without one.
const KEYED_STRING_SIZE: u32 = 256;
/// The longest `nvarchar(n)`; longer strings are `nvarchar(MAX)`.
const MAX_NVARCHAR: u32 = 4000;
/// The longest `varbinary(n)`.
const MAX_VARBINARY: u32 = 8000;
/// The finest fractional-second precision of SQL Server's time types (100 ns).
const MAX_TIME_PRECISION: u32 = 7;

fn integer(field: &FieldSchema) -> String {
    let bits = if field.bits == 0 { 64 } else { field.bits };
    let base = match bits {
        0..=15 => "smallint",
        16..=30 => "int",
        _ => "bigint",
    };
    if field.auto_increment {
        format!("{base} IDENTITY(1,1)")
    } else {
        base.to_string()
    }
}

fn string(field: &FieldSchema) -> String {
    let mut size = field.size;
    if size == 0 && (field.primary_key || field.unique) {
        size = KEYED_STRING_SIZE;
    }
    match size {
        1..=MAX_NVARCHAR => format!("nvarchar({size})"),
        _ => "nvarchar(MAX)".to_string(),
    }
}

fn with_precision(name: &str, precision: u32) -> String {
    match precision {
        0 => name.to_string(),
        p => format!("{name}({})", p.min(MAX_TIME_PRECISION)),
    }
}

/// GORM's sqlserver `DataTypeOf`, extended to plugorm's other logical types (see the
/// module documentation).
pub(crate) fn column_type(field: &FieldSchema) -> String {
    if let Some(t) = explicit_type(field) {
        return t.to_string();
    }
    match field.data_type {
        DataType::Bool => "bit".to_string(),
        DataType::Int | DataType::UInt => integer(field),
        DataType::Float | DataType::Decimal if field.precision > 0 => match field.scale {
            0 => format!("decimal({})", field.precision),
            scale => format!("decimal({}, {scale})", field.precision),
        },
        DataType::Float => "float".to_string(),
        DataType::Decimal => "decimal(38, 10)".to_string(),
        DataType::String => string(field),
        DataType::Bytes => match field.size {
            1..=MAX_VARBINARY => format!("varbinary({})", field.size),
            _ => "varbinary(MAX)".to_string(),
        },
        DataType::TimestampTz => with_precision("datetimeoffset", field.precision),
        DataType::Timestamp => with_precision("datetime2", field.precision),
        DataType::Date => "date".to_string(),
        DataType::Time => with_precision("time", field.precision),
        DataType::Uuid => "uniqueidentifier".to_string(),
        DataType::Json => "nvarchar(MAX)".to_string(),
    }
}

/// `"c" <type>[ NOT NULL][ DEFAULT <d>]`, with boolean defaults of a `bit` column as
/// `1` / `0`.
pub(crate) fn write_column_definition<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    field: &FieldSchema,
) -> DbResult<()> {
    let bit = r.column_type(field)?.eq_ignore_ascii_case("bit");
    let literal = default_text(field).map(|d| d.to_ascii_lowercase());
    match literal.as_deref() {
        Some(d @ ("true" | "false")) if bit => {
            let mut f = field.clone();
            f.default = Some(if d == "true" { "1" } else { "0" }.into()).into();
            ddl::write_column_definition(r, w, &f)
        }
        _ => ddl::write_column_definition(r, w, field),
    }
}

/// CREATE TABLE, with the strings an index of the model covers sized like keys
/// (`nvarchar(256)`), since SQL Server cannot index `nvarchar(MAX)`; FOREIGN KEY
/// constraints inside (G126).
pub(crate) fn create_table<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    schema: &ModelSchema,
    foreign_keys: &[ForeignKeySchema],
) -> DbResult<Vec<Sql>> {
    let keyed = ddl::with_keyed_strings(schema, KEYED_STRING_SIZE, |_, _| true);
    ddl::create_table_with_foreign_keys(r, table, &keyed, foreign_keys)
}

/// `ALTER TABLE t ALTER COLUMN c <type>[ NOT NULL]` (G128): the type without IDENTITY,
/// which SQL Server cannot add or remove by ALTER.
pub(crate) fn alter_column<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    field: &FieldSchema,
) -> DbResult<Vec<Sql>> {
    if table.name.trim().is_empty() || field.column.trim().is_empty() {
        return Err(DbError::Render(format!(
            "ALTER COLUMN needs a table and a column name (got `{}` on `{}`)",
            field.column, table.name
        )));
    }
    let mut plain = field.clone();
    plain.auto_increment = false;
    let mut w = SqlWriter::default();
    w.push_str("ALTER TABLE ");
    write_ddl_table(r, &mut w, table);
    w.push_str(" ALTER COLUMN ");
    r.write_ident(&mut w, &field.column);
    w.push(' ');
    w.push_str(&r.column_type(&plain)?);
    if field.not_null || field.primary_key {
        w.push_str(" NOT NULL");
    }
    Ok(vec![w.finish()])
}

/// `CREATE [UNIQUE ][CLUSTERED |NONCLUSTERED ]INDEX i ON t(<columns>)[ WHERE <condition>]`.
pub(crate) fn create_index<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    index: &IndexSchema,
) -> DbResult<Vec<Sql>> {
    let kind = index.kind.trim().to_ascii_uppercase();
    let class = match kind.as_str() {
        "CLUSTERED" | "NONCLUSTERED" => Some(kind.as_str()),
        "FULLTEXT" | "SPATIAL" => {
            return Err(DbError::Unsupported(format!(
                "index `{}` on `{}`: SQL Server has no {kind} INDEX of this form \
                 (full-text indexes need a full-text catalog; spatial ones a geometry column)",
                index.name, table.name
            )))
        }
        "" => None,
        other => {
            tracing::debug!(index = %index.name, kind = other, "sqlserver has no index methods; kind not written");
            None
        }
    };
    let mut plain = index.clone();
    plain.kind = "".into();
    for c in plain.columns.iter_mut() {
        c.length = 0;
    }
    let mut sql = ddl::create_index(r, table, &plain)?;
    if let (Some(class), Some(first)) = (class, sql.first_mut()) {
        // The text starts with `CREATE [UNIQUE ]INDEX `, before any identifier.
        first.text = first
            .text
            .replacen("INDEX ", &format!("{class} INDEX "), 1)
            .into();
    }
    Ok(sql)
}

/// `DROP INDEX i ON t`.
pub(crate) fn drop_index<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    name: &str,
) -> DbResult<Vec<Sql>> {
    if table.name.trim().is_empty() {
        return Err(DbError::Render(format!(
            "DROP INDEX `{name}` needs its table's name"
        )));
    }
    // The default writes `DROP INDEX "i"` (and checks the name); T-SQL names the table.
    let mut sql = ddl::drop_index(r, &TableRef::new(""), name)?;
    let mut on = SqlWriter::default();
    on.push_str(" ON ");
    write_ddl_table(r, &mut on, table);
    for s in sql.iter_mut() {
        s.text.push_str(on.text());
    }
    Ok(sql)
}

/// One part of the object name `sp_rename` parses: as is when it is a plain word, else
/// bracketed.
fn name_part(name: &str) -> String {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        name.to_string()
    } else {
        format!("[{}]", name.replace(']', "]]"))
    }
}

/// `sp_rename @objname = @p1, @newname = "to", @objtype = 'COLUMN';` with `@p1` bound to
/// `table.from` (GORM's form).
pub(crate) fn rename_column<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    from: &str,
    to: &str,
) -> DbResult<Vec<Sql>> {
    rename_part(r, table, from, to, "COLUMN")
}

/// `sp_rename @objname = @p1, @newname = "to", @objtype = 'INDEX';` with `@p1` bound to
/// `table.from` (GORM's form, G134).
pub(crate) fn rename_index<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    from: &str,
    to: &str,
) -> DbResult<Vec<Sql>> {
    rename_part(r, table, from, to, "INDEX")
}

/// `sp_rename` of a table's column or index: the object's qualified name is a bound
/// value, the new name an identifier.
fn rename_part<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    from: &str,
    to: &str,
    kind: &str,
) -> DbResult<Vec<Sql>> {
    ddl::check_rename(&kind.to_lowercase(), table, from, to)?;
    let mut object: Vec<String> = Vec::new();
    if let Some(schema) = table.schema.as_ref() {
        object.push(name_part(schema));
    }
    object.push(name_part(&table.name));
    object.push(name_part(from));
    let mut w = SqlWriter::default();
    w.push_str("sp_rename @objname = ");
    r.write_param(&mut w, Value::Text(object.join(".").into()).into_ffi());
    w.push_str(", @newname = ");
    r.write_ident(&mut w, to);
    w.push_str(", @objtype = '");
    w.push_str(kind);
    w.push_str("';");
    Ok(vec![w.finish()])
}

/// `CREATE [OR ALTER] VIEW v AS <query> [WITH CHECK OPTION]`: T-SQL's replace is `OR
/// ALTER`, and its check option has no LOCAL / CASCADED form (those are refused).
pub(crate) fn create_view<R: SqlRenderer + ?Sized>(
    r: &R,
    view: &TableRef,
    query: &str,
    replace: bool,
    check_option: &str,
) -> DbResult<Vec<Sql>> {
    let check = ddl::view_check_option(view, check_option)?;
    if !check.is_empty() && check != "WITH CHECK OPTION" {
        return Err(DbError::Unsupported(format!(
            "SQL Server cannot create view `{}` {check}: only WITH CHECK OPTION exists",
            view.name
        )));
    }
    let mut sql = ddl::create_view(r, view, query, false, check)?;
    if replace {
        for s in &mut sql {
            s.text = s
                .text
                .replacen("CREATE VIEW", "CREATE OR ALTER VIEW", 1)
                .into();
        }
    }
    Ok(sql)
}

/// `sp_rename @objname = "t", @newname = "n";` (GORM's form, G130); a schema-qualified
/// table is passed as a bound `schema.table` value, the form `sp_rename` parses.
pub(crate) fn rename_table<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    to: &str,
) -> DbResult<Vec<Sql>> {
    if table.name.trim().is_empty() || to.trim().is_empty() {
        return Err(DbError::Render(format!(
            "RENAME TABLE needs two table names (got `{}` → `{to}`)",
            table.name
        )));
    }
    let mut w = SqlWriter::default();
    w.push_str("sp_rename @objname = ");
    match table.schema.as_ref() {
        Some(schema) => {
            let object = format!("{}.{}", name_part(schema), name_part(&table.name));
            r.write_param(&mut w, Value::Text(object.into()).into_ffi());
        }
        None => r.write_ident(&mut w, &table.name),
    }
    w.push_str(", @newname = ");
    r.write_ident(&mut w, to);
    w.push(';');
    Ok(vec![w.finish()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(ty: DataType, f: impl FnOnce(&mut FieldSchema)) -> String {
        let mut field = FieldSchema::new("c", "c", ty);
        f(&mut field);
        column_type(&field)
    }

    #[test]
    fn gorm_sqlserver_types() {
        assert_eq!(field(DataType::Bool, |_| {}), "bit");
        assert_eq!(field(DataType::Int, |f| f.bits = 8), "smallint");
        assert_eq!(field(DataType::Int, |f| f.bits = 16), "int");
        assert_eq!(field(DataType::UInt, |f| f.bits = 32), "bigint");
        assert_eq!(
            field(DataType::UInt, |f| f.auto_increment = true),
            "bigint IDENTITY(1,1)"
        );
        assert_eq!(field(DataType::Float, |_| {}), "float");
        assert_eq!(field(DataType::Float, |f| f.precision = 10), "decimal(10)");
        assert_eq!(
            field(DataType::Decimal, |f| (f.precision, f.scale) = (10, 2)),
            "decimal(10, 2)"
        );
        assert_eq!(field(DataType::Decimal, |_| {}), "decimal(38, 10)");
        assert_eq!(field(DataType::String, |_| {}), "nvarchar(MAX)");
        assert_eq!(field(DataType::String, |f| f.size = 4000), "nvarchar(4000)");
        assert_eq!(field(DataType::String, |f| f.size = 4001), "nvarchar(MAX)");
        assert_eq!(
            field(DataType::String, |f| f.unique = true),
            "nvarchar(256)"
        );
        assert_eq!(field(DataType::Bytes, |_| {}), "varbinary(MAX)");
        assert_eq!(field(DataType::Bytes, |f| f.size = 16), "varbinary(16)");
        assert_eq!(field(DataType::TimestampTz, |_| {}), "datetimeoffset");
        assert_eq!(
            field(DataType::Timestamp, |f| f.precision = 9),
            "datetime2(7)"
        );
        assert_eq!(field(DataType::Time, |f| f.precision = 3), "time(3)");
        assert_eq!(field(DataType::Uuid, |_| {}), "uniqueidentifier");
        assert_eq!(field(DataType::Json, |_| {}), "nvarchar(MAX)");
        assert_eq!(
            field(DataType::String, |f| f.sql_type =
                Some("ntext".into()).into()),
            "ntext"
        );
    }

    #[test]
    fn names_sp_rename_parses() {
        assert_eq!(name_part("users"), "users");
        assert_eq!(name_part("my table"), "[my table]");
        assert_eq!(name_part("a]b"), "[a]]b]");
    }
}
