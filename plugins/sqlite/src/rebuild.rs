//! Table rebuilds: the changes SQLite's `ALTER TABLE` cannot make (alter a column, add or
//! drop a constraint) are made, as SQLite's documentation and GORM's sqlite migrator do,
//! by creating the table anew under another name, copying every row into it, dropping
//! the old table and renaming the new one.
//!
//! The new definition is the stored `CREATE TABLE` text (`sqlite_master`) with only the
//! change made, every other byte kept (the plugin API's `ddl::rebuild_table`): columns
//! the model does not know, checks, collations and `WITHOUT ROWID` survive the rebuild.
//!
//! The host runs the statements in one transaction on a connection of its own, with
//! foreign keys off around it ([`session`]): dropping the old table would otherwise fire
//! the `ON DELETE` actions of the tables referencing it. `legacy_alter_table` is on for
//! the rename, so SQLite neither rewrites nor re-checks the views and triggers that name
//! the table while it is briefly missing.

use plugorm_plugin_api::{
    kit::lexer::Lexicon,
    migrate::TableChange,
    render::{ddl, SqlRenderer, SqlWriter},
    statement::TableRef,
    types::Text,
    DbResult, Sql, Value,
};

/// `SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? …`: the table's stored
/// definition first, then its indexes and triggers (automatic indexes have no text).
pub(crate) fn table_definition<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
) -> DbResult<Vec<Sql>> {
    let mut w = SqlWriter::default();
    w.push_str("SELECT type, name, sql FROM ");
    ddl::write_schema_prefix(r, &mut w, table);
    w.push_str("sqlite_master WHERE tbl_name = ");
    r.write_param(&mut w, Value::Text(table.name.clone()).into_ffi());
    w.push_str(
        " COLLATE NOCASE AND sql IS NOT NULL AND type IN ('table', 'index', 'trigger') \
         ORDER BY type <> 'table', type, name",
    );
    Ok(vec![w.finish()])
}

/// Foreign keys off (and the rename left alone) before the rebuild's transaction; back
/// on after it, as the driver opens every connection.
pub(crate) fn session(enter: bool) -> DbResult<Vec<Sql>> {
    let texts: [&str; 2] = if enter {
        [
            "PRAGMA foreign_keys = OFF",
            "PRAGMA legacy_alter_table = ON",
        ]
    } else {
        [
            "PRAGMA legacy_alter_table = OFF",
            "PRAGMA foreign_keys = ON",
        ]
    };
    Ok(texts.iter().map(|t| Sql::new(*t, [])).collect())
}

/// The rows that break a foreign key held by the table or referencing it.
pub(crate) fn foreign_key_violations<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
) -> DbResult<Vec<Sql>> {
    let mut w = SqlWriter::default();
    w.push_str("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check(NULL, ");
    let schema = table.schema.as_ref().map_or("main", |s| s.as_str());
    r.write_param(&mut w, Value::Text(schema.into()).into_ffi());
    w.push_str(") WHERE \"table\" = ");
    r.write_param(&mut w, Value::Text(table.name.clone()).into_ffi());
    w.push_str(" COLLATE NOCASE OR parent = ");
    r.write_param(&mut w, Value::Text(table.name.clone()).into_ffi());
    w.push_str(" COLLATE NOCASE");
    Ok(vec![w.finish()])
}

/// The rebuild itself is the default renderer's ([`ddl::rebuild_table`]), reading the
/// stored text with SQLite's quotes and comments.
pub(crate) fn rebuild_table<R: SqlRenderer + ?Sized>(
    r: &R,
    table: &TableRef,
    definition: &str,
    dependents: &[Text],
    change: &TableChange,
) -> DbResult<Vec<Sql>> {
    ddl::rebuild_table(r, Lexicon::SQLITE, table, definition, dependents, change)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SqliteDialect;
    use plugorm_plugin_api::{
        migrate::ForeignKeySchema,
        schema::{DataType, FieldSchema},
        DbError,
    };

    const PETS: &str = "CREATE TABLE `pets` (`id` integer PRIMARY KEY AUTOINCREMENT,\
        `name` text NOT NULL DEFAULT 'x, (y)',\"user_id\" integer,[odd \"name\"] blob, \
        extra text /* a, comment */ COLLATE NOCASE, \
        `total` integer GENERATED ALWAYS AS (id * 2) VIRTUAL,\
        CONSTRAINT `chk_pets_name` CHECK (name <> ''), UNIQUE (name, user_id)) WITHOUT ROWID";

    fn texts(sql: Vec<Sql>) -> Vec<String> {
        sql.into_iter().map(|s| s.text.to_string()).collect()
    }

    #[test]
    fn altering_a_column_replaces_only_its_item_and_copies_every_stored_column() {
        let mut field = FieldSchema::new("name", "name", DataType::String);
        field.not_null = false;
        let change = TableChange::AlterColumn { field };
        let sql =
            rebuild_table(&SqliteDialect, &TableRef::new("pets"), PETS, &[], &change).unwrap();
        let sql = texts(sql);
        assert_eq!(
            sql[0],
            "CREATE TABLE `pets__temp` (`id` integer PRIMARY KEY AUTOINCREMENT,\
             `name` text,\"user_id\" integer,[odd \"name\"] blob,\
             extra text /* a, comment */ COLLATE NOCASE,\
             `total` integer GENERATED ALWAYS AS (id * 2) VIRTUAL,\
             CONSTRAINT `chk_pets_name` CHECK (name <> ''),UNIQUE (name, user_id)) WITHOUT ROWID"
        );
        let columns = "`id`,`name`,`user_id`,`odd \"name\"`,`extra`";
        assert_eq!(
            sql[1],
            format!("INSERT INTO `pets__temp`({columns}) SELECT {columns} FROM `pets`")
        );
        assert_eq!(sql[2], "DROP TABLE `pets`");
        assert_eq!(sql[3], "ALTER TABLE `pets__temp` RENAME TO `pets`");
    }

    #[test]
    fn a_foreign_key_is_added_and_a_named_constraint_dropped() {
        let fk =
            ForeignKeySchema::new("fk_users_pets", ["user_id"], TableRef::new("users"), ["id"])
                .on_delete("CASCADE");
        let table = TableRef::new("pets");
        let add = TableChange::AddForeignKey { foreign_key: fk };
        let sql = texts(rebuild_table(&SqliteDialect, &table, PETS, &[], &add).unwrap());
        assert!(sql[0].ends_with(
            "UNIQUE (name, user_id),CONSTRAINT `fk_users_pets` FOREIGN KEY (`user_id`) \
             REFERENCES `users`(`id`) ON DELETE CASCADE) WITHOUT ROWID"
        ));
        let drop = TableChange::DropConstraint {
            name: "CHK_pets_name".into(),
        };
        let sql = texts(rebuild_table(&SqliteDialect, &table, PETS, &[], &drop).unwrap());
        assert!(!sql[0].contains("chk_pets_name"));
        assert!(sql[0].contains("VIRTUAL,UNIQUE (name, user_id))"));
    }

    #[test]
    fn unknown_columns_constraints_and_unreadable_definitions_are_refused() {
        let table = TableRef::new("pets");
        let field = FieldSchema::new("nope", "nope", DataType::Int);
        let err = rebuild_table(
            &SqliteDialect,
            &table,
            PETS,
            &[],
            &TableChange::AlterColumn { field },
        )
        .unwrap_err();
        assert!(err.to_string().contains("no column `nope`"), "{err}");
        let drop = TableChange::DropConstraint { name: "x".into() };
        let err = rebuild_table(&SqliteDialect, &table, PETS, &[], &drop).unwrap_err();
        assert!(err.to_string().contains("no constraint named `x`"));
        let dup = TableChange::AddForeignKey {
            foreign_key: ForeignKeySchema::new(
                "chk_pets_name",
                ["user_id"],
                TableRef::new("users"),
                ["id"],
            ),
        };
        assert!(rebuild_table(&SqliteDialect, &table, PETS, &[], &dup).is_err());
        let e = rebuild_table(&SqliteDialect, &table, "CREATE TABLE t (a", &[], &drop).unwrap_err();
        assert!(matches!(e, DbError::Unsupported(_)), "{e}");
    }
}
