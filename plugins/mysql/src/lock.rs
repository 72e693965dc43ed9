//! Row-lock clauses, and which of them the servers in use accept.
//!
//! | lock | MySQL ≥ 8.0.1 | MariaDB | written |
//! | --- | --- | --- | --- |
//! | `FOR UPDATE` | yes | yes | ` FOR UPDATE` |
//! | … `NOWAIT` | yes | ≥ 10.3 | ` FOR UPDATE NOWAIT` |
//! | … `SKIP LOCKED` | yes | ≥ 10.6 | ` FOR UPDATE SKIP LOCKED` |
//! | … `OF t` | yes | no | ` FOR UPDATE OF `t`` |
//! | share | yes | yes | ` LOCK IN SHARE MODE` (both accept it) |
//! | share + `NOWAIT` / `SKIP LOCKED` | ` FOR SHARE NOWAIT` | ` LOCK IN SHARE MODE NOWAIT` | per server |
//! | PostgreSQL's `NO KEY UPDATE` / `KEY SHARE` | no | no | refused |
//!
//! Statements are rendered without a connection, so the dialect uses what every server
//! this process has connected to accepts ([`LockSupport::current`]): pools record their
//! server when they open. With only MariaDB servers, shared locks with a wait option get
//! MariaDB's form; with only MySQL 8, MySQL's; with both at once, a form neither shares is
//! refused with [`DbError::Unsupported`] instead of failing on one of them. Before any
//! pool opened, MySQL 8's syntax is assumed.

use std::sync::atomic::{AtomicU32, Ordering};

use plugorm_plugin_api::{
    render::{SqlRenderer, SqlWriter},
    statement::{Lock, LockStrength, LockWait},
    DbError, DbResult,
};

use crate::server::Server;

/// The locking syntax a set of servers accepts.
///
/// ```
/// use plugorm_mysql::LockSupport;
/// let both = LockSupport::MYSQL_8.intersect(LockSupport::MARIADB_10_6);
/// assert!(both.nowait() && both.skip_locked());
/// assert!(!both.for_share() && !both.share_mode_options() && !both.lock_of());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockSupport(u32);

const FOR_SHARE: u32 = 1;
const LOCK_OF: u32 = 2;
const NOWAIT: u32 = 4;
const SKIP_LOCKED: u32 = 8;
const SHARE_MODE_OPTIONS: u32 = 16;
/// No server seen yet.
const UNKNOWN: u32 = 1 << 31;

static SEEN: AtomicU32 = AtomicU32::new(UNKNOWN);

impl LockSupport {
    /// MySQL 8: `FOR SHARE`, `OF`, `NOWAIT`, `SKIP LOCKED`.
    pub const MYSQL_8: LockSupport = LockSupport(FOR_SHARE | LOCK_OF | NOWAIT | SKIP_LOCKED);
    /// MySQL 5.7: `FOR UPDATE` and `LOCK IN SHARE MODE` only.
    pub const MYSQL_5: LockSupport = LockSupport(0);
    /// MariaDB 10.6 and later: `NOWAIT`, `SKIP LOCKED`, also after `LOCK IN SHARE MODE`.
    pub const MARIADB_10_6: LockSupport = LockSupport(NOWAIT | SKIP_LOCKED | SHARE_MODE_OPTIONS);

    pub(crate) fn of_server(s: &Server) -> LockSupport {
        let v = s.version;
        if s.mariadb {
            let mut bits = 0;
            if v >= (10, 3, 0) {
                bits |= NOWAIT | SHARE_MODE_OPTIONS;
            }
            if v >= (10, 6, 0) {
                bits |= SKIP_LOCKED;
            }
            LockSupport(bits)
        } else if v >= (8, 0, 1) {
            LockSupport::MYSQL_8
        } else {
            LockSupport::MYSQL_5
        }
    }

    /// What every server this process has connected to accepts (MySQL 8's syntax before
    /// the first connection).
    pub fn current() -> LockSupport {
        let bits = SEEN.load(Ordering::Acquire);
        if bits & UNKNOWN != 0 {
            LockSupport::MYSQL_8
        } else {
            LockSupport(bits)
        }
    }

    /// Records a server a pool opened on.
    pub(crate) fn record(server: &Server) {
        let this = LockSupport::of_server(server).0;
        let _ = SEEN.fetch_update(Ordering::AcqRel, Ordering::Acquire, |cur| {
            Some(if cur & UNKNOWN != 0 { this } else { cur & this })
        });
    }

    /// What both sets accept.
    pub fn intersect(self, other: LockSupport) -> LockSupport {
        LockSupport(self.0 & other.0)
    }

    /// `FOR SHARE` is understood.
    pub fn for_share(self) -> bool {
        self.0 & FOR_SHARE != 0
    }
    /// `FOR UPDATE OF t` is understood.
    pub fn lock_of(self) -> bool {
        self.0 & LOCK_OF != 0
    }
    /// `NOWAIT` is understood.
    pub fn nowait(self) -> bool {
        self.0 & NOWAIT != 0
    }
    /// `SKIP LOCKED` is understood.
    pub fn skip_locked(self) -> bool {
        self.0 & SKIP_LOCKED != 0
    }
    /// `LOCK IN SHARE MODE NOWAIT|SKIP LOCKED` is understood (MariaDB).
    pub fn share_mode_options(self) -> bool {
        self.0 & SHARE_MODE_OPTIONS != 0
    }
}

fn refuse(what: &str) -> DbError {
    DbError::Unsupported(format!(
        "{what} is not understood by every MySQL / MariaDB server this process is connected to"
    ))
}

fn wait_text(wait: LockWait, support: LockSupport) -> DbResult<&'static str> {
    match wait {
        LockWait::Wait => Ok(""),
        LockWait::NoWait if support.nowait() => Ok(" NOWAIT"),
        LockWait::NoWait => Err(refuse("NOWAIT (MySQL ≥ 8.0.1, MariaDB ≥ 10.3)")),
        LockWait::SkipLocked if support.skip_locked() => Ok(" SKIP LOCKED"),
        LockWait::SkipLocked => Err(refuse("SKIP LOCKED (MySQL ≥ 8.0.1, MariaDB ≥ 10.6)")),
    }
}

fn write_of<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    lock: &Lock,
    support: LockSupport,
) -> DbResult<()> {
    if lock.of.is_empty() {
        return Ok(());
    }
    if !support.lock_of() {
        return Err(refuse(
            "a lock limited to some tables (`OF t`, MySQL 8 only)",
        ));
    }
    w.push_str(" OF ");
    for (i, t) in lock.of.iter().enumerate() {
        if i > 0 {
            w.push(',');
        }
        r.write_ident(w, t);
    }
    Ok(())
}

/// Writes a locking clause for servers with `support` (see the module documentation).
pub(crate) fn write_lock<R: SqlRenderer + ?Sized>(
    r: &R,
    w: &mut SqlWriter,
    lock: &Lock,
    support: LockSupport,
) -> DbResult<()> {
    match lock.strength {
        LockStrength::Update => {
            let wait = wait_text(lock.wait, support)?;
            w.push_str(" FOR UPDATE");
            write_of(r, w, lock, support)?;
            w.push_str(wait);
        }
        LockStrength::Share if lock.wait == LockWait::Wait && lock.of.is_empty() => {
            w.push_str(" LOCK IN SHARE MODE");
        }
        LockStrength::Share if support.for_share() => {
            let wait = wait_text(lock.wait, support)?;
            w.push_str(" FOR SHARE");
            write_of(r, w, lock, support)?;
            w.push_str(wait);
        }
        LockStrength::Share if support.share_mode_options() && lock.of.is_empty() => {
            let wait = wait_text(lock.wait, support)?;
            w.push_str(" LOCK IN SHARE MODE");
            w.push_str(wait);
        }
        LockStrength::Share if !lock.of.is_empty() => {
            return Err(refuse("a shared lock limited to some tables (`FOR SHARE OF t`, MySQL 8 only)"))
        }
        LockStrength::Share => {
            return Err(refuse(
                "a shared lock with NOWAIT or SKIP LOCKED (MySQL 8 writes `FOR SHARE NOWAIT`, MariaDB `LOCK IN SHARE MODE NOWAIT`)",
            ))
        }
        LockStrength::NoKeyUpdate | LockStrength::KeyShare => {
            return Err(DbError::Unsupported(
                "MySQL and MariaDB have no FOR NO KEY UPDATE / FOR KEY SHARE locks (PostgreSQL only); use FOR UPDATE or a shared lock"
                    .into(),
            ))
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MysqlDialect;

    fn lock(strength: LockStrength, wait: LockWait, of: &[&str]) -> Lock {
        Lock {
            strength,
            of: of.iter().map(|t| (*t).into()).collect(),
            wait,
        }
    }

    fn text(l: &Lock, s: LockSupport) -> DbResult<String> {
        let mut w = SqlWriter::default();
        write_lock(&MysqlDialect::new(), &mut w, l, s)?;
        Ok(w.text().to_string())
    }

    #[test]
    fn per_server_forms() {
        use LockStrength::*;
        use LockWait::*;
        let maria = LockSupport::MARIADB_10_6;
        let my = LockSupport::MYSQL_8;
        let both = maria.intersect(my);
        assert_eq!(text(&lock(Update, Wait, &[]), both).unwrap(), " FOR UPDATE");
        assert_eq!(
            text(&lock(Update, NoWait, &[]), both).unwrap(),
            " FOR UPDATE NOWAIT"
        );
        assert_eq!(
            text(&lock(Update, SkipLocked, &[]), both).unwrap(),
            " FOR UPDATE SKIP LOCKED"
        );
        assert_eq!(
            text(&lock(Share, Wait, &[]), both).unwrap(),
            " LOCK IN SHARE MODE"
        );
        assert_eq!(
            text(&lock(Share, NoWait, &[]), maria).unwrap(),
            " LOCK IN SHARE MODE NOWAIT"
        );
        assert_eq!(
            text(&lock(Share, SkipLocked, &[]), my).unwrap(),
            " FOR SHARE SKIP LOCKED"
        );
        assert_eq!(
            text(&lock(Update, NoWait, &["t"]), my).unwrap(),
            " FOR UPDATE OF `t` NOWAIT"
        );
        assert!(matches!(
            text(&lock(Share, NoWait, &[]), both),
            Err(DbError::Unsupported(_))
        ));
        assert!(matches!(
            text(&lock(Update, Wait, &["t"]), maria),
            Err(DbError::Unsupported(_))
        ));
        assert!(matches!(
            text(&lock(Update, SkipLocked, &[]), LockSupport::MYSQL_5),
            Err(DbError::Unsupported(_))
        ));
        assert!(matches!(
            text(&lock(KeyShare, Wait, &[]), my),
            Err(DbError::Unsupported(_))
        ));
    }

    #[test]
    fn support_by_version() {
        let s = |v: &str| LockSupport::of_server(&Server::parse(v));
        assert_eq!(s("10.11.6-MariaDB"), LockSupport::MARIADB_10_6);
        assert!(!s("10.5.2-MariaDB").skip_locked() && s("10.5.2-MariaDB").nowait());
        assert_eq!(s("8.0.36"), LockSupport::MYSQL_8);
        assert_eq!(s("5.7.44"), LockSupport::MYSQL_5);
    }
}
