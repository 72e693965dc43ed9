//! The migrations lock: two deploys never migrate one database at once.
//!
//! | dialect | lock | scope |
//! |---|---|---|
//! | PostgreSQL | `pg_advisory_lock(key, hashtext(current_schema()))` | the schema |
//! | MySQL / MariaDB | `GET_LOCK('plugorm_migrations:<database>')` | the database |
//! | SQLite (and others) | a row in `plugorm_migrations_lock`, inserted only when none is there | the database file |
//!
//! The lock is taken on the run's own connection and released on it when the run ends,
//! fails, or is dropped mid-way: [`LockGuard`]'s `Drop` sends the release on the same
//! connection (after the rollback of a dropped transaction, which the connection runs
//! first), so a cancelled `up` leaves nothing behind. A process killed outright loses its
//! session locks with its connection on PostgreSQL and MySQL; on SQLite its lock row
//! stays: delete it (`DELETE FROM plugorm_migrations_lock`) once no run is going on.

use std::{sync::Arc, time::Duration};

use plugorm_plugin_api::{Connection, Sql};

use super::{table, MigrationError};
use crate::Db;

/// The first half of PostgreSQL's two-key advisory lock: "plugorm migrations" (an
/// arbitrary constant), the second half being the schema's hash.
const PG_LOCK_KEY: i32 = 0x706d_6967;

/// How long `GET_LOCK` waits for another run, in seconds.
const MYSQL_WAIT_SECS: i64 = 3600;

/// How often a SQLite run looks again at a lock row another run holds.
const SQLITE_POLL: Duration = Duration::from_millis(50);

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
        let (take, release) = match db.dialect().name() {
            "postgres" => {
                let key = "? , hashtext(current_schema())";
                let take = format!("SELECT pg_advisory_lock({key})");
                let release = format!("SELECT pg_advisory_unlock({key})");
                (
                    Take::Advisory(db.render_raw(&take, (PG_LOCK_KEY,))?),
                    db.render_raw(&release, (PG_LOCK_KEY,))?,
                )
            }
            "mysql" => {
                let name = "LEFT(CONCAT('plugorm_migrations:', DATABASE()), 64)";
                let take = format!("SELECT GET_LOCK({name}, ?) AS got");
                (
                    Take::GetLock(db.render_raw(&take, (MYSQL_WAIT_SECS,))?),
                    db.render_raw(&format!("SELECT RELEASE_LOCK({name})"), ())?,
                )
            }
            _ => {
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
                guard.conn.query(sql).await?;
            }
            Take::GetLock(sql) => {
                let rows = guard.conn.query(sql).await?;
                let got = rows
                    .iter()
                    .next()
                    .and_then(|r| r.get::<Option<i64>>("got").ok().flatten());
                if got != Some(1) {
                    return Err(MigrationError::Lock(format!(
                        "another run held `GET_LOCK` on this database for {MYSQL_WAIT_SECS} s"
                    )));
                }
            }
            Take::Row(sql) => {
                while guard.conn.execute(sql.clone()).await?.rows_affected != 1 {
                    tokio::time::sleep(SQLITE_POLL).await;
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

/// How a dialect takes the lock.
enum Take {
    /// A statement that waits until the lock is granted.
    Advisory(Sql),
    /// `GET_LOCK`, answering 1 when granted within its timeout.
    GetLock(Sql),
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
