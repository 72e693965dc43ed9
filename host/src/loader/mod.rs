//! The plugin loader: statically linked plugins first, then the libraries named in
//! `plugins.toml`.

mod dynamic;
mod elf;
mod error;
mod file;
mod linked;

pub use error::LoadError;
pub use linked::{linked_plugins, LinkedPlugin};

use std::{path::PathBuf, sync::Arc};

use plugorm_plugin_api::{
    ffi::import::ImportedFeature,
    host::{Host, PluginInfo},
    manifest::static_plugins,
    DbError, FeaturePlugin, Manifest, PluginInstance,
};

use crate::{
    config::{PluginEntry, PluginsConfig},
    registry::{LoadedPlugin, Origin, Registry},
    services::{LoadedDialect, Services},
};

/// The version of this host, checked against a plugin's `min_host`.
pub const HOST_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Loads every plugin a configuration names (and every statically linked one), stopping
/// at the first failure.
pub fn load(config: &PluginsConfig) -> Result<Registry, LoadError> {
    let mut registry = Registry::default();
    for descriptor in static_plugins() {
        let manifest = (descriptor.manifest)();
        let name = manifest.name.to_string();
        let entry = config.plugins.iter().find(|e| e.name == name);
        // The application linked this plugin on purpose: it runs unless the configuration
        // says `enabled = false` for it.
        if !linked::enabled(entry) {
            continue;
        }
        check_versions(&manifest, entry, &Origin::Static)?;
        let instance = contain(&name, "static", "instantiate", descriptor.instantiate)?;
        registry.add(start(manifest, Origin::Static, instance, entry, config)?)?;
    }
    for entry in config.plugins.iter().filter(|e| e.enabled) {
        if registry.get(&entry.name).is_some() {
            continue; // served by the statically linked copy
        }
        let (manifest, path, instance) =
            dynamic::load_library(entry, &config.search_paths, config.allow_writable_plugins)?;
        let origin = Origin::File(path.clone());
        if manifest.name.as_str() != entry.name {
            return Err(LoadError::NameMismatch {
                plugin: entry.name.clone(),
                path,
                found: manifest.name.to_string(),
            });
        }
        check_versions(&manifest, Some(entry), &origin)?;
        registry.add(start(manifest, origin, instance, Some(entry), config)?)?;
    }
    initialize_features(&mut registry, config)?;
    Ok(registry)
}

/// Runs a plugin entry point, turning a panic into [`LoadError::Panicked`].
fn contain<T>(
    plugin: &str,
    origin: &str,
    during: &'static str,
    f: impl FnOnce() -> Result<T, DbError>,
) -> Result<T, LoadError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(DbError::Panicked(message))) => Err(LoadError::Panicked {
            plugin: plugin.into(),
            origin: origin.into(),
            during,
            message,
        }),
        Ok(Err(error)) => Err(LoadError::Start {
            plugin: plugin.into(),
            origin: origin.into(),
            error,
        }),
        Err(p) => Err(LoadError::Panicked {
            plugin: plugin.into(),
            origin: origin.into(),
            during,
            message: plugorm_plugin_api::ffi::export::panic_message(&*p),
        }),
    }
}

fn check_versions(
    manifest: &Manifest,
    entry: Option<&PluginEntry>,
    origin: &Origin,
) -> Result<(), LoadError> {
    let name = manifest.name.to_string();
    let bad_version = |what: &str| LoadError::Start {
        plugin: name.clone(),
        origin: origin.to_string(),
        error: DbError::Other(format!("its manifest has an invalid {what}")),
    };
    let version = semver::Version::parse(&manifest.version).map_err(|_| bad_version("version"))?;
    if let Some(entry) = entry {
        if !entry.version.matches(&version) {
            return Err(LoadError::VersionMismatch {
                plugin: name,
                origin: origin.to_string(),
                version: version.to_string(),
                required: entry.version.to_string(),
            });
        }
    }
    let min_host =
        semver::VersionReq::parse(&manifest.min_host).map_err(|_| bad_version("min_host"))?;
    let host = semver::Version::parse(HOST_VERSION).map_err(|_| bad_version("host version"))?;
    if !min_host.matches(&host) {
        return Err(LoadError::HostTooOld {
            plugin: name,
            origin: origin.to_string(),
            min_host: min_host.to_string(),
            host: host.to_string(),
        });
    }
    Ok(())
}

/// Records a loaded plugin (features are initialized once all are loaded).
fn start(
    manifest: Manifest,
    origin: Origin,
    instance: PluginInstance,
    entry: Option<&PluginEntry>,
    config: &PluginsConfig,
) -> Result<LoadedPlugin, LoadError> {
    let name = manifest.name.to_string();
    let pool = entry.map(|e| e.pool).unwrap_or_default();
    if let (PluginInstance::Feature(_), Some(entry)) = (&instance, entry) {
        if !entry.pool.is_empty() {
            return Err(LoadError::BadConfig {
                plugin: name,
                config: config.path.display().to_string(),
                line: Some(entry.line),
                key: Some("pool".into()),
                message: "[plugin.pool] applies to dialect plugins only; this is a feature plugin"
                    .into(),
            });
        }
    }
    Ok(LoadedPlugin {
        manifest,
        origin,
        instance,
        callbacks: Vec::new(),
        pool,
    })
}

/// Initializes every feature plugin with its configuration and the registry's services,
/// once every plugin is loaded (so a feature may open pools of any loaded dialect).
fn initialize_features(registry: &mut Registry, config: &PluginsConfig) -> Result<(), LoadError> {
    let dialects = registry
        .plugins
        .iter()
        .filter_map(|p| match &p.instance {
            PluginInstance::Dialect(d) => Some(LoadedDialect {
                dialect: Arc::clone(d),
                pool: p.pool,
            }),
            PluginInstance::Feature(_) => None,
        })
        .collect();
    let plugins = registry
        .plugins
        .iter()
        .map(|p| PluginInfo {
            name: p.manifest.name.to_string(),
            version: p.manifest.version.to_string(),
            kind: p.manifest.kind.to_string(),
            api_version: p.manifest.api_version.to_string(),
            linked: p.origin == Origin::Static,
        })
        .collect();
    let services = Arc::new(Services::new(dialects, plugins));
    let host = Host::new(services.clone());
    for plugin in registry.plugins.iter_mut() {
        let PluginInstance::Feature(feature) = &plugin.instance else {
            continue;
        };
        let name = plugin.manifest.name.to_string();
        let entry = config.plugins.iter().find(|e| e.name == name);
        let json = entry.map_or("{}", |e| e.config_json.as_str());
        let result = contain(&name, &plugin.origin.to_string(), "initialize", || {
            feature.initialize_with_host(&host, json)
        });
        plugin.callbacks = match result {
            Err(LoadError::Start {
                error: DbError::Config { key, message },
                ..
            }) => {
                return Err(LoadError::BadConfig {
                    plugin: name,
                    config: config.path.display().to_string(),
                    line: key
                        .as_deref()
                        .and_then(|k| entry.and_then(|e| e.config_line(k))),
                    key,
                    message,
                })
            }
            other => other?,
        };
    }
    registry.services = services;
    Ok(())
}

/// Wraps a feature plugin object from a library.
pub(crate) fn imported_feature(
    f: plugorm_plugin_api::ffi::FfiFeatureBox,
    api_version: &str,
) -> Arc<dyn FeaturePlugin> {
    Arc::new(ImportedFeature::new(f, api_version))
}

/// The file name a plugin's library has on this platform (`libplugorm_soft_delete.so`).
pub fn library_file_name(plugin: &str) -> String {
    let stem = format!("plugorm_{}", plugin.replace('-', "_"));
    format!(
        "{}{stem}{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    )
}

/// Candidate paths for a plugin, in search order.
pub(crate) fn candidates(entry: &PluginEntry, search_paths: &[PathBuf]) -> Vec<PathBuf> {
    match &entry.path {
        Some(p) => vec![p.clone()],
        None => {
            let file = library_file_name(&entry.name);
            search_paths.iter().map(|d| d.join(&file)).collect()
        }
    }
}

impl Registry {
    /// Adds a loaded plugin; a second plugin of the same name is refused.
    pub(crate) fn add(&mut self, plugin: LoadedPlugin) -> Result<(), LoadError> {
        if let Some(first) = self.get(plugin.manifest.name.as_str()) {
            return Err(LoadError::Duplicate {
                plugin: plugin.manifest.name.to_string(),
                first: first.origin.to_string(),
                second: plugin.origin.to_string(),
            });
        }
        self.plugins.push(plugin);
        Ok(())
    }
}
