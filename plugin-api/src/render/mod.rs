//! The default SQL renderer.
//!
//! [`SqlRenderer`] renders every [`Statement`] shape with default methods that follow
//! GORM's generic clause builders; a dialect implements the trait and overrides only what
//! differs (quoting, placeholders, LIMIT, locking, upsert, RETURNING).
//!
//! ```
//! use plugorm_plugin_api::render::{render, SqlRenderer};
//! use plugorm_plugin_api::statement::{Expr, Select, Statement, TableRef};
//! struct Ansi;
//! impl SqlRenderer for Ansi {}
//! let mut q = Select::from_table(TableRef::new("users"));
//! q.filter(Expr::col("users", "age").gt(18i64));
//! let sql = render(&Ansi, &Statement::Select(q)).unwrap();
//! assert_eq!(sql.text.as_str(), r#"SELECT * FROM "users" WHERE "users"."age" > ?"#);
//! ```

pub mod ddl;
pub mod defaults;
mod expr;
#[cfg(test)]
mod tests;
mod writer;

pub use writer::SqlWriter;

use crate::{
    dialect::Capabilities,
    migrate::ForeignKeySchema,
    schema::{FieldSchema, IndexColumn, IndexSchema, ModelSchema},
    statement::{Assignment, Delete, FromItem, Insert, Lock, Select, Statement, TableRef, Update},
    DbResult, Sql,
};

/// Renders statements; every method has a default, a dialect overrides where it differs.
pub trait SqlRenderer {
    /// The identifier quote character.
    fn quote_char(&self) -> char {
        '"'
    }

    /// Writes one quoted identifier, doubling any quote character inside it.
    fn write_ident(&self, w: &mut SqlWriter, ident: &str) {
        let q = self.quote_char();
        w.push(q);
        for c in ident.chars() {
            if c == q {
                w.push(q);
            }
            w.push(c);
        }
        w.push(q);
    }

    /// Writes the placeholder of the `index`-th parameter (1-based).
    fn write_placeholder(&self, w: &mut SqlWriter, index: usize) {
        let _ = index;
        w.push('?');
    }

    /// Binds a value and writes its placeholder.
    fn write_param(&self, w: &mut SqlWriter, value: crate::FfiValue) {
        let index = w.bind(value);
        self.write_placeholder(w, index);
    }

    /// Writes a table reference (`"schema"."table" "alias"`).
    fn write_table(&self, w: &mut SqlWriter, table: &TableRef) {
        if let crate::types::Optional::Some(schema) = &table.schema {
            self.write_ident(w, schema);
            w.push('.');
        }
        self.write_ident(w, &table.name);
        if let crate::types::Optional::Some(alias) = &table.alias {
            w.push(' ');
            self.write_ident(w, alias);
        }
    }

    /// Writes the whole statement.
    fn write_statement(&self, w: &mut SqlWriter, stmt: &Statement) -> DbResult<()> {
        match stmt {
            Statement::Select(s) => self.write_select(w, s),
            Statement::Insert(i) => self.write_insert(w, i),
            Statement::Update(u) => self.write_update(w, u),
            Statement::Delete(d) => self.write_delete(w, d),
            Statement::Raw(r) => expr::write_raw(self, w, r),
        }
    }

    /// `SELECT … FROM … JOIN … WHERE … GROUP BY … HAVING … ORDER BY … LIMIT … FOR …`.
    fn write_select(&self, w: &mut SqlWriter, s: &Select) -> DbResult<()> {
        defaults::write_select(self, w, s)
    }

    /// The FROM item of a SELECT or the target of a JOIN.
    fn write_from(&self, w: &mut SqlWriter, from: &FromItem) -> DbResult<()> {
        match from {
            FromItem::Nothing => Ok(()),
            FromItem::Table(t) => {
                self.write_table(w, t);
                Ok(())
            }
            FromItem::Subquery { query, alias } => {
                w.push('(');
                self.write_select(w, query)?;
                w.push_str(") AS ");
                self.write_ident(w, alias);
                Ok(())
            }
            FromItem::Raw(raw) => expr::write_raw(self, w, raw),
        }
    }

    /// ` WHERE a AND b`, or nothing for no conditions.
    fn write_where(
        &self,
        w: &mut SqlWriter,
        conditions: &[crate::statement::Expr],
    ) -> DbResult<()> {
        if conditions.is_empty() {
            return Ok(());
        }
        w.push_str(" WHERE ");
        expr::write_condition_list(self, w, conditions)
    }

    /// ` ORDER BY a,b DESC`, or nothing.
    fn write_order_by(
        &self,
        w: &mut SqlWriter,
        order: &[crate::statement::OrderBy],
    ) -> DbResult<()> {
        if order.is_empty() {
            return Ok(());
        }
        w.push_str(" ORDER BY ");
        for (i, o) in order.iter().enumerate() {
            if i > 0 {
                w.push(',');
            }
            self.write_expr(w, &o.expr)?;
            if o.desc {
                w.push_str(" DESC");
            }
        }
        Ok(())
    }

    /// LIMIT and OFFSET, bound as parameters (GORM's generic form); an offset alone gets
    /// the largest limit ([`defaults::write_limit_offset`]).
    fn write_limit_offset(
        &self,
        w: &mut SqlWriter,
        limit: Option<u64>,
        offset: Option<u64>,
        _select: &Select,
    ) -> DbResult<()> {
        defaults::write_limit_offset(self, w, limit, offset, _select)
    }

    /// ` FOR UPDATE [OF t] [NOWAIT|SKIP LOCKED]`.
    fn write_lock(&self, w: &mut SqlWriter, lock: &Lock) -> DbResult<()> {
        defaults::write_lock(self, w, lock)
    }

    /// `INSERT INTO t (a,b) VALUES (?,?),(?,?) [ON CONFLICT …] [RETURNING …]`.
    fn write_insert(&self, w: &mut SqlWriter, ins: &Insert) -> DbResult<()> {
        defaults::write_insert(self, w, ins)
    }

    /// ` (a,b)` — or nothing for a row of defaults.
    fn write_insert_columns(&self, w: &mut SqlWriter, ins: &Insert) {
        if ins.columns.is_empty() {
            return;
        }
        w.push_str(" (");
        for (i, c) in ins.columns.iter().enumerate() {
            if i > 0 {
                w.push(',');
            }
            self.write_ident(w, c);
        }
        w.push(')');
    }

    /// ` VALUES (?,?),(?,?)`, or ` DEFAULT VALUES` when there are no columns.
    fn write_insert_values(&self, w: &mut SqlWriter, ins: &Insert) -> DbResult<()> {
        defaults::write_insert_values(self, w, ins)
    }

    /// ` ON CONFLICT (k) DO UPDATE SET c=excluded.c` / ` ON CONFLICT DO NOTHING`.
    fn write_on_conflict(
        &self,
        w: &mut SqlWriter,
        _ins: &Insert,
        conflict: &crate::statement::Conflict,
    ) -> DbResult<()> {
        defaults::write_on_conflict(self, w, _ins, conflict)
    }

    /// ` RETURNING a,b` (`*` for all), or nothing.
    fn write_returning(&self, w: &mut SqlWriter, cols: &[crate::types::Text]) {
        defaults::write_returning(self, w, cols)
    }

    /// `a,b`, with `*` written bare.
    fn write_column_names(&self, w: &mut SqlWriter, cols: &[crate::types::Text]) {
        for (i, c) in cols.iter().enumerate() {
            if i > 0 {
                w.push(',');
            }
            if c.as_str() == "*" {
                w.push('*');
            } else {
                self.write_ident(w, c);
            }
        }
    }

    /// `a=?,b=?`.
    fn write_assignments(&self, w: &mut SqlWriter, set: &[Assignment]) -> DbResult<()> {
        for (i, a) in set.iter().enumerate() {
            if i > 0 {
                w.push(',');
            }
            self.write_ident(w, &a.column);
            w.push('=');
            self.write_expr(w, &a.value)?;
        }
        Ok(())
    }

    /// `UPDATE t SET … WHERE … [RETURNING …]`.
    fn write_update(&self, w: &mut SqlWriter, u: &Update) -> DbResult<()> {
        defaults::write_update(self, w, u)
    }

    /// `DELETE FROM t WHERE … [RETURNING …]`.
    fn write_delete(&self, w: &mut SqlWriter, d: &Delete) -> DbResult<()> {
        defaults::write_delete(self, w, d)
    }

    /// Writes an expression (see the `expr` module for the rules).
    fn write_expr(&self, w: &mut SqlWriter, e: &crate::statement::Expr) -> DbResult<()> {
        expr::write_expr(self, w, e)
    }

    /// The longest identifier the database accepts; longer generated constraint names are
    /// shortened with a hash ([`ddl::format_name`]). 64 by default (PostgreSQL: 63).
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// assert_eq!(Ansi.identifier_max_length(), 64);
    /// ```
    fn identifier_max_length(&self) -> usize {
        64
    }

    /// A generated constraint name, `<prefix>_<table>_<column>` (GORM's `formatName`):
    /// `uni_users_email`, `chk_pets_name`.
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// assert_eq!(Ansi.constraint_name("uni", "users", "email"), "uni_users_email");
    /// ```
    fn constraint_name(&self, prefix: &str, table: &str, column: &str) -> String {
        ddl::format_name(prefix, table, column, self.identifier_max_length())
    }

    /// The column type of a field; an explicit `field.sql_type` wins. The default spells
    /// portable standard SQL types ([`ddl::column_type`]).
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// use plugorm_plugin_api::schema::{DataType, FieldSchema};
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// let f = FieldSchema::new("ok", "ok", DataType::Bool);
    /// assert_eq!(Ansi.column_type(&f).unwrap(), "boolean");
    /// ```
    fn column_type(&self, field: &FieldSchema) -> DbResult<String> {
        Ok(ddl::column_type(field))
    }

    /// Writes `<column> <type>[ NOT NULL][ DEFAULT <d>]` ([`ddl::write_column_definition`]).
    ///
    /// ```
    /// use plugorm_plugin_api::render::{SqlRenderer, SqlWriter};
    /// use plugorm_plugin_api::schema::{DataType, FieldSchema};
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// let mut w = SqlWriter::default();
    /// Ansi.write_column_definition(&mut w, &FieldSchema::new("age", "age", DataType::Int)).unwrap();
    /// assert_eq!(w.text(), r#""age" bigint"#);
    /// ```
    fn write_column_definition(&self, w: &mut SqlWriter, field: &FieldSchema) -> DbResult<()> {
        ddl::write_column_definition(self, w, field)
    }

    /// Writes one index member ([`ddl::write_index_column`]).
    ///
    /// ```
    /// use plugorm_plugin_api::render::{SqlRenderer, SqlWriter};
    /// use plugorm_plugin_api::schema::IndexColumn;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// let mut w = SqlWriter::default();
    /// let c = IndexColumn { column: "a".into(), sort: "".into(), length: 0 };
    /// Ansi.write_index_column(&mut w, "idx", &c).unwrap();
    /// assert_eq!(w.text(), r#""a""#);
    /// ```
    fn write_index_column(
        &self,
        w: &mut SqlWriter,
        index_name: &str,
        column: &IndexColumn,
    ) -> DbResult<()> {
        ddl::write_index_column(self, w, index_name, column)
    }

    /// Writes an index's `(<member>,…)` ([`ddl::write_index_columns`]).
    ///
    /// ```
    /// use plugorm_plugin_api::render::{SqlRenderer, SqlWriter};
    /// use plugorm_plugin_api::schema::{IndexColumn, IndexSchema};
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// let idx = IndexSchema {
    ///     name: "i".into(), unique: false, kind: "".into(), condition: "".into(), comment: "".into(),
    ///     columns: vec![IndexColumn { column: "a".into(), sort: "".into(), length: 0 }].into(),
    /// };
    /// let mut w = SqlWriter::default();
    /// Ansi.write_index_columns(&mut w, &idx).unwrap();
    /// assert_eq!(w.text(), r#"("a")"#);
    /// ```
    fn write_index_columns(&self, w: &mut SqlWriter, index: &IndexSchema) -> DbResult<()> {
        ddl::write_index_columns(self, w, index)
    }

    /// `CREATE TABLE` ([`ddl::create_table`]).
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// use plugorm_plugin_api::schema::{DataType, FieldSchema, ModelSchema};
    /// use plugorm_plugin_api::statement::TableRef;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// let schema = ModelSchema {
    ///     name: "T".into(), table: "t".into(), indexes: Default::default(),
    ///     fields: vec![FieldSchema::new("a", "a", DataType::String)].into(),
    /// };
    /// let sql = Ansi.ddl_create_table(&TableRef::new("t"), &schema).unwrap();
    /// assert_eq!(sql[0].text.as_str(), r#"CREATE TABLE "t" ("a" clob)"#);
    /// ```
    fn ddl_create_table(&self, table: &TableRef, schema: &ModelSchema) -> DbResult<Vec<Sql>> {
        ddl::create_table(self, table, schema)
    }

    /// `ALTER TABLE … ADD …` ([`ddl::add_column`]).
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// use plugorm_plugin_api::schema::{DataType, FieldSchema};
    /// use plugorm_plugin_api::statement::TableRef;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// let f = FieldSchema::new("a", "a", DataType::Date);
    /// let sql = Ansi.ddl_add_column(&TableRef::new("t"), &f).unwrap();
    /// assert_eq!(sql[0].text.as_str(), r#"ALTER TABLE "t" ADD "a" date"#);
    /// ```
    fn ddl_add_column(&self, table: &TableRef, field: &FieldSchema) -> DbResult<Vec<Sql>> {
        ddl::add_column(self, table, field)
    }

    /// `ALTER TABLE … ALTER COLUMN …` ([`ddl::alter_column`]).
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// use plugorm_plugin_api::schema::{DataType, FieldSchema};
    /// use plugorm_plugin_api::statement::TableRef;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// let f = FieldSchema::new("a", "a", DataType::Int);
    /// let sql = Ansi.ddl_alter_column(&TableRef::new("t"), &f).unwrap();
    /// assert_eq!(sql.len(), 3);
    /// ```
    fn ddl_alter_column(&self, table: &TableRef, field: &FieldSchema) -> DbResult<Vec<Sql>> {
        ddl::alter_column(self, table, field)
    }

    /// `ALTER TABLE … DROP COLUMN …` ([`ddl::drop_column`]).
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// use plugorm_plugin_api::statement::TableRef;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// let sql = Ansi.ddl_drop_column(&TableRef::new("t"), "a").unwrap();
    /// assert_eq!(sql[0].text.as_str(), r#"ALTER TABLE "t" DROP COLUMN "a""#);
    /// ```
    fn ddl_drop_column(&self, table: &TableRef, column: &str) -> DbResult<Vec<Sql>> {
        ddl::drop_column(self, table, column)
    }

    /// `CREATE [UNIQUE] INDEX …` ([`ddl::create_index`]).
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// use plugorm_plugin_api::schema::{IndexColumn, IndexSchema};
    /// use plugorm_plugin_api::statement::TableRef;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// let idx = IndexSchema {
    ///     name: "i".into(), unique: false, kind: "".into(), condition: "".into(), comment: "".into(),
    ///     columns: vec![IndexColumn { column: "a".into(), sort: "".into(), length: 0 }].into(),
    /// };
    /// let sql = Ansi.ddl_create_index(&TableRef::new("t"), &idx).unwrap();
    /// assert_eq!(sql[0].text.as_str(), r#"CREATE INDEX "i" ON "t"("a")"#);
    /// ```
    fn ddl_create_index(&self, table: &TableRef, index: &IndexSchema) -> DbResult<Vec<Sql>> {
        ddl::create_index(self, table, index)
    }

    /// `DROP INDEX …` ([`ddl::drop_index`]).
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// use plugorm_plugin_api::statement::TableRef;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// let sql = Ansi.ddl_drop_index(&TableRef::new("t"), "i").unwrap();
    /// assert_eq!(sql[0].text.as_str(), r#"DROP INDEX "i""#);
    /// ```
    fn ddl_drop_index(&self, table: &TableRef, name: &str) -> DbResult<Vec<Sql>> {
        ddl::drop_index(self, table, name)
    }

    /// `DROP TABLE [IF EXISTS] …` ([`ddl::drop_table`]).
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// use plugorm_plugin_api::statement::TableRef;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// let sql = Ansi.ddl_drop_table(&TableRef::new("t"), true).unwrap();
    /// assert_eq!(sql[0].text.as_str(), r#"DROP TABLE IF EXISTS "t""#);
    /// ```
    fn ddl_drop_table(&self, table: &TableRef, if_exists: bool) -> DbResult<Vec<Sql>> {
        ddl::drop_table(self, table, if_exists)
    }

    /// `ALTER TABLE … RENAME COLUMN … TO …` ([`ddl::rename_column`]).
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// use plugorm_plugin_api::statement::TableRef;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// let sql = Ansi.ddl_rename_column(&TableRef::new("t"), "a", "b").unwrap();
    /// assert_eq!(sql[0].text.as_str(), r#"ALTER TABLE "t" RENAME COLUMN "a" TO "b""#);
    /// ```
    fn ddl_rename_column(&self, table: &TableRef, from: &str, to: &str) -> DbResult<Vec<Sql>> {
        ddl::rename_column(self, table, from, to)
    }

    /// `CREATE TABLE` with FOREIGN KEY constraints inside
    /// ([`ddl::create_table_with_foreign_keys`]). Without constraints it is
    /// [`SqlRenderer::ddl_create_table`], so a dialect that overrides only that keeps its
    /// form; a dialect overriding both writes its constraints where it wants them.
    ///
    /// ```
    /// use plugorm_plugin_api::migrate::ForeignKeySchema;
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// use plugorm_plugin_api::schema::{DataType, FieldSchema, ModelSchema};
    /// use plugorm_plugin_api::statement::TableRef;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// let schema = ModelSchema {
    ///     name: "T".into(), table: "t".into(), indexes: Default::default(),
    ///     fields: vec![FieldSchema::new("u", "u", DataType::Int)].into(),
    /// };
    /// let fk = ForeignKeySchema::new("fk_u_t", ["u"], TableRef::new("u"), ["id"]);
    /// let sql = Ansi.ddl_create_table_with_foreign_keys(&TableRef::new("t"), &schema, &[fk]).unwrap();
    /// assert!(sql[0].text.contains(r#"CONSTRAINT "fk_u_t" FOREIGN KEY"#));
    /// ```
    fn ddl_create_table_with_foreign_keys(
        &self,
        table: &TableRef,
        schema: &ModelSchema,
        foreign_keys: &[ForeignKeySchema],
    ) -> DbResult<Vec<Sql>> {
        if foreign_keys.is_empty() {
            return self.ddl_create_table(table, schema);
        }
        ddl::create_table_with_foreign_keys(self, table, schema, foreign_keys)
    }

    /// `ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY …` ([`ddl::add_foreign_key`]).
    ///
    /// ```
    /// use plugorm_plugin_api::migrate::ForeignKeySchema;
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// use plugorm_plugin_api::statement::TableRef;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// let fk = ForeignKeySchema::new("fk", ["u"], TableRef::new("u"), ["id"]).on_delete("CASCADE");
    /// let sql = Ansi.ddl_add_foreign_key(&TableRef::new("t"), &fk).unwrap();
    /// assert!(sql[0].text.ends_with("ON DELETE CASCADE"));
    /// ```
    fn ddl_add_foreign_key(&self, table: &TableRef, fk: &ForeignKeySchema) -> DbResult<Vec<Sql>> {
        ddl::add_foreign_key(self, table, fk)
    }

    /// `ALTER TABLE … DROP CONSTRAINT …` ([`ddl::drop_constraint`]).
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// use plugorm_plugin_api::statement::TableRef;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// let sql = Ansi.ddl_drop_constraint(&TableRef::new("t"), "fk").unwrap();
    /// assert_eq!(sql[0].text.as_str(), r#"ALTER TABLE "t" DROP CONSTRAINT "fk""#);
    /// ```
    fn ddl_drop_constraint(&self, table: &TableRef, name: &str) -> DbResult<Vec<Sql>> {
        ddl::drop_constraint(self, table, name)
    }

    /// `ALTER TABLE … RENAME TO …` ([`ddl::rename_table`]).
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// use plugorm_plugin_api::statement::TableRef;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// let sql = Ansi.ddl_rename_table(&TableRef::new("a"), "b").unwrap();
    /// assert_eq!(sql[0].text.as_str(), r#"ALTER TABLE "a" RENAME TO "b""#);
    /// ```
    fn ddl_rename_table(&self, table: &TableRef, to: &str) -> DbResult<Vec<Sql>> {
        ddl::rename_table(self, table, to)
    }

    /// `ALTER INDEX … RENAME TO …` ([`ddl::rename_index`]).
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// use plugorm_plugin_api::statement::TableRef;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// let sql = Ansi.ddl_rename_index(&TableRef::new("t"), "a", "b").unwrap();
    /// assert_eq!(sql[0].text.as_str(), r#"ALTER INDEX "a" RENAME TO "b""#);
    /// ```
    fn ddl_rename_index(&self, table: &TableRef, from: &str, to: &str) -> DbResult<Vec<Sql>> {
        ddl::rename_index(self, table, from, to)
    }

    /// The catalog read listing the current schema's base tables ([`ddl::list_tables`]).
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// assert!(Ansi.ddl_list_tables().unwrap()[0].text.contains("information_schema.tables"));
    /// ```
    fn ddl_list_tables(&self) -> DbResult<Vec<Sql>> {
        ddl::list_tables(self)
    }

    /// The catalog read naming the current database ([`ddl::current_database`]).
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// assert_eq!(Ansi.ddl_current_database().unwrap()[0].text.as_str(), "SELECT CURRENT_CATALOG");
    /// ```
    fn ddl_current_database(&self) -> DbResult<Vec<Sql>> {
        ddl::current_database(self)
    }

    /// `CREATE [OR REPLACE] VIEW … AS …` ([`ddl::create_view`]).
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// use plugorm_plugin_api::statement::TableRef;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// let sql = Ansi.ddl_create_view(&TableRef::new("v"), "SELECT 1", false, "").unwrap();
    /// assert_eq!(sql[0].text.as_str(), r#"CREATE VIEW "v" AS SELECT 1"#);
    /// ```
    fn ddl_create_view(
        &self,
        view: &TableRef,
        query: &str,
        replace: bool,
        check_option: &str,
    ) -> DbResult<Vec<Sql>> {
        ddl::create_view(self, view, query, replace, check_option)
    }

    /// `DROP VIEW [IF EXISTS] …` ([`ddl::drop_view`]).
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// use plugorm_plugin_api::statement::TableRef;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// let sql = Ansi.ddl_drop_view(&TableRef::new("v"), true).unwrap();
    /// assert_eq!(sql[0].text.as_str(), r#"DROP VIEW IF EXISTS "v""#);
    /// ```
    fn ddl_drop_view(&self, view: &TableRef, if_exists: bool) -> DbResult<Vec<Sql>> {
        ddl::drop_view(self, view, if_exists)
    }

    /// The stored definitions a table rebuild starts from ([`Ddl::TableDefinition`]);
    /// refused by default: only a dialect that rebuilds tables answers.
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// use plugorm_plugin_api::statement::TableRef;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// assert!(Ansi.ddl_table_definition(&TableRef::new("t")).is_err());
    /// ```
    ///
    /// [`Ddl::TableDefinition`]: crate::migrate::Ddl::TableDefinition
    fn ddl_table_definition(&self, table: &TableRef) -> DbResult<Vec<Sql>> {
        Err(ddl::no_rebuild(table))
    }

    /// The statements of a table rebuild ([`Ddl::RebuildTable`]); refused by default
    /// (a dialect that rebuilds calls [`ddl::rebuild_table`] with its lexicon).
    ///
    /// ```
    /// use plugorm_plugin_api::{migrate::TableChange, render::SqlRenderer, statement::TableRef};
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// let change = TableChange::DropConstraint { name: "fk".into() };
    /// assert!(Ansi.ddl_rebuild_table(&TableRef::new("t"), "CREATE TABLE t (a)", &[], &change).is_err());
    /// ```
    ///
    /// [`Ddl::RebuildTable`]: crate::migrate::Ddl::RebuildTable
    fn ddl_rebuild_table(
        &self,
        table: &TableRef,
        definition: &str,
        dependents: &[crate::types::Text],
        change: &crate::migrate::TableChange,
    ) -> DbResult<Vec<Sql>> {
        let _ = (definition, dependents, change);
        Err(ddl::no_rebuild(table))
    }

    /// What a rebuild's connection runs around its transaction ([`Ddl::RebuildSession`]):
    /// nothing by default.
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// assert!(Ansi.ddl_rebuild_session(true).unwrap().is_empty());
    /// ```
    ///
    /// [`Ddl::RebuildSession`]: crate::migrate::Ddl::RebuildSession
    fn ddl_rebuild_session(&self, enter: bool) -> DbResult<Vec<Sql>> {
        let _ = enter;
        Ok(Vec::new())
    }

    /// The read listing broken foreign keys after a rebuild
    /// ([`Ddl::ForeignKeyViolations`]); refused by default.
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// use plugorm_plugin_api::statement::TableRef;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// assert!(Ansi.ddl_foreign_key_violations(&TableRef::new("t")).is_err());
    /// ```
    ///
    /// [`Ddl::ForeignKeyViolations`]: crate::migrate::Ddl::ForeignKeyViolations
    fn ddl_foreign_key_violations(&self, table: &TableRef) -> DbResult<Vec<Sql>> {
        Err(ddl::no_rebuild(table))
    }

    /// `ALTER TABLE … ADD CONSTRAINT … CHECK (…)` ([`ddl::add_check`]).
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// use plugorm_plugin_api::statement::TableRef;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// let sql = Ansi.ddl_add_check(&TableRef::new("t"), "chk_t_a", "a > 0").unwrap();
    /// assert_eq!(sql[0].text.as_str(), r#"ALTER TABLE "t" ADD CONSTRAINT "chk_t_a" CHECK (a > 0)"#);
    /// ```
    fn ddl_add_check(&self, table: &TableRef, name: &str, expression: &str) -> DbResult<Vec<Sql>> {
        ddl::add_check(self, table, name, expression)
    }

    /// The catalog read counting a table's constraints of a name ([`ddl::has_constraint`]).
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// use plugorm_plugin_api::statement::TableRef;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// assert!(Ansi.ddl_has_constraint(&TableRef::new("t"), "c").unwrap()[0].text.contains("table_constraints"));
    /// ```
    fn ddl_has_constraint(&self, table: &TableRef, name: &str) -> DbResult<Vec<Sql>> {
        ddl::has_constraint(self, table, name, &ddl::ConstraintCatalog::STANDARD)
    }

    /// The catalog read of a table's column comments ([`Ddl::ColumnComments`]); refused by
    /// default (no comments are reported).
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// use plugorm_plugin_api::statement::TableRef;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// assert!(Ansi.ddl_column_comments(&TableRef::new("t")).is_err());
    /// ```
    ///
    /// [`Ddl::ColumnComments`]: crate::migrate::Ddl::ColumnComments
    fn ddl_column_comments(&self, table: &TableRef) -> DbResult<Vec<Sql>> {
        Err(crate::DbError::Unsupported(format!(
            "this dialect reports no column comments (table `{}`)",
            table.name
        )))
    }

    /// How the dialect's SQL text quotes and comments: what splitting a script into its
    /// statements respects ([`SqlRenderer::ddl_split_script`]). Standard SQL by default.
    ///
    /// ```
    /// use plugorm_plugin_api::{kit::lexer::Lexicon, render::SqlRenderer};
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// assert_eq!(Ansi.lexicon(), Lexicon::STANDARD);
    /// ```
    fn lexicon(&self) -> crate::kit::lexer::Lexicon {
        crate::kit::lexer::Lexicon::STANDARD
    }

    /// A script's statements ([`Ddl::SplitScript`]): split with [`SqlRenderer::lexicon`].
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// let parts = Ansi.ddl_split_script("CREATE TABLE t (a text DEFAULT ';'); SELECT 1;").unwrap();
    /// assert_eq!(parts.len(), 2);
    /// ```
    ///
    /// [`Ddl::SplitScript`]: crate::migrate::Ddl::SplitScript
    fn ddl_split_script(&self, text: &str) -> DbResult<Vec<Sql>> {
        Ok(crate::kit::script::split_script(text, self.lexicon())
            .into_iter()
            .map(|s| Sql::new(s, []))
            .collect())
    }

    /// The migrations lock's statement ([`Ddl::MigrationLock`]); refused by default (the
    /// host then keeps a lock row).
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlRenderer;
    /// struct Ansi;
    /// impl SqlRenderer for Ansi {}
    /// assert!(Ansi.ddl_migration_lock(true).is_err());
    /// ```
    ///
    /// [`Ddl::MigrationLock`]: crate::migrate::Ddl::MigrationLock
    fn ddl_migration_lock(&self, acquire: bool) -> DbResult<Vec<Sql>> {
        let _ = acquire;
        Err(crate::DbError::Unsupported(
            "this dialect has no advisory lock for migrations".into(),
        ))
    }

    /// `a,b`.
    fn write_expr_list(&self, w: &mut SqlWriter, list: &[crate::statement::Expr]) -> DbResult<()> {
        for (i, e) in list.iter().enumerate() {
            if i > 0 {
                w.push(',');
            }
            self.write_expr(w, e)?;
        }
        Ok(())
    }
}

/// Renders a statement with a renderer (every capability assumed; see
/// [`render_with_capabilities`]).
pub fn render<R: SqlRenderer + ?Sized>(r: &R, stmt: &Statement) -> DbResult<Sql> {
    let mut w = SqlWriter::default();
    r.write_statement(&mut w, stmt)?;
    Ok(w.finish())
}

/// Renders a statement with a renderer for a dialect with these capabilities (what the
/// default [`crate::Dialect::render`] does): without [`Capabilities::row_locks`] a locking
/// clause renders as nothing.
///
/// ```
/// use plugorm_plugin_api::{dialect::Capabilities, render::{render_with_capabilities, SqlRenderer}};
/// use plugorm_plugin_api::statement::{Lock, LockStrength, LockWait, Select, Statement, TableRef};
/// struct Ansi;
/// impl SqlRenderer for Ansi {}
/// let mut q = Select::from_table(TableRef::new("t"));
/// q.lock = Some(Lock { strength: LockStrength::Update, of: Default::default(), wait: LockWait::Wait }).into();
/// let q = Statement::Select(q);
/// let locks = Capabilities::default();
/// let mut none = locks;
/// none.row_locks = false;
/// assert_eq!(render_with_capabilities(&Ansi, &q, &locks).unwrap().text.as_str(), r#"SELECT * FROM "t" FOR UPDATE"#);
/// assert_eq!(render_with_capabilities(&Ansi, &q, &none).unwrap().text.as_str(), r#"SELECT * FROM "t""#);
/// ```
pub fn render_with_capabilities<R: SqlRenderer + ?Sized>(
    r: &R,
    stmt: &Statement,
    caps: &Capabilities,
) -> DbResult<Sql> {
    let mut w = SqlWriter::for_capabilities(caps);
    r.write_statement(&mut w, stmt)?;
    Ok(w.finish())
}
