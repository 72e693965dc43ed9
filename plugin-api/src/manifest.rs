//! What a plugin says about itself, and how it is registered.

use std::sync::Arc;

use crate::{dialect::Dialect, feature::FeaturePlugin, DbResult};

/// The plugin-API version this crate is: plugins built against another 0.y are refused.
pub const PLUGIN_API_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A plugin's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PluginKind {
    Dialect,
    Feature,
}

impl std::fmt::Display for PluginKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PluginKind::Dialect => "dialect",
            PluginKind::Feature => "feature",
        })
    }
}

/// A plugin's identity, checked by the host before it is used.
///
/// ```
/// use plugorm_plugin_api::manifest::{Manifest, PluginKind};
/// let m = Manifest::new("sqlite", PluginKind::Dialect, "0.1.0", "SQLite over sqlx");
/// assert_eq!(m.api_version.as_str(), plugorm_plugin_api::PLUGIN_API_VERSION);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Manifest {
    pub name: String,
    pub kind: PluginKind,
    /// The plugin's own semver version.
    pub version: String,
    /// The plugin-API version it was built against.
    pub api_version: String,
    /// The oldest host version it works with (semver requirement text, `>=0.1`).
    pub min_host: String,
    pub description: String,
}

impl Manifest {
    /// A manifest built against this plugin-API version, for any host `>=0.1`.
    pub fn new(name: &str, kind: PluginKind, version: &str, description: &str) -> Manifest {
        Manifest {
            name: name.into(),
            kind,
            version: version.into(),
            api_version: PLUGIN_API_VERSION.into(),
            min_host: ">=0.1".into(),
            description: description.into(),
        }
    }
}

/// A live plugin object.
#[derive(Clone)]
pub enum PluginInstance {
    Dialect(Arc<dyn Dialect>),
    Feature(Arc<dyn FeaturePlugin>),
}

/// How the host reaches a plugin's Rust implementation: the plugin crate declares one
/// `static` of this type, registers it with [`crate::register_static_plugin!`], and its
/// `dylib/` wrapper exports it with [`crate::export_plugin!`].
///
/// ```
/// use plugorm_plugin_api::manifest::{Manifest, PluginDescriptor, PluginInstance, PluginKind};
/// fn manifest() -> Manifest { Manifest::new("noop", PluginKind::Feature, "0.1.0", "does nothing") }
/// fn instantiate() -> plugorm_plugin_api::DbResult<PluginInstance> {
///     Err(plugorm_plugin_api::DbError::Unsupported("example".into()))
/// }
/// pub static PLUGIN: PluginDescriptor = PluginDescriptor { manifest, instantiate };
/// assert_eq!((PLUGIN.manifest)().name.as_str(), "noop");
/// ```
pub struct PluginDescriptor {
    pub manifest: fn() -> Manifest,
    pub instantiate: fn() -> DbResult<PluginInstance>,
}

/// A plugin linked into the binary, collected by `inventory`.
pub struct StaticPlugin {
    pub descriptor: &'static PluginDescriptor,
}

inventory::collect!(StaticPlugin);

/// The plugins linked statically into this binary.
pub fn static_plugins() -> impl Iterator<Item = &'static PluginDescriptor> {
    inventory::iter::<StaticPlugin>
        .into_iter()
        .map(|p| p.descriptor)
}
