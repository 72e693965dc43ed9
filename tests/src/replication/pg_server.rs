//! One PostgreSQL server of a [`super::ReplicaSet`]: its data folder, port and log, and
//! the programs that drive it (`pg_ctl`, `psql`), run as the `postgres` OS user when the
//! tests run as root, because `initdb` and `postgres` refuse to run as root.

use std::{
    os::unix::fs::MetadataExt,
    path::{Path, PathBuf},
    process::Command,
};

use crate::launch::{run, HarnessError};

/// How long `pg_ctl` waits for a start or stop, in seconds (as its `-t` option).
const PG_CTL_WAIT_SECS: &str = "30";

/// Where the PostgreSQL programs are, and who runs them.
#[derive(Debug, Clone)]
pub(super) struct Programs {
    /// `PLUGORM_PG_BIN`, else Debian's PostgreSQL 15 folder.
    pub bin: PathBuf,
    /// `runuser`, when the tests run as root.
    pub runuser: Option<PathBuf>,
    /// The folder the programs start in: one the `postgres` user may enter (`initdb`
    /// fails when it cannot read its working folder).
    pub cwd: PathBuf,
}

impl Programs {
    /// A command running `program` from [`Programs::bin`] as the server's owner.
    pub fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        let mut command = match &self.runuser {
            Some(runuser) => {
                let mut c = Command::new(runuser);
                c.args(["-u", "postgres", "--"]).arg(path);
                c
            }
            None => Command::new(path),
        };
        command.current_dir(&self.cwd);
        command
    }
}

/// True when this process runs as root (the owner of `/proc/self` is the effective user).
pub(super) fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// One server: a data folder, its port on 127.0.0.1 and its log file.
#[derive(Debug)]
pub(super) struct PgServer {
    /// `primary` or `standby`, for messages.
    pub name: &'static str,
    pub data: PathBuf,
    pub port: u16,
    pub log: PathBuf,
}

impl PgServer {
    /// A server whose files live in `dir` under `name`.
    pub fn new(dir: &Path, name: &'static str, port: u16) -> PgServer {
        PgServer {
            name,
            data: dir.join(name),
            port,
            log: dir.join(format!("{name}.log")),
        }
    }

    /// The URL of the `postgres` database as the `postgres` user over TCP.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the server and waits until it accepts connections (a standby counts once
    /// it is consistent enough for read-only sessions).
    pub async fn start(&self, programs: &Programs) -> Result<(), HarnessError> {
        let mut command = programs.command("pg_ctl");
        command
            .args(["start", "-w", "-t", PG_CTL_WAIT_SECS, "-D"])
            .arg(&self.data)
            .arg("-l")
            .arg(&self.log);
        let what = format!("starting the {} on port {}", self.name, self.port);
        run(&mut command, &what, Some(&self.log)).await.map(drop)
    }

    /// Stops the server with `mode` (`fast` or `immediate`) and waits until it is gone.
    pub async fn stop(&self, programs: &Programs, mode: &str) -> Result<(), HarnessError> {
        let what = format!("stopping the {} ({mode})", self.name);
        run(
            &mut self.stop_command(programs, mode),
            &what,
            Some(&self.log),
        )
        .await
        .map(drop)
    }

    /// The `pg_ctl stop` command, also run synchronously when a set is dropped.
    pub fn stop_command(&self, programs: &Programs, mode: &str) -> Command {
        let mut command = programs.command("pg_ctl");
        command
            .args(["stop", "-w", "-t", PG_CTL_WAIT_SECS, "-m", mode, "-D"])
            .arg(&self.data);
        command
    }

    /// True while the server's postmaster holds its data folder.
    pub fn is_running(&self) -> bool {
        self.data.join("postmaster.pid").is_file()
    }

    /// Runs `sql` (one or more statements) in `psql` and returns the rows of the last
    /// one: one line a row, columns separated by `|`, no header; empty for a statement
    /// without rows. A connection or SQL error is an [`HarnessError::Command`] carrying
    /// the server's message.
    pub async fn sql(&self, programs: &Programs, sql: &str) -> Result<String, HarnessError> {
        // psql is a client: it needs no other user, and reading its output is simpler
        // without runuser in between.
        let mut command = Command::new(programs.bin.join("psql"));
        command
            .args([
                "-X",
                "-A",
                "-t",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
            ])
            .args(["-U", "postgres", "-d", "postgres", "-p"])
            .arg(self.port.to_string())
            .arg("-c")
            .arg(sql)
            .env("PGCONNECT_TIMEOUT", "5")
            .current_dir(&programs.cwd);
        let what = format!("psql on the {} ({sql})", self.name);
        let out = run(&mut command, &what, None).await?;
        Ok(out.trim_end_matches('\n').to_string())
    }
}
