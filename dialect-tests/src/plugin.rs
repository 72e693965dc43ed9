//! [`Plugin`]: the dialect under test, linked in or loaded from its library.

use std::path::{Path, PathBuf};

use plugorm::{
    config::PluginsConfig,
    loader::LoadError,
    plugin_api::manifest::{PluginDescriptor, PluginKind},
    Error, Origin, Registry,
};

use crate::suite::SuiteError;

/// The dialect plugin under test.
///
/// ```no_run
/// use plugorm_dialect_tests::Plugin;
/// # fn t(descriptor: &'static plugorm::plugin_api::manifest::PluginDescriptor) {
/// let linked = Plugin::Static(descriptor);                  // e.g. &plugorm_sqlite::PLUGIN
/// let built = Plugin::library("target/debug/libplugorm_sqlite.so");
/// # }
/// ```
#[derive(Clone)]
pub enum Plugin {
    /// Linked into the test binary: the crate's `PluginDescriptor` (registered with
    /// `register_static_plugin!`, which naming it here keeps in the binary).
    Static(&'static PluginDescriptor),
    /// A built plugin library (`.so` / `.dylib` / `.dll`), loaded as `plugins.toml`
    /// would load it — except that a build folder writable by the group (umask 002) is
    /// accepted (`allow_writable_plugins`): the kit loads the file the author just built.
    Library(PathBuf),
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Plugin::Static(d) => write!(f, "Static({})", (d.manifest)().name.as_str()),
            Plugin::Library(p) => write!(f, "Library({})", p.display()),
        }
    }
}

impl Plugin {
    /// A plugin library by path.
    ///
    /// ```
    /// let p = plugorm_dialect_tests::Plugin::library("/opt/lib/libplugorm_duck.so");
    /// assert!(matches!(p, plugorm_dialect_tests::Plugin::Library(_)));
    /// ```
    pub fn library(path: impl Into<PathBuf>) -> Plugin {
        Plugin::Library(path.into())
    }

    /// The library `cargo build` put beside this test binary: `name`'s
    /// `lib plugorm_<name>.so` (platform naming) in the folder above the test executable's
    /// `deps/` — `target/debug` for `cargo test` — so a custom `CARGO_TARGET_DIR` works.
    ///
    /// ```no_run
    /// let p = plugorm_dialect_tests::Plugin::built("sqlite");
    /// ```
    pub fn built(name: &str) -> Plugin {
        let exe = std::env::current_exe().unwrap_or_default();
        let dir = exe
            .parent()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        Plugin::Library(dir.join(plugorm::loader::library_file_name(name)))
    }

    /// A registry holding the plugin, and the plugin's name.
    pub(crate) fn registry(&self) -> Result<(Registry, String), SuiteError> {
        match self {
            Plugin::Static(descriptor) => {
                let manifest = (descriptor.manifest)();
                let name = manifest.name.to_string();
                if manifest.kind != PluginKind::Dialect {
                    return Err(SuiteError::NotADialect { plugin: name });
                }
                let registry = Registry::load(&PluginsConfig::default())?;
                match registry.get(&name).map(|p| &p.origin) {
                    Some(Origin::Static) => Ok((registry, name)),
                    _ => Err(SuiteError::NotRegistered { plugin: name }),
                }
            }
            Plugin::Library(path) => {
                if !path.is_file() {
                    return Err(SuiteError::Library {
                        path: path.clone(),
                        reason: "no such file (build the plugin's cdylib first, e.g. `cargo build --workspace`)".into(),
                    });
                }
                let path = std::path::absolute(path).map_err(|e| SuiteError::Library {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
                let guess = name_from_file(&path);
                let registry = match load_library(&guess, &path) {
                    Err(SuiteError::Host(Error::Load(LoadError::NameMismatch {
                        found, ..
                    }))) => return finish_library(load_library(&found, &path)?, found, path),
                    other => other?,
                };
                finish_library(registry, guess, path)
            }
        }
    }
}

/// Checks the library's plugin is a dialect and really came from the file.
fn finish_library(
    registry: Registry,
    name: String,
    path: PathBuf,
) -> Result<(Registry, String), SuiteError> {
    let Some(loaded) = registry.get(&name) else {
        return Err(SuiteError::NotRegistered { plugin: name });
    };
    if loaded.manifest.kind != PluginKind::Dialect {
        return Err(SuiteError::NotADialect { plugin: name });
    }
    if loaded.origin == Origin::Static {
        return Err(SuiteError::StaticShadowsLibrary { plugin: name, path });
    }
    Ok((registry, name))
}

/// `libplugorm_foo_bar.so` → `foo_bar` (a first guess; the manifest corrects it).
fn name_from_file(path: &Path) -> String {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = file
        .strip_prefix(std::env::consts::DLL_PREFIX)
        .unwrap_or(&file);
    let stem = stem
        .strip_suffix(std::env::consts::DLL_SUFFIX)
        .unwrap_or(stem);
    stem.strip_prefix("plugorm_").unwrap_or(stem).to_string()
}

fn load_library(name: &str, path: &Path) -> Result<Registry, SuiteError> {
    let text = format!(
        "allow_writable_plugins = true\n\n[[plugin]]\nname = {}\npath = {}\n",
        toml_string(name),
        toml_string(&path.display().to_string())
    );
    let at = path
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join("plugins.toml");
    let config = PluginsConfig::parse(&text, &at).map_err(Error::from)?;
    Ok(Registry::load(&config)?)
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_file_name() {
        let file = format!(
            "{}plugorm_my_db{}",
            std::env::consts::DLL_PREFIX,
            std::env::consts::DLL_SUFFIX
        );
        assert_eq!(name_from_file(Path::new(&file)), "my_db");
        assert_eq!(toml_string("a\"b\\c"), r#""a\"b\\c""#);
    }
}
