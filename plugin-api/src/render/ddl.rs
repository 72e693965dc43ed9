//! Default DDL rendering: column types, column definitions and every [`Ddl`] operation.
//!
//! The [`SqlRenderer`] trait's DDL methods delegate to the public functions of this module,
//! so a dialect that overrides one of them can still call the default for the parts it
//! keeps (SQLite checks its AUTOINCREMENT rule, then calls [`create_table`]).
//!
//! Identifiers (tables, columns, indexes, constraints) always go through
//! [`SqlRenderer::write_ident`]. Only the model's own SQL — an explicit column type, a
//! default, a CHECK expression, an index condition — is written verbatim: it is the
//! developer's SQL, as with GORM's `type:`, `default:`, `check:` and `where:` tags.
//!
//! ```
//! use plugorm_plugin_api::migrate::Ddl;
//! use plugorm_plugin_api::render::{ddl, SqlRenderer};
//! use plugorm_plugin_api::schema::{DataType, FieldSchema};
//! use plugorm_plugin_api::statement::TableRef;
//! struct Ansi;
//! impl SqlRenderer for Ansi {}
//! let ddl = Ddl::AddColumn {
//!     table: TableRef::new("users"),
//!     field: FieldSchema::new("age", "age", DataType::Int),
//! };
//! let sql = ddl::render_ddl(&Ansi, &ddl).unwrap();
//! assert_eq!(sql[0].text.as_str(), r#"ALTER TABLE "users" ADD "age" bigint"#);
//! ```

use crate::types::Optional;

use super::{SqlRenderer, SqlWriter};
mod foreign_key;
mod rebuild;

pub use foreign_key::{add_foreign_key, drop_constraint, referential_action, write_foreign_key};
pub use rebuild::{rebuild_table, REBUILD_SUFFIX};

use crate::{
    migrate::{Ddl, ForeignKeySchema},
    schema::{DataType, FieldSchema, IndexColumn, IndexSchema, ModelSchema},
    statement::TableRef,
    DbError, DbResult, Sql,
};

/// Dispatches a DDL operation to the renderer's `ddl_*` method for its variant.
///
/// ```
/// use plugorm_plugin_api::migrate::Ddl;
/// use plugorm_plugin_api::render::{ddl, SqlRenderer};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let sql = ddl::render_ddl(&Ansi, &Ddl::DropTable { table: TableRef::new("t"), if_exists: true }).unwrap();
/// assert_eq!(sql[0].text.as_str(), r#"DROP TABLE IF EXISTS "t""#);
/// ```
pub fn render_ddl<R: SqlRenderer + ?Sized>(r: &R, ddl: &Ddl) -> DbResult<Vec<Sql>> {
    let list = match ddl {
        Ddl::CreateTable { table, schema } => r.ddl_create_table(table, schema)?,
        Ddl::AddColumn { table, field } => r.ddl_add_column(table, field)?,
        Ddl::AlterColumn { table, field } => r.ddl_alter_column(table, field)?,
        Ddl::DropColumn { table, column } => r.ddl_drop_column(table, column)?,
        Ddl::CreateIndex { table, index } => r.ddl_create_index(table, index)?,
        Ddl::DropIndex { table, name } => r.ddl_drop_index(table, name)?,
        Ddl::DropTable { table, if_exists } => r.ddl_drop_table(table, *if_exists)?,
        Ddl::RenameColumn { table, from, to } => r.ddl_rename_column(table, from, to)?,
        Ddl::CreateTableWithForeignKeys {
            table,
            schema,
            foreign_keys,
        } => r.ddl_create_table_with_foreign_keys(table, schema, foreign_keys)?,
        Ddl::AddForeignKey { table, foreign_key } => r.ddl_add_foreign_key(table, foreign_key)?,
        Ddl::DropConstraint { table, name } => r.ddl_drop_constraint(table, name)?,
        Ddl::RenameTable { table, to } => r.ddl_rename_table(table, to)?,
        Ddl::RenameIndex { table, from, to } => r.ddl_rename_index(table, from, to)?,
        Ddl::ListTables => r.ddl_list_tables()?,
        Ddl::CurrentDatabase => r.ddl_current_database()?,
        Ddl::CreateView {
            view,
            query,
            replace,
            check_option,
        } => r.ddl_create_view(view, query, *replace, check_option)?,
        Ddl::DropView { view, if_exists } => r.ddl_drop_view(view, *if_exists)?,
        Ddl::TableDefinition { table } => r.ddl_table_definition(table)?,
        Ddl::RebuildTable {
            table,
            definition,
            dependents,
            change,
        } => r.ddl_rebuild_table(table, definition, dependents, change)?,
        Ddl::RebuildSession { enter } => r.ddl_rebuild_session(*enter)?,
        Ddl::ForeignKeyViolations { table } => r.ddl_foreign_key_violations(table)?,
        Ddl::AddCheck {
            table,
            name,
            expression,
        } => r.ddl_add_check(table, name, expression)?,
        Ddl::HasConstraint { table, name } => r.ddl_has_constraint(table, name)?,
        Ddl::ColumnComments { table } => r.ddl_column_comments(table)?,
        Ddl::SplitScript { text } => r.ddl_split_script(text)?,
        Ddl::MigrationLock { acquire } => r.ddl_migration_lock(*acquire)?,
    };
    Ok(list)
}

/// The field's comment (`#[orm(comment = "…")]`), when set and not blank.
///
/// ```
/// use plugorm_plugin_api::render::ddl::comment_of;
/// use plugorm_plugin_api::schema::{DataType, FieldSchema};
/// let mut f = FieldSchema::new("name", "name", DataType::String);
/// assert_eq!(comment_of(&f), None);
/// f.comment = plugorm_plugin_api::types::Optional::Some("the user's name".into());
/// assert_eq!(comment_of(&f), Some("the user's name"));
/// ```
pub fn comment_of(field: &FieldSchema) -> Option<&str> {
    field
        .comment
        .as_ref()
        .map(|c| c.as_str())
        .filter(|c| !c.trim().is_empty())
}

/// The model's explicit column type (`FieldSchema::sql_type`), when set and not blank.
///
/// ```
/// use plugorm_plugin_api::render::ddl::explicit_type;
/// use plugorm_plugin_api::schema::{DataType, FieldSchema};
/// let mut f = FieldSchema::new("name", "name", DataType::String);
/// assert_eq!(explicit_type(&f), None);
/// f.sql_type = plugorm_plugin_api::types::Optional::Some("varchar(20)".into());
/// assert_eq!(explicit_type(&f), Some("varchar(20)"));
/// ```
pub fn explicit_type(field: &FieldSchema) -> Option<&str> {
    match &field.sql_type {
        Optional::Some(t) if !t.trim().is_empty() => Some(t.trim()),
        _ => None,
    }
}

/// `schema` with every unsized string field that an index covers (as `covers` says of an
/// index and one of its columns) sized `size`: for a dialect whose unbounded string type
/// cannot be indexed (MySQL's `longtext`, SQL Server's `nvarchar(MAX)`). A field with an
/// explicit SQL type is left as given.
///
/// ```
/// use plugorm_plugin_api::render::ddl::with_keyed_strings;
/// use plugorm_plugin_api::schema::{DataType, FieldSchema, IndexColumn, IndexSchema, ModelSchema};
/// let schema = ModelSchema {
///     name: "User".into(),
///     table: "users".into(),
///     fields: vec![
///         FieldSchema::new("code", "code", DataType::String),
///         FieldSchema::new("note", "note", DataType::String),
///     ]
///     .into(),
///     indexes: vec![IndexSchema {
///         name: "idx_users_code".into(),
///         unique: false,
///         columns: vec![IndexColumn { column: "code".into(), sort: "".into(), length: 0 }].into(),
///         kind: "".into(),
///         condition: "".into(),
///         comment: "".into(),
///     }]
///     .into(),
/// };
/// let keyed = with_keyed_strings(&schema, 191, |_, _| true);
/// assert_eq!((keyed.fields[0].size, keyed.fields[1].size), (191, 0));
/// ```
pub fn with_keyed_strings(
    schema: &ModelSchema,
    size: u32,
    covers: impl Fn(&IndexSchema, &IndexColumn) -> bool,
) -> ModelSchema {
    let mut keyed = schema.clone();
    for f in keyed.fields.iter_mut() {
        let indexed = schema.indexes.iter().any(|i| {
            i.columns
                .iter()
                .any(|c| c.column == f.column && covers(i, c))
        });
        if f.data_type == DataType::String && f.size == 0 && indexed && explicit_type(f).is_none() {
            f.size = size;
        }
    }
    keyed
}

/// The portable column type of a field: standard SQL (ISO/IEC 9075) spelled in lower
/// case as GORM writes types, for a dialect that does not override
/// [`SqlRenderer::column_type`]. Nothing here is one database's dialect:
///
/// | logical type | column type |
/// | --- | --- |
/// | `Bool` | `boolean` |
/// | `Int` / `UInt` | `smallint` / `integer` / `bigint` by width (an unsigned type needs one bit more); auto-increment adds ` GENERATED BY DEFAULT AS IDENTITY` (SQL:2003 identity column) |
/// | `Float` | `real` (32 bits), `double precision`; `decimal(p, s)` with a precision |
/// | `Decimal` | `decimal(p[, s])`; without a precision `decimal(38, 10)`, because a bare `decimal` has scale 0 in the standard and would round every fraction away |
/// | `String` | `varchar(n)` with a size, else `clob` (the standard's unbounded character type; `text` is not standard SQL) |
/// | `Bytes` | `varbinary(n)` with a size, else `blob` |
/// | `Timestamp` / `TimestampTz` | `timestamp[(p)]` / `timestamp[(p)] with time zone` |
/// | `Date` / `Time` | `date` / `time[(p)]` |
/// | `Uuid` | `char(36)`: the standard has no UUID type; the column holds the canonical text form ([`crate::value::uuid_text`]) |
/// | `Json` | `json` (the SQL:2023 JSON type) |
///
/// An explicit `sql_type` wins. The bundled dialects override this with their
/// database's types (PostgreSQL's `text`, `bytea`, `uuid`, `jsonb`, `serial`; MySQL's
/// `longtext`, `datetime(3)`; SQLite's affinities).
///
/// ```
/// use plugorm_plugin_api::render::ddl::column_type;
/// use plugorm_plugin_api::schema::{DataType, FieldSchema};
/// let mut f = FieldSchema::new("code", "code", DataType::String);
/// assert_eq!(column_type(&f), "clob");
/// f.size = 64;
/// assert_eq!(column_type(&f), "varchar(64)");
/// assert_eq!(column_type(&FieldSchema::new("id", "id", DataType::Uuid)), "char(36)");
/// ```
pub fn column_type(field: &FieldSchema) -> String {
    if let Some(t) = explicit_type(field) {
        return t.to_string();
    }
    match field.data_type {
        DataType::Bool => "boolean".to_string(),
        DataType::Int | DataType::UInt => {
            let mut bits = if field.bits == 0 {
                64
            } else {
                u32::from(field.bits)
            };
            if field.data_type == DataType::UInt {
                bits += 1;
            }
            let base = match bits {
                0..=16 => "smallint",
                17..=32 => "integer",
                _ => "bigint",
            };
            if field.auto_increment {
                format!("{base} GENERATED BY DEFAULT AS IDENTITY")
            } else {
                base.to_string()
            }
        }
        DataType::Float => {
            if field.precision > 0 {
                decimal("decimal", field.precision, field.scale)
            } else if field.bits == 32 {
                "real".to_string()
            } else {
                "double precision".to_string()
            }
        }
        DataType::String => sized("varchar", "clob", field.size),
        DataType::Bytes => sized("varbinary", "blob", field.size),
        DataType::Timestamp => with_precision("timestamp", field.precision),
        DataType::TimestampTz => {
            format!(
                "{} with time zone",
                with_precision("timestamp", field.precision)
            )
        }
        DataType::Date => "date".to_string(),
        DataType::Time => with_precision("time", field.precision),
        DataType::Decimal if field.precision == 0 => decimal("decimal", 38, 10),
        DataType::Decimal => decimal("decimal", field.precision, field.scale),
        DataType::Uuid => "char(36)".to_string(),
        DataType::Json => "json".to_string(),
    }
}

fn sized(bounded: &str, unbounded: &str, size: u32) -> String {
    if size > 0 {
        format!("{bounded}({size})")
    } else {
        unbounded.to_string()
    }
}

fn with_precision(name: &str, precision: u32) -> String {
    if precision > 0 {
        format!("{name}({precision})")
    } else {
        name.to_string()
    }
}

/// `decimal`, `decimal(p)` or `decimal(p, s)` (GORM's spacing).
fn decimal(name: &str, precision: u32, scale: u32) -> String {
    match (precision, scale) {
        (0, _) => name.to_string(),
        (p, 0) => format!("{name}({p})"),
        (p, s) => format!("{name}({p}, {s})"),
    }
}

/// The `DEFAULT` text of a field: its default unless blank or GORM's `(-)` ("no default in
/// DDL").
///
/// ```
/// use plugorm_plugin_api::render::ddl::default_text;
/// use plugorm_plugin_api::schema::{DataType, FieldSchema};
/// let mut f = FieldSchema::new("n", "n", DataType::Int);
/// f.default = plugorm_plugin_api::types::Optional::Some("0".into());
/// assert_eq!(default_text(&f), Some("0"));
/// ```
pub fn default_text(field: &FieldSchema) -> Option<&str> {
    match &field.default {
        Optional::Some(d) if !d.trim().is_empty() && d.trim() != "(-)" => Some(d.trim()),
        _ => None,
    }
}

/// Writes `<column> <type>[ NOT NULL][ DEFAULT <default>]` (GORM's `FullDataTypeOf`): the
/// type from [`SqlRenderer::column_type`], `NOT NULL` when the field asks for it
/// (`not_null`), the default verbatim. UNIQUE and CHECK are table constraints, written by
/// [`create_table`] and [`add_column`].
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer, SqlWriter};
/// use plugorm_plugin_api::schema::{DataType, FieldSchema};
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let mut f = FieldSchema::new("name", "name", DataType::String);
/// f.not_null = true;
/// let mut w = SqlWriter::default();
/// ddl::write_column_definition(&Ansi, &mut w, &f).unwrap();
/// assert_eq!(w.text(), r#""name" clob NOT NULL"#);
/// ```
pub fn write_column_definition<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    field: &FieldSchema,
) -> DbResult<()> {
    require_name("column", &field.column, "a column definition")?;
    let ty = r.column_type(field)?;
    if ty.trim().is_empty() {
        return Err(DbError::Render(format!(
            "column `{}` has an empty type",
            field.column
        )));
    }
    r.write_ident(w, &field.column);
    w.push(' ');
    w.push_str(&ty);
    if field.not_null {
        w.push_str(" NOT NULL");
    }
    if let Some(d) = default_text(field) {
        w.push_str(" DEFAULT ");
        w.push_str(d);
    }
    Ok(())
}

/// GORM's `formatName(prefix, table, name)`: `prefix_table_name` with dots turned into
/// underscores; a name longer than `max_len` characters keeps its first `max_len - 8`
/// bytes and gets the first 8 hex digits of the SHA-1 of the full name.
///
/// ```
/// use plugorm_plugin_api::render::ddl::format_name;
/// assert_eq!(format_name("chk", "pets", "name", 64), "chk_pets_name");
/// assert_eq!(
///     format_name("prefix", "table", "thisIsAVeryVeryVeryVeryVeryVeryVeryVeryVeryLongString", 64),
///     "prefix_table_thisIsAVeryVeryVeryVeryVeryVeryVeryVeryVery180f2c67"
/// );
/// ```
pub fn format_name(prefix: &str, table: &str, name: &str, max_len: usize) -> String {
    let full = format!("{prefix}_{table}_{name}").replace('.', "_");
    if max_len <= 8 || full.chars().count() <= max_len {
        return full;
    }
    let digest = sha1(full.as_bytes());
    let hex: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    let mut cut = max_len - 8;
    while cut > 0 && !full.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = full.get(..cut).unwrap_or_default();
    format!("{head}{hex}")
}

/// Splits a CHECK text into its constraint name and expression as GORM does: `name,expr`
/// when the part before the first comma is a word (`^[\w-]+$`), else the generated
/// `chk_<table>_<column>` name and the whole text (a leading empty name is dropped).
///
/// ```
/// use plugorm_plugin_api::render::ddl::split_check;
/// assert_eq!(split_check("name_checker,name <> 'jinzhu'"), (Some("name_checker"), "name <> 'jinzhu'"));
/// assert_eq!(split_check("name <> ''"), (None, "name <> ''"));
/// ```
pub fn split_check(check: &str) -> (Option<&str>, &str) {
    match check.split_once(',') {
        Some((name, expr))
            if !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
        {
            (Some(name), expr)
        }
        Some(("", expr)) => (None, expr),
        _ => (None, check),
    }
}

/// The name and expression of a field's CHECK constraint, if it has one.
fn check_of<'a, R: SqlRenderer + ?Sized>(
    r: &R,
    table: &str,
    field: &'a FieldSchema,
) -> Option<(String, &'a str)> {
    let Optional::Some(check) = &field.check else {
        return None;
    };
    let (name, expr) = split_check(check);
    let expr = expr.trim();
    if expr.is_empty() {
        return None;
    }
    let name = match name {
        Some(n) => n.to_string(),
        None => r.constraint_name("chk", table, &field.column),
    };
    Some((name, expr))
}

/// The table's name as constraint names use it (`schema.table` when qualified).
fn naming_table(table: &TableRef) -> String {
    match &table.schema {
        Optional::Some(s) => format!("{s}.{}", table.name),
        Optional::None => table.name.to_string(),
    }
}

fn require_name(what: &str, name: &str, context: &str) -> DbResult<()> {
    if name.trim().is_empty() {
        return Err(DbError::Render(format!("empty {what} name in {context}")));
    }
    Ok(())
}

/// Refuses a rename of `kind` (`index`, `column`) on `table` with an empty name, as
/// [`DbError::Render`] naming what is missing; dialects that write their own rename
/// statement check with it too.
///
/// ```
/// use plugorm_plugin_api::{render::ddl, statement::TableRef};
/// let t = TableRef::new("users");
/// assert!(ddl::check_rename("index", &t, "idx_a", "idx_b").is_ok());
/// let e = ddl::check_rename("index", &t, "idx_a", " ").unwrap_err();
/// assert!(e.to_string().contains("new index"));
/// ```
pub fn check_rename(kind: &str, table: &TableRef, from: &str, to: &str) -> DbResult<()> {
    let context = format!("RENAME {}", kind.to_uppercase());
    require_table(table, &context)?;
    require_name(kind, from, &context)?;
    require_name(&format!("new {kind}"), to, &context)
}

fn require_table(table: &TableRef, context: &str) -> DbResult<()> {
    require_name("table", &table.name, context)
}

/// Writes a table as DDL names it: `"schema"."table"`, never with an alias.
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer, SqlWriter};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let mut w = SqlWriter::default();
/// ddl::write_ddl_table(&Ansi, &mut w, &TableRef::parse("app.users").alias("u"));
/// assert_eq!(w.text(), r#""app"."users""#);
/// ```
pub fn write_ddl_table<R: SqlRenderer + ?Sized>(r: &R, w: &mut SqlWriter, table: &TableRef) {
    write_schema_prefix(r, w, table);
    r.write_ident(w, &table.name);
}

/// Writes `"schema".` when the table names a schema, else nothing: what qualifies a name
/// that lives beside the table (an index, a catalog, a rebuilt table's dependents).
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer, SqlWriter};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let mut w = SqlWriter::default();
/// ddl::write_schema_prefix(&Ansi, &mut w, &TableRef::parse("app.users"));
/// assert_eq!(w.text(), r#""app"."#);
/// ```
pub fn write_schema_prefix<R: SqlRenderer + ?Sized>(r: &R, w: &mut SqlWriter, table: &TableRef) {
    if let Optional::Some(schema) = &table.schema {
        r.write_ident(w, schema);
        w.push('.');
    }
}

fn finish(w: SqlWriter) -> Sql {
    w.finish()
}

/// `ALTER TABLE <table> ` — the start of every ALTER.
fn alter_table<R: SqlRenderer + ?Sized>(r: &R, table: &TableRef) -> SqlWriter {
    let mut w = SqlWriter::default();
    w.push_str("ALTER TABLE ");
    write_ddl_table(r, &mut w, table);
    w.push(' ');
    w
}

/// `CREATE TABLE t (<columns>,PRIMARY KEY (<key>),CONSTRAINT uni_… UNIQUE (c),CONSTRAINT
/// chk_… CHECK (e))`: every migrated field in schema order; the PRIMARY KEY clause unless
/// a column type already says `PRIMARY KEY` (SQLite's inline AUTOINCREMENT); a UNIQUE
/// constraint `uni_<table>_<column>` for each `unique` non-key field; a CHECK constraint
/// for each field with one. Indexes are separate [`Ddl::CreateIndex`] operations.
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer};
/// use plugorm_plugin_api::schema::{DataType, FieldSchema, ModelSchema};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let mut id = FieldSchema::new("id", "id", DataType::Int);
/// id.primary_key = true;
/// let schema = ModelSchema {
///     name: "T".into(), table: "t".into(),
///     fields: vec![id].into(), indexes: Default::default(),
/// };
/// let sql = ddl::create_table(&Ansi, &TableRef::new("t"), &schema).unwrap();
/// assert_eq!(sql[0].text.as_str(), r#"CREATE TABLE "t" ("id" bigint,PRIMARY KEY ("id"))"#);
/// ```
pub fn create_table<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    schema: &ModelSchema,
) -> DbResult<Vec<Sql>> {
    create_table_with_foreign_keys(r, table, schema, &[])
}

/// [`create_table`] with FOREIGN KEY constraints ([`write_foreign_key`]) after the
/// PRIMARY KEY clause and before the UNIQUE and CHECK constraints (G126).
///
/// ```
/// use plugorm_plugin_api::migrate::ForeignKeySchema;
/// use plugorm_plugin_api::render::{ddl, SqlRenderer};
/// use plugorm_plugin_api::schema::{DataType, FieldSchema, ModelSchema};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let schema = ModelSchema {
///     name: "Pet".into(), table: "pets".into(), indexes: Default::default(),
///     fields: vec![FieldSchema::new("user_id", "user_id", DataType::Int)].into(),
/// };
/// let fk = ForeignKeySchema::new("fk_users_pets", ["user_id"], TableRef::new("users"), ["id"]);
/// let sql = ddl::create_table_with_foreign_keys(&Ansi, &TableRef::new("pets"), &schema, &[fk]).unwrap();
/// assert_eq!(
///     sql[0].text.as_str(),
///     r#"CREATE TABLE "pets" ("user_id" bigint,CONSTRAINT "fk_users_pets" FOREIGN KEY ("user_id") REFERENCES "users"("id"))"#
/// );
/// ```
pub fn create_table_with_foreign_keys<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    schema: &ModelSchema,
    foreign_keys: &[ForeignKeySchema],
) -> DbResult<Vec<Sql>> {
    require_table(table, "CREATE TABLE")?;
    let fields: Vec<&FieldSchema> = schema.fields.iter().filter(|f| f.migrate).collect();
    if fields.is_empty() {
        return Err(DbError::Render(format!(
            "table `{}` has no migrated column to create",
            table.name
        )));
    }
    let naming = if schema.table.trim().is_empty() {
        naming_table(table)
    } else {
        schema.table.to_string()
    };
    let mut w = SqlWriter::default();
    w.push_str("CREATE TABLE ");
    write_ddl_table(r, &mut w, table);
    w.push_str(" (");
    let mut key_in_type = false;
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            w.push(',');
        }
        let mut col = SqlWriter::default();
        r.write_column_definition(&mut col, f)?;
        key_in_type |= r
            .column_type(f)?
            .to_ascii_uppercase()
            .contains("PRIMARY KEY");
        w.push_str(col.text());
    }
    let keys: Vec<&&FieldSchema> = fields.iter().filter(|f| f.primary_key).collect();
    if !key_in_type && !keys.is_empty() {
        w.push_str(",PRIMARY KEY (");
        for (i, k) in keys.iter().enumerate() {
            if i > 0 {
                w.push(',');
            }
            r.write_ident(&mut w, &k.column);
        }
        w.push(')');
    }
    for fk in foreign_keys {
        w.push(',');
        write_foreign_key(r, &mut w, fk)?;
    }
    for f in fields.iter().filter(|f| f.unique && !f.primary_key) {
        w.push_str(",CONSTRAINT ");
        r.write_ident(&mut w, &r.constraint_name("uni", &naming, &f.column));
        w.push_str(" UNIQUE (");
        r.write_ident(&mut w, &f.column);
        w.push(')');
    }
    for f in &fields {
        if let Some((name, expr)) = check_of(r, &naming, f) {
            w.push(',');
            write_check(r, &mut w, &name, expr);
        }
    }
    w.push(')');
    Ok(vec![finish(w)])
}

/// `ALTER TABLE t ADD <column definition>`, then `ALTER TABLE t ADD CONSTRAINT uni_… UNIQUE
/// (c)` for a `unique` field and `ALTER TABLE t ADD CONSTRAINT chk_… CHECK (e)` for a field
/// with a check.
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer};
/// use plugorm_plugin_api::schema::{DataType, FieldSchema};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let mut f = FieldSchema::new("email", "email", DataType::String);
/// f.unique = true;
/// let sql = ddl::add_column(&Ansi, &TableRef::new("users"), &f).unwrap();
/// assert_eq!(sql[1].text.as_str(), r#"ALTER TABLE "users" ADD CONSTRAINT "uni_users_email" UNIQUE ("email")"#);
/// ```
pub fn add_column<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    field: &FieldSchema,
) -> DbResult<Vec<Sql>> {
    require_table(table, "ADD COLUMN")?;
    let mut out = Vec::new();
    let mut w = alter_table(r, table);
    w.push_str("ADD ");
    r.write_column_definition(&mut w, field)?;
    out.push(finish(w));
    let naming = naming_table(table);
    if field.unique && !field.primary_key {
        let mut w = alter_table(r, table);
        w.push_str("ADD CONSTRAINT ");
        r.write_ident(&mut w, &r.constraint_name("uni", &naming, &field.column));
        w.push_str(" UNIQUE (");
        r.write_ident(&mut w, &field.column);
        w.push(')');
        out.push(finish(w));
    }
    if let Some((name, expr)) = check_of(r, &naming, field) {
        out.extend(add_check(r, table, &name, expr)?);
    }
    Ok(out)
}

/// Standard SQL: `ALTER TABLE t ALTER COLUMN c SET DATA TYPE <type>`, then `SET NOT NULL` /
/// `DROP NOT NULL` (not for a key column) and `SET DEFAULT <d>` / `DROP DEFAULT`. The type
/// is written without the auto-increment clause.
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer};
/// use plugorm_plugin_api::schema::{DataType, FieldSchema};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let mut f = FieldSchema::new("name", "name", DataType::String);
/// f.size = 100;
/// let sql = ddl::alter_column(&Ansi, &TableRef::new("pets"), &f).unwrap();
/// assert_eq!(sql[0].text.as_str(), r#"ALTER TABLE "pets" ALTER COLUMN "name" SET DATA TYPE varchar(100)"#);
/// ```
pub fn alter_column<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    field: &FieldSchema,
) -> DbResult<Vec<Sql>> {
    require_table(table, "ALTER COLUMN")?;
    require_name("column", &field.column, "ALTER COLUMN")?;
    let mut plain = field.clone();
    plain.auto_increment = false;
    let ty = r.column_type(&plain)?;
    let alter = |tail: &str| {
        let mut w = alter_table(r, table);
        w.push_str("ALTER COLUMN ");
        r.write_ident(&mut w, &field.column);
        w.push(' ');
        w.push_str(tail);
        finish(w)
    };
    let mut out = vec![alter(&format!("SET DATA TYPE {ty}"))];
    if !field.primary_key {
        out.push(alter(if field.not_null {
            "SET NOT NULL"
        } else {
            "DROP NOT NULL"
        }));
    }
    out.push(match default_text(field) {
        Some(d) => alter(&format!("SET DEFAULT {d}")),
        None => alter("DROP DEFAULT"),
    });
    Ok(out)
}

/// `ALTER TABLE t DROP COLUMN c`.
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let sql = ddl::drop_column(&Ansi, &TableRef::new("users"), "name").unwrap();
/// assert_eq!(sql[0].text.as_str(), r#"ALTER TABLE "users" DROP COLUMN "name""#);
/// ```
pub fn drop_column<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    column: &str,
) -> DbResult<Vec<Sql>> {
    require_table(table, "DROP COLUMN")?;
    require_name("column", column, "DROP COLUMN")?;
    let mut w = alter_table(r, table);
    w.push_str("DROP COLUMN ");
    r.write_ident(&mut w, column);
    Ok(vec![finish(w)])
}

/// Checks an index's kind (`btree`, `FULLTEXT`): one word.
fn check_kind(index: &IndexSchema) -> DbResult<Option<&str>> {
    let kind = index.kind.trim();
    if kind.is_empty() {
        return Ok(None);
    }
    if !kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(DbError::Render(format!(
            "index `{}` has an invalid kind `{kind}` (expected one word such as `btree`)",
            index.name
        )));
    }
    Ok(Some(kind))
}

/// True for index kinds that are classes written before `INDEX` (MySQL's FULLTEXT /
/// SPATIAL), as opposed to methods written after `USING`.
///
/// ```
/// use plugorm_plugin_api::render::ddl::is_index_class;
/// assert!(is_index_class("fulltext"));
/// assert!(!is_index_class("btree"));
/// ```
pub fn is_index_class(kind: &str) -> bool {
    kind.eq_ignore_ascii_case("FULLTEXT") || kind.eq_ignore_ascii_case("SPATIAL")
}

/// Writes one index member: the column and its sort order (`"name" desc`). The prefix
/// length (MySQL) is not written by default.
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer, SqlWriter};
/// use plugorm_plugin_api::schema::IndexColumn;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let c = IndexColumn { column: "name".into(), sort: "desc".into(), length: 0 };
/// let mut w = SqlWriter::default();
/// ddl::write_index_column(&Ansi, &mut w, "idx", &c).unwrap();
/// assert_eq!(w.text(), r#""name" desc"#);
/// ```
pub fn write_index_column<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    index_name: &str,
    column: &IndexColumn,
) -> DbResult<()> {
    require_name("column", &column.column, &format!("index `{index_name}`"))?;
    r.write_ident(w, &column.column);
    let sort = column.sort.trim();
    if !sort.is_empty() {
        if !(sort.eq_ignore_ascii_case("asc") || sort.eq_ignore_ascii_case("desc")) {
            return Err(DbError::Render(format!(
                "index `{index_name}`: invalid sort `{sort}` on column `{}` (expected ASC or DESC)",
                column.column
            )));
        }
        w.push(' ');
        w.push_str(sort);
    }
    Ok(())
}

/// Writes `(<member>,<member>)` for an index.
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer, SqlWriter};
/// use plugorm_plugin_api::schema::{IndexColumn, IndexSchema};
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let idx = IndexSchema {
///     name: "idx".into(), unique: false, kind: "".into(), condition: "".into(), comment: "".into(),
///     columns: vec![IndexColumn { column: "a".into(), sort: "".into(), length: 0 }].into(),
/// };
/// let mut w = SqlWriter::default();
/// ddl::write_index_columns(&Ansi, &mut w, &idx).unwrap();
/// assert_eq!(w.text(), r#"("a")"#);
/// ```
pub fn write_index_columns<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    index: &IndexSchema,
) -> DbResult<()> {
    if index.columns.is_empty() {
        return Err(DbError::Render(format!(
            "index `{}` has no column",
            index.name
        )));
    }
    w.push('(');
    for (i, c) in index.columns.iter().enumerate() {
        if i > 0 {
            w.push(',');
        }
        r.write_index_column(w, &index.name, c)?;
    }
    w.push(')');
    Ok(())
}

/// GORM's generic form: `CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX i ON t(<members>)[ USING
/// <method>][ WHERE <condition>]`.
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer};
/// use plugorm_plugin_api::schema::{IndexColumn, IndexSchema};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let idx = IndexSchema {
///     name: "idx_products_code".into(), unique: true, kind: "".into(), condition: "".into(),
///     comment: "".into(),
///     columns: vec![IndexColumn { column: "code".into(), sort: "".into(), length: 0 }].into(),
/// };
/// let sql = ddl::create_index(&Ansi, &TableRef::new("products"), &idx).unwrap();
/// assert_eq!(sql[0].text.as_str(), r#"CREATE UNIQUE INDEX "idx_products_code" ON "products"("code")"#);
/// ```
pub fn create_index<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    index: &IndexSchema,
) -> DbResult<Vec<Sql>> {
    require_table(table, "CREATE INDEX")?;
    require_name(
        "index",
        &index.name,
        &format!("CREATE INDEX on `{}`", table.name),
    )?;
    let kind = check_kind(index)?;
    let mut w = SqlWriter::default();
    w.push_str("CREATE ");
    match kind {
        Some(k) if is_index_class(k) => {
            w.push_str(k);
            w.push(' ');
        }
        _ if index.unique => w.push_str("UNIQUE "),
        _ => {}
    }
    w.push_str("INDEX ");
    r.write_ident(&mut w, &index.name);
    w.push_str(" ON ");
    write_ddl_table(r, &mut w, table);
    r.write_index_columns(&mut w, index)?;
    if let Some(k) = kind.filter(|k| !is_index_class(k)) {
        w.push_str(" USING ");
        w.push_str(k);
    }
    let condition = index.condition.trim();
    if !condition.is_empty() {
        w.push_str(" WHERE ");
        w.push_str(condition);
    }
    Ok(vec![finish(w)])
}

/// `DROP INDEX i` (schema-qualified like its table).
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let sql = ddl::drop_index(&Ansi, &TableRef::new("users"), "idx_users_name").unwrap();
/// assert_eq!(sql[0].text.as_str(), r#"DROP INDEX "idx_users_name""#);
/// ```
pub fn drop_index<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    name: &str,
) -> DbResult<Vec<Sql>> {
    require_name("index", name, &format!("DROP INDEX on `{}`", table.name))?;
    let mut w = SqlWriter::default();
    w.push_str("DROP INDEX ");
    write_schema_prefix(r, &mut w, table);
    r.write_ident(&mut w, name);
    Ok(vec![finish(w)])
}

/// `DROP TABLE [IF EXISTS] t`.
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let sql = ddl::drop_table(&Ansi, &TableRef::new("users"), false).unwrap();
/// assert_eq!(sql[0].text.as_str(), r#"DROP TABLE "users""#);
/// ```
pub fn drop_table<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    if_exists: bool,
) -> DbResult<Vec<Sql>> {
    require_table(table, "DROP TABLE")?;
    let mut w = SqlWriter::default();
    w.push_str(if if_exists {
        "DROP TABLE IF EXISTS "
    } else {
        "DROP TABLE "
    });
    write_ddl_table(r, &mut w, table);
    Ok(vec![finish(w)])
}

/// `ALTER TABLE t RENAME COLUMN a TO b`.
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let sql = ddl::rename_column(&Ansi, &TableRef::new("users"), "name", "full_name").unwrap();
/// assert_eq!(sql[0].text.as_str(), r#"ALTER TABLE "users" RENAME COLUMN "name" TO "full_name""#);
/// ```
pub fn rename_column<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    from: &str,
    to: &str,
) -> DbResult<Vec<Sql>> {
    require_table(table, "RENAME COLUMN")?;
    require_name("column", from, "RENAME COLUMN")?;
    require_name("new column", to, "RENAME COLUMN")?;
    let mut w = alter_table(r, table);
    w.push_str("RENAME COLUMN ");
    r.write_ident(&mut w, from);
    w.push_str(" TO ");
    r.write_ident(&mut w, to);
    Ok(vec![finish(w)])
}

/// `ALTER TABLE t RENAME TO n` (GORM's RenameTable on SQLite, PostgreSQL and MySQL).
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let sql = ddl::rename_table(&Ansi, &TableRef::new("users"), "user_infos").unwrap();
/// assert_eq!(sql[0].text.as_str(), r#"ALTER TABLE "users" RENAME TO "user_infos""#);
/// ```
pub fn rename_table<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    to: &str,
) -> DbResult<Vec<Sql>> {
    require_table(table, "RENAME TABLE")?;
    require_name("new table", to, "RENAME TABLE")?;
    let mut w = alter_table(r, table);
    w.push_str("RENAME TO ");
    r.write_ident(&mut w, to);
    Ok(vec![finish(w)])
}

/// `ALTER INDEX i RENAME TO n`, the index qualified by the table's schema when it has
/// one (PostgreSQL's form; an index lives in its table's schema).
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let sql = ddl::rename_index(&Ansi, &TableRef::new("users"), "idx_a", "idx_b").unwrap();
/// assert_eq!(sql[0].text.as_str(), r#"ALTER INDEX "idx_a" RENAME TO "idx_b""#);
/// ```
pub fn rename_index<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    from: &str,
    to: &str,
) -> DbResult<Vec<Sql>> {
    check_rename("index", table, from, to)?;
    let mut w = SqlWriter::default();
    w.push_str("ALTER INDEX ");
    write_schema_prefix(r, &mut w, table);
    r.write_ident(&mut w, from);
    w.push_str(" RENAME TO ");
    r.write_ident(&mut w, to);
    Ok(vec![finish(w)])
}

/// `SELECT table_name FROM information_schema.tables WHERE table_schema = CURRENT_SCHEMA
/// AND table_type = ?` (bound `BASE TABLE`): the standard catalog's base tables of the
/// current schema.
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer};
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let sql = ddl::list_tables(&Ansi).unwrap();
/// assert!(sql[0].text.starts_with("SELECT table_name FROM information_schema.tables"));
/// ```
pub fn list_tables<R: SqlRenderer + ?Sized>(r: &R) -> DbResult<Vec<Sql>> {
    let mut w = SqlWriter::default();
    w.push_str(
        "SELECT table_name FROM information_schema.tables \
         WHERE table_schema = CURRENT_SCHEMA AND table_type = ",
    );
    r.write_param(&mut w, crate::Value::Text("BASE TABLE".into()).into_ffi());
    w.push_str(" ORDER BY table_name");
    Ok(vec![finish(w)])
}

/// `SELECT CURRENT_CATALOG` (standard SQL's name for the current database).
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer};
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// assert_eq!(ddl::current_database(&Ansi).unwrap()[0].text.as_str(), "SELECT CURRENT_CATALOG");
/// ```
pub fn current_database<R: SqlRenderer + ?Sized>(_r: &R) -> DbResult<Vec<Sql>> {
    let mut w = SqlWriter::default();
    w.push_str("SELECT CURRENT_CATALOG");
    Ok(vec![finish(w)])
}

/// The check options a view may be created with (standard SQL's three forms, or none).
pub const VIEW_CHECK_OPTIONS: [&str; 4] = [
    "",
    "WITH CHECK OPTION",
    "WITH LOCAL CHECK OPTION",
    "WITH CASCADED CHECK OPTION",
];

/// `CREATE [OR REPLACE] VIEW v AS <query> [WITH … CHECK OPTION]`. The query is the
/// host's rendering of a SELECT, written as is; a check option other than
/// [`VIEW_CHECK_OPTIONS`] and an empty query are refused.
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let v = TableRef::new("adults");
/// let sql = ddl::create_view(&Ansi, &v, r#"SELECT * FROM "users" WHERE age > 20"#, true, "WITH CHECK OPTION").unwrap();
/// assert_eq!(
///     sql[0].text.as_str(),
///     r#"CREATE OR REPLACE VIEW "adults" AS SELECT * FROM "users" WHERE age > 20 WITH CHECK OPTION"#
/// );
/// assert!(ddl::create_view(&Ansi, &v, "SELECT 1", false, "; DROP TABLE t").is_err());
/// ```
pub fn create_view<R: SqlRenderer + ?Sized>(
    r: &R,
    view: &TableRef,
    query: &str,
    replace: bool,
    check_option: &str,
) -> DbResult<Vec<Sql>> {
    require_name("view", &view.name, "CREATE VIEW")?;
    let check = view_check_option(view, check_option)?;
    if query.trim().is_empty() {
        return Err(DbError::Render(format!(
            "CREATE VIEW `{}` needs a query",
            view.name
        )));
    }
    let mut w = SqlWriter::default();
    w.push_str(if replace {
        "CREATE OR REPLACE VIEW "
    } else {
        "CREATE VIEW "
    });
    write_ddl_table(r, &mut w, view);
    w.push_str(" AS ");
    w.push_str(query);
    if !check.is_empty() {
        w.push(' ');
        w.push_str(check);
    }
    Ok(vec![finish(w)])
}

/// The check option as written in [`VIEW_CHECK_OPTIONS`] (matched case-insensitively,
/// spaces trimmed), or a render error naming the view.
///
/// ```
/// use plugorm_plugin_api::render::ddl::view_check_option;
/// use plugorm_plugin_api::statement::TableRef;
/// let v = TableRef::new("v");
/// assert_eq!(view_check_option(&v, " with local check option ").unwrap(), "WITH LOCAL CHECK OPTION");
/// assert!(view_check_option(&v, "WITH NOTHING").is_err());
/// ```
pub fn view_check_option(view: &TableRef, check_option: &str) -> DbResult<&'static str> {
    let given = check_option.trim();
    VIEW_CHECK_OPTIONS
        .iter()
        .find(|o| o.eq_ignore_ascii_case(given))
        .copied()
        .ok_or_else(|| {
            DbError::Render(format!(
                "view `{}`: unknown check option `{given}` (expected one of {})",
                view.name,
                VIEW_CHECK_OPTIONS[1..].join(", ")
            ))
        })
}

/// `DROP VIEW [IF EXISTS] v`.
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let sql = ddl::drop_view(&Ansi, &TableRef::new("adults"), true).unwrap();
/// assert_eq!(sql[0].text.as_str(), r#"DROP VIEW IF EXISTS "adults""#);
/// ```
pub fn drop_view<R: SqlRenderer + ?Sized>(
    r: &R,
    view: &TableRef,
    if_exists: bool,
) -> DbResult<Vec<Sql>> {
    require_name("view", &view.name, "DROP VIEW")?;
    let mut w = SqlWriter::default();
    w.push_str(if if_exists {
        "DROP VIEW IF EXISTS "
    } else {
        "DROP VIEW "
    });
    write_ddl_table(r, &mut w, view);
    Ok(vec![finish(w)])
}

/// `ALTER TABLE t ADD CONSTRAINT name CHECK (expression)`.
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let sql = ddl::add_check(&Ansi, &TableRef::new("pets"), "chk_pets_age", "age >= 0").unwrap();
/// assert_eq!(sql[0].text.as_str(), r#"ALTER TABLE "pets" ADD CONSTRAINT "chk_pets_age" CHECK (age >= 0)"#);
/// ```
pub fn add_check<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    name: &str,
    expression: &str,
) -> DbResult<Vec<Sql>> {
    require_table(table, "ADD CONSTRAINT")?;
    require_name("constraint", name, "a CHECK constraint")?;
    if expression.trim().is_empty() {
        return Err(DbError::Render(format!(
            "check constraint `{name}` has an empty expression"
        )));
    }
    let mut w = alter_table(r, table);
    w.push_str("ADD ");
    write_check(r, &mut w, name, expression);
    Ok(vec![finish(w)])
}

/// `CONSTRAINT name CHECK (expression)`.
fn write_check<R: SqlRenderer + ?Sized>(r: &R, w: &mut SqlWriter, name: &str, expression: &str) {
    w.push_str("CONSTRAINT ");
    r.write_ident(w, name);
    w.push_str(" CHECK (");
    w.push_str(expression.trim());
    w.push(')');
}

/// Where a catalog lists constraints by name, for [`has_constraint`]: the relation, a
/// condition of the dialect's own, and the columns of schema, table and constraint names.
///
/// ```
/// use plugorm_plugin_api::render::ddl::ConstraintCatalog;
/// let mysql = ConstraintCatalog {
///     relation: "information_schema.TABLE_CONSTRAINTS",
///     schema_column: "CONSTRAINT_SCHEMA",
///     current_schema: "DATABASE()",
///     table_column: "TABLE_NAME",
///     name_column: "CONSTRAINT_NAME",
///     ..ConstraintCatalog::STANDARD
/// };
/// assert!(mysql.filter.is_empty());
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ConstraintCatalog<'a> {
    pub relation: &'a str,
    /// A condition written first, ending in ` AND ` (`TABLE_CATALOG = DB_NAME() AND `), or
    /// nothing.
    pub filter: &'a str,
    pub schema_column: &'a str,
    /// The current schema, for a table the model does not qualify.
    pub current_schema: &'a str,
    pub table_column: &'a str,
    pub name_column: &'a str,
}

impl ConstraintCatalog<'_> {
    /// Standard SQL's `information_schema.table_constraints` in `CURRENT_SCHEMA`.
    pub const STANDARD: ConstraintCatalog<'static> = ConstraintCatalog {
        relation: "information_schema.table_constraints",
        filter: "",
        schema_column: "table_schema",
        current_schema: "CURRENT_SCHEMA",
        table_column: "table_name",
        name_column: "constraint_name",
    };
}

/// The schema a catalog read filters on: the table's own schema as a bound value, else
/// the dialect's expression for the current one (`CURRENT_SCHEMA()`, `DATABASE()`).
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer, SqlWriter};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let mut w = SqlWriter::default();
/// ddl::write_schema_value(&Ansi, &mut w, &TableRef::new("t"), "CURRENT_SCHEMA");
/// assert_eq!(w.finish().text.as_str(), "CURRENT_SCHEMA");
/// ```
pub fn write_schema_value<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    table: &TableRef,
    current: &str,
) {
    match table.schema.as_ref() {
        Some(schema) => r.write_param(w, crate::Value::Text(schema.clone()).into_ffi()),
        None => w.push_str(current),
    }
}

/// The count of `table`'s constraints named `name` in the catalog (the current schema
/// unless the table names one), every name bound.
///
/// ```
/// use plugorm_plugin_api::render::{ddl, SqlRenderer};
/// use plugorm_plugin_api::statement::TableRef;
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let t = TableRef::new("pets");
/// let sql = ddl::has_constraint(&Ansi, &t, "chk_pets_age", &ddl::ConstraintCatalog::STANDARD).unwrap();
/// assert_eq!(
///     sql[0].text.as_str(),
///     "SELECT COUNT(*) FROM information_schema.table_constraints WHERE table_schema = \
///      CURRENT_SCHEMA AND table_name = ? AND constraint_name = ?"
/// );
/// ```
pub fn has_constraint<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    name: &str,
    catalog: &ConstraintCatalog<'_>,
) -> DbResult<Vec<Sql>> {
    require_table(table, "a constraint lookup")?;
    let text = |t: &str| crate::Value::Text(t.into()).into_ffi();
    let mut w = SqlWriter::default();
    w.push_str("SELECT COUNT(*) FROM ");
    w.push_str(catalog.relation);
    w.push_str(" WHERE ");
    w.push_str(catalog.filter);
    w.push_str(catalog.schema_column);
    w.push_str(" = ");
    write_schema_value(r, &mut w, table, catalog.current_schema);
    w.push_str(" AND ");
    w.push_str(catalog.table_column);
    w.push_str(" = ");
    r.write_param(&mut w, text(&table.name));
    w.push_str(" AND ");
    w.push_str(catalog.name_column);
    w.push_str(" = ");
    r.write_param(&mut w, text(name));
    Ok(vec![finish(w)])
}

/// The refusal of a table rebuild by a dialect that does not rebuild tables.
///
/// ```
/// use plugorm_plugin_api::{render::ddl, statement::TableRef, DbError};
/// assert!(matches!(ddl::no_rebuild(&TableRef::new("t")), DbError::Unsupported(_)));
/// ```
pub fn no_rebuild(table: &TableRef) -> DbError {
    DbError::Unsupported(format!(
        "this dialect does not rebuild tables (table `{}`)",
        table.name
    ))
}

/// SHA-1 (FIPS 180-4), for GORM-compatible shortened constraint names.
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 80];
        for (slot, word) in w.iter_mut().zip(block.chunks_exact(4)) {
            *slot = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (chunk, word) in out.chunks_exact_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests;
