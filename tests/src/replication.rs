//! A PostgreSQL primary with a streaming hot standby, for tests of read/write splitting
//! (the dbresolver plugin) and anything else that needs a replica.
//!
//! [`ReplicaSet::start`] builds both servers from the PostgreSQL 15 programs
//! (`PLUGORM_PG_BIN`, default Debian's `/usr/lib/postgresql/15/bin`) in a temporary
//! folder, on free loopback ports: it never touches the system cluster on port 5432.
//! The primary trusts every connection from 127.0.0.1, replication ones included; the
//! standby is a `pg_basebackup -R` copy streaming from it through a replication slot, so
//! it catches up after [`ReplicaSet::stop_standby`] / [`ReplicaSet::start_standby`].
//! Both servers keep their unix sockets in the temporary folder, run with `fsync=off`
//! and small buffers, and are stopped (`pg_ctl stop -m immediate`) with the folder
//! removed when the set is dropped, also when the test panics.
//!
//! Tests use the `postgres` database of both servers ([`ReplicaSet::primary_url`],
//! [`ReplicaSet::standby_url`]): the set belongs to one test, so there is no need for a
//! database or schema of its own. Tables created on the primary reach the standby.
//!
//! As root (our CI), `initdb` and the servers run as the `postgres` OS user through
//! `runuser`, with the folder handed to that user. When the programs are missing the
//! set is [`HarnessError::NotAvailable`] (skip), unless `CI=true`.
//!
//! ```no_run
//! # async fn t() {
//! use plugorm_tests::{launch::or_skip, replication::{ReplicaSet, Role}};
//! let Some(set) = or_skip(ReplicaSet::start().await) else { return };
//! set.sql(Role::Primary, "CREATE TABLE t (id int)").await.unwrap();
//! set.wait_replayed().await.unwrap();
//! assert_eq!(set.sql(Role::Standby, "SELECT count(*) FROM t").await.unwrap(), "0");
//! # }
//! ```

mod pg_server;

use std::{
    fmt::Write as _,
    path::{Path, PathBuf},
    process::Command,
};

use pg_server::{running_as_root, PgServer, Programs};

use crate::launch::{find_program, free_port, io, require, run, wait_until, HarnessError, WAIT};

/// Debian's PostgreSQL 15 programs, used unless `PLUGORM_PG_BIN` names another folder.
const DEFAULT_BIN: &str = "/usr/lib/postgresql/15/bin";

/// The replication slot keeping the primary's WAL until the standby has it.
const SLOT: &str = "plugorm_standby";

/// Which server of the set.
///
/// ```
/// use plugorm_tests::replication::Role;
/// assert_ne!(Role::Primary, Role::Standby);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The read-write server.
    Primary,
    /// The read-only hot standby replaying the primary's WAL.
    Standby,
}

/// A running primary and hot standby in a temporary folder; dropping it stops both and
/// removes the folder.
///
/// ```no_run
/// # async fn t() {
/// let Some(set) = plugorm_tests::launch::or_skip(
///     plugorm_tests::replication::ReplicaSet::start().await,
/// ) else { return };
/// println!("write to {}, read from {}", set.primary_url(), set.standby_url());
/// # }
/// ```
#[derive(Debug)]
pub struct ReplicaSet {
    programs: Programs,
    primary: PgServer,
    standby: PgServer,
    // Last, so it is removed after `Drop::drop` has stopped the servers.
    dir: tempfile::TempDir,
}

impl ReplicaSet {
    /// Creates the primary, copies it into a standby and starts both; returns once the
    /// standby accepts read-only connections.
    ///
    /// ```no_run
    /// # async fn t() {
    /// match plugorm_tests::replication::ReplicaSet::start().await {
    ///     Ok(set) => println!("primary at {}", set.primary_url()),
    ///     Err(e) if e.is_not_available() => println!("skipped: {e}"),
    ///     Err(e) => panic!("{e}"),
    /// }
    /// # }
    /// ```
    pub async fn start() -> Result<ReplicaSet, HarnessError> {
        let programs = programs()?;
        let dir = tempfile::Builder::new()
            .prefix("plugorm-replica-")
            .tempdir()
            .map_err(|e| io("create the replica set's temporary folder", e))?;
        let programs = Programs {
            cwd: dir.path().to_path_buf(),
            ..programs
        };
        if programs.runuser.is_some() {
            let mut chown = Command::new(find_program("chown"));
            chown.arg("postgres:postgres").arg(dir.path());
            run(
                &mut chown,
                "handing the temporary folder to the postgres user",
                None,
            )
            .await?;
        }
        let (primary_port, standby_port) = two_free_ports()?;
        let set = ReplicaSet {
            primary: PgServer::new(dir.path(), "primary", primary_port),
            standby: PgServer::new(dir.path(), "standby", standby_port),
            programs,
            dir,
        };
        // From here on, dropping `set` on an error stops whatever was started.
        set.create_primary().await?;
        set.primary.start(&set.programs).await?;
        set.create_standby().await?;
        set.start_standby().await?;
        Ok(set)
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres` of the primary.
    ///
    /// ```no_run
    /// # async fn t(set: plugorm_tests::replication::ReplicaSet) {
    /// assert!(set.primary_url().starts_with("postgres://postgres@127.0.0.1:"));
    /// # }
    /// ```
    pub fn primary_url(&self) -> String {
        self.primary.url()
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres` of the standby.
    ///
    /// ```no_run
    /// # async fn t(set: plugorm_tests::replication::ReplicaSet) {
    /// assert_ne!(set.standby_url(), set.primary_url());
    /// # }
    /// ```
    pub fn standby_url(&self) -> String {
        self.standby.url()
    }

    /// The URL of either server.
    ///
    /// ```no_run
    /// # async fn t(set: plugorm_tests::replication::ReplicaSet) {
    /// use plugorm_tests::replication::Role;
    /// assert_eq!(set.url(Role::Standby), set.standby_url());
    /// # }
    /// ```
    pub fn url(&self, role: Role) -> String {
        self.server(role).url()
    }

    /// The loopback port of either server.
    ///
    /// ```no_run
    /// # async fn t(set: plugorm_tests::replication::ReplicaSet) {
    /// use plugorm_tests::replication::Role;
    /// assert!(set.primary_url().contains(&set.port(Role::Primary).to_string()));
    /// # }
    /// ```
    pub fn port(&self, role: Role) -> u16 {
        self.server(role).port
    }

    /// The temporary folder holding both data folders, logs and sockets.
    ///
    /// ```no_run
    /// # async fn t(set: plugorm_tests::replication::ReplicaSet) {
    /// assert!(set.dir().join("primary.log").is_file());
    /// # }
    /// ```
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `sql` on one server through `psql` and returns the rows of its last
    /// statement: one line a row, columns separated by `|`, booleans as `t` / `f`. An SQL
    /// or connection error is [`HarnessError::Command`] with the server's message.
    ///
    /// ```no_run
    /// # async fn t(set: plugorm_tests::replication::ReplicaSet) {
    /// use plugorm_tests::replication::Role;
    /// assert_eq!(set.sql(Role::Standby, "SELECT pg_is_in_recovery()").await.unwrap(), "t");
    /// # }
    /// ```
    pub async fn sql(&self, role: Role, sql: &str) -> Result<String, HarnessError> {
        self.server(role).sql(&self.programs, sql).await
    }

    /// Stops the standby (fast shutdown); its data folder stays for
    /// [`ReplicaSet::start_standby`]. Connections to it fail until then.
    ///
    /// ```no_run
    /// # async fn t(set: plugorm_tests::replication::ReplicaSet) {
    /// set.stop_standby().await.unwrap();
    /// assert!(set.sql(plugorm_tests::replication::Role::Standby, "SELECT 1").await.is_err());
    /// # }
    /// ```
    pub async fn stop_standby(&self) -> Result<(), HarnessError> {
        self.standby.stop(&self.programs, "fast").await
    }

    /// Starts the standby from its data folder and waits until it accepts connections
    /// and reports being in recovery.
    ///
    /// ```no_run
    /// # async fn t(set: plugorm_tests::replication::ReplicaSet) {
    /// set.stop_standby().await.unwrap();
    /// set.start_standby().await.unwrap();
    /// set.wait_replayed().await.unwrap();
    /// # }
    /// ```
    pub async fn start_standby(&self) -> Result<(), HarnessError> {
        self.standby.start(&self.programs).await?;
        let what = format!("the standby on port {} is in recovery", self.standby.port);
        wait_until(&what, WAIT, Some(&self.standby.log), || async {
            let answer = self
                .sql(Role::Standby, "SELECT pg_is_in_recovery()")
                .await?;
            Ok::<_, HarnessError>((answer == "t").then_some(()))
        })
        .await
    }

    /// Waits until the standby has replayed the primary's WAL up to the primary's
    /// current LSN, so whatever the primary committed before the call is readable on the
    /// standby.
    ///
    /// ```no_run
    /// # async fn t(set: plugorm_tests::replication::ReplicaSet) {
    /// use plugorm_tests::replication::Role;
    /// set.sql(Role::Primary, "CREATE TABLE t (id int)").await.unwrap();
    /// set.wait_replayed().await.unwrap();
    /// set.sql(Role::Standby, "SELECT * FROM t").await.unwrap();
    /// # }
    /// ```
    pub async fn wait_replayed(&self) -> Result<(), HarnessError> {
        let lsn = self
            .sql(Role::Primary, "SELECT pg_current_wal_lsn()")
            .await?;
        // The LSN is written into the check's SQL: make sure it is one (`hex/hex`), not
        // whatever else the primary might have printed.
        let is_lsn = lsn.split_once('/').is_some_and(|(hi, lo)| {
            [hi, lo]
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_hexdigit()))
        });
        if !is_lsn {
            return Err(HarnessError::Protocol {
                what: "SELECT pg_current_wal_lsn() on the primary".to_string(),
                detail: format!("{lsn:?} is not an LSN"),
            });
        }
        let check = format!("SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn");
        let what = format!("the standby has replayed the primary's WAL up to {lsn}");
        wait_until(&what, WAIT, Some(&self.standby.log), || async {
            let answer = self.sql(Role::Standby, &check).await?;
            Ok::<_, HarnessError>((answer == "t").then_some(()))
        })
        .await
    }

    fn server(&self, role: Role) -> &PgServer {
        match role {
            Role::Primary => &self.primary,
            Role::Standby => &self.standby,
        }
    }

    /// `initdb`, then the primary's access rules and settings.
    async fn create_primary(&self) -> Result<(), HarnessError> {
        let mut initdb = self.programs.command("initdb");
        initdb
            .args([
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
                "-D",
            ])
            .arg(&self.primary.data);
        run(&mut initdb, "initdb of the primary", None).await?;
        // Only loopback and the socket, all trusted, replication included.
        let hba = "local all all trust\n\
                   local replication all trust\n\
                   host all all 127.0.0.1/32 trust\n\
                   host replication all 127.0.0.1/32 trust\n";
        write(&self.primary.data.join("pg_hba.conf"), hba)?;
        // The standby copies this file and appends its own port, which wins (last line).
        // fsync and full-page writes are off for speed (the data is thrown away), but
        // synchronous_commit stays on: wait_replayed reads the primary's written LSN, which
        // must already include every commit that returned.
        let mut conf = String::new();
        let _ = write!(
            conf,
            "\n# plugorm test replica set\n\
             listen_addresses = '127.0.0.1'\n\
             port = {}\n\
             unix_socket_directories = '{}'\n\
             wal_level = replica\n\
             max_wal_senders = 4\n\
             max_replication_slots = 4\n\
             hot_standby = on\n\
             shared_buffers = 16MB\n\
             max_connections = 40\n\
             fsync = off\n\
             full_page_writes = off\n",
            self.primary.port,
            self.dir.path().display()
        );
        append(&self.primary.data.join("postgresql.conf"), &conf)
    }

    /// `pg_basebackup -R` of the running primary through a new slot, on its own port.
    async fn create_standby(&self) -> Result<(), HarnessError> {
        let mut backup = self.programs.command("pg_basebackup");
        backup
            .args(["-h", "127.0.0.1", "-U", "postgres", "-p"])
            .arg(self.primary.port.to_string())
            .args([
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
                "-C",
                "-S",
                SLOT,
                "--no-sync",
                "-D",
            ])
            .arg(&self.standby.data);
        run(
            &mut backup,
            "pg_basebackup of the standby",
            Some(&self.primary.log),
        )
        .await?;
        append(
            &self.standby.data.join("postgresql.conf"),
            &format!("port = {}\n", self.standby.port),
        )
    }
}

impl Drop for ReplicaSet {
    fn drop(&mut self) {
        for server in [&self.standby, &self.primary] {
            if !server.is_running() {
                continue;
            }
            // Synchronous on purpose: a drop cannot await, and the folder is removed
            // right after, so the server must be gone first.
            match server.stop_command(&self.programs, "immediate").output() {
                Ok(out) if out.status.success() => {}
                Ok(out) => eprintln!(
                    "cannot stop the test {} in {}: {}",
                    server.name,
                    server.data.display(),
                    String::from_utf8_lossy(&out.stderr)
                ),
                Err(e) => eprintln!("cannot run pg_ctl to stop the test {}: {e}", server.name),
            }
        }
    }
}

/// The programs of `PLUGORM_PG_BIN` (or Debian's 15), checked, and `runuser` when root.
fn programs() -> Result<Programs, HarnessError> {
    let bin = std::env::var_os("PLUGORM_PG_BIN")
        .filter(|b| !b.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_BIN));
    for program in ["initdb", "pg_ctl", "pg_basebackup", "postgres", "psql"] {
        require(&bin.join(program), "postgresql-15")?;
    }
    let runuser = if running_as_root() {
        let runuser = find_program("runuser");
        require(&runuser, "util-linux")?;
        Some(runuser)
    } else {
        None
    };
    Ok(Programs {
        bin,
        runuser,
        cwd: std::env::temp_dir(),
    })
}

/// Two different free ports (both held while picking, so they differ).
fn two_free_ports() -> Result<(u16, u16), HarnessError> {
    let first =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| io("pick a free port", e))?;
    let second = free_port()?;
    let first = first
        .local_addr()
        .map_err(|e| io("read the picked port", e))?
        .port();
    Ok((first, second))
}

fn write(path: &Path, text: &str) -> Result<(), HarnessError> {
    std::fs::write(path, text).map_err(|e| io(&format!("write {}", path.display()), e))
}

fn append(path: &Path, text: &str) -> Result<(), HarnessError> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| io(&format!("append to {}", path.display()), e))
}
