//! PostgreSQL DDL: GORM's postgres type mapping and the operations PostgreSQL writes
//! differently from the default renderer (`plugorm_plugin_api::render::ddl`).
//!
//! * Types follow GORM's postgres driver: `smallint` / `integer` / `bigint` by width
//!   (`smallserial` / `serial` / `bigserial` when auto-incremented), `numeric(p, s)`,
//!   `varchar(n)` or `text`, `boolean`, `bytea`, `timestamp` / `timestamptz` (with a
//!   precision when given), `date`, `time`, `uuid`, `jsonb`. Floats without a precision
//!   are `real` / `double precision` (GORM writes `decimal`, which would read floats back
//!   as decimals).
//! * `CREATE [UNIQUE] INDEX IF NOT EXISTS "i" ON "t" [USING method]("c" desc) [WHERE …]`.
//! * ALTER COLUMN changes the type with `TYPE … USING "c"::…`, then nullability and the
//!   default; an auto-increment column keeps its sequence default.
//! * `DROP TABLE … CASCADE`, as GORM's driver.
//! * Column and index comments become `COMMENT ON … IS E'…'` statements.

use plugorm_plugin_api::{
    migrate::ForeignKeySchema,
    render::{
        ddl::{self, comment_of, default_text, explicit_type, is_index_class, write_ddl_table},
        SqlRenderer, SqlWriter,
    },
    schema::{DataType, FieldSchema, IndexSchema, ModelSchema},
    statement::TableRef,
    DbError, DbResult, Sql,
};

/// GORM's postgres `DataTypeOf`, extended to plugorm's other logical types.
pub(crate) fn column_type(field: &FieldSchema) -> String {
    if let Some(t) = explicit_type(field) {
        return t.to_string();
    }
    match field.data_type {
        DataType::Bool => "boolean".into(),
        DataType::Int | DataType::UInt => {
            let mut bits = if field.bits == 0 {
                64
            } else {
                u32::from(field.bits)
            };
            if field.data_type == DataType::UInt {
                bits += 1;
            }
            match (bits, field.auto_increment) {
                (0..=16, true) => "smallserial",
                (17..=32, true) => "serial",
                (_, true) => "bigserial",
                (0..=16, false) => "smallint",
                (17..=32, false) => "integer",
                (_, false) => "bigint",
            }
            .into()
        }
        DataType::Float if field.precision > 0 => numeric(field.precision, field.scale),
        DataType::Float if field.bits == 32 => "real".into(),
        DataType::Float => "double precision".into(),
        DataType::String if field.size > 0 => format!("varchar({})", field.size),
        DataType::String => "text".into(),
        DataType::Bytes => "bytea".into(),
        DataType::Timestamp => with_precision("timestamp", field.precision),
        DataType::TimestampTz => with_precision("timestamptz", field.precision),
        DataType::Date => "date".into(),
        DataType::Time => with_precision("time", field.precision),
        DataType::Decimal => numeric(field.precision, field.scale),
        DataType::Uuid => "uuid".into(),
        DataType::Json => "jsonb".into(),
    }
}

fn with_precision(name: &str, precision: u32) -> String {
    if precision > 0 {
        format!("{name}({precision})")
    } else {
        name.to_string()
    }
}

/// `numeric`, `numeric(p)` or `numeric(p, s)` (GORM's spacing).
fn numeric(precision: u32, scale: u32) -> String {
    match (precision, scale) {
        (0, _) => "numeric".into(),
        (p, 0) => format!("numeric({p})"),
        (p, s) => format!("numeric({p}, {s})"),
    }
}

/// A string literal that reads the same whatever `standard_conforming_strings` says.
fn string_literal(s: &str, what: &str) -> DbResult<String> {
    if s.contains('\0') {
        return Err(DbError::Render(format!(
            "{what} contains a NUL character, which PostgreSQL text cannot hold"
        )));
    }
    Ok(format!(
        "E'{}'",
        s.replace('\\', "\\\\").replace('\'', "''")
    ))
}

/// `COMMENT ON COLUMN "t"."c" IS E'…'`.
fn column_comment<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    field: &FieldSchema,
) -> DbResult<Option<Sql>> {
    let Some(comment) = comment_of(field) else {
        return Ok(None);
    };
    let mut w = SqlWriter::default();
    w.push_str("COMMENT ON COLUMN ");
    write_ddl_table(r, &mut w, table);
    w.push('.');
    r.write_ident(&mut w, &field.column);
    w.push_str(" IS ");
    w.push_str(&string_literal(
        comment,
        &format!("the comment of column `{}`", field.column),
    )?);
    Ok(Some(w.finish()))
}

/// CREATE TABLE (the default renderer's, FOREIGN KEY constraints inside), then a COMMENT
/// for each commented column.
pub(crate) fn create_table<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    schema: &ModelSchema,
    foreign_keys: &[ForeignKeySchema],
) -> DbResult<Vec<Sql>> {
    let mut out = ddl::create_table_with_foreign_keys(r, table, schema, foreign_keys)?;
    for f in schema.fields.iter().filter(|f| f.migrate) {
        out.extend(column_comment(r, table, f)?);
    }
    Ok(out)
}

/// ADD COLUMN (the default renderer's, with its UNIQUE / CHECK constraints), then the
/// column's COMMENT.
pub(crate) fn add_column<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    field: &FieldSchema,
) -> DbResult<Vec<Sql>> {
    let mut out = ddl::add_column(r, table, field)?;
    out.extend(column_comment(r, table, field)?);
    Ok(out)
}

fn alter<R: SqlRenderer + ?Sized>(r: &R, table: &TableRef, column: &str, tail: &str) -> Sql {
    let mut w = SqlWriter::default();
    w.push_str("ALTER TABLE ");
    write_ddl_table(r, &mut w, table);
    w.push_str(" ALTER COLUMN ");
    r.write_ident(&mut w, column);
    w.push(' ');
    w.push_str(tail);
    w.finish()
}

/// GORM's postgres AlterColumn: `ALTER COLUMN c TYPE <t> USING c::<t>`, then `SET` /
/// `DROP NOT NULL` (not for a key) and `SET` / `DROP DEFAULT` (not for an
/// auto-increment column, whose default is its sequence).
pub(crate) fn alter_column<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    field: &FieldSchema,
) -> DbResult<Vec<Sql>> {
    if table.name.trim().is_empty() {
        return Err(DbError::Render("empty table name in ALTER COLUMN".into()));
    }
    if field.column.trim().is_empty() {
        return Err(DbError::Render("empty column name in ALTER COLUMN".into()));
    }
    let mut plain = field.clone();
    plain.auto_increment = false;
    let ty = r.column_type(&plain)?;
    let mut cast = SqlWriter::default();
    r.write_ident(&mut cast, &field.column);
    let mut out = vec![alter(
        r,
        table,
        &field.column,
        &format!("TYPE {ty} USING {}::{ty}", cast.text()),
    )];
    if !field.primary_key {
        let nullability = if field.not_null {
            "SET NOT NULL"
        } else {
            "DROP NOT NULL"
        };
        out.push(alter(r, table, &field.column, nullability));
    }
    if !field.auto_increment {
        out.push(match default_text(field) {
            Some(d) => alter(r, table, &field.column, &format!("SET DEFAULT {d}")),
            None => alter(r, table, &field.column, "DROP DEFAULT"),
        });
    }
    Ok(out)
}

/// `CREATE [UNIQUE] INDEX IF NOT EXISTS "i" ON "t" ("c")`, or `… ON "t" USING
/// <method>("c")`, then ` WHERE <condition>` and the index's COMMENT.
pub(crate) fn create_index<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    index: &IndexSchema,
) -> DbResult<Vec<Sql>> {
    if table.name.trim().is_empty() {
        return Err(DbError::Render("empty table name in CREATE INDEX".into()));
    }
    if index.name.trim().is_empty() {
        return Err(DbError::Render(format!(
            "empty index name in CREATE INDEX on `{}`",
            table.name
        )));
    }
    let kind = index.kind.trim();
    if is_index_class(kind) {
        return Err(DbError::Unsupported(format!(
            "PostgreSQL has no {kind} indexes (index `{}` on `{}`); use `gin` over a \
             tsvector for full text, or `gist` for geometry",
            index.name, table.name
        )));
    }
    if !kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(DbError::Render(format!(
            "index `{}` has an invalid method `{kind}` (expected one word such as `btree`, \
             `hash`, `gin`, `gist`, `brin`)",
            index.name
        )));
    }
    let mut w = SqlWriter::default();
    w.push_str(if index.unique {
        "CREATE UNIQUE INDEX IF NOT EXISTS "
    } else {
        "CREATE INDEX IF NOT EXISTS "
    });
    r.write_ident(&mut w, &index.name);
    w.push_str(" ON ");
    write_ddl_table(r, &mut w, table);
    if kind.is_empty() {
        w.push(' ');
    } else {
        w.push_str(" USING ");
        w.push_str(kind);
    }
    r.write_index_columns(&mut w, index)?;
    let condition = index.condition.trim();
    if !condition.is_empty() {
        w.push_str(" WHERE ");
        w.push_str(condition);
    }
    let mut out = vec![w.finish()];
    let comment = index.comment.trim();
    if !comment.is_empty() {
        let mut w = SqlWriter::default();
        w.push_str("COMMENT ON INDEX ");
        if let Some(schema) = table.schema.as_ref() {
            r.write_ident(&mut w, schema);
            w.push('.');
        }
        r.write_ident(&mut w, &index.name);
        w.push_str(" IS ");
        w.push_str(&string_literal(
            comment,
            &format!("the comment of index `{}`", index.name),
        )?);
        out.push(w.finish());
    }
    Ok(out)
}

/// `DROP TABLE [IF EXISTS] t CASCADE` (dependent views and foreign keys go too, as with
/// GORM's driver).
pub(crate) fn drop_table<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    if_exists: bool,
) -> DbResult<Vec<Sql>> {
    let mut out = ddl::drop_table(r, table, if_exists)?;
    if let Some(sql) = out.first_mut() {
        let text = format!("{} CASCADE", sql.text);
        sql.text = text.into();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_quotes_and_backslashes() {
        assert_eq!(
            string_literal(r"it's a \ path", "c").unwrap(),
            r"E'it''s a \\ path'"
        );
        assert!(string_literal("nul\0", "c").is_err());
    }

    #[test]
    fn type_mapping() {
        let f = |ty, bits: u8, auto: bool| {
            let mut f = FieldSchema::new("c", "c", ty);
            f.bits = bits;
            f.auto_increment = auto;
            column_type(&f)
        };
        assert_eq!(f(DataType::Int, 16, true), "smallserial");
        assert_eq!(f(DataType::UInt, 16, false), "integer");
        assert_eq!(f(DataType::UInt, 32, true), "bigserial");
        assert_eq!(f(DataType::Int, 0, false), "bigint");
        assert_eq!(f(DataType::Float, 32, false), "real");
        assert_eq!(f(DataType::Json, 0, false), "jsonb");
        let mut d = FieldSchema::new("d", "d", DataType::Decimal);
        d.precision = 10;
        d.scale = 2;
        assert_eq!(column_type(&d), "numeric(10, 2)");
    }

    /// The dialect overrides the plugin API's portable default for every logical type,
    /// so PostgreSQL DDL keeps PostgreSQL's types where the default spells standard SQL.
    #[test]
    fn the_dialect_spells_postgres_types_not_the_portable_default() {
        use plugorm_plugin_api::render::SqlRenderer;
        let pg = |ty| {
            crate::PostgresDialect
                .column_type(&FieldSchema::new("c", "c", ty))
                .unwrap_or_default()
        };
        let expected = [
            (DataType::Bool, "boolean"),
            (DataType::Int, "bigint"),
            (DataType::UInt, "bigint"),
            (DataType::Float, "double precision"),
            (DataType::Decimal, "numeric"),
            (DataType::String, "text"),
            (DataType::Bytes, "bytea"),
            (DataType::Timestamp, "timestamp"),
            (DataType::TimestampTz, "timestamptz"),
            (DataType::Date, "date"),
            (DataType::Time, "time"),
            (DataType::Uuid, "uuid"),
            (DataType::Json, "jsonb"),
        ];
        for (ty, want) in expected {
            assert_eq!(pg(ty), want, "{ty:?}");
        }
        let mut id = FieldSchema::new("id", "id", DataType::Int);
        id.auto_increment = true;
        assert_eq!(
            crate::PostgresDialect.column_type(&id).unwrap_or_default(),
            "bigserial"
        );
    }
}
