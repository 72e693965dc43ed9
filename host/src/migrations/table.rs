//! The migrations table, `plugorm_migrations`: one row per applied migration (version,
//! name, checksum of its up text, when it was applied and how long it took), created on
//! first use from a schema rendered by the dialect's DDL renderer, like AutoMigrate's
//! tables. SQLite's lock table (`plugorm_migrations_lock`, see `lock.rs`) is made the
//! same way.

use std::sync::Arc;

use chrono::NaiveDateTime;
use plugorm_plugin_api::{
    migrate::Ddl,
    schema::{DataType, FieldSchema, ModelSchema},
    statement::TableRef,
    Connection,
};

use super::MigrationError;
use crate::Db;

/// The table of applied migrations.
pub const TABLE: &str = "plugorm_migrations";
/// SQLite's lock table.
pub const LOCK_TABLE: &str = "plugorm_migrations_lock";

/// A row of the migrations table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AppliedRow {
    pub(super) version: i64,
    pub(super) name: String,
    pub(super) checksum: String,
    pub(super) applied_at: NaiveDateTime,
    pub(super) execution_ms: i64,
}

/// `name` quoted for `db`'s dialect (the names here are fixed and need no escaping):
/// with the quotes the dialect's own DDL renderer puts around a table name, so a loaded
/// plugin's dialect is asked the same way as a linked one.
pub(super) fn quoted(db: &Db, name: &str) -> String {
    let probe = Ddl::DropTable {
        table: TableRef::parse(TABLE),
        if_exists: true,
    };
    let open = db
        .dialect()
        .render_ddl(&probe)
        .ok()
        .and_then(|sqls| {
            let text = sqls.first()?.text.to_string();
            let at = text.find(TABLE)?;
            text[..at].chars().last()
        })
        .filter(|c| matches!(c, '"' | '`' | '['))
        .unwrap_or('"');
    let close = if open == '[' { ']' } else { open };
    format!("{open}{name}{close}")
}

fn field(column: &str, data_type: DataType, bits: u8, size: u32) -> FieldSchema {
    let mut f = FieldSchema::new(column, column, data_type);
    f.bits = bits;
    f.size = size;
    f.not_null = true;
    f
}

/// A table keyed by the 64-bit integer column `key`, then the `(column, type, size)`
/// of the others (64-bit integers, sized strings, timestamps; all NOT NULL).
fn keyed(table: &str, key: &str, rest: &[(&str, DataType, u32)]) -> ModelSchema {
    let mut id = field(key, DataType::Int, 64, 0);
    id.primary_key = true;
    let others = rest.iter().map(|&(column, data_type, size)| {
        let bits = if data_type == DataType::Int { 64 } else { 0 };
        field(column, data_type, bits, size)
    });
    ModelSchema {
        name: table.into(),
        table: table.into(),
        fields: std::iter::once(id).chain(others).collect(),
        indexes: Default::default(),
    }
}

fn migrations_schema() -> ModelSchema {
    keyed(
        TABLE,
        "version",
        &[
            ("name", DataType::String, 255),
            ("checksum", DataType::String, 64),
            ("applied_at", DataType::Timestamp, 0),
            ("execution_ms", DataType::Int, 0),
        ],
    )
}

fn lock_schema() -> ModelSchema {
    keyed(
        LOCK_TABLE,
        "id",
        &[
            ("owner", DataType::String, 64),
            ("locked_at", DataType::Timestamp, 0),
        ],
    )
}

/// Creates `schema`'s table on `conn` unless it exists. Two runs may race here (SQLite's
/// lock table is made before the lock is held): a failed CREATE is fine when the table
/// is there afterwards.
async fn ensure(
    db: &Db,
    conn: &Arc<dyn Connection>,
    schema: ModelSchema,
) -> Result<(), MigrationError> {
    let name = schema.table.to_string();
    if exists(db, conn, &name).await? {
        return Ok(());
    }
    let ddl = Ddl::CreateTable {
        table: TableRef::parse(&name),
        schema,
    };
    let statements = db.dialect().render_ddl(&ddl)?;
    for sql in statements {
        if let Err(e) = conn.execute(sql).await {
            if exists(db, conn, &name).await? {
                return Ok(());
            }
            return Err(e.into());
        }
    }
    Ok(())
}

/// True when `table` exists, asked on `conn` (a short transaction bound to it, so the
/// dialect's introspection runs there and not on another pool connection).
pub(super) async fn exists(
    db: &Db,
    conn: &Arc<dyn Connection>,
    table: &str,
) -> Result<bool, MigrationError> {
    let tx = conn.begin().await?;
    let found = db
        .bind_tx(Arc::clone(&tx))
        .migrator()
        .has_table_named(table)
        .await;
    tx.commit().await?;
    Ok(found?)
}

/// Creates the migrations table unless it exists.
pub(super) async fn ensure_table(
    db: &Db,
    conn: &Arc<dyn Connection>,
) -> Result<(), MigrationError> {
    ensure(db, conn, migrations_schema()).await
}

/// Creates SQLite's lock table unless it exists.
pub(super) async fn ensure_lock_table(
    db: &Db,
    conn: &Arc<dyn Connection>,
) -> Result<(), MigrationError> {
    ensure(db, conn, lock_schema()).await
}

/// Every applied migration, by ascending version (`db` may be bound to the run's
/// connection or be the pool).
pub(super) async fn applied(db: &Db) -> Result<Vec<AppliedRow>, MigrationError> {
    let t = quoted(db, TABLE);
    let rows = db
        .raw(
            &format!("SELECT version, name, checksum, applied_at, execution_ms FROM {t} ORDER BY version"),
            (),
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows.iter() {
        out.push(AppliedRow {
            version: r.get("version")?,
            name: r.get("name")?,
            checksum: r.get("checksum")?,
            applied_at: r.get("applied_at")?,
            execution_ms: r.get("execution_ms")?,
        });
    }
    Ok(out)
}

/// Records an applied migration (in the migration's own transaction).
pub(super) async fn record(db: &Db, row: &AppliedRow) -> Result<(), MigrationError> {
    let t = quoted(db, TABLE);
    db.exec(
        &format!("INSERT INTO {t} (version, name, checksum, applied_at, execution_ms) VALUES (?, ?, ?, ?, ?)"),
        (row.version, row.name.as_str(), row.checksum.as_str(), row.applied_at, row.execution_ms),
    )
    .await?;
    Ok(())
}

/// Forgets a rolled-back migration (in its down step's transaction).
pub(super) async fn forget(db: &Db, version: i64) -> Result<(), MigrationError> {
    let t = quoted(db, TABLE);
    db.exec(&format!("DELETE FROM {t} WHERE version = ?"), (version,))
        .await?;
    Ok(())
}
