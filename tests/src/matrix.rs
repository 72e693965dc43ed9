//! One test body, every database: [`matrix!`](crate::matrix!) turns an async test
//! function into a `#[tokio::test]` per [`Backend`] — `name::sqlite`, `name::postgres`,
//! `name::mysql` and `name::sqlserver` — so `cargo test -p plugorm-tests name` runs them
//! all and `cargo test -p plugorm-tests postgres` every PostgreSQL case. SQL Server has
//! no server here: its cases run live only with `PLUGORM_MSSQL_URL` ([`crate::mssql`]),
//! and golden SQL runs on its dry-run database ([`Backend::golden_products`]).
//!
//! ```no_run
//! use plugorm_tests::matrix::Backend;
//!
//! /// The database adds one and one the same way everywhere.
//! async fn adds(backend: Backend) {
//!     let Some(db) = backend.open("").await else { return };   // server unreachable
//!     let n: i64 = db.raw_scalar("SELECT 1 + 1", ()).await.unwrap().unwrap();
//!     assert_eq!(n, 2);
//!     // Expectations that differ per dialect are written out for each backend:
//!     let quoted = backend.pick("`t`", "\"t\"", "`t`");
//!     # let _ = quoted;
//! }
//!
//! plugorm_tests::matrix!(adds);
//! # fn main() {}
//! ```
//!
//! Every test gets a database of its own: a private in-memory SQLite database (or a file
//! in a temporary folder, [`Backend::open_file`]), a fresh PostgreSQL schema
//! ([`crate::postgres`]), a fresh MariaDB / MySQL database ([`crate::mysql`]). A server
//! that cannot be reached skips the test with a printed reason — or, under `CI=true`,
//! fails it.

use std::ops::Deref;

use plugorm::{Db, PoolOptions, Registry};

use crate::product::Product;

/// The `plugins.toml` entry of the soft-delete plugin, for [`Backend::open`].
///
/// ```
/// assert!(plugorm_tests::matrix::SOFT_DELETE.contains("soft-delete"));
/// ```
pub const SOFT_DELETE: &str = "[[plugin]]\nname = \"soft-delete\"\n";

/// A database the test suite runs on.
///
/// ```
/// use plugorm_tests::matrix::Backend;
/// assert_eq!(Backend::ALL.map(Backend::name), ["sqlite", "postgres", "mysql", "sqlserver"]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite through the SQLite plugin.
    Sqlite,
    /// PostgreSQL at `PLUGORM_PG_URL` through the PostgreSQL plugin.
    Postgres,
    /// MariaDB / MySQL at `PLUGORM_MYSQL_URL` through the MySQL plugin.
    Mysql,
    /// SQL Server at `PLUGORM_MSSQL_URL` through the SQL Server plugin (skipped when the
    /// variable is not set; golden SQL runs dry).
    SqlServer,
}

impl Backend {
    /// Every backend, in the order the matrix runs them.
    pub const ALL: [Backend; 4] = [
        Backend::Sqlite,
        Backend::Postgres,
        Backend::Mysql,
        Backend::SqlServer,
    ];

    /// The name of the backend's dialect (what `db.dialect().name()` returns).
    ///
    /// ```
    /// assert_eq!(plugorm_tests::matrix::Backend::Mysql.name(), "mysql");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
            Backend::Mysql => "mysql",
            Backend::SqlServer => "sqlserver",
        }
    }

    /// The query naming a connection's server session, and the statement ending a
    /// session by that id (from another connection); `None` on SQLite, which has no
    /// server.
    ///
    /// ```
    /// use plugorm_tests::matrix::Backend;
    /// assert!(Backend::Sqlite.session_sql().is_none());
    /// assert_eq!(Backend::Mysql.session_sql().map(|s| s.1), Some("KILL CONNECTION ?"));
    /// ```
    pub fn session_sql(self) -> Option<(&'static str, &'static str)> {
        // SQL Server's KILL takes no parameter: those tests do not run there.
        self.pick4(
            None,
            Some(("SELECT pg_backend_pid()", "SELECT pg_terminate_backend(?)")),
            Some(("SELECT CONNECTION_ID()", "KILL CONNECTION ?")),
            None,
        )
    }

    /// A statement that runs for a minute or more: for timeouts and cancellation.
    ///
    /// ```
    /// use plugorm_tests::matrix::Backend;
    /// assert_eq!(Backend::Postgres.endless_sql(), "SELECT pg_sleep(60)");
    /// ```
    pub fn endless_sql(self) -> &'static str {
        self.pick4(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000000) \
             SELECT COUNT(*) FROM c",
            "SELECT pg_sleep(60)",
            "SELECT SLEEP(60)",
            "WAITFOR DELAY '00:01:00'",
        )
    }

    /// The value for this backend, written out for all three: golden SQL and other
    /// expectations that differ per dialect are chosen here, never translated.
    ///
    /// ```
    /// use plugorm_tests::matrix::Backend;
    /// assert_eq!(Backend::Postgres.pick("?", "$1", "?"), "$1");
    /// ```
    ///
    /// A test that reaches this on SQL Server has no SQL Server expectation written yet:
    /// it fails saying so (write it with [`Backend::pick4`]).
    pub fn pick<T>(self, sqlite: T, postgres: T, mysql: T) -> T {
        match self {
            Backend::Sqlite => sqlite,
            Backend::Postgres => postgres,
            Backend::Mysql => mysql,
            Backend::SqlServer => {
                panic!("this test has no SQL Server expectation: write it with Backend::pick4")
            }
        }
    }

    /// [`Backend::pick`] with SQL Server's value too.
    ///
    /// ```
    /// use plugorm_tests::matrix::Backend;
    /// assert_eq!(Backend::SqlServer.pick4("?", "$1", "?", "@p1"), "@p1");
    /// ```
    pub fn pick4<T>(self, sqlite: T, postgres: T, mysql: T, sqlserver: T) -> T {
        match self {
            Backend::SqlServer => sqlserver,
            other => other.pick(sqlite, postgres, mysql),
        }
    }

    /// A fresh, empty database with the backend's dialect plugin and the `extra`
    /// `plugins.toml` text after it (more `[[plugin]]` entries such as [`SOFT_DELETE`], or
    /// a `[plugin.pool]` table, which then belongs to the dialect). On SQLite a private
    /// in-memory database (one connection). `None` after printing why when the server is
    /// unreachable outside CI.
    ///
    /// ```no_run
    /// # async fn t() {
    /// use plugorm_tests::matrix::{Backend, SOFT_DELETE};
    /// let Some(db) = Backend::Postgres.open(SOFT_DELETE).await else { return };
    /// # }
    /// ```
    pub async fn open(self, extra: &str) -> Option<TestDb> {
        self.open_in(extra, false).await
    }

    /// As [`Backend::open`], but on SQLite a database file in a temporary folder, which a
    /// pool of several connections shares (the in-memory one is a single connection).
    ///
    /// ```no_run
    /// # async fn t() {
    /// let Some(db) = plugorm_tests::matrix::Backend::Sqlite.open_file("").await else { return };
    /// assert!(db.url().starts_with("sqlite://"));
    /// # }
    /// ```
    pub async fn open_file(self, extra: &str) -> Option<TestDb> {
        self.open_in(extra, true).await
    }

    /// A fresh database with the soft-delete plugin and the `products` table of
    /// [`Product`], created by AutoMigrate.
    ///
    /// ```no_run
    /// # async fn t() {
    /// let Some(db) = plugorm_tests::matrix::Backend::Mysql.products().await else { return };
    /// assert_eq!(db.model::<plugorm_tests::product::Product>().count().await.unwrap(), 0);
    /// # }
    /// ```
    pub async fn products(self) -> Option<TestDb> {
        let db = self.open(SOFT_DELETE).await?;
        if let Err(e) = db.auto_migrate::<Product>().await {
            panic!("cannot create products on {}: {e}", self.name());
        }
        Some(db)
    }

    /// [`Backend::products`] for golden SQL: on SQL Server without `PLUGORM_MSSQL_URL`,
    /// the plugin's dry-run database (nothing runs; finishers return empty results).
    ///
    /// ```no_run
    /// # async fn t() {
    /// let Some(db) = plugorm_tests::matrix::Backend::SqlServer.golden_products().await else { return };
    /// let sql = db.model::<plugorm_tests::product::Product>().limit(5).find_sql().await.unwrap();
    /// # }
    /// ```
    pub async fn golden_products(self) -> Option<TestDb> {
        if self == Backend::SqlServer && crate::mssql::server_url().is_none() {
            return Some(TestDb {
                db: crate::mssql::dry_products().await,
                backend: self,
                url: "sqlserver://".into(),
                extra: SOFT_DELETE.to_string(),
                _dir: None,
            });
        }
        self.products().await
    }

    /// [`Backend::products`] holding one product per `(code, price)`, created in order
    /// (their codes upper-cased by the model's `before_create` hook).
    ///
    /// ```no_run
    /// # async fn t() {
    /// let rows = [("p1", 10), ("p2", 20)];
    /// let Some(db) = plugorm_tests::matrix::Backend::Sqlite.products_with(&rows).await else { return };
    /// assert_eq!(db.model::<plugorm_tests::product::Product>().count().await.unwrap(), 2);
    /// # }
    /// ```
    pub async fn products_with(self, rows: &[(&str, i64)]) -> Option<TestDb> {
        let db = self.products().await?;
        for (code, price) in rows {
            let mut p = Product {
                code: code.to_string(),
                price: *price,
                ..Default::default()
            };
            if let Err(e) = db.create(&mut p).await {
                panic!("cannot create product {code} on {}: {e}", self.name());
            }
        }
        Some(db)
    }

    async fn open_in(self, extra: &str, file: bool) -> Option<TestDb> {
        let (db, url, dir) = match self {
            Backend::Sqlite => {
                let registry = match Registry::load(&crate::config(extra)) {
                    Ok(r) => r,
                    Err(e) => panic!("cannot load the SQLite plugin: {e}"),
                };
                let (url, dir) = if file {
                    let dir = match tempfile::tempdir() {
                        Ok(d) => d,
                        Err(e) => panic!("cannot create a temporary directory: {e}"),
                    };
                    let url = format!("sqlite://{}", dir.path().join("test.db").display());
                    (url, Some(dir))
                } else {
                    ("sqlite::memory:".to_string(), None)
                };
                match registry.open(&url).await {
                    Ok(db) => (db, url, dir),
                    Err(e) => panic!("cannot open {url}: {e}"),
                }
            }
            Backend::Postgres => {
                let pg = crate::postgres::fresh_with(extra).await?;
                (pg.db, pg.url, None)
            }
            Backend::Mysql => {
                let my = crate::mysql::open(extra).await?;
                (my.db, my.url, None)
            }
            Backend::SqlServer => {
                let (db, url) = crate::mssql::open(extra).await?;
                (db, url, None)
            }
        };
        assert_eq!(
            db.dialect().name(),
            self.name(),
            "{url} was served by another dialect"
        );
        Some(TestDb {
            db,
            backend: self,
            url,
            extra: extra.to_string(),
            _dir: dir,
        })
    }
}

/// A test's own database: dereferences to its [`Db`]; keeps a SQLite file's temporary
/// folder alive as long as it lives.
///
/// ```no_run
/// # async fn t() {
/// let Some(db) = plugorm_tests::matrix::Backend::Sqlite.open("").await else { return };
/// let session: plugorm::Db = db.skip_hooks();     // every Db method, through Deref
/// assert_eq!(db.backend().name(), "sqlite");
/// # }
/// ```
pub struct TestDb {
    db: Db,
    backend: Backend,
    url: String,
    extra: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// The backend it is on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL it was opened with (for a second pool on the same database).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URL with `query` (`key=value&…`) appended to its query string.
    ///
    /// ```no_run
    /// # async fn t() {
    /// let Some(db) = plugorm_tests::matrix::Backend::Postgres.open("").await else { return };
    /// assert!(db.url_with("max_connections=3").ends_with("&max_connections=3"));
    /// # }
    /// ```
    pub fn url_with(&self, query: &str) -> String {
        let joiner = if self.url.contains('?') { '&' } else { '?' };
        format!("{}{joiner}{query}", self.url)
    }

    /// A pool of one connection on this database, for what one statement leaves on its
    /// connection for the next: on in-memory SQLite this pool itself (one connection
    /// already, and private to it), elsewhere a second pool.
    ///
    /// ```no_run
    /// # async fn t() {
    /// let Some(db) = plugorm_tests::matrix::Backend::Postgres.open("").await else { return };
    /// assert_eq!(db.one_connection().await.pool_stats().max_connections, 1);
    /// # }
    /// ```
    pub async fn one_connection(&self) -> Db {
        if self.url == "sqlite::memory:" {
            return self.db.clone();
        }
        let one = PoolOptions {
            max_connections: 1,
            ..PoolOptions::default()
        };
        match self.registry().open_with(&self.url, one).await {
            Ok(db) => db,
            Err(e) => panic!("cannot open a second pool on {}: {e}", self.url),
        }
    }

    /// A new registry with the same plugins and `plugins.toml` text, for opening more
    /// pools on this database.
    ///
    /// ```no_run
    /// # async fn t() {
    /// let Some(db) = plugorm_tests::matrix::Backend::Mysql.open("").await else { return };
    /// let second = db.registry().open(db.url()).await.unwrap();
    /// # }
    /// ```
    pub fn registry(&self) -> Registry {
        match self.backend {
            Backend::Sqlite => match Registry::load(&crate::config(&self.extra)) {
                Ok(r) => r,
                Err(e) => panic!("cannot load the SQLite plugin: {e}"),
            },
            Backend::Postgres => crate::postgres::registry_with(&self.extra),
            Backend::Mysql => crate::mysql::registry(&self.extra),
            Backend::SqlServer => crate::mssql::registry(&self.extra),
        }
    }
}

impl Deref for TestDb {
    type Target = Db;

    fn deref(&self) -> &Db {
        &self.db
    }
}

/// Runs each named `async fn name(backend: Backend)` of the file on every backend: a
/// module `name` beside the function, with one `#[tokio::test]` per backend
/// (`name::sqlite`, `name::postgres`, `name::mysql`) calling it with its [`Backend`]. The
/// bodies stay ordinary functions (rustfmt and clippy see them). A `#[runtime(…)]` before
/// a name passes its arguments to `#[tokio::test(…)]`.
///
/// ```no_run
/// use plugorm_tests::matrix::Backend;
///
/// async fn pings(backend: Backend) {
///     let Some(db) = backend.open("").await else { return };
///     db.ping().await.unwrap();
/// }
///
/// async fn pings_from_two_threads(backend: Backend) {
///     let Some(db) = backend.open_file("").await else { return };
///     let other = db.clone();
///     tokio::spawn(async move { other.ping().await }).await.unwrap().unwrap();
/// }
///
/// plugorm_tests::matrix!(
///     pings,
///     #[runtime(flavor = "multi_thread", worker_threads = 2)]
///     pings_from_two_threads,
/// );
/// # fn main() {}
/// ```
#[macro_export]
macro_rules! matrix {
    (@test $body:ident $test:ident $variant:ident []) => {
        #[::tokio::test]
        async fn $test() {
            super::$body($crate::matrix::Backend::$variant).await
        }
    };
    (@test $body:ident $test:ident $variant:ident [$($rt:tt)+]) => {
        #[::tokio::test($($rt)+)]
        async fn $test() {
            super::$body($crate::matrix::Backend::$variant).await
        }
    };
    ($($(#[runtime($($rt:tt)*)])? $name:ident),* $(,)?) => {$(
        /// The test on each backend.
        mod $name {
            $crate::matrix!(@test $name sqlite Sqlite [$($($rt)*)?]);
            $crate::matrix!(@test $name postgres Postgres [$($($rt)*)?]);
            $crate::matrix!(@test $name mysql Mysql [$($($rt)*)?]);
            $crate::matrix!(@test $name sqlserver SqlServer [$($($rt)*)?]);
        }
    )*};
}
