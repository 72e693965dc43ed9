//! Describing a table from SQL Server's `sys` catalog views, for AutoMigrate.
//!
//! Four queries, each with one parameter: the table's object name, bracket-quoted and
//! schema-qualified when the table is (`[app].[users]`), else resolved in the session's
//! default schema, where an unqualified CREATE TABLE puts it (`OBJECT_ID(@p1)`). Their
//! result columns follow the conventions of `kit::introspect::table_info`, which reads
//! them into the description:
//!
//! 1. existence: `sys.tables`;
//! 2. columns: `sys.columns` with the type spelled as the DDL writes it
//!    (`nvarchar(64)`, `nvarchar(max)`, `decimal(10,2)`, `datetimeoffset` at the default
//!    precision 7, `datetime2(3)`), the declared length in characters (`size`, 0 for
//!    `MAX`), nullability, the default constraint's definition as SQL Server keeps it
//!    (`((0))`, `(N'x')`) and primary-key membership;
//! 3. indexes: `sys.indexes`, one row per key column in key order (the primary key,
//!    unique constraints — whose index has the constraint's name — and plain indexes;
//!    included columns are not keys and are left out);
//! 4. foreign keys: `sys.foreign_keys`, one row per column pair, with the actions as
//!    `NO ACTION`, `CASCADE`, `SET NULL`, `SET DEFAULT`.

use plugorm_plugin_api::{
    kit::introspect::table_info, migrate::TableInfo, statement::TableRef, DbError, DbResult, Rows,
    Sql, Value,
};

/// `[name]`, as `OBJECT_ID` parses a delimited name part.
fn bracket(name: &str) -> String {
    format!("[{}]", name.replace(']', "]]"))
}

/// The object name `OBJECT_ID` resolves: `[schema].[table]` or `[table]`.
fn object_name(table: &TableRef) -> String {
    match table.schema.as_ref() {
        Some(s) => format!("{}.{}", bracket(s), bracket(&table.name)),
        None => bracket(&table.name),
    }
}

const EXISTS: &str = "SELECT count(*) AS n FROM sys.tables WHERE object_id = OBJECT_ID(@p1)";

const COLUMNS: &str = "SELECT c.name AS name, \
     CASE \
     WHEN t.name IN ('nvarchar', 'nchar') AND c.max_length = -1 THEN t.name + '(max)' \
     WHEN t.name IN ('nvarchar', 'nchar') THEN t.name + '(' + CAST(c.max_length / 2 AS varchar(10)) + ')' \
     WHEN t.name IN ('varchar', 'char', 'varbinary', 'binary') AND c.max_length = -1 THEN t.name + '(max)' \
     WHEN t.name IN ('varchar', 'char', 'varbinary', 'binary') THEN t.name + '(' + CAST(c.max_length AS varchar(10)) + ')' \
     WHEN t.name IN ('decimal', 'numeric') THEN t.name + '(' + CAST(c.precision AS varchar(10)) + ',' + CAST(c.scale AS varchar(10)) + ')' \
     WHEN t.name IN ('datetime2', 'datetimeoffset', 'time') AND c.scale <> 7 THEN t.name + '(' + CAST(c.scale AS varchar(10)) + ')' \
     ELSE t.name END AS type, \
     CAST(CASE \
     WHEN c.max_length = -1 THEN 0 \
     WHEN t.name IN ('nvarchar', 'nchar') THEN c.max_length / 2 \
     WHEN t.name IN ('varchar', 'char', 'varbinary', 'binary') THEN c.max_length \
     ELSE 0 END AS int) AS size, \
     CAST(CASE WHEN c.is_nullable = 1 THEN 0 ELSE 1 END AS int) AS not_null, \
     d.definition AS [default], \
     CAST(CASE WHEN EXISTS (SELECT 1 FROM sys.indexes i \
     JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id \
     WHERE i.object_id = c.object_id AND i.is_primary_key = 1 AND ic.column_id = c.column_id) \
     THEN 1 ELSE 0 END AS int) AS primary_key \
     FROM sys.columns c \
     JOIN sys.types t ON t.user_type_id = c.user_type_id \
     LEFT JOIN sys.default_constraints d ON d.object_id = c.default_object_id \
     WHERE c.object_id = OBJECT_ID(@p1) \
     ORDER BY c.column_id";

const INDEXES: &str = "SELECT i.name AS name, CAST(i.is_unique AS int) AS [unique], \
     CAST(i.is_primary_key AS int) AS [primary], c.name AS column_name \
     FROM sys.indexes i \
     JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id \
     AND ic.is_included_column = 0 \
     JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id \
     WHERE i.object_id = OBJECT_ID(@p1) AND i.name IS NOT NULL \
     ORDER BY i.name, ic.key_ordinal";

const FOREIGN_KEYS: &str = "SELECT fk.name AS name, pc.name AS column_name, \
     rt.name AS referenced_table, rc.name AS referenced_column, \
     REPLACE(fk.delete_referential_action_desc, '_', ' ') AS on_delete, \
     REPLACE(fk.update_referential_action_desc, '_', ' ') AS on_update \
     FROM sys.foreign_keys fk \
     JOIN sys.foreign_key_columns fkc ON fkc.constraint_object_id = fk.object_id \
     JOIN sys.columns pc ON pc.object_id = fkc.parent_object_id AND pc.column_id = fkc.parent_column_id \
     JOIN sys.tables rt ON rt.object_id = fkc.referenced_object_id \
     JOIN sys.columns rc ON rc.object_id = fkc.referenced_object_id AND rc.column_id = fkc.referenced_column_id \
     WHERE fk.parent_object_id = OBJECT_ID(@p1) \
     ORDER BY fk.name, fkc.constraint_column_id";

/// The introspection queries for a table (see the module documentation).
pub(crate) fn queries(table: &TableRef) -> DbResult<Vec<Sql>> {
    if table.name.trim().is_empty() {
        return Err(DbError::Render(
            "cannot describe a table with an empty name".into(),
        ));
    }
    let name = Value::Text(object_name(table).into());
    Ok([EXISTS, COLUMNS, INDEXES, FOREIGN_KEYS]
        .iter()
        .map(|q| Sql::new(*q, [name.clone()]))
        .collect())
}

/// Reads the results of [`queries`] into a [`TableInfo`].
pub(crate) fn parse(table: &TableRef, results: Vec<Rows>) -> DbResult<TableInfo> {
    table_info(table, results).map_err(|e| match e {
        DbError::Decode { detail } => DbError::Decode {
            detail: format!("sqlserver {detail}"),
        },
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use plugorm_plugin_api::{row::RowsBuilder, Value};

    use super::*;

    fn rows(names: &[&str], data: &[Vec<Value>]) -> Rows {
        let mut b = RowsBuilder::new(names.iter().map(|n| n.to_string()).collect());
        for row in data {
            b.push_row(row.iter().cloned());
        }
        b.finish()
    }

    fn t(s: &str) -> Value {
        Value::from(s)
    }

    /// What the four queries return for GORM's `products` table (G125) with a foreign key
    /// added, as the driver hands it over (`int` columns as integers).
    fn products() -> Vec<Rows> {
        let i = Value::I64;
        vec![
            rows(&["n"], &[vec![i(1)]]),
            rows(
                &["name", "type", "size", "not_null", "default", "primary_key"],
                &[
                    vec![t("id"), t("bigint"), i(0), i(1), Value::Null, i(1)],
                    vec![t("code"), t("nvarchar(64)"), i(64), i(0), Value::Null, i(0)],
                    vec![t("price"), t("bigint"), i(0), i(0), t("((0))"), i(0)],
                    vec![t("note"), t("nvarchar(max)"), i(0), i(0), Value::Null, i(0)],
                    vec![t("owner_id"), t("bigint"), i(0), i(0), Value::Null, i(0)],
                ],
            ),
            rows(
                &["name", "unique", "primary", "column_name"],
                &[
                    vec![t("idx_products_code"), i(1), i(0), t("code")],
                    vec![t("PK__products__3213E83F"), i(1), i(1), t("id")],
                ],
            ),
            rows(
                &[
                    "name",
                    "column_name",
                    "referenced_table",
                    "referenced_column",
                    "on_delete",
                    "on_update",
                ],
                &[vec![
                    t("fk_products_owner"),
                    t("owner_id"),
                    t("users"),
                    t("id"),
                    t("SET NULL"),
                    t("NO ACTION"),
                ]],
            ),
        ]
    }

    #[test]
    fn catalog_rows_read_into_the_table_description() {
        let info = parse(&TableRef::new("products"), products()).unwrap();
        assert!(info.exists);
        let names: Vec<&str> = info.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "code", "price", "note", "owner_id"]);
        let id = info.column("ID").unwrap();
        assert!(id.primary_key && !id.nullable);
        let code = info.column("code").unwrap();
        assert_eq!((code.sql_type.as_str(), code.size), ("nvarchar(64)", 64));
        assert!(code.nullable);
        assert_eq!(
            info.column("price").unwrap().default.as_deref(),
            Some("((0))")
        );
        assert_eq!(info.column("note").unwrap().size, 0);
        let idx = info.index("idx_products_code").unwrap();
        assert!(idx.unique && !idx.primary);
        assert_eq!(idx.columns.len(), 1);
        assert!(info.indexes.iter().any(|i| i.primary));
        let fk = info.foreign_key("fk_products_owner").unwrap();
        assert_eq!(fk.on_delete.as_str(), "SET NULL");
        assert_eq!(fk.referenced_table.as_str(), "users");
    }

    #[test]
    fn a_missing_table_and_bad_results() {
        let mut missing = products();
        missing[0] = rows(&["n"], &[vec![Value::I64(0)]]);
        assert!(!parse(&TableRef::new("products"), missing).unwrap().exists);
        let e = parse(&TableRef::new("products"), products()[..2].to_vec()).unwrap_err();
        assert!(e.to_string().contains("sqlserver"), "{e}");
    }

    #[test]
    fn queries_bind_the_quoted_object_name() {
        let q = queries(&TableRef::parse("app.my]table")).unwrap();
        assert_eq!(q.len(), 4);
        for sql in &q {
            assert!(sql.text.contains("OBJECT_ID(@p1)"), "{}", sql.text);
            let values: Vec<&Value> = sql.values().collect::<Result<_, _>>().unwrap();
            assert_eq!(values, [&Value::from("[app].[my]]table]")]);
        }
        assert!(queries(&TableRef::new(" ")).is_err());
    }
}
