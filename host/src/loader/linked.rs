//! The plugins linked into this binary (through a host feature such as `sqlite`, or an
//! application naming a plugin crate with `use plugorm_sqlite as _;`), and whether a
//! configuration lets them run.

use plugorm_plugin_api::{manifest::static_plugins, Manifest};

use crate::config::{PluginEntry, PluginsConfig};

/// A plugin linked into this binary.
#[derive(Debug, Clone)]
pub struct LinkedPlugin {
    pub manifest: Manifest,
    /// False when `plugins.toml` has `enabled = false` for it; then the registry skips it.
    pub enabled: bool,
}

/// Every plugin linked into this binary, by name, with whether `config` enables it.
///
/// A linked plugin — dialect or feature — is enabled unless its `[[plugin]]` entry says
/// `enabled = false`: the application linked it on purpose.
///
/// ```
/// let config = plugorm::config::PluginsConfig::parse(
///     "[[plugin]]\nname = \"soft-delete\"\nenabled = false\n",
///     std::path::Path::new("plugins.toml"),
/// ).unwrap();
/// // With the `soft-delete` feature, this lists it as disabled.
/// for p in plugorm::loader::linked_plugins(&config) {
///     let state = if p.enabled { "enabled" } else { "disabled" };
///     println!("{} {} {state}", p.manifest.name, p.manifest.version);
/// }
/// ```
pub fn linked_plugins(config: &PluginsConfig) -> Vec<LinkedPlugin> {
    let mut linked: Vec<LinkedPlugin> = static_plugins()
        .map(|descriptor| {
            let manifest = (descriptor.manifest)();
            let entry = config
                .plugins
                .iter()
                .find(|e| e.name == manifest.name.as_str());
            LinkedPlugin {
                enabled: enabled(entry),
                manifest,
            }
        })
        .collect();
    linked.sort_by(|a, b| a.manifest.name.as_str().cmp(b.manifest.name.as_str()));
    linked
}

/// Whether a linked plugin with this configuration entry (if any) is loaded.
pub(super) fn enabled(entry: Option<&PluginEntry>) -> bool {
    entry.is_none_or(|e| e.enabled)
}
