//! Loading a plugin library from disk through abi_stable.
//!
//! `lib_header_from_path` + `init_root_module` (one root module per library; never
//! `load_from_file`, which caches one module per type). Libraries are never unloaded.

use std::path::{Path, PathBuf};

use abi_stable::library::{lib_header_from_path, LibraryError};
use plugorm_plugin_api::{
    ffi::{import::ImportedDialect, log::host_services, FfiPluginInstance, PluginModuleRef},
    Manifest, PluginInstance, PLUGIN_API_VERSION,
};
use sha2::{Digest, Sha256};
use std::sync::Arc;

use super::{candidates, library_file_name, LoadError};
use crate::config::PluginEntry;

/// Finds, verifies, opens and instantiates the library of one configured plugin.
pub(crate) fn load_library(
    entry: &PluginEntry,
    search_paths: &[PathBuf],
) -> Result<(Manifest, PathBuf, PluginInstance), LoadError> {
    let tried = candidates(entry, search_paths);
    let path = tried
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .ok_or_else(|| LoadError::NotFound {
            plugin: entry.name.clone(),
            file: entry.path.as_ref().map_or_else(
                || library_file_name(&entry.name),
                |p| p.display().to_string(),
            ),
            tried: tried.clone(),
        })?;
    if let Some(expected) = &entry.sha256 {
        let actual = sha256_of(&path).map_err(|e| LoadError::NotAPlugin {
            plugin: entry.name.clone(),
            path: path.clone(),
            cause: format!("cannot read it: {e}"),
        })?;
        if &actual != expected {
            return Err(LoadError::HashMismatch {
                plugin: entry.name.clone(),
                path,
                expected: expected.clone(),
                actual,
            });
        }
    }
    let module = open_module(&entry.name, &path)?;
    let origin = path.display().to_string();
    let manifest = super::contain(&entry.name, &origin, "manifest", || {
        into_result((module.manifest())())
    })?;
    let ffi = super::contain(&entry.name, &origin, "instantiate", || {
        into_result((module.instantiate())(host_services()))
    })?;
    let instance = match ffi {
        FfiPluginInstance::Dialect { info, dialect } => {
            PluginInstance::Dialect(Arc::new(ImportedDialect::new(info, dialect)))
        }
        FfiPluginInstance::Feature(f) => PluginInstance::Feature(super::imported_feature(f)),
    };
    Ok((manifest, path, instance))
}

fn into_result<T>(
    r: abi_stable::std_types::RResult<T, plugorm_plugin_api::FfiError>,
) -> Result<T, plugorm_plugin_api::DbError> {
    r.into_result().map_err(Into::into)
}

fn sha256_of(path: &Path) -> std::io::Result<String> {
    let bytes = std::fs::read(path)?;
    Ok(Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Opens the library and checks its plugin-API version and type layout.
fn open_module(plugin: &str, path: &Path) -> Result<PluginModuleRef, LoadError> {
    let not_a_plugin = |cause: String| LoadError::NotAPlugin {
        plugin: plugin.to_string(),
        path: path.to_path_buf(),
        cause,
    };
    let header = lib_header_from_path(path).map_err(|e| match e {
        LibraryError::OpenError { err, .. } => not_a_plugin(format!("cannot be opened ({err})")),
        LibraryError::GetSymbolError { .. } => not_a_plugin(
            "it exports no plugorm root module (built without `export_plugin!`?)".into(),
        ),
        other => not_a_plugin(first_line(&other.to_string())),
    })?;
    let plugin_api = header.version_strings().version.to_string();
    header.init_root_module::<PluginModuleRef>().map_err(|e| {
        tracing::debug!(target: "plugorm::loader", plugin, path = %path.display(), report = %e, "plugin refused");
        match e {
            LibraryError::IncompatibleVersionNumber { expected_version, actual_version, .. } => {
                LoadError::ApiMismatch {
                    plugin: plugin.to_string(),
                    path: path.to_path_buf(),
                    plugin_api: actual_version.to_string(),
                    host_api: expected_version.to_string(),
                    detail: "the plugin-API versions are not compatible".into(),
                }
            }
            LibraryError::AbiInstability(report) => LoadError::ApiMismatch {
                plugin: plugin.to_string(),
                path: path.to_path_buf(),
                plugin_api: plugin_api.clone(),
                host_api: PLUGIN_API_VERSION.to_string(),
                detail: if plugin_api == PLUGIN_API_VERSION {
                    format!(
                        "same version number, but the type layouts differ (built from other \
                         plugin-API sources): {}",
                        last_error_block(&report.to_string())
                    )
                } else {
                    last_error_block(&report.to_string())
                },
            },
            other => not_a_plugin(first_line(&other.to_string())),
        }
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
