//! The callback processors: six named, ordered chains (create, query, update, delete,
//! row, raw) of built-in steps and plugin or user callbacks, sorted once per change.
//!
//! ```no_run
//! # use std::sync::Arc;
//! # use plugorm::plugin_api::{Callback, CallbackContext, DbResult};
//! struct Audit;
//! impl Callback for Audit {
//!     fn call(&self, ctx: &mut CallbackContext<'_>) -> DbResult<()> { Ok(()) }
//! }
//! # fn f(db: &plugorm::Db) -> Result<(), plugorm::Error> {
//! use plugorm::plugin_api::steps;
//! db.callbacks().create().before(steps::CREATE).register("audit:create", Arc::new(Audit))?;
//! db.callbacks().query().remove(steps::AFTER_QUERY)?;
//! # Ok(()) }
//! ```

mod sort;
pub(crate) mod statement;

pub use sort::SortError;

use std::sync::{Arc, RwLock};

use plugorm_plugin_api::{Callback, CallbackSpec, Placement, Processor};

use crate::{Error, Result};

/// The built-in steps, GORM's `gorm:*` callbacks under the `orm:` prefix (defined once,
/// in [`plugorm_plugin_api::steps`]).
pub use plugorm_plugin_api::steps as names;

/// What runs for a step.
#[derive(Clone)]
pub enum Handler {
    /// A built-in step of the host, by name.
    Builtin,
    /// A plugin's or user's callback.
    Callback(Arc<dyn Callback>),
}

/// One registration (GORM keeps every registration and recompiles from them).
#[derive(Clone)]
pub(crate) struct Entry {
    name: String,
    before: Option<String>,
    after: Option<String>,
    remove: bool,
    replace: bool,
    handler: Handler,
}

impl Entry {
    fn new(name: String, handler: Handler) -> Entry {
        Entry {
            name,
            before: None,
            after: None,
            remove: false,
            replace: false,
            handler,
        }
    }
}

/// One step of a compiled chain.
#[derive(Clone)]
pub struct Step {
    pub name: String,
    pub handler: Handler,
}

#[derive(Default)]
struct Chain {
    entries: Vec<Entry>,
    compiled: Arc<Vec<Step>>,
}

impl Chain {
    fn recompile(&mut self) -> Result<()> {
        let order = sort::sort(&self.entries).map_err(|e| Error::Callback(e.to_string()))?;
        let steps = order
            .into_iter()
            .filter_map(|(name, idx)| {
                self.entries.get(idx).map(|e| Step {
                    name,
                    handler: e.handler.clone(),
                })
            })
            .collect();
        self.compiled = Arc::new(steps);
        Ok(())
    }
}

/// The six processors of one database handle (shared by its sessions).
pub struct Callbacks {
    chains: RwLock<[Chain; 6]>,
    /// What runs before each statement ([`names::STATEMENT`]).
    statements: statement::StatementCallbacks,
}

fn slot(p: Processor) -> usize {
    match p {
        Processor::Create => 0,
        Processor::Query => 1,
        Processor::Update => 2,
        Processor::Delete => 3,
        Processor::Row => 4,
        Processor::Raw => 5,
    }
}

impl Callbacks {
    /// GORM's default chains.
    pub(crate) fn with_defaults() -> Callbacks {
        use names::*;
        let cb = Callbacks {
            chains: RwLock::new(Default::default()),
            statements: Default::default(),
        };
        let defaults: [(Processor, &[&str]); 6] = [
            (
                Processor::Create,
                &[
                    BEGIN_TRANSACTION,
                    BEFORE_CREATE,
                    SAVE_BEFORE_ASSOCIATIONS,
                    CREATE,
                    SAVE_AFTER_ASSOCIATIONS,
                    AFTER_CREATE,
                    COMMIT_OR_ROLLBACK,
                ],
            ),
            (Processor::Query, &[QUERY, PRELOAD, AFTER_QUERY]),
            (
                Processor::Update,
                &[
                    BEGIN_TRANSACTION,
                    SETUP_REFLECT_VALUE,
                    BEFORE_UPDATE,
                    SAVE_BEFORE_ASSOCIATIONS,
                    UPDATE,
                    SAVE_AFTER_ASSOCIATIONS,
                    AFTER_UPDATE,
                    COMMIT_OR_ROLLBACK,
                ],
            ),
            (
                Processor::Delete,
                &[
                    BEGIN_TRANSACTION,
                    BEFORE_DELETE,
                    DELETE_BEFORE_ASSOCIATIONS,
                    DELETE,
                    AFTER_DELETE,
                    COMMIT_OR_ROLLBACK,
                ],
            ),
            (Processor::Row, &[ROW]),
            (Processor::Raw, &[RAW]),
        ];
        if let Ok(mut chains) = cb.chains.write() {
            for (p, steps) in defaults {
                let chain = &mut chains[slot(p)];
                for name in steps {
                    chain.entries.push(Entry {
                        name: (*name).to_string(),
                        before: None,
                        after: None,
                        remove: false,
                        replace: false,
                        handler: Handler::Builtin,
                    });
                }
                let _ = chain.recompile();
            }
        }
        cb
    }

    /// The compiled chain of a processor.
    pub fn chain(&self, p: Processor) -> Arc<Vec<Step>> {
        match self.chains.read() {
            Ok(c) => c[slot(p)].compiled.clone(),
            Err(poisoned) => poisoned.into_inner()[slot(p)].compiled.clone(),
        }
    }

    /// The names of a processor's chain, in order.
    pub fn names(&self, p: Processor) -> Vec<String> {
        self.chain(p).iter().map(|s| s.name.clone()).collect()
    }

    /// The callbacks that run before each statement `p` stands for (see
    /// [`names::STATEMENT`]); `None` when there are none.
    pub(crate) fn statement_steps(&self, p: Processor) -> Option<statement::StatementSteps> {
        self.statements.get(slot(p))
    }

    /// Whether any chain holds a callback named `namespace:…` (a plugin's).
    pub(crate) fn has_namespace(&self, namespace: &str) -> bool {
        let in_namespace = |name: &str| name.split_once(':').is_some_and(|(ns, _)| ns == namespace);
        if self.statements.any_name(in_namespace) {
            return true;
        }
        Processor::ALL.iter().any(|&p| {
            self.chain(p).iter().any(|s| {
                s.name
                    .split_once(':')
                    .is_some_and(|(ns, _)| ns == namespace)
            })
        })
    }

    /// Whether a callback of this name is in a processor's chain.
    pub fn contains(&self, p: Processor, name: &str) -> bool {
        self.chain(p).iter().any(|s| s.name == name)
    }

    fn add(&self, p: Processor, mut entry: Entry) -> Result<()> {
        if entry.before.as_deref() == Some(names::STATEMENT) {
            let Handler::Callback(cb) = entry.handler else {
                return Err(Error::Callback(format!(
                    "`{}` names no callback to run before each statement",
                    entry.name
                )));
            };
            self.statements.add(slot(p), entry.name, cb);
            return Ok(());
        }
        if entry.remove && self.statements.remove(slot(p), &entry.name) {
            return Ok(());
        }
        let mut chains = self
            .chains
            .write()
            .map_err(|_| Error::Callback("callback registry poisoned".into()))?;
        let chain = &mut chains[slot(p)];
        if entry.replace {
            // A replacement keeps the place of what it replaces, `*` placements included.
            if let Some(old) = chain.entries.iter().rev().find(|e| e.name == entry.name) {
                entry.before = old.before.clone();
                entry.after = old.after.clone();
            }
        }
        chain.entries.push(entry);
        if let Err(e) = chain.recompile() {
            chain.entries.pop();
            return Err(e);
        }
        Ok(())
    }

    /// Registers a plugin's callback specification.
    pub(crate) fn register_spec(&self, spec: &CallbackSpec) -> Result<()> {
        let handler = Handler::Callback(spec.callback.clone());
        let name = spec.name.clone();
        let entry = match &spec.placement {
            Placement::Register => Entry::new(name, handler),
            Placement::Before(x) => Entry {
                before: Some(x.to_string()),
                ..Entry::new(name, handler)
            },
            Placement::After(x) => Entry {
                after: Some(x.to_string()),
                ..Entry::new(name, handler)
            },
            Placement::Replace(x) => Entry {
                replace: true,
                ..Entry::new(x.to_string(), handler)
            },
            Placement::Remove(x) => Entry {
                remove: true,
                ..Entry::new(x.to_string(), Handler::Builtin)
            },
        };
        self.add(spec.processor, entry)
    }

    /// The registration API of one processor.
    pub fn processor(self: &Arc<Self>, p: Processor) -> ProcessorCallbacks {
        ProcessorCallbacks {
            callbacks: self.clone(),
            processor: p,
            before: None,
            after: None,
        }
    }
}

/// Registers callbacks on one processor: `before` / `after` then `register`, or
/// `replace` / `remove`.
pub struct ProcessorCallbacks {
    callbacks: Arc<Callbacks>,
    processor: Processor,
    before: Option<String>,
    after: Option<String>,
}

impl ProcessorCallbacks {
    /// The next registration goes before `name` (`"*"`: first).
    pub fn before(mut self, name: &str) -> Self {
        self.before = Some(name.to_string());
        self
    }
    /// The next registration goes after `name` (`"*"`: last).
    pub fn after(mut self, name: &str) -> Self {
        self.after = Some(name.to_string());
        self
    }
    /// Registers a callback under `name`.
    pub fn register(self, name: &str, cb: Arc<dyn Callback>) -> Result<()> {
        self.callbacks.add(
            self.processor,
            Entry {
                name: name.to_string(),
                before: self.before,
                after: self.after,
                remove: false,
                replace: false,
                handler: Handler::Callback(cb),
            },
        )
    }
    /// Replaces the callback named `name`, keeping its position.
    pub fn replace(self, name: &str, cb: Arc<dyn Callback>) -> Result<()> {
        self.callbacks.add(
            self.processor,
            Entry {
                name: name.to_string(),
                before: None,
                after: None,
                remove: false,
                replace: true,
                handler: Handler::Callback(cb),
            },
        )
    }
    /// Removes every callback named `name`.
    pub fn remove(self, name: &str) -> Result<()> {
        self.callbacks.add(
            self.processor,
            Entry {
                name: name.to_string(),
                before: None,
                after: None,
                remove: true,
                replace: false,
                handler: Handler::Builtin,
            },
        )
    }
    /// The current order of the chain.
    pub fn names(&self) -> Vec<String> {
        self.callbacks.names(self.processor)
    }
}

/// The per-database entry point: `db.callbacks().create()…`.
#[derive(Clone)]
pub struct CallbackApi(pub(crate) Arc<Callbacks>);

impl CallbackApi {
    /// The create processor.
    pub fn create(&self) -> ProcessorCallbacks {
        self.0.processor(Processor::Create)
    }
    /// The query processor.
    pub fn query(&self) -> ProcessorCallbacks {
        self.0.processor(Processor::Query)
    }
    /// The update processor.
    pub fn update(&self) -> ProcessorCallbacks {
        self.0.processor(Processor::Update)
    }
    /// The delete processor.
    pub fn delete(&self) -> ProcessorCallbacks {
        self.0.processor(Processor::Delete)
    }
    /// The row processor.
    pub fn row(&self) -> ProcessorCallbacks {
        self.0.processor(Processor::Row)
    }
    /// The raw processor.
    pub fn raw(&self) -> ProcessorCallbacks {
        self.0.processor(Processor::Raw)
    }
}
