//! Loading a plugin library from disk through abi_stable.
//!
//! `lib_header_from_path` + `init_root_module` (one root module per library; never
//! `load_from_file`, which caches one module per type). Libraries are never unloaded.
//! The file is read once and checked ([`super::file`]); what is loaded is a private copy
//! of exactly those bytes.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

use super::{
    candidates,
    file::{check_pin, check_structure, sha256_hex, Identity, OpenLibrary, PrivateCopy},
    library_file_name, LoadError,
};
use crate::config::PluginEntry;
use abi_stable::{
    library::{lib_header_from_path, LibraryError},
    StableAbi,
};
use plugorm_plugin_api::{
    ffi::{
        compat::{check_layouts, ApiVersion},
        import::ImportedDialect,
        log::host_services,
        FfiPluginInstance, PluginModuleRef,
    },
    Manifest, PluginInstance, PLUGIN_API_VERSION,
};

/// Finds, verifies, opens and instantiates the library of one configured plugin.
pub(crate) fn load_library(
    entry: &PluginEntry,
    search_paths: &[PathBuf],
    allow_writable: bool,
) -> Result<(Manifest, PathBuf, PluginInstance), LoadError> {
    let tried = candidates(entry, search_paths);
    // The first candidate that exists at all: a folder or a broken file where the library
    // should be is reported as what it is, not skipped as "not found".
    let path = tried
        .iter()
        .find(|p| p.exists())
        .cloned()
        .ok_or_else(|| LoadError::NotFound {
            plugin: entry.name.clone(),
            file: entry.path.as_ref().map_or_else(
                || library_file_name(&entry.name),
                |p| p.display().to_string(),
            ),
            tried: tried.clone(),
        })?;
    let module = load_module(entry, &path, allow_writable)?;
    let origin = path.display().to_string();
    let manifest = super::contain(&entry.name, &origin, "manifest", || {
        into_result((module.manifest())()).and_then(|m| m.read())
    })?;
    let ffi = super::contain(&entry.name, &origin, "instantiate", || {
        into_result((module.instantiate())(host_services()))
    })?;
    let instance = match ffi.into_enum() {
        Ok(FfiPluginInstance::Dialect { info, dialect }) => {
            let dialect = ImportedDialect::new(info, dialect)
                .map(|d| d.built_against(&manifest.api_version))
                .map_err(|e| LoadError::ApiMismatch {
                    plugin: entry.name.clone(),
                    path: path.clone(),
                    plugin_api: manifest.api_version.clone(),
                    host_api: PLUGIN_API_VERSION.to_string(),
                    detail: e.to_string(),
                })?;
            PluginInstance::Dialect(Arc::new(dialect))
        }
        Ok(FfiPluginInstance::Feature(f)) => {
            PluginInstance::Feature(super::imported_feature(f, &manifest.api_version))
        }
        Err(unknown) => {
            return Err(LoadError::ApiMismatch {
                plugin: entry.name.clone(),
                path: path.clone(),
                plugin_api: manifest.api_version.clone(),
                host_api: PLUGIN_API_VERSION.to_string(),
                detail: format!(
                    "it is a plugin kind (#{}) this host does not know; upgrade the host",
                    unknown.non_exhaustive.get_discriminant()
                ),
            })
        }
    };
    Ok((manifest, path, instance))
}

/// A library loaded before: its root module, and the SHA-256 of the bytes it was loaded
/// from once a pin asked for it (hashing is skipped when nothing is pinned: unoptimized,
/// it costs most of a second for a debug build of a plugin).
struct Loaded {
    module: PluginModuleRef,
    sha256: Option<String>,
}

/// The libraries loaded so far, by the identity of the file they were read from: loading
/// the same unchanged file again reuses its module, as `dlopen` of one path would, instead
/// of mapping one more private copy (each copy is a new file to the dynamic loader, and
/// libraries are never unloaded).
static LOADED: Mutex<BTreeMap<Identity, Loaded>> = Mutex::new(BTreeMap::new());

/// Opens the file once, checks it, and loads a private copy of exactly the bytes checked;
/// errors name the configured `path`.
fn load_module(
    entry: &PluginEntry,
    path: &Path,
    allow_writable: bool,
) -> Result<PluginModuleRef, LoadError> {
    let plugin = entry.name.as_str();
    let mut file = OpenLibrary::open(plugin, path, allow_writable)?;
    // Held across the load so two threads loading the same file map it once.
    let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(known) = loaded.get_mut(&file.identity) {
        if let Some(pin) = &entry.sha256 {
            // Same identity, same bytes as those loaded: hashing them now checks the
            // module that is running.
            let actual = match &known.sha256 {
                Some(h) => h.clone(),
                None => sha256_hex(&file.read(plugin, path)?),
            };
            check_pin(plugin, path, pin, &actual)?;
            known.sha256 = Some(actual);
        }
        return Ok(known.module);
    }
    let bytes = file.read(plugin, path)?;
    let sha256 = match &entry.sha256 {
        Some(pin) => {
            let actual = sha256_hex(&bytes);
            check_pin(plugin, path, pin, &actual)?;
            Some(actual)
        }
        None => None,
    };
    check_structure(plugin, path, &bytes)?;
    let copy = PrivateCopy::write(path, &bytes).map_err(|e| LoadError::NotAPlugin {
        plugin: plugin.to_string(),
        path: path.to_path_buf(),
        cause: format!("cannot write its private copy for loading: {e}"),
    })?;
    let module = open_module(plugin, path, &copy.path)?;
    // The copy is removed here, on drop: the library stays mapped (never unloaded).
    drop(copy);
    loaded.insert(file.identity, Loaded { module, sha256 });
    Ok(module)
}

fn into_result<T>(
    r: abi_stable::std_types::RResult<T, plugorm_plugin_api::FfiError>,
) -> Result<T, plugorm_plugin_api::DbError> {
    r.into_result().map_err(Into::into)
}

/// Opens the library at `copy` and checks its plugin-API version and type layout;
/// errors name `path`, the file the user configured.
fn open_module(plugin: &str, path: &Path, copy: &Path) -> Result<PluginModuleRef, LoadError> {
    let not_a_plugin = |cause: String| LoadError::NotAPlugin {
        plugin: plugin.to_string(),
        path: path.to_path_buf(),
        cause,
    };
    // The dynamic loader's messages name the copy; the user knows the configured file.
    let (copy_name, path_name) = (copy.display().to_string(), path.display().to_string());
    let named = |text: String| text.replace(&copy_name, &path_name);
    let header = lib_header_from_path(copy).map_err(|e| match e {
        LibraryError::OpenError { err, .. } => {
            not_a_plugin(format!("cannot be opened ({})", named(err.to_string())))
        }
        LibraryError::GetSymbolError { .. } => not_a_plugin(
            "it exports no plugorm root module (built without `export_plugin!`?)".into(),
        ),
        other => not_a_plugin(named(first_line(&other.to_string()))),
    })?;
    let plugin_api = header.version_strings().version.to_string();
    let mismatch = |detail: String| LoadError::ApiMismatch {
        plugin: plugin.to_string(),
        path: path.to_path_buf(),
        plugin_api: plugin_api.clone(),
        host_api: PLUGIN_API_VERSION.to_string(),
        detail,
    };
    let (Some(plugin_version), Some(host_version)) = (
        ApiVersion::parse(&plugin_api),
        ApiVersion::parse(PLUGIN_API_VERSION),
    ) else {
        return Err(mismatch(
            "its plugin-API version is not a version number".into(),
        ));
    };
    let Some(plugin_layout) = header.layout() else {
        return Err(mismatch(
            "it was built without type-layout constants, so it cannot be checked".into(),
        ));
    };
    let host_layout = <PluginModuleRef as StableAbi>::LAYOUT;
    let verdict = check_layouts(host_layout, host_version, plugin_layout, plugin_version)
        .map_err(|report| {
            tracing::debug!(target: "plugorm::loader", plugin, path = %path.display(), %report, "plugin refused");
            mismatch(if plugin_api == PLUGIN_API_VERSION {
                format!(
                    "same version number, but the type layouts differ (built from other \
                     plugin-API sources): {}",
                    last_error_block(&report)
                )
            } else if report.contains("different release lines") {
                "the plugin-API versions are not compatible".into()
            } else {
                last_error_block(&report)
            })
        })?;
    tracing::debug!(target: "plugorm::loader", plugin, ?verdict, %plugin_api, "plugin layout accepted");
    // SAFETY: `check_layouts` has just checked the library's root-module layout against the
    // host's with abi_stable's checker, in the direction the two versions call for (see
    // `plugorm_plugin_api::ffi::compat`); this call checks the version number again and
    // runs the library's constructor.
    let module = unsafe { header.init_root_module_with_unchecked_layout::<PluginModuleRef>() };
    module.map_err(|e| match e {
        LibraryError::IncompatibleVersionNumber {
            expected_version,
            actual_version,
            ..
        } => LoadError::ApiMismatch {
            plugin: plugin.to_string(),
            path: path.to_path_buf(),
            plugin_api: actual_version.to_string(),
            host_api: expected_version.to_string(),
            detail: "the plugin-API versions are not compatible".into(),
        },
        other => not_a_plugin(named(first_line(&other.to_string()))),
    })
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().trim().to_string()
}

/// The last `Error:` block of abi_stable's layout report (which runs to thousands of
/// lines), folded onto one line.
fn last_error_block(report: &str) -> String {
    let tail = match report.rfind("Error:") {
        Some(i) => &report[i..],
        None => report,
    };
    let lines: Vec<&str> = tail
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(6)
        .collect();
    lines.join(" ")
}
