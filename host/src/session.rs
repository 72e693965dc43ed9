//! [`Session`]: per-handle settings (GORM's `Session{…}`), changed through `Db` methods
//! that return a new handle and leave the original untouched.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{DateTime, Utc};
use plugorm_plugin_api::Sql;

/// A clock for timestamps the ORM fills in (`created_at`, soft-delete times).
pub type NowFn = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Session settings.
#[derive(Clone)]
pub struct Session {
    /// Render statements but run none; they are recorded for [`crate::Db::dry_run_statements`].
    pub dry_run: bool,
    pub skip_hooks: bool,
    pub skip_default_transaction: bool,
    pub allow_global_update: bool,
    /// Rows per INSERT when creating slices (0 = all in one statement, split only by the
    /// dialect's parameter limit).
    pub create_batch_size: usize,
    pub timeout: Option<Duration>,
    /// Statements slower than this are logged as warnings.
    pub slow_threshold: Duration,
    pub now: Option<NowFn>,
    /// The conflict clause of the next creates (an upsert).
    pub on_conflict: Option<crate::OnConflict>,
    /// The fields the running update writes (for [`crate::Db::changed`] in hooks).
    pub(crate) changed: Option<std::sync::Arc<Vec<String>>>,
    pub(crate) captured: Option<Arc<Mutex<Vec<Sql>>>>,
    /// Which associations writes save (all when `None`).
    pub(crate) associations: Option<Arc<SaveFilter>>,
    /// Saving associations updates every field of the associated rows that exist
    /// (GORM's `FullSaveAssociations`), not only their keys.
    pub(crate) full_save: bool,
    /// The statement cache of prepared-statement mode ([`crate::Db::prepare_stmt`]).
    pub(crate) prepared: Option<Arc<crate::exec::StatementCache>>,
    /// Settings for feature plugins' callbacks ([`crate::Db::plugin_setting`]).
    pub(crate) plugin_settings: Vec<(String, String)>,
}

impl Default for Session {
    fn default() -> Session {
        Session {
            dry_run: false,
            skip_hooks: false,
            skip_default_transaction: false,
            allow_global_update: false,
            create_batch_size: 0,
            timeout: None,
            slow_threshold: Duration::from_millis(200),
            now: None,
            on_conflict: None,
            changed: None,
            plugin_settings: Vec::new(),
            captured: None,
            associations: None,
            full_save: false,
            prepared: None,
        }
    }
}

impl Session {
    /// The session's current time.
    pub fn now(&self) -> DateTime<Utc> {
        match &self.now {
            Some(f) => f(),
            None => Utc::now(),
        }
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("dry_run", &self.dry_run)
            .field("skip_hooks", &self.skip_hooks)
            .field("skip_default_transaction", &self.skip_default_transaction)
            .field("allow_global_update", &self.allow_global_update)
            .field("create_batch_size", &self.create_batch_size)
            .field("timeout", &self.timeout)
            .field("slow_threshold", &self.slow_threshold)
            .finish_non_exhaustive()
    }
}

/// What a create does when a row with the same key exists (GORM's `clause.OnConflict`).
///
/// ```
/// use plugorm::OnConflict;
/// let upsert = OnConflict::update_columns(&["price"]).on(&["code"]);
/// assert_eq!(upsert.target, vec!["code".to_string()]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct OnConflict {
    /// The conflict target columns (default: the primary key).
    pub target: Vec<String>,
    pub action: ConflictUpdate,
    /// A condition on the update (`DO UPDATE … WHERE`), SQL with no arguments.
    pub condition: Option<String>,
}

/// The update part of an [`OnConflict`].
#[derive(Debug, Clone, PartialEq)]
pub enum ConflictUpdate {
    DoNothing,
    /// Every inserted column except the key and creation times.
    UpdateAll,
    /// These columns take the values the insert proposed.
    Columns(Vec<String>),
}

impl OnConflict {
    /// Keep the existing row.
    pub fn do_nothing() -> OnConflict {
        OnConflict {
            target: Vec::new(),
            action: ConflictUpdate::DoNothing,
            condition: None,
        }
    }
    /// Overwrite the existing row with the new one.
    pub fn update_all() -> OnConflict {
        OnConflict {
            target: Vec::new(),
            action: ConflictUpdate::UpdateAll,
            condition: None,
        }
    }
    /// Overwrite these columns.
    pub fn update_columns(columns: &[&str]) -> OnConflict {
        OnConflict {
            target: Vec::new(),
            action: ConflictUpdate::Columns(columns.iter().map(|c| c.to_string()).collect()),
            condition: None,
        }
    }
    /// The conflict target columns.
    pub fn on(mut self, columns: &[&str]) -> OnConflict {
        self.target = columns.iter().map(|c| c.to_string()).collect();
        self
    }
    /// Only update where this SQL condition holds.
    pub fn when(mut self, condition: &str) -> OnConflict {
        self.condition = Some(condition.to_string());
        self
    }
}

/// Which associations a write saves (GORM's `Select` / `Omit` of associations). A dotted
/// name reaches into a related record's own associations: selecting `"Pets.Toys"` saves
/// the pets and their toys; omitting it saves the pets without their toys.
///
/// ```
/// use plugorm::association::SaveFilter;
/// let f = SaveFilter::omit(&["Company"]);
/// assert!(!f.saves("company") && f.saves("pets"));
/// assert!(!SaveFilter::omit(&["*"]).saves("pets"));
/// let nested = SaveFilter::omit(&["Pets.Toys"]);
/// assert!(nested.saves("pets"));
/// assert!(!nested.below("pets").unwrap().saves("toys"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaveFilter {
    /// Only these (when set); `*` means all.
    pub select: Option<Vec<String>>,
    /// Never these; `*` means all.
    pub omit: Vec<String>,
}

impl SaveFilter {
    /// Saves every association except `names` (`"*"`: none). The names are checked
    /// against a model's relations when a write uses the filter ([`SaveFilter::check`]):
    /// a name that is no relation fails that write before it writes anything.
    ///
    /// ```
    /// use plugorm::association::SaveFilter;
    /// let f = SaveFilter::omit(&["Company", "Pets.Toys"]);
    /// assert!(!f.saves("company") && f.saves("pets"));
    /// ```
    pub fn omit(names: &[&str]) -> SaveFilter {
        SaveFilter {
            select: None,
            omit: names.iter().map(|n| n.to_string()).collect(),
        }
    }

    /// Saves only the associations `names` (`"*"`: all). The names are checked as for
    /// [`SaveFilter::omit`].
    ///
    /// ```
    /// use plugorm::association::SaveFilter;
    /// let f = SaveFilter::select(&["Pets"]);
    /// assert!(f.saves("pets") && !f.saves("company"));
    /// ```
    pub fn select(names: &[&str]) -> SaveFilter {
        SaveFilter {
            select: Some(names.iter().map(|n| n.to_string()).collect()),
            omit: Vec::new(),
        }
    }
}
