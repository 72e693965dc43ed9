//! Which plugin-API releases load together: the version rule and the layout check.
//!
//! Within one minor line (0.2.x) the exchanged types only grow at their growth points:
//! prefix types ([`super::FfiManifest`], [`super::FfiDialectInfo`], the `Ffi*` trait
//! objects' method tables) gain fields or methods after their last prefix field, and
//! non-exhaustive enums ([`crate::Value`], [`crate::migrate::Ddl`],
//! [`super::FfiPluginInstance`]) gain variants. abi_stable's checker accepts a library
//! whose types have *more* of these than the loading binary (a newer plugin); for an
//! *older* plugin the host runs the same check with the roles swapped, which accepts
//! exactly the layouts that differ only by what the newer side appended. Reading a field
//! or variant the other side lacks is answered at run time (an absent field, a typed error
//! for an unknown variant), never undefined behaviour.

use abi_stable::{
    abi_stability::abi_checking::check_layout_compatibility, type_layout::TypeLayout,
};

/// How a plugin's layout relates to the host's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayoutVerdict {
    /// Identical exchanged types.
    Same,
    /// Built against a later 0.2 release; the host ignores what it appended.
    NewerPlugin,
    /// Built against an earlier 0.2 release; the host meets its missing appendices as
    /// absent.
    OlderPlugin,
}

/// A plugin-API version as `major.minor.patch` (a pre-release suffix is ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ApiVersion {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl ApiVersion {
    /// Parses `0.2.1` (or `0.2.1-dev`); `None` for anything else.
    ///
    /// ```
    /// use plugorm_plugin_api::ffi::compat::ApiVersion;
    /// let v = ApiVersion::parse("0.2.1-dev").unwrap();
    /// assert_eq!((v.major, v.minor, v.patch), (0, 2, 1));
    /// assert!(ApiVersion::parse("two").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<ApiVersion> {
        let core = text.split(['-', '+']).next()?;
        let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
        let v = ApiVersion {
            major: parts.next()??,
            minor: parts.next()??,
            patch: parts.next()??,
        };
        parts.next().is_none().then_some(v)
    }

    /// The release line compatibility is promised within: the minor for 0.x, else the major.
    fn line(self) -> (u64, u64) {
        if self.major == 0 {
            (0, self.minor)
        } else {
            (self.major, 0)
        }
    }
}

/// Checks a plugin's root-module layout against the host's, in the direction the versions
/// call for; the error is the checker's report, for the caller to shorten.
pub fn check_layouts(
    host: &'static TypeLayout,
    host_api: ApiVersion,
    plugin: &'static TypeLayout,
    plugin_api: ApiVersion,
) -> Result<LayoutVerdict, String> {
    if host_api.line() != plugin_api.line() {
        return Err(format!(
            "plugin API {}.{} and {}.{} are different release lines",
            plugin_api.major, plugin_api.minor, host_api.major, host_api.minor
        ));
    }
    let newer_or_same = check_layout_compatibility(host, plugin);
    match newer_or_same {
        Ok(()) if plugin_api <= host_api => Ok(LayoutVerdict::Same),
        Ok(()) => Ok(LayoutVerdict::NewerPlugin),
        Err(forward) if plugin_api < host_api => match check_layout_compatibility(plugin, host) {
            Ok(()) => Ok(LayoutVerdict::OlderPlugin),
            Err(_) => Err(forward.to_string()),
        },
        Err(e) => Err(e.to_string()),
    }
}
