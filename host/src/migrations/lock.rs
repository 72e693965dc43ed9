//! The migrations lock: two deploys never migrate one database at once.
//!
//! A dialect with an advisory lock renders it ([`Ddl::MigrationLock`]):
//!
//! | dialect | lock | scope |
//! |---|---|---|
//! | PostgreSQL | `pg_advisory_lock(key, hashtext(current_schema()))` | the schema |
//! | MySQL / MariaDB | `GET_LOCK('plugorm_migrations:<database>')` | the database |
//! | SQLite (and any dialect without one) | a row in `plugorm_migrations_lock`, inserted only when none is there | the database file |
//!
//! The lock is taken on the run's own connection and released on it when the run ends,
//! fails, or is dropped mid-way: [`LockGuard`]'s `Drop` sends the release on the same
//! connection (after the rollback of a dropped transaction, which the connection runs
//! first), so a cancelled `up` leaves nothing behind. A process killed outright loses its
//! session locks with its connection on PostgreSQL and MySQL; on SQLite its lock row
//! stays: delete it (`DELETE FROM plugorm_migrations_lock`) once no run is going on.

use std::{sync::Arc, time::Duration};

use plugorm_plugin_api::{migrate::Ddl, Connection, DbError, Sql};

use super::{table, MigrationError};
use crate::Db;

/// How often a run looks again at a lock row another run holds.
const LOCK_ROW_POLL: Duration = Duration::from_millis(50);

/// The lock, held on `conn` until released or dropped.
pub(super) struct LockGuard {
    conn: Arc<dyn Connection>,
    release: Option<Sql>,
}

impl LockGuard {
    /// Waits for and takes the lock of `db`'s database on `conn`.
    pub(super) async fn acquire(
        db: &Db,
        conn: Arc<dyn Connection>,
    ) -> Result<LockGuard, MigrationError> {
        let (take, release) = match advisory(db)? {
            Some((take, release)) => (Take::Advisory(take), release),
            None => {
                table::ensure_lock_table(db, &conn).await?;
                let (take, release) = lock_row(db)?;
                (Take::Row(take), release)
            }
        };
        // Armed before the lock is asked for: a run dropped just as the database grants
        // it still releases it (releasing a lock not held changes nothing anywhere).
        let guard = LockGuard {
            conn,
            release: Some(release),
        };
        match take {
            Take::Advisory(sql) => {
                let rows = guard.conn.query(sql).await?;
                let got = rows
                    .iter()
                    .next()
                    .and_then(|r| r.get_at::<Option<i64>>(0).ok().flatten());
                if got != Some(1) {
                    return Err(MigrationError::Lock(
                        "the database did not grant the migrations lock: another run held it \
                         for as long as the dialect waits"
                            .into(),
                    ));
                }
            }
            Take::Row(sql) => {
                while guard.conn.execute(sql.clone()).await?.rows_affected != 1 {
                    tokio::time::sleep(LOCK_ROW_POLL).await;
                }
            }
        }
        Ok(guard)
    }

    /// The connection the lock is held on.
    pub(super) fn conn(&self) -> &Arc<dyn Connection> {
        &self.conn
    }

    /// Releases the lock now.
    pub(super) async fn release(mut self) -> Result<(), MigrationError> {
        if let Some(sql) = self.release.take() {
            self.conn.execute(sql).await?;
        }
        Ok(())
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        // A run dropped mid-way (a timeout, a cancelled task): release on the same
        // connection once the dropped migration's transaction has ended there.
        if let Some(sql) = self.release.take() {
            crate::db::spawn_once_idle(
                Arc::clone(&self.conn),
                vec![sql],
                "releasing the migrations lock of a dropped run",
            );
        }
    }
}

/// The dialect's advisory lock ([`Ddl::MigrationLock`]): the query that takes it and the
/// statement that releases it; `None` when the dialect has none.
fn advisory(db: &Db) -> Result<Option<(Sql, Sql)>, MigrationError> {
    let render = |acquire| match db.dialect().render_ddl(&Ddl::MigrationLock { acquire }) {
        Err(DbError::Unsupported(_)) => Ok(None),
        Err(e) => Err(MigrationError::from(e)),
        Ok(mut list) if list.len() == 1 => Ok(list.pop()),
        Ok(_) => Err(MigrationError::Lock(
            "the dialect rendered the migrations lock as several statements; it must be one \
             query and one statement"
                .into(),
        )),
    };
    Ok(render(true)?.zip(render(false)?))
}

/// How a dialect takes the lock.
enum Take {
    /// A query that waits for the lock and answers 1 once it is granted.
    Advisory(Sql),
    /// An insert that writes one row when the lock is free; polled until it does.
    Row(Sql),
}

/// SQLite's lock: insert the one row of `plugorm_migrations_lock` when it is not there
/// (one statement, so two runs cannot both insert it); release deletes it if it is
/// still this run's.
fn lock_row(db: &Db) -> Result<(Sql, Sql), MigrationError> {
    let lock = table::quoted(db, table::LOCK_TABLE);
    // Who holds it: this process and the moment it asked (two runs of one process ask at
    // different instants).
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let owner = format!("{}-{nanos}", std::process::id());
    let take = db.render_raw(
        &format!(
            "INSERT INTO {lock} (id, owner, locked_at) SELECT 1, ?, ? \
             WHERE NOT EXISTS (SELECT 1 FROM {lock} WHERE id = 1)"
        ),
        (owner.as_str(), chrono::Utc::now().naive_utc()),
    )?;
    let release = db.render_raw(
        &format!("DELETE FROM {lock} WHERE id = 1 AND owner = ?"),
        (owner.as_str(),),
    )?;
    Ok((take, release))
}

/// A lock row left by a run that ended without releasing it (a process killed outright),
/// as [`super::MigrationRunner::unlock`] removed it.
///
/// ```
/// let stale = plugorm::migrations::StaleLock {
///     owner: "4242-1700000000000000000".into(),
///     locked_at: chrono::NaiveDateTime::default(),
/// };
/// assert!(stale.owner.starts_with("4242"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleLock {
    /// The run that took it: its process id and the moment it asked (`pid-nanos`).
    pub owner: String,
    /// When it was taken (UTC).
    pub locked_at: chrono::NaiveDateTime,
}

/// Deletes the lock row, if any, and says whose it was. Only the lock-row scheme can be
/// left behind: an advisory lock ends with its connection.
pub(super) async fn remove_row(db: &Db) -> Result<Option<StaleLock>, MigrationError> {
    if !db.migrator().has_table_named(table::LOCK_TABLE).await? {
        return Ok(None);
    }
    let lock = table::quoted(db, table::LOCK_TABLE);
    let rows = db
        .raw(
            &format!("SELECT owner, locked_at FROM {lock} WHERE id = 1"),
            (),
        )
        .await?;
    let Some(row) = rows.iter().next() else {
        return Ok(None);
    };
    let stale = StaleLock {
        owner: row.get("owner")?,
        locked_at: row.get("locked_at")?,
    };
    // Only that row: a run that took the lock meanwhile keeps its own.
    db.exec(
        &format!("DELETE FROM {lock} WHERE id = 1 AND owner = ?"),
        (stale.owner.as_str(),),
    )
    .await?;
    Ok(Some(stale))
}
