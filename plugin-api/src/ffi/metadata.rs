//! What a plugin says about itself, in the form that can grow within a minor release.
//!
//! [`FfiManifest`] and [`FfiDialectInfo`] are abi_stable prefix types: a later 0.2 release
//! may append fields after the `last_prefix_field`, and either side reads a field the other
//! lacks as absent. Enums inside them cross as their code (`u8`), so a kind or style added
//! later is refused by an older host with a message naming it, instead of failing the
//! whole layout check. The plain Rust forms ([`Manifest`], [`Capabilities`]) are what
//! authors and the host use; the conversions live here.

use abi_stable::{
    std_types::{RSlice, RStr},
    StableAbi,
};

use crate::{
    dialect::{Capabilities, InsertIdRow, UpsertStyle},
    manifest::{Manifest, PluginKind},
    DbError, DbResult,
};

/// A [`Manifest`] across the boundary.
#[repr(C)]
#[derive(StableAbi)]
#[sabi(kind(Prefix(prefix_ref = FfiManifestRef)))]
#[sabi(missing_field(option))]
pub struct FfiManifest {
    pub name: RStr<'static>,
    /// [`PluginKind`] code: 0 dialect, 1 feature.
    pub kind: u8,
    pub version: RStr<'static>,
    pub api_version: RStr<'static>,
    pub min_host: RStr<'static>,
    #[sabi(last_prefix_field)]
    pub description: RStr<'static>,
}

/// A dialect's constant facts across the boundary: name, URL schemes, [`Capabilities`].
#[repr(C)]
#[derive(StableAbi)]
#[sabi(kind(Prefix(prefix_ref = FfiDialectInfoRef)))]
#[sabi(missing_field(option))]
pub struct FfiDialectInfo {
    pub name: RStr<'static>,
    pub url_schemes: RSlice<'static, RStr<'static>>,
    pub returning: bool,
    pub savepoints: bool,
    /// [`UpsertStyle`] code.
    pub upsert: u8,
    pub row_locks: bool,
    pub max_params: u32,
    /// [`InsertIdRow`] code.
    #[sabi(last_prefix_field)]
    pub insert_id_row: u8,
    /// [`Capabilities::insert_id_exact`] (0.2.1; absent from 0.2.0 plugins: false).
    pub insert_id_exact: bool,
    /// [`Capabilities::transactional_ddl`] (0.2.5; absent from older plugins: false).
    pub transactional_ddl: bool,
}

impl FfiManifest {
    /// The boundary form of a manifest (leaked: built once per plugin library).
    pub fn leak(m: &Manifest) -> FfiManifestRef {
        use abi_stable::prefix_type::PrefixTypeTrait;
        FfiManifest {
            name: leak_str(&m.name),
            kind: kind_code(m.kind),
            version: leak_str(&m.version),
            api_version: leak_str(&m.api_version),
            min_host: leak_str(&m.min_host),
            description: leak_str(&m.description),
        }
        .leak_into_prefix()
    }
}

impl FfiManifestRef {
    /// Reads the manifest back; a kind this side does not know is an error naming it.
    pub fn read(self) -> DbResult<Manifest> {
        let api_version = self.api_version().to_string();
        Ok(Manifest {
            name: self.name().to_string(),
            kind: kind_of(self.kind(), &api_version)?,
            version: self.version().to_string(),
            min_host: self.min_host().to_string(),
            description: self.description().to_string(),
            api_version,
        })
    }
}

impl FfiDialectInfo {
    /// The boundary form of a dialect's facts (leaked: built once per loaded plugin).
    pub fn leak(name: &str, url_schemes: Vec<String>, c: &Capabilities) -> FfiDialectInfoRef {
        use abi_stable::prefix_type::PrefixTypeTrait;
        FfiDialectInfo {
            name: leak_str(name),
            url_schemes: RSlice::from_slice(Box::leak(
                url_schemes
                    .iter()
                    .map(|s| leak_str(s))
                    .collect::<Box<[_]>>(),
            )),
            returning: c.returning,
            savepoints: c.savepoints,
            upsert: upsert_code(c.upsert),
            row_locks: c.row_locks,
            max_params: c.max_params,
            insert_id_row: insert_id_row_code(c.insert_id_row),
            insert_id_exact: c.insert_id_exact,
            transactional_ddl: c.transactional_ddl,
        }
        .leak_into_prefix()
    }
}

impl FfiDialectInfoRef {
    /// The dialect's name and URL schemes.
    pub fn names(self) -> (String, Vec<String>) {
        (
            self.name().to_string(),
            self.url_schemes().iter().map(|s| s.to_string()).collect(),
        )
    }

    /// The dialect's capabilities; a style this side does not know is an error naming it.
    pub fn capabilities(self) -> DbResult<Capabilities> {
        Ok(Capabilities {
            returning: self.returning(),
            savepoints: self.savepoints(),
            upsert: upsert_of(self.upsert())?,
            row_locks: self.row_locks(),
            max_params: self.max_params(),
            insert_id_row: insert_id_row_of(self.insert_id_row())?,
            insert_id_exact: self.insert_id_exact().unwrap_or(false),
            transactional_ddl: self.transactional_ddl().unwrap_or(false),
        })
    }
}

/// Text that lives as long as the plugin (these facts are built once per load).
fn leak_str(s: &str) -> RStr<'static> {
    RStr::from_str(Box::leak(s.to_owned().into_boxed_str()))
}

fn kind_code(k: PluginKind) -> u8 {
    match k {
        PluginKind::Dialect => 0,
        PluginKind::Feature => 1,
    }
}

fn kind_of(code: u8, api_version: &str) -> DbResult<PluginKind> {
    match code {
        0 => Ok(PluginKind::Dialect),
        1 => Ok(PluginKind::Feature),
        other => Err(unknown("plugin kind", other, api_version)),
    }
}

fn upsert_code(u: UpsertStyle) -> u8 {
    match u {
        UpsertStyle::OnConflict => 0,
        UpsertStyle::OnDuplicateKey => 1,
        UpsertStyle::Merge => 2,
        UpsertStyle::None => 3,
    }
}

fn upsert_of(code: u8) -> DbResult<UpsertStyle> {
    match code {
        0 => Ok(UpsertStyle::OnConflict),
        1 => Ok(UpsertStyle::OnDuplicateKey),
        2 => Ok(UpsertStyle::Merge),
        3 => Ok(UpsertStyle::None),
        other => Err(unknown("upsert style", other, "a newer 0.2")),
    }
}

fn insert_id_row_code(r: InsertIdRow) -> u8 {
    match r {
        InsertIdRow::Last => 0,
        InsertIdRow::First => 1,
    }
}

fn insert_id_row_of(code: u8) -> DbResult<InsertIdRow> {
    match code {
        0 => Ok(InsertIdRow::Last),
        1 => Ok(InsertIdRow::First),
        other => Err(unknown("insert-id row", other, "a newer 0.2")),
    }
}

fn unknown(what: &str, code: u8, api_version: &str) -> DbError {
    DbError::Unsupported(format!(
        "the plugin declares {what} #{code}, which plugin API {} does not know (the plugin \
         was built against {api_version}); upgrade the host",
        crate::PLUGIN_API_VERSION
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_and_capabilities_round_trip() {
        let m = Manifest::new("x", PluginKind::Feature, "1.2.3", "test");
        assert_eq!(FfiManifest::leak(&m).read().unwrap(), m);
        let c = Capabilities {
            returning: false,
            savepoints: true,
            upsert: UpsertStyle::OnDuplicateKey,
            row_locks: false,
            max_params: 65_535,
            insert_id_row: InsertIdRow::First,
            insert_id_exact: true,
            transactional_ddl: true,
        };
        let info = FfiDialectInfo::leak("d", vec!["d".into(), "dd".into()], &c);
        assert_eq!(info.capabilities().unwrap(), c);
        assert_eq!(
            info.names(),
            ("d".to_string(), vec!["d".into(), "dd".into()])
        );
    }

    #[test]
    fn an_unknown_code_is_refused_with_its_name() {
        let err = upsert_of(9).unwrap_err().to_string();
        assert!(err.contains("upsert style #9"), "{err}");
        let err = kind_of(7, "0.2.9").unwrap_err().to_string();
        assert!(
            err.contains("plugin kind #7") && err.contains("0.2.9"),
            "{err}"
        );
    }
}
