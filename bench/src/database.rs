//! The four databases of WORKLOADS.md: their names, URLs, schema and reset statements.

use std::fmt;

/// Where a workload runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file in a temporary directory (each peer its own file).
    SqliteFile,
    /// A private in-memory SQLite database living in one connection.
    SqliteMemory,
    /// PostgreSQL at `PG_URL`.
    Postgres,
    /// MariaDB or MySQL at `MYSQL_URL`.
    MySql,
}

/// The default PostgreSQL URL (WORKLOADS.md).
pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/bench";
/// The default MariaDB URL (WORKLOADS.md).
pub const DEFAULT_MYSQL_URL: &str = "mysql://root@127.0.0.1:3306/bench";

impl Database {
    /// Every database, in report order.
    pub const ALL: [Database; 4] = [
        Database::SqliteFile,
        Database::SqliteMemory,
        Database::Postgres,
        Database::MySql,
    ];

    /// The name used by `--db`.
    ///
    /// ```
    /// use plugorm_bench::Database;
    /// assert_eq!(Database::parse("sqlite-memory"), Some(Database::SqliteMemory));
    /// assert_eq!(Database::SqliteMemory.key(), "sqlite-memory");
    /// ```
    pub fn key(self) -> &'static str {
        match self {
            Database::SqliteFile => "sqlite-file",
            Database::SqliteMemory => "sqlite-memory",
            Database::Postgres => "postgres",
            Database::MySql => "mysql",
        }
    }

    /// The database named `key` (see [`Database::key`]).
    pub fn parse(key: &str) -> Option<Database> {
        Database::ALL.into_iter().find(|d| d.key() == key)
    }

    /// The plugorm plugin serving it.
    pub fn plugin(self) -> &'static str {
        match self {
            Database::SqliteFile | Database::SqliteMemory => "sqlite",
            Database::Postgres => "postgres",
            Database::MySql => "mysql",
        }
    }

    /// True for the embedded SQLite databases.
    pub fn is_sqlite(self) -> bool {
        matches!(self, Database::SqliteFile | Database::SqliteMemory)
    }

    /// The server URL from the environment (`PG_URL`, `MYSQL_URL`) or the default.
    pub fn server_url(self) -> Option<String> {
        let (var, default) = match self {
            Database::Postgres => ("PG_URL", DEFAULT_PG_URL),
            Database::MySql => ("MYSQL_URL", DEFAULT_MYSQL_URL),
            _ => return None,
        };
        Some(std::env::var(var).unwrap_or_else(|_| default.to_string()))
    }

    /// `CREATE TABLE` statements (after dropping old tables), the same for every peer.
    pub fn schema(self) -> &'static [&'static str] {
        match self {
            Database::SqliteFile | Database::SqliteMemory => &[
                "DROP TABLE IF EXISTS posts",
                "DROP TABLE IF EXISTS users",
                "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, \
                 email VARCHAR(200), age INTEGER NOT NULL, created_at TIMESTAMP NOT NULL)",
                "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id BIGINT NOT NULL \
                 REFERENCES users(id), title VARCHAR(200) NOT NULL, body TEXT NOT NULL)",
                "CREATE INDEX idx_posts_user_id ON posts (user_id)",
            ],
            Database::Postgres => &[
                "DROP TABLE IF EXISTS posts",
                "DROP TABLE IF EXISTS users",
                "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, name VARCHAR(100) NOT NULL, \
                 email VARCHAR(200), age INTEGER NOT NULL, created_at TIMESTAMP NOT NULL)",
                "CREATE TABLE posts (id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL \
                 REFERENCES users(id), title VARCHAR(200) NOT NULL, body TEXT NOT NULL)",
                "CREATE INDEX idx_posts_user_id ON posts (user_id)",
            ],
            Database::MySql => &[
                "DROP TABLE IF EXISTS posts",
                "DROP TABLE IF EXISTS users",
                "CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, \
                 name VARCHAR(100) NOT NULL, email VARCHAR(200), age INT NOT NULL, \
                 created_at DATETIME NOT NULL) ENGINE=InnoDB",
                "CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, \
                 user_id BIGINT NOT NULL, title VARCHAR(200) NOT NULL, body TEXT NOT NULL, \
                 INDEX idx_posts_user_id (user_id), \
                 FOREIGN KEY (user_id) REFERENCES users(id)) ENGINE=InnoDB",
            ],
        }
    }

    /// Statements emptying both tables and restarting their id sequences at 1.
    pub fn reset(self) -> &'static [&'static str] {
        match self {
            // Rowid tables (no AUTOINCREMENT): an empty table numbers from 1 again.
            Database::SqliteFile | Database::SqliteMemory => {
                &["DELETE FROM posts", "DELETE FROM users"]
            }
            Database::Postgres => &["TRUNCATE posts, users RESTART IDENTITY"],
            // TRUNCATE resets AUTO_INCREMENT; a referenced table needs the checks off.
            Database::MySql => &[
                "SET FOREIGN_KEY_CHECKS = 0",
                "TRUNCATE TABLE posts",
                "TRUNCATE TABLE users",
                "SET FOREIGN_KEY_CHECKS = 1",
            ],
        }
    }
}

impl fmt::Display for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Database::SqliteFile => "SQLite file",
            Database::SqliteMemory => "SQLite :memory:",
            Database::Postgres => "PostgreSQL",
            Database::MySql => "MariaDB",
        })
    }
}
