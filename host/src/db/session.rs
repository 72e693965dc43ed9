//! Session settings of a [`Db`] (GORM's `Session{…}`): every method returns a new handle
//! with one setting changed and leaves the original untouched.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use plugorm_plugin_api::Sql;

use super::Db;
use crate::{
    exec::{PreparedStats, StatementCache},
    session::{NowFn, SaveFilter, Session},
};

impl Db {
    pub(crate) fn with_session(&self, change: impl FnOnce(&mut Session)) -> Db {
        let mut s = (*self.session).clone();
        change(&mut s);
        Db {
            shared: self.shared.clone(),
            conn: self.conn.clone(),
            session: Arc::new(s),
        }
    }

    /// A session that renders every statement without running it; see
    /// [`Db::dry_run_statements`]. Finishers return empty results.
    pub fn dry_run(&self) -> Db {
        self.with_session(|s| {
            s.dry_run = true;
            s.captured = Some(Arc::new(Mutex::new(Vec::new())));
        })
    }

    /// The statements a dry-run session rendered, in order.
    pub fn dry_run_statements(&self) -> Vec<Sql> {
        self.session
            .captured
            .as_ref()
            .and_then(|c| c.lock().ok().map(|v| v.clone()))
            .unwrap_or_default()
    }

    /// A session whose statements carry a setting for a feature plugin's callbacks, as
    /// GORM's plugin clauses do (`db.Clauses(dbresolver.Write)`): the key is namespaced
    /// by the plugin (`dbresolver:use`), and the plugin documents what it reads. A key
    /// whose plugin has no callback on this database is refused when a statement runs
    /// ([`crate::Error::Callback`], naming it), never ignored.
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// // Read from the sources, not a replica (with the dbresolver plugin loaded).
    /// let rows = db.plugin_setting("dbresolver:operation", "write").raw("SELECT 1", ()).await?;
    /// # Ok(()) }
    /// ```
    pub fn plugin_setting(&self, key: &str, value: &str) -> Db {
        let (key, value) = (key.to_string(), value.to_string());
        self.with_session(move |s| {
            s.plugin_settings.retain(|(k, _)| *k != key);
            s.plugin_settings.push((key, value));
        })
    }

    /// A session whose model hooks do not run.
    pub fn skip_hooks(&self) -> Db {
        self.with_session(|s| s.skip_hooks = true)
    }

    /// A session whose writes run without the default transaction.
    pub fn skip_default_transaction(&self) -> Db {
        self.with_session(|s| s.skip_default_transaction = true)
    }

    /// A session that allows UPDATE and DELETE without conditions.
    pub fn allow_global_update(&self) -> Db {
        self.with_session(|s| s.allow_global_update = true)
    }

    /// A session whose automatic timestamps come from `now`.
    pub fn with_now(
        &self,
        now: impl Fn() -> chrono::DateTime<chrono::Utc> + Send + Sync + 'static,
    ) -> Db {
        let f: NowFn = Arc::new(now);
        self.with_session(|s| s.now = Some(f))
    }

    /// A session whose every statement is cancelled after `timeout` (the query is
    /// dropped mid-flight and the error is [`plugorm_plugin_api::DbError::Timeout`]).
    pub fn with_timeout(&self, timeout: Duration) -> Db {
        self.with_session(|s| s.timeout = Some(timeout))
    }

    /// A session creating slices in INSERTs of `size` rows.
    pub fn create_batch_size(&self, size: usize) -> Db {
        self.with_session(|s| s.create_batch_size = size)
    }

    /// A session whose creates become upserts: `db.on_conflict(OnConflict::update_all()).create(&mut u)`.
    pub fn on_conflict(&self, conflict: crate::OnConflict) -> Db {
        self.with_session(|s| s.on_conflict = Some(conflict))
    }

    pub(crate) fn with_changed(&self, fields: Vec<String>) -> Db {
        self.with_session(|s| s.changed = Some(Arc::new(fields)))
    }

    /// Inside an update's hooks: whether the update writes this field (GORM's
    /// `Statement.Changed`). Outside an update, false.
    pub fn changed(&self, field: &str) -> bool {
        self.session
            .changed
            .as_ref()
            .is_some_and(|c| c.iter().any(|f| f == field))
    }

    /// A session logging statements slower than `threshold` as warnings.
    pub fn slow_threshold(&self, threshold: Duration) -> Db {
        self.with_session(|s| s.slow_threshold = threshold)
    }

    /// A session in prepared-statement mode (GORM's `PrepareStmt`): the SQL of every
    /// statement built by a query or a write is rendered once per statement shape and
    /// reused (raw SQL, already text, is not cached); sessions derived from it share the
    /// cache.
    ///
    /// Off by default because it does not pay for itself here: the drivers already keep
    /// each connection's server-side prepared statements, and rendering a point select
    /// through the dialect costs about 2 µs and 19 allocations, against about 4–5 µs and
    /// 42 for finding its shape in the cache (`host/examples/hotpath.rs`, dry runs).
    ///
    /// ```no_run
    /// # use plugorm::Model;
    /// # async fn run<User: Model>(db: plugorm::Db) -> Result<(), plugorm::Error> {
    /// let db = db.prepare_stmt();
    /// for id in 1..=3 {
    ///     db.model::<User>().id(id).first().await?;   // rendered once, bound three times
    /// }
    /// # Ok(()) }
    /// ```
    pub fn prepare_stmt(&self) -> Db {
        self.with_session(|s| s.prepared = Some(Arc::new(StatementCache::default())))
    }

    /// The counters of the session's statement cache; `None` outside prepared mode.
    ///
    /// ```no_run
    /// # fn run(db: plugorm::Db) {
    /// assert!(db.prepared_stats().is_none());
    /// assert_eq!(db.prepare_stmt().prepared_stats().unwrap().shapes, 0);
    /// # }
    /// ```
    pub fn prepared_stats(&self) -> Option<PreparedStats> {
        self.session.prepared.as_ref().map(|c| c.stats())
    }

    /// A session whose writes save every association except `names` (`"*"`: none). Each
    /// write checks the names against its model's relations (dotted ones level by level,
    /// [`SaveFilter::check`]): a name that is no relation is a
    /// [`crate::relation::RelationError::Unknown`] and the write writes nothing.
    ///
    /// ```no_run
    /// # async fn run<U: plugorm::Model>(db: plugorm::Db, mut user: U) -> plugorm::Result<()> {
    /// db.omit_associations(&["Company"]).create(&mut user).await?;
    /// # Ok(()) }
    /// ```
    pub fn omit_associations(&self, names: &[&str]) -> Db {
        let f = SaveFilter::omit(names);
        self.with_session(|s| s.associations = Some(Arc::new(f)))
    }

    /// A session whose writes save only the associations `names` (`"*"`: all) — and
    /// whose [`Db::delete`] of a record deletes those has-one / has-many records and
    /// many-to-many join rows with it (GORM's `Select("Pets").Delete(&user)`). The names
    /// are checked as for [`Db::omit_associations`].
    ///
    /// ```no_run
    /// # async fn run<U: plugorm::Model>(db: plugorm::Db, mut user: U) -> plugorm::Result<()> {
    /// db.select_associations(&["Pets"]).delete(&mut user).await?;   // the pets go too
    /// # Ok(()) }
    /// ```
    pub fn select_associations(&self, names: &[&str]) -> Db {
        let f = SaveFilter::select(names);
        self.with_session(|s| s.associations = Some(Arc::new(f)))
    }

    /// A session whose writes update every field of associated records that already
    /// exist (GORM's `FullSaveAssociations`); otherwise an existing belongs-to or
    /// many-to-many record is left as it is and an existing has-one / has-many record only
    /// gets its foreign key.
    ///
    /// ```no_run
    /// # async fn run<U: plugorm::Model>(db: plugorm::Db, mut user: U) -> plugorm::Result<()> {
    /// db.full_save_associations().save(&mut user).await?;   // the company's new name too
    /// # Ok(()) }
    /// ```
    pub fn full_save_associations(&self) -> Db {
        self.with_session(|s| s.full_save = true)
    }
}
