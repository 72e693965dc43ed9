//! `plugins.toml`: which plugins to load, from where, with what settings.
//!
//! ```toml
//! search_paths = ["target/release", "/usr/lib/plugorm"]
//! # allow_writable_plugins = true   # opt out of the file-permission check (not advised)
//!
//! [[plugin]]
//! name = "sqlite"
//! version = "^0.1"
//!
//! [[plugin]]
//! name = "soft-delete"
//! enabled = false
//! sha256 = "…"
//! [plugin.config]
//! mode = "timestamp"
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use crate::pool_settings::{split_pool_keys, PoolSettings, POOL_KEYS};

/// Where the configuration is read from when no path is given: `PLUGORM_CONFIG`, else
/// `./plugins.toml`.
pub fn default_config_path() -> PathBuf {
    std::env::var_os("PLUGORM_CONFIG")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("plugins.toml"))
}

/// A malformed `plugins.toml`, with the line of the offending key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based line, where known.
    pub line: Option<usize>,
    pub message: String,
}

/// One `[[plugin]]` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginEntry {
    pub name: String,
    /// The semver requirement on the plugin's own version (`*` when absent).
    pub version: semver::VersionReq,
    pub enabled: bool,
    /// An explicit library file, resolved against the config's folder.
    pub path: Option<PathBuf>,
    /// The library's expected SHA-256, checked before it is opened.
    pub sha256: Option<String>,
    /// `[plugin.config]` as JSON text, handed to the plugin.
    pub config_json: String,
    /// Line of the `[[plugin]]` header, for messages.
    pub line: usize,
    /// The `[plugin.config]` keys and their lines, for messages about a key.
    pub config_key_lines: Vec<(String, usize)>,
    /// `[plugin.pool]`: pool settings for every database this dialect opens.
    pub pool: PoolSettings,
}

/// A parsed `plugins.toml`.
///
/// ```
/// let cfg = plugorm::config::PluginsConfig::parse(
///     "search_paths = [\"lib\"]\n[[plugin]]\nname = \"sqlite\"\nversion = \"^0.1\"\n",
///     std::path::Path::new("/etc/app/plugins.toml"),
/// ).unwrap();
/// assert_eq!(cfg.search_paths, vec![std::path::PathBuf::from("/etc/app/lib")]);
/// assert_eq!(cfg.plugins[0].name, "sqlite");
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PluginsConfig {
    /// The file it came from (empty for a built-in configuration).
    pub path: PathBuf,
    /// Absolute search paths.
    pub search_paths: Vec<PathBuf>,
    pub plugins: Vec<PluginEntry>,
    /// `allow_writable_plugins = true`: load plugin libraries even when the file or its
    /// folder is writable by group or others, or owned by another user than root or the
    /// current one. Off by default: such a library could be swapped by someone else.
    ///
    /// ```
    /// let cfg = plugorm::config::PluginsConfig::parse(
    ///     "allow_writable_plugins = true\n",
    ///     std::path::Path::new("plugins.toml"),
    /// ).unwrap();
    /// assert!(cfg.allow_writable_plugins);
    /// ```
    pub allow_writable_plugins: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    search_paths: Vec<String>,
    #[serde(default)]
    plugin: Vec<toml::Spanned<RawPlugin>>,
    #[serde(default)]
    allow_writable_plugins: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlugin {
    name: toml::Spanned<String>,
    version: Option<toml::Spanned<String>>,
    enabled: Option<bool>,
    path: Option<String>,
    sha256: Option<toml::Spanned<String>>,
    config: Option<toml::Spanned<KeyedTable>>,
    pool: Option<toml::Spanned<KeyedTable>>,
}

/// A table read with the span of each of its keys, in document order: the parser knows
/// where every key is, so no key is searched for in the text afterwards (a search per key
/// made a large `[plugin.config]` quadratic).
#[derive(Default)]
struct KeyedTable {
    table: toml::Table,
    /// Each key with the byte offset where it starts.
    starts: Vec<(String, usize)>,
}

impl<'de> Deserialize<'de> for KeyedTable {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = KeyedTable;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<KeyedTable, A::Error> {
                let mut out = KeyedTable::default();
                while let Some((key, value)) =
                    map.next_entry::<toml::Spanned<String>, toml::Value>()?
                {
                    let start = key.span().start;
                    let key = key.into_inner();
                    out.starts.push((key.clone(), start));
                    out.table.insert(key, value);
                }
                Ok(out)
            }
        }
        d.deserialize_map(Visitor)
    }
}

/// 1-based line numbers of byte offsets, from one pass over the text: a binary search
/// per lookup instead of counting newlines from the start each time.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Lines {
        Lines(text.match_indices('\n').map(|(i, _)| i).collect())
    }

    fn of(&self, offset: usize) -> usize {
        self.0.partition_point(|&nl| nl < offset) + 1
    }
}

impl PluginsConfig {
    /// Reads and parses a file.
    pub fn load(path: &Path) -> Result<PluginsConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            line: None,
            message: format!("cannot read the plugin configuration: {e}"),
        })?;
        PluginsConfig::parse(&text, path)
    }

    /// Parses configuration text; `path` locates relative paths and names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<PluginsConfig, ConfigError> {
        let err = |line: Option<usize>, message: String| ConfigError {
            path: path.to_path_buf(),
            line,
            message,
        };
        let lines = Lines::new(text);
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| lines.of(s.start));
            err(line, e.message().to_string())
        })?;
        let base = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let resolve = |p: &str| {
            let p = PathBuf::from(p);
            if p.is_absolute() {
                p
            } else {
                base.join(p)
            }
        };
        let mut plugins: Vec<PluginEntry> = Vec::new();
        for spanned in raw.plugin {
            let header_line = lines.of(spanned.span().start);
            let p = spanned.into_inner();
            let name_line = lines.of(p.name.span().start);
            let name = p.name.into_inner();
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(err(
                    Some(name_line),
                    format!(
                        "key `name`: `{name}` is not a plugin name (letters, digits, `-`, `_`)"
                    ),
                ));
            }
            if let Some(first) = plugins.iter().find(|e| e.name == name) {
                return Err(err(
                    Some(name_line),
                    format!(
                        "key `name`: plugin `{name}` is listed twice (first at line {})",
                        first.line
                    ),
                ));
            }
            let version = match p.version {
                None => semver::VersionReq::STAR,
                Some(v) => {
                    let line = lines.of(v.span().start);
                    semver::VersionReq::parse(v.get_ref()).map_err(|e| {
                        err(
                            Some(line),
                            format!(
                                "key `version` of plugin `{name}`: `{}` is not a semver requirement: {e}",
                                v.get_ref()
                            ),
                        )
                    })?
                }
            };
            let sha256 = match p.sha256 {
                None => None,
                Some(s) => {
                    let line = lines.of(s.span().start);
                    let hex = s.into_inner().to_ascii_lowercase();
                    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                        return Err(err(
                            Some(line),
                            format!("key `sha256` of plugin `{name}`: expected 64 hex digits"),
                        ));
                    }
                    Some(hex)
                }
            };
            let (config_json, config_key_lines) = match p.config {
                None => ("{}".to_string(), Vec::new()),
                Some(table) => {
                    let start = table.span().start;
                    let KeyedTable { table, starts } = table.into_inner();
                    let json = serde_json::to_string(&table).map_err(|e| {
                        err(
                            Some(lines.of(start)),
                            format!("[plugin.config] of `{name}`: {e}"),
                        )
                    })?;
                    let keys = starts
                        .into_iter()
                        .map(|(k, at)| (k, lines.of(at)))
                        .collect();
                    (json, keys)
                }
            };
            let pool = match p.pool {
                None => PoolSettings::default(),
                Some(table) => {
                    let KeyedTable { table, starts } = table.into_inner();
                    let mut pool = PoolSettings::default();
                    for (key, at) in starts {
                        let line = Some(lines.of(at));
                        let Some(value) = table.get(&key).cloned() else {
                            continue;
                        };
                        let text_value = match value {
                            toml::Value::String(s) => s,
                            toml::Value::Integer(i) => i.to_string(),
                            other => {
                                return Err(err(
                                    line,
                                    format!(
                                        "[plugin.pool] of `{name}`: key `{key}` must be a number or a string, not a {}",
                                        other.type_str()
                                    ),
                                ))
                            }
                        };
                        pool.set(&key, &text_value)
                            .map_err(|m| err(line, format!("[plugin.pool] of `{name}`: {m}")))?;
                    }
                    pool
                }
            };
            plugins.push(PluginEntry {
                name,
                version,
                enabled: p.enabled.unwrap_or(true),
                path: p.path.as_deref().map(resolve),
                sha256,
                config_json,
                line: header_line,
                config_key_lines,
                pool,
            });
        }
        Ok(PluginsConfig {
            path: path.to_path_buf(),
            search_paths: raw.search_paths.iter().map(|p| resolve(p)).collect(),
            plugins,
            allow_writable_plugins: raw.allow_writable_plugins,
        })
    }
}

impl PluginEntry {
    /// The line of a `[plugin.config]` key, if present.
    pub fn config_line(&self, key: &str) -> Option<usize> {
        self.config_key_lines
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, l)| *l)
    }
}
