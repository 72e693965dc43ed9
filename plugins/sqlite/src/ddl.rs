//! SQLite DDL: its type mapping and the operations it writes differently from the default
//! renderer (see `plugorm_plugin_api::render::ddl`).
//!
//! * Types follow GORM's sqlite driver: `integer`, `numeric` (bool), `real`, `text`,
//!   `blob`, `datetime`; an auto-increment primary key is `integer PRIMARY KEY
//!   AUTOINCREMENT`, inline, so CREATE TABLE writes no separate PRIMARY KEY clause.
//! * ADD COLUMN cannot carry a UNIQUE constraint in SQLite: the column's CHECK goes inline
//!   and uniqueness becomes a unique index named like the constraint (`uni_<table>_<col>`).
//! * CREATE INDEX has no `USING` method (every SQLite index is a B-tree, so a method is
//!   ignored) and no FULLTEXT / SPATIAL class (refused).
//! * ALTER COLUMN is refused in place with [`DbError::Unsupported`]: SQLite has none. The
//!   host's migrator then rebuilds the table (`crate::rebuild`), as GORM's driver does.
//! * FOREIGN KEY constraints exist only inside CREATE TABLE: adding or dropping one on an
//!   existing table is refused in place the same way, and made by a rebuild.

use plugorm_plugin_api::{
    migrate::ForeignKeySchema,
    render::{
        ddl::{self, explicit_type, is_index_class, split_check},
        SqlRenderer, SqlWriter,
    },
    schema::{DataType, FieldSchema, IndexSchema, ModelSchema},
    statement::TableRef,
    DbError, DbResult, Sql,
};

/// GORM's sqlite `DataTypeOf`, extended to plugorm's other logical types.
pub(crate) fn column_type(field: &FieldSchema) -> String {
    if let Some(t) = explicit_type(field) {
        return t.to_string();
    }
    match field.data_type {
        DataType::Bool => "numeric",
        DataType::Int | DataType::UInt if field.auto_increment && field.primary_key => {
            "integer PRIMARY KEY AUTOINCREMENT"
        }
        DataType::Int | DataType::UInt => "integer",
        DataType::Float => "real",
        DataType::String => "text",
        DataType::Bytes => "blob",
        DataType::Timestamp | DataType::TimestampTz => "datetime",
        DataType::Date => "date",
        DataType::Time => "time",
        // Decimals, UUIDs and JSON are bound as text; a text column keeps them exact
        // (a NUMERIC column would turn `12.50` into the REAL 12.5).
        DataType::Decimal | DataType::Uuid | DataType::Json => "text",
    }
    .to_string()
}

fn naming_table(table: &TableRef) -> String {
    match table.schema.as_ref() {
        Some(s) => format!("{s}.{}", table.name),
        None => table.name.to_string(),
    }
}

/// CREATE TABLE, refusing what SQLite cannot express: AUTOINCREMENT belongs to a single
/// INTEGER PRIMARY KEY, so a composite key cannot have an auto-increment member. FOREIGN
/// KEY constraints are written inside (G126): SQLite cannot add them later.
pub(crate) fn create_table<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    schema: &ModelSchema,
    foreign_keys: &[ForeignKeySchema],
) -> DbResult<Vec<Sql>> {
    let keys: Vec<&FieldSchema> = schema
        .fields
        .iter()
        .filter(|f| f.migrate && f.primary_key)
        .collect();
    if keys.len() > 1 {
        if let Some(auto) = keys
            .iter()
            .find(|f| f.auto_increment && explicit_type(f).is_none())
        {
            let names: Vec<&str> = keys.iter().map(|k| k.column.as_str()).collect();
            return Err(DbError::Unsupported(format!(
                "SQLite allows AUTOINCREMENT only on a table's single INTEGER PRIMARY KEY: table `{}` \
                 has the composite key ({}) with the auto-increment column `{}`",
                table.name,
                names.join(", "),
                auto.column
            )));
        }
    }
    ddl::create_table_with_foreign_keys(r, table, schema, foreign_keys)
}

/// SQLite's ALTER TABLE cannot add a constraint: the migrator rebuilds the table.
pub(crate) fn add_foreign_key(table: &TableRef, fk: &ForeignKeySchema) -> DbResult<Vec<Sql>> {
    Err(DbError::Unsupported(format!(
        "SQLite cannot add FOREIGN KEY `{}` to the existing table `{}` in place: its ALTER \
         TABLE adds no constraints; the migrator rebuilds the table with it instead, which it \
         can only do outside a transaction",
        fk.name, table.name
    )))
}

/// SQLite's ALTER TABLE cannot add a CHECK constraint: the migrator rebuilds the table.
pub(crate) fn add_check(table: &TableRef, name: &str) -> DbResult<Vec<Sql>> {
    Err(DbError::Unsupported(format!(
        "SQLite cannot add CHECK `{name}` to the existing table `{}` in place: its ALTER TABLE \
         adds no constraints; the migrator rebuilds the table with it instead, which it can \
         only do outside a transaction",
        table.name
    )))
}

/// SQLite's ALTER TABLE cannot drop a constraint.
pub(crate) fn drop_constraint(table: &TableRef, name: &str) -> DbResult<Vec<Sql>> {
    Err(DbError::Unsupported(format!(
        "SQLite cannot drop constraint `{name}` of table `{}` in place: its ALTER TABLE drops \
         no constraints; the migrator rebuilds the table without it instead, which it can \
         only do outside a transaction",
        table.name
    )))
}

/// `ALTER TABLE t ADD <column>[ CONSTRAINT chk CHECK (e)]`, then `CREATE UNIQUE INDEX
/// uni_t_c ON t(c)` for a unique field.
pub(crate) fn add_column<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    field: &FieldSchema,
) -> DbResult<Vec<Sql>> {
    if table.name.trim().is_empty() {
        return Err(DbError::Render("empty table name in ADD COLUMN".into()));
    }
    let naming = naming_table(table);
    let mut w = SqlWriter::default();
    w.push_str("ALTER TABLE ");
    ddl::write_ddl_table(r, &mut w, table);
    w.push_str(" ADD ");
    r.write_column_definition(&mut w, field)?;
    if let Some(check) = field.check.as_ref() {
        let (name, expr) = split_check(check);
        let expr = expr.trim();
        if !expr.is_empty() {
            let name = match name {
                Some(n) => n.to_string(),
                None => r.constraint_name("chk", &naming, &field.column),
            };
            w.push_str(" CONSTRAINT ");
            r.write_ident(&mut w, &name);
            w.push_str(" CHECK (");
            w.push_str(expr);
            w.push(')');
        }
    }
    let mut out = vec![w.finish()];
    if field.unique && !field.primary_key {
        let mut w = SqlWriter::default();
        w.push_str("CREATE UNIQUE INDEX ");
        write_index_name(
            r,
            &mut w,
            table,
            &r.constraint_name("uni", &naming, &field.column),
        );
        w.push_str(" ON ");
        r.write_ident(&mut w, &table.name);
        w.push('(');
        r.write_ident(&mut w, &field.column);
        w.push(')');
        out.push(w.finish());
    }
    Ok(out)
}

/// SQLite has no ALTER COLUMN.
pub(crate) fn alter_column(table: &TableRef, field: &FieldSchema) -> DbResult<Vec<Sql>> {
    Err(DbError::Unsupported(format!(
        "SQLite cannot alter column `{}` of table `{}` in place: it has no ALTER COLUMN; the \
         migrator rebuilds the table with the new definition instead, which it can only do \
         outside a transaction",
        field.column, table.name
    )))
}

/// SQLite's CREATE VIEW has neither `OR REPLACE` nor a check option (GORM's sqlite
/// migrator refuses `Replace` too); without them it is the standard statement.
pub(crate) fn create_view<R: SqlRenderer + ?Sized>(
    r: &R,
    view: &TableRef,
    query: &str,
    replace: bool,
    check_option: &str,
) -> DbResult<Vec<Sql>> {
    let check = ddl::view_check_option(view, check_option)?;
    if replace || !check.is_empty() {
        let what = if replace { "OR REPLACE" } else { check };
        return Err(DbError::Unsupported(format!(
            "SQLite cannot create view `{}` with {what}: its CREATE VIEW has no such clause; \
             drop the view first (drop_view) and create it again",
            view.name
        )));
    }
    ddl::create_view(r, view, query, false, "")
}

/// SQLite has no statement that renames an index; GORM re-creates it from the schema
/// text, which this dialect does not parse, so the operation is refused.
pub(crate) fn rename_index(table: &TableRef, from: &str, to: &str) -> DbResult<Vec<Sql>> {
    Err(DbError::Unsupported(format!(
        "SQLite cannot rename index `{from}` of table `{}` to `{to}`: it has no ALTER INDEX; \
         drop the index and create it under the new name",
        table.name
    )))
}

/// An index name, qualified by the table's schema (SQLite qualifies the index, never the
/// table of `ON`).
fn write_index_name<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    table: &TableRef,
    name: &str,
) {
    ddl::write_schema_prefix(r, w, table);
    r.write_ident(w, name);
}

/// `CREATE [UNIQUE] INDEX i ON t(<members>)[ WHERE <condition>]`.
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
            "SQLite has no {kind} indexes (index `{}` on `{}`); use an FTS5 or R*Tree virtual table",
            index.name, table.name
        )));
    }
    if !kind.is_empty() {
        tracing::debug!(index = %index.name, %kind, "sqlite indexes are B-trees; index method ignored");
    }
    let mut w = SqlWriter::default();
    w.push_str(if index.unique {
        "CREATE UNIQUE INDEX "
    } else {
        "CREATE INDEX "
    });
    write_index_name(r, &mut w, table, &index.name);
    w.push_str(" ON ");
    r.write_ident(&mut w, &table.name);
    r.write_index_columns(&mut w, index)?;
    let condition = index.condition.trim();
    if !condition.is_empty() {
        w.push_str(" WHERE ");
        w.push_str(condition);
    }
    Ok(vec![w.finish()])
}

#[cfg(test)]
mod tests {
    use plugorm_plugin_api::{
        render::SqlRenderer,
        schema::{DataType, FieldSchema},
    };

    /// The dialect spells SQLite's affinities for the types the plugin API's portable
    /// default writes as standard SQL (`clob`, `decimal(38, 10)`, `char(36)`).
    #[test]
    fn the_dialect_spells_sqlite_types_not_the_portable_default() {
        let sqlite = |ty| {
            crate::SqliteDialect
                .column_type(&FieldSchema::new("c", "c", ty))
                .unwrap_or_default()
        };
        for (ty, want) in [
            (DataType::String, "text"),
            (DataType::Decimal, "text"),
            (DataType::Uuid, "text"),
            (DataType::Json, "text"),
            (DataType::Bool, "numeric"),
            (DataType::TimestampTz, "datetime"),
        ] {
            assert_eq!(sqlite(ty), want, "{ty:?}");
        }
    }
}
