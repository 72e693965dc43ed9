//! [`Suite`]: the plugin, the database, how each check gets a database of its own; and
//! running it into a [`Report`].

use std::{
    future::Future,
    path::PathBuf,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use futures_util::future::BoxFuture;
use plugorm::{plugin_api::PluginInstance, redact_url, Db, Registry};

use crate::{
    checks::{self, Check, Ctx},
    golden, Capability, CheckResult, Outcome, Plugin, Report,
};

/// Why the suite could not start.
///
/// ```
/// let e = plugorm_dialect_tests::SuiteError::NotADialect { plugin: "soft-delete".into() };
/// assert!(e.to_string().contains("not a dialect"));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SuiteError {
    /// The host refused the plugin, the configuration or the database.
    #[error(transparent)]
    Host(#[from] plugorm::Error),
    /// A static descriptor whose plugin this binary's registry does not hold.
    #[error("plugin `{plugin}` is not registered in this binary: its crate must register the descriptor with `plugorm_plugin_api::register_static_plugin!`")]
    NotRegistered { plugin: String },
    /// The plugin is a feature plugin.
    #[error("plugin `{plugin}` is not a dialect plugin")]
    NotADialect { plugin: String },
    /// A library was asked for, but the same plugin is linked into the test binary, so
    /// the host served the linked copy and never opened the file.
    #[error("plugin `{plugin}` is linked into this test binary, so {} was not loaded: run the library's conformance test from a test file that does not name the plugin crate", .path.display())]
    StaticShadowsLibrary { plugin: String, path: PathBuf },
    /// The library path cannot be used.
    #[error("plugin library {}: {reason}", .path.display())]
    Library { path: PathBuf, reason: String },
    /// The URL's scheme is served by another dialect than the plugin under test.
    #[error("`{scheme}:` URLs are not served by plugin `{plugin}` (its dialect serves: {})", .served.join(", "))]
    WrongDialect {
        plugin: String,
        scheme: String,
        served: Vec<String>,
    },
}

/// A database made for one check by [`Suite::fresh_database`]'s hook: its URL, and the
/// statements that drop it again (run on the suite's own connection to the original URL
/// once the check is over).
///
/// ```
/// let fresh = plugorm_dialect_tests::FreshDatabase::new("postgres://h/test?search_path=s1")
///     .cleanup("DROP SCHEMA \"s1\" CASCADE");
/// assert_eq!(fresh.cleanup.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreshDatabase {
    /// The URL the check opens.
    pub url: String,
    /// Statements dropping the database afterwards.
    pub cleanup: Vec<String>,
}

impl FreshDatabase {
    /// A fresh database at `url`, with nothing to clean up.
    ///
    /// ```
    /// assert!(plugorm_dialect_tests::FreshDatabase::new("x:").cleanup.is_empty());
    /// ```
    pub fn new(url: impl Into<String>) -> FreshDatabase {
        FreshDatabase {
            url: url.into(),
            cleanup: Vec::new(),
        }
    }

    /// Adds a statement to run once the check is over.
    ///
    /// ```
    /// let f = plugorm_dialect_tests::FreshDatabase::new("x:").cleanup("DROP DATABASE d");
    /// assert_eq!(f.cleanup, ["DROP DATABASE d"]);
    /// ```
    pub fn cleanup(mut self, sql: impl Into<String>) -> FreshDatabase {
        self.cleanup.push(sql.into());
        self
    }
}

type FreshHook =
    Arc<dyn Fn(Db, String) -> BoxFuture<'static, plugorm::Result<FreshDatabase>> + Send + Sync>;

/// The conformance suite for one dialect plugin on one database.
///
/// ```no_run
/// use plugorm_dialect_tests::{FreshDatabase, Plugin, Suite};
///
/// # async fn t() {
/// // A server: each check in a schema of its own, dropped afterwards.
/// let report = Suite::new(Plugin::library("target/debug/libplugorm_postgres.so"),
///                         "postgres://postgres@127.0.0.1:5432/test")
///     .fresh_database(|admin, name| async move {
///         admin.exec(&format!("CREATE SCHEMA \"{name}\""), ()).await?;
///         Ok(FreshDatabase::new(format!("postgres://postgres@127.0.0.1:5432/test?search_path={name}"))
///             .cleanup(format!("DROP SCHEMA \"{name}\" CASCADE")))
///     })
///     .golden(plugorm_dialect_tests::golden::POSTGRES)
///     .run()
///     .await;
/// println!("{report}");
/// report.assert_passed();
/// # }
/// ```
#[derive(Clone)]
pub struct Suite {
    plugin: Plugin,
    url: String,
    fresh: Option<FreshHook>,
    golden: Vec<(String, String)>,
    only: Option<Vec<Capability>>,
    timeout: Duration,
}

impl Suite {
    /// The suite for `plugin` on the database at `url`. Without
    /// [`Suite::fresh_database`] every check opens `url` itself, so it must give a fresh,
    /// empty database on each open (`sqlite::memory:`).
    ///
    /// ```
    /// # fn t(d: &'static plugorm::plugin_api::manifest::PluginDescriptor) {
    /// let suite = plugorm_dialect_tests::Suite::new(
    ///     plugorm_dialect_tests::Plugin::Static(d), "sqlite::memory:");
    /// # }
    /// ```
    pub fn new(plugin: Plugin, url: impl Into<String>) -> Suite {
        Suite {
            plugin,
            url: url.into(),
            fresh: None,
            golden: Vec::new(),
            only: None,
            timeout: Duration::from_secs(120),
        }
    }

    /// Gives each check a database of its own: `hook(admin, name)` gets a connection to
    /// the suite's URL and a name unique to the check and the run (`pdt_…`, lower-case
    /// letters, digits and `_`), creates a schema or database of that name, and returns
    /// its URL and the statements that drop it.
    ///
    /// ```no_run
    /// # fn t(suite: plugorm_dialect_tests::Suite) {
    /// use plugorm_dialect_tests::FreshDatabase;
    /// let suite = suite.fresh_database(|admin, name| async move {
    ///     admin.exec(&format!("CREATE DATABASE `{name}`"), ()).await?;
    ///     Ok(FreshDatabase::new(format!("mysql://root@127.0.0.1:3306/{name}"))
    ///         .cleanup(format!("DROP DATABASE `{name}`")))
    /// });
    /// # }
    /// ```
    pub fn fresh_database<F, Fut>(mut self, hook: F) -> Suite
    where
        F: Fn(Db, String) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = plugorm::Result<FreshDatabase>> + Send + 'static,
    {
        self.fresh = Some(Arc::new(move |db, name| Box::pin(hook(db, name))));
        self
    }

    /// The golden statements the dialect follows: `(name, expected SQL)` pairs, names
    /// from [`golden::STATEMENTS`]; the standard families' texts are
    /// [`golden::SQLITE`], [`golden::POSTGRES`] and [`golden::MYSQL`]. Without any,
    /// `golden_sql` is skipped.
    ///
    /// ```
    /// # fn t(suite: plugorm_dialect_tests::Suite) {
    /// let suite = suite.golden(&[("count", "SELECT count(*) FROM `kit_golden`")]);
    /// # }
    /// ```
    pub fn golden(mut self, expected: &[(&str, &str)]) -> Suite {
        self.golden
            .extend(expected.iter().map(|(n, s)| (n.to_string(), s.to_string())));
        self
    }

    /// Runs only these capabilities (the others are left out of the report).
    ///
    /// ```
    /// # fn t(suite: plugorm_dialect_tests::Suite) {
    /// use plugorm_dialect_tests::Capability;
    /// let suite = suite.only(&[Capability::Values, Capability::Errors]);
    /// # }
    /// ```
    pub fn only(mut self, capabilities: &[Capability]) -> Suite {
        self.only = Some(capabilities.to_vec());
        self
    }

    /// How long one check may run before it fails as hung (default 120 s).
    ///
    /// ```
    /// # fn t(suite: plugorm_dialect_tests::Suite) {
    /// let suite = suite.check_timeout(std::time::Duration::from_secs(30));
    /// # }
    /// ```
    pub fn check_timeout(mut self, timeout: Duration) -> Suite {
        self.timeout = timeout;
        self
    }

    fn wanted(&self, capability: Capability) -> bool {
        self.only
            .as_ref()
            .is_none_or(|only| only.contains(&capability))
    }

    /// Runs every check, one after the other, each on its own database, and reports.
    /// Never panics: a failure is in the [`Report`] ([`Report::assert_passed`] panics).
    ///
    /// ```no_run
    /// # async fn t(suite: plugorm_dialect_tests::Suite) {
    /// let report = suite.run().await;
    /// assert!(report.passed(), "{report}");
    /// # }
    /// ```
    pub async fn run(self) -> Report {
        let mut report = Report {
            dialect: String::new(),
            plugin: format!("{:?}", self.plugin),
            url: redact_url(&self.url),
            setup_error: None,
            checks: Vec::new(),
        };
        let (registry, admin) = match self.setup(&mut report).await {
            Ok(v) => v,
            Err(e) => {
                report.setup_error = Some(e);
                return report;
            }
        };
        let caps = admin.dialect().capabilities();
        for check in checks::all() {
            if !self.wanted(check.capability) {
                continue;
            }
            let started = Instant::now();
            let outcome = match checks::skip_reason(check.capability, &caps) {
                Some(why) => Outcome::Skipped(why),
                None => self.run_check(&registry, &admin, &check).await,
            };
            report.checks.push(CheckResult {
                capability: check.capability,
                name: check.name.to_string(),
                outcome,
                elapsed: started.elapsed(),
            });
        }
        if self.wanted(Capability::GoldenSql) {
            report
                .checks
                .extend(golden::run(&admin, &self.golden).await);
        }
        let _ = admin.close().await;
        report
    }

    async fn setup(&self, report: &mut Report) -> Result<(Registry, Db), SuiteError> {
        let (registry, name) = self.plugin.registry()?;
        if let Some(p) = registry.get(&name) {
            report.plugin = format!("{name} {}", p.origin);
            let dialect = match &p.instance {
                PluginInstance::Dialect(d) => d.clone(),
                PluginInstance::Feature(_) => {
                    return Err(SuiteError::NotADialect { plugin: name });
                }
            };
            let scheme = self.url.split(':').next().unwrap_or_default().to_string();
            let served_by_it = registry
                .dialect_for_scheme(&scheme)
                .is_some_and(|d| std::ptr::addr_eq(Arc::as_ptr(&d), Arc::as_ptr(&dialect)));
            if !served_by_it {
                return Err(SuiteError::WrongDialect {
                    plugin: name,
                    scheme,
                    served: dialect.url_schemes(),
                });
            }
        }
        let admin = registry
            .open_with(
                &self.url,
                plugorm::PoolOptions {
                    max_connections: 2,
                    connect_timeout_ms: 10_000,
                    ..plugorm::PoolOptions::default()
                },
            )
            .await?;
        report.dialect = admin.dialect().name().to_string();
        Ok((registry, admin))
    }

    async fn run_check(&self, registry: &Registry, admin: &Db, check: &Check) -> Outcome {
        let (url, cleanup) = match &self.fresh {
            None => (self.url.clone(), Vec::new()),
            Some(hook) => match hook(admin.clone(), unique_name()).await {
                Ok(f) => (f.url, f.cleanup),
                Err(e) => return Outcome::Failed(format!("the fresh_database hook failed: {e}")),
            },
        };
        let mut outcome = match registry.open(&url).await {
            Err(e) => Outcome::Failed(format!("cannot open {}: {e}", redact_url(&url))),
            Ok(db) => {
                let ctx = Ctx {
                    db: db.clone(),
                    registry: registry.clone(),
                    url: url.clone(),
                };
                let outcome = run_isolated((check.run)(ctx), self.timeout).await;
                let _ = db.close().await;
                outcome
            }
        };
        for sql in cleanup {
            if let Err(e) = admin.exec(&sql, ()).await {
                if outcome.is_passed() {
                    outcome = Outcome::Failed(format!("cleanup `{sql}` failed: {e}"));
                }
            }
        }
        outcome
    }
}

/// Runs a check on its own task: a panic or a hang is a failure, not the end of the run.
pub(crate) async fn run_isolated(
    check: BoxFuture<'static, Result<(), checks::Failure>>,
    timeout: Duration,
) -> Outcome {
    match tokio::time::timeout(timeout, tokio::spawn(check)).await {
        Err(_) => Outcome::Failed(format!("did not finish within {timeout:?}")),
        Ok(Err(e)) if e.is_panic() => {
            let payload = e.into_panic();
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a non-text panic".into());
            Outcome::Failed(format!("panicked: {message}"))
        }
        Ok(Err(e)) => Outcome::Failed(format!("the check's task failed: {e}")),
        Ok(Ok(Err(failure))) => Outcome::Failed(failure.0),
        Ok(Ok(Ok(()))) => Outcome::Passed,
    }
}

/// `pdt_<unix seconds>_<pid>_<n>`: unique per check and run, a plain identifier.
fn unique_name() -> String {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!(
        "pdt_{secs}_{}_{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}
