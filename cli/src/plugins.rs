//! `plugorm plugins list` and the configuration every command loads its plugins from.

use std::path::PathBuf;

use plugorm::{
    config::PluginsConfig, loader::linked_plugins, plugin_api::Manifest, Origin, Registry,
};

use crate::table;

/// The configuration the user named (`--config`, `PLUGORM_CONFIG`), which must exist, or
/// `./plugins.toml`, which may be absent (then only the linked plugins are available).
pub fn config(named: Option<PathBuf>) -> Result<PluginsConfig, plugorm::Error> {
    let named_somewhere = named.is_some() || std::env::var_os("PLUGORM_CONFIG").is_some();
    let path = named.unwrap_or_else(plugorm::config::default_config_path);
    if named_somewhere || path.exists() {
        Ok(PluginsConfig::load(&path)?)
    } else {
        Ok(PluginsConfig {
            path,
            ..PluginsConfig::default()
        })
    }
}

/// The table of `plugins list`: every loaded plugin, then every plugin linked into this
/// binary that the configuration disables.
pub fn list(config: &PluginsConfig, registry: &Registry) -> String {
    let mut rows: Vec<Vec<String>> = registry
        .plugins()
        .iter()
        .map(|p| row(&p.manifest, &p.origin, "enabled"))
        .collect();
    rows.extend(
        linked_plugins(config)
            .iter()
            .filter(|p| !p.enabled)
            .map(|p| row(&p.manifest, &Origin::Static, "disabled (plugins.toml)")),
    );
    table::render(
        &["name", "version", "kind", "origin", "plugin-api", "state"],
        &rows,
    )
}

fn row(manifest: &Manifest, origin: &Origin, state: &str) -> Vec<String> {
    vec![
        manifest.name.to_string(),
        manifest.version.to_string(),
        manifest.kind.to_string(),
        origin.to_string(),
        manifest.api_version.to_string(),
        state.to_string(),
    ]
}
