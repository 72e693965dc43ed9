//! [`LoadError`]: why a plugin was not loaded.

use std::path::PathBuf;

use plugorm_plugin_api::DbError;

/// Why a plugin could not be loaded. Every variant names the plugin, the file and the
/// cause, in a few lines; the full abi_stable layout report is logged at debug level.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// No library file was found.
    #[error("plugin `{plugin}`: library `{file}` not found; tried:\n{}", list(.tried))]
    NotFound {
        plugin: String,
        file: String,
        tried: Vec<PathBuf>,
    },
    /// The file exists but is not a plugorm plugin.
    #[error("plugin `{plugin}`: {} is not a plugorm plugin: {cause}", .path.display())]
    NotAPlugin {
        plugin: String,
        path: PathBuf,
        cause: String,
    },
    /// The plugin was built against an incompatible plugin API.
    #[error(
        "plugin `{plugin}` ({}) was built against plugorm-plugin-api {plugin_api}, \
         incompatible with this host's {host_api}: {detail}\n\
         rebuild the plugin against plugorm-plugin-api {host_api} (RUST_LOG=debug shows the full report)",
        .path.display()
    )]
    ApiMismatch {
        plugin: String,
        path: PathBuf,
        plugin_api: String,
        host_api: String,
        detail: String,
    },
    /// The plugin's own version is outside the configured requirement.
    #[error(
        "plugin `{plugin}` ({origin}) has version {version}, outside the required `{required}`"
    )]
    VersionMismatch {
        plugin: String,
        origin: String,
        version: String,
        required: String,
    },
    /// The plugin needs a newer host.
    #[error("plugin `{plugin}` ({origin}) needs plugorm {min_host}, this host is {host}")]
    HostTooOld {
        plugin: String,
        origin: String,
        min_host: String,
        host: String,
    },
    /// Two plugins with the same name.
    #[error("plugin `{plugin}` is provided twice: by {first} and by {second}")]
    Duplicate {
        plugin: String,
        first: String,
        second: String,
    },
    /// The library's manifest names another plugin than the configuration.
    #[error("{} provides plugin `{found}`, but the configuration entry is `{plugin}`", .path.display())]
    NameMismatch {
        plugin: String,
        path: PathBuf,
        found: String,
    },
    /// The file does not match its pinned hash.
    #[error("plugin `{plugin}`: {} has sha256 {actual}, the configuration pins {expected}", .path.display())]
    HashMismatch {
        plugin: String,
        path: PathBuf,
        expected: String,
        actual: String,
    },
    /// The library, or a folder above it, could be replaced by someone else: it is
    /// writable by group or others (a folder without the sticky bit), or owned by a user
    /// other than root or the one running the host. Refused as ssh refuses such a key,
    /// unless `plugins.toml` sets `allow_writable_plugins = true`.
    ///
    /// ```
    /// use plugorm::loader::LoadError;
    /// let e = LoadError::UnsafePermissions {
    ///     plugin: "sqlite".into(),
    ///     path: "/opt/plugins/libplugorm_sqlite.so".into(),
    ///     mode: 0o666,
    ///     problem: "it is writable by group or others".into(),
    /// };
    /// assert!(e.to_string().contains("mode 0666"));
    /// ```
    #[error(
        "plugin `{plugin}`: refusing to load from {} (mode {mode:04o}): {problem}, so another \
         user could replace the library; fix it (`chmod go-w`, `chown`) or set \
         `allow_writable_plugins = true` in plugins.toml",
        .path.display()
    )]
    UnsafePermissions {
        plugin: String,
        /// The library file or the folder that is not safe.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
        /// What is wrong with it.
        problem: String,
    },
    /// The plugin panicked while starting; the panic was contained.
    #[error("plugin `{plugin}` ({origin}) panicked in {during}: {message}")]
    Panicked {
        plugin: String,
        origin: String,
        during: &'static str,
        message: String,
    },
    /// The plugin refused its `[plugin.config]`.
    #[error("plugin `{plugin}`: {config}{}: invalid [plugin.config]{}: {message}",
        .line.map(|l| format!(":{l}")).unwrap_or_default(),
        .key.as_ref().map(|k| format!(" key `{k}`")).unwrap_or_default())]
    BadConfig {
        plugin: String,
        config: String,
        line: Option<usize>,
        key: Option<String>,
        message: String,
    },
    /// The plugin failed to start for another reason.
    #[error("plugin `{plugin}` ({origin}) failed to start: {error}")]
    Start {
        plugin: String,
        origin: String,
        error: DbError,
    },
}

fn list(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "  (no search paths configured)".into();
    }
    paths
        .iter()
        .map(|p| format!("  {}", p.display()))
        .collect::<Vec<_>>()
        .join("\n")
}
