//! [`Registry`]: the loaded plugins, by name and by URL scheme.

use std::{fmt, path::PathBuf, sync::Arc};

use plugorm_plugin_api::{CallbackSpec, Dialect, Manifest, PluginInstance, PluginKind};

use crate::config::PoolSettings;

/// Where a plugin came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Linked into this binary.
    Static,
    /// Loaded from a library file.
    File(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Static => f.write_str("static"),
            Origin::File(p) => write!(f, "{}", p.display()),
        }
    }
}

/// One loaded plugin.
#[derive(Clone)]
pub struct LoadedPlugin {
    pub manifest: Manifest,
    pub origin: Origin,
    pub instance: PluginInstance,
    /// The callbacks a feature plugin registered at initialization.
    pub callbacks: Vec<CallbackSpec>,
    /// A dialect's `[plugin.pool]` settings from `plugins.toml`.
    pub pool: PoolSettings,
}

impl fmt::Debug for LoadedPlugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadedPlugin")
            .field("manifest", &self.manifest)
            .field("origin", &self.origin)
            .field("callbacks", &self.callbacks)
            .finish_non_exhaustive()
    }
}

/// The loaded plugins.
///
/// ```no_run
/// # async fn run() -> Result<(), plugorm::Error> {
/// let registry = plugorm::Registry::from_config_file("plugins.toml")?;
/// for p in registry.plugins() {
///     println!("{} {}", p.manifest.name, p.origin);
/// }
/// let db = registry.open("sqlite::memory:").await?;
/// # Ok(()) }
/// ```
#[derive(Default, Clone)]
pub struct Registry {
    pub(crate) plugins: Vec<LoadedPlugin>,
    /// What the feature plugins were initialized with; every database it opens is
    /// attached to it.
    pub(crate) services: Arc<crate::services::Services>,
}

impl Registry {
    /// A plugin by name.
    pub fn get(&self, name: &str) -> Option<&LoadedPlugin> {
        self.plugins
            .iter()
            .find(|p| p.manifest.name.as_str() == name)
    }

    /// Every loaded plugin, in load order.
    pub fn plugins(&self) -> &[LoadedPlugin] {
        &self.plugins
    }

    /// The dialect serving a URL scheme.
    pub fn dialect_for_scheme(&self, scheme: &str) -> Option<Arc<dyn Dialect>> {
        self.dialect_plugin_for_scheme(scheme).map(|(_, d)| d)
    }

    /// The dialect plugin serving a URL scheme, with its dialect.
    pub(crate) fn dialect_plugin_for_scheme(
        &self,
        scheme: &str,
    ) -> Option<(&LoadedPlugin, Arc<dyn Dialect>)> {
        self.plugins.iter().find_map(|p| match &p.instance {
            PluginInstance::Dialect(d) if d.url_schemes().iter().any(|s| s == scheme) => {
                Some((p, d.clone()))
            }
            _ => None,
        })
    }

    /// Every URL scheme the loaded dialects serve.
    pub fn schemes(&self) -> Vec<String> {
        let mut s: Vec<String> = self
            .plugins
            .iter()
            .filter_map(|p| match &p.instance {
                PluginInstance::Dialect(d) => Some(d.url_schemes()),
                _ => None,
            })
            .flatten()
            .collect();
        s.sort();
        s.dedup();
        s
    }

    /// The callbacks every feature plugin registered, in load order.
    pub fn callbacks(&self) -> impl Iterator<Item = &CallbackSpec> {
        self.plugins
            .iter()
            .filter(|p| p.manifest.kind == PluginKind::Feature)
            .flat_map(|p| p.callbacks.iter())
    }
}
