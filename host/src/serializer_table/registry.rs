//! Where serializers are kept: one process-wide table of implementations by name (a
//! model's fields are encoded in code that has no database at hand), and per registry
//! the names its plugins offered (so a database whose plugins serve no `json` refuses
//! a model naming it, even when another registry of the process loaded one).

use std::{
    collections::BTreeMap,
    sync::{Arc, RwLock},
};

use plugorm_plugin_api::serializer::Serializer;

/// Who put a serializer in the table: the application's own win over a plugin's.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Application,
    Plugin,
}

struct Entry {
    serializer: Arc<dyn Serializer>,
    source: Source,
}

static TABLE: RwLock<BTreeMap<String, Entry>> = RwLock::new(BTreeMap::new());

/// Names are case-insensitive (GORM's): kept lower-case.
pub(crate) fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

fn put(name: &str, serializer: Arc<dyn Serializer>, source: Source) {
    let mut table = TABLE.write().unwrap_or_else(|p| p.into_inner());
    let name = key(name);
    let keep_application = source == Source::Plugin
        && table
            .get(&name)
            .is_some_and(|e| e.source == Source::Application);
    if !keep_application {
        table.insert(name, Entry { serializer, source });
    }
}

/// Registers (or replaces) an application serializer.
pub(crate) fn put_application(name: &str, serializer: Arc<dyn Serializer>) {
    put(name, serializer, Source::Application)
}

/// The serializer registered as `name`, if any.
pub(crate) fn get(name: &str) -> Option<Arc<dyn Serializer>> {
    let table = TABLE.read().unwrap_or_else(|p| p.into_inner());
    table.get(&key(name)).map(|e| Arc::clone(&e.serializer))
}

/// Whether the application registered `name`.
pub(crate) fn is_application(name: &str) -> bool {
    let table = TABLE.read().unwrap_or_else(|p| p.into_inner());
    table
        .get(&key(name))
        .is_some_and(|e| e.source == Source::Application)
}

/// Every name the application registered.
pub(crate) fn application_names() -> Vec<String> {
    let table = TABLE.read().unwrap_or_else(|p| p.into_inner());
    table
        .iter()
        .filter(|(_, e)| e.source == Source::Application)
        .map(|(n, _)| n.clone())
        .collect()
}

/// The serializer names one registry's plugins offered (through
/// `HostApi::add_serializer`).
#[derive(Default)]
pub(crate) struct Offered(RwLock<Vec<String>>);

impl Offered {
    /// Keeps a plugin's serializer: its name here, its implementation in the table.
    pub(crate) fn add(&self, name: &str, serializer: Arc<dyn Serializer>) {
        put(name, serializer, Source::Plugin);
        let mut names = self.0.write().unwrap_or_else(|p| p.into_inner());
        let name = key(name);
        if !names.contains(&name) {
            names.push(name);
        }
    }

    /// Whether a plugin of this registry offered `name`.
    pub(crate) fn contains(&self, name: &str) -> bool {
        let names = self.0.read().unwrap_or_else(|p| p.into_inner());
        names.contains(&key(name))
    }

    /// Every name offered.
    pub(crate) fn names(&self) -> Vec<String> {
        self.0.read().unwrap_or_else(|p| p.into_inner()).clone()
    }
}
