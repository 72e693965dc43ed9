//! Describing a table from PostgreSQL's catalogue, for AutoMigrate.
//!
//! Three queries, every name bound as a parameter; the schema is the table's own
//! (`app.users`) or, for an unqualified table, `current_schema()` — the first schema of
//! the `search_path` that exists, where an unqualified CREATE TABLE puts it:
//!
//! 1. existence: ordinary or partitioned tables (`pg_class.relkind` `r` / `p`);
//! 2. columns: `pg_attribute` with `format_type`, `NOT NULL`, the default expression,
//!    identity, and primary-key membership from `pg_index`;
//! 3. indexes: `pg_index` with one row per key column in index order (the primary key,
//!    unique constraints — whose index has the constraint's name — and plain indexes; an
//!    expression member has no column name);
//! 4. foreign keys: `pg_constraint` rows of type `f`, one row per column pair in key order,
//!    with the referenced table and the `ON DELETE` / `ON UPDATE` actions.

use plugorm_plugin_api::{
    kit::introspect::{self, group_indexes, IndexRow},
    migrate::{ColumnInfo, TableInfo},
    statement::TableRef,
    types::{Optional, Text},
    DbError, DbResult, Rows, Sql, Value,
};

const QUERIES: usize = 4;

/// The schema condition and its parameters, then the table name's placeholder.
fn scope(table: &TableRef, first: usize) -> (String, Vec<Value>, String) {
    match table.schema.as_ref() {
        Some(s) => (
            format!("n.nspname = ${first}"),
            vec![
                Value::Text(s.as_str().into()),
                Value::Text(table.name.clone()),
            ],
            format!("${}", first + 1),
        ),
        None => (
            "n.nspname = current_schema()".to_string(),
            vec![Value::Text(table.name.clone())],
            format!("${first}"),
        ),
    }
}

/// The introspection queries for a table (see the module documentation).
pub(crate) fn queries(table: &TableRef) -> DbResult<Vec<Sql>> {
    if table.name.trim().is_empty() {
        return Err(DbError::Render(
            "cannot describe a table with an empty name".into(),
        ));
    }
    let (schema_cond, params, name) = scope(table, 1);
    let exists = Sql::new(
        format!(
            "SELECT count(*) AS n FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE {schema_cond} AND c.relname = {name} AND c.relkind IN ('r', 'p')"
        ),
        params.clone(),
    );
    let columns = Sql::new(
        format!(
            "SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS sql_type, \
             a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS column_default, \
             a.attidentity::text AS identity, \
             EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = a.attrelid \
             AND i.indisprimary AND a.attnum = ANY (i.indkey)) AS primary_key \
             FROM pg_catalog.pg_attribute a \
             JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             WHERE {schema_cond} AND c.relname = {name} AND c.relkind IN ('r', 'p') \
             AND a.attnum > 0 AND NOT a.attisdropped \
             ORDER BY a.attnum"
        ),
        params.clone(),
    );
    let indexes = Sql::new(
        format!(
            "SELECT ic.relname AS index_name, i.indisunique AS is_unique, \
             i.indisprimary AS is_primary, a.attname AS column_name, k.ord AS ord \
             FROM pg_catalog.pg_index i \
             JOIN pg_catalog.pg_class t ON t.oid = i.indrelid \
             JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace \
             JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid \
             CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
             LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
             WHERE {schema_cond} AND t.relname = {name} AND k.ord <= i.indnkeyatts \
             ORDER BY ic.relname, k.ord"
        ),
        params.clone(),
    );
    let foreign_keys = Sql::new(
        format!(
            "SELECT con.conname AS name, a.attname AS column_name, \
             rt.relname AS referenced_table, ra.attname AS referenced_column, \
             con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update \
             FROM pg_catalog.pg_constraint con \
             JOIN pg_catalog.pg_class t ON t.oid = con.conrelid \
             JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace \
             JOIN pg_catalog.pg_class rt ON rt.oid = con.confrelid \
             CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, refnum, ord) \
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum \
             JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.refnum \
             WHERE {schema_cond} AND t.relname = {name} AND con.contype = 'f' \
             ORDER BY con.conname, k.ord"
        ),
        params,
    );
    Ok(vec![exists, columns, indexes, foreign_keys])
}

/// `pg_constraint`'s one-letter referential action in SQL's words.
fn action(code: &str) -> &'static str {
    match code {
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        "r" => "RESTRICT",
        _ => "NO ACTION",
    }
}

/// PostgreSQL's long type spellings in the short form DDL uses (`character varying(64)`
/// → `varchar(64)`, `timestamp(3) with time zone` → `timestamptz(3)`).
fn short_type(formatted: &str) -> String {
    let t = formatted.trim().to_ascii_lowercase();
    let (base, array) = match t.strip_suffix("[]") {
        Some(b) => (b.to_string(), "[]"),
        None => (t.clone(), ""),
    };
    let zoned = |name: &str, rest: &str| -> Option<String> {
        let rest = rest.strip_prefix(name)?;
        let (precision, zone) = match rest.find(" with") {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let short = match zone {
            " with time zone" => format!("{name}tz"),
            " without time zone" | "" => name.to_string(),
            _ => return None,
        };
        Some(format!("{short}{precision}"))
    };
    let out = if let Some(rest) = base.strip_prefix("character varying") {
        format!("varchar{rest}")
    } else if let Some(rest) = base.strip_prefix("character") {
        format!("char{rest}")
    } else if base.starts_with("timestamp") {
        zoned("timestamp", &base).unwrap_or(base.clone())
    } else if base.starts_with("time") {
        zoned("time", &base).unwrap_or(base.clone())
    } else {
        base.clone()
    };
    format!("{out}{array}")
}

/// The declared length of a character type (`varchar(100)` → 100), else 0.
fn declared_size(short: &str) -> u32 {
    let sized = ["varchar(", "char(", "bit(", "varbit(", "bit varying("];
    if !sized.iter().any(|p| short.starts_with(p)) {
        return 0;
    }
    short
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .and_then(|(n, _)| n.trim().parse().ok())
        .unwrap_or(0)
}

fn context(table: &TableRef, what: &str, e: DbError) -> DbError {
    DbError::Decode {
        detail: format!(
            "postgres description of table `{}` ({what}): {e}",
            table.name
        ),
    }
}

/// Reads the results of [`queries`] into a [`TableInfo`].
pub(crate) fn parse(table: &TableRef, results: Vec<Rows>) -> DbResult<TableInfo> {
    if results.len() != QUERIES {
        return Err(DbError::Decode {
            detail: format!(
                "postgres description of table `{}`: expected {QUERIES} result sets, got {}",
                table.name,
                results.len()
            ),
        });
    }
    let (exists_rows, column_rows, index_rows) = (&results[0], &results[1], &results[2]);
    let fk_rows = &results[3];
    let mut count = 0i64;
    for row in exists_rows.iter() {
        count += row
            .get::<i64>("n")
            .map_err(|e| context(table, "existence", e))?;
    }
    if count == 0 {
        return Ok(TableInfo::default());
    }

    let mut columns = Vec::with_capacity(column_rows.len());
    for row in column_rows.iter() {
        let read = || -> DbResult<ColumnInfo> {
            let sql_type = short_type(&row.get::<String>("sql_type")?);
            let identity = row.get::<Option<String>>("identity")?.unwrap_or_default();
            let default = match (
                row.get::<Option<String>>("column_default")?,
                identity.as_str(),
            ) {
                (Some(d), _) => Optional::Some(Text::from(d)),
                (None, "d") => Optional::Some("generated by default as identity".into()),
                (None, "a") => Optional::Some("generated always as identity".into()),
                (None, _) => Optional::None,
            };
            Ok(ColumnInfo {
                name: row.get::<String>("name")?.into(),
                size: declared_size(&sql_type),
                sql_type: sql_type.into(),
                nullable: !row.get::<bool>("not_null")?,
                default,
                primary_key: row.get::<bool>("primary_key")?,
            })
        };
        columns.push(read().map_err(|e| context(table, "columns", e))?);
    }

    let mut index_members = Vec::new();
    for row in index_rows.iter() {
        let read = || -> DbResult<IndexRow> {
            Ok(IndexRow {
                name: row.get("index_name")?,
                unique: row.get("is_unique")?,
                primary: row.get("is_primary")?,
                column: row.get("column_name")?,
            })
        };
        index_members.push(read().map_err(|e| context(table, "indexes", e))?);
    }
    // Rows come ordered by index and by constraint, so each one's rows are contiguous.
    let indexes = group_indexes(index_members);
    let foreign_keys = introspect::foreign_keys(fk_rows, |a| action(a).to_string())
        .map_err(|e| context(table, "foreign keys", e))?;

    Ok(TableInfo {
        exists: true,
        columns: columns.into(),
        indexes: indexes.into(),
        foreign_keys: foreign_keys.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_type_names_shorten() {
        for (long, short) in [
            ("character varying(64)", "varchar(64)"),
            ("character varying", "varchar"),
            ("character(3)", "char(3)"),
            ("timestamp(3) with time zone", "timestamptz(3)"),
            ("timestamp without time zone", "timestamp"),
            ("timestamp with time zone", "timestamptz"),
            ("time without time zone", "time"),
            ("time(2) with time zone", "timetz(2)"),
            ("numeric(10,2)", "numeric(10,2)"),
            ("integer[]", "integer[]"),
            ("character varying(10)[]", "varchar(10)[]"),
            ("double precision", "double precision"),
        ] {
            assert_eq!(short_type(long), short);
        }
        assert_eq!(declared_size("varchar(64)"), 64);
        assert_eq!(declared_size("char(3)"), 3);
        assert_eq!(declared_size("numeric(10,2)"), 0);
        assert_eq!(declared_size("text"), 0);
    }

    #[test]
    fn qualified_tables_bind_their_schema() {
        let q = queries(&TableRef::parse("app.users")).unwrap();
        assert!(q[1].text.contains("n.nspname = $1") && q[1].text.contains("c.relname = $2"));
        assert_eq!(q[1].params.len(), 2);
        let q = queries(&TableRef::new("users")).unwrap();
        assert!(q[0].text.contains("current_schema()") && q[0].text.contains("c.relname = $1"));
        assert_eq!(q[0].params.len(), 1);
    }
}
