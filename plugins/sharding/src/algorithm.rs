//! Which shard a key value belongs to: `modulo` (GORM's default: an integer modulo the
//! shard count, a string parsed as an integer or else hashed), `hash` (CRC-32 of the
//! value's text, for keys whose numbers cluster), or an algorithm the application
//! registered by name with [`register_algorithm`].

use std::{
    collections::HashMap,
    sync::{Arc, OnceLock, RwLock},
};

use plugorm_plugin_api::{DbError, Value};

use crate::config::bad;

/// A custom algorithm: the shard index (below `shards`) of a key value, or why the value
/// cannot be sharded.
pub type AlgorithmFn = dyn Fn(&Value, u32) -> Result<u32, String> + Send + Sync;

fn registry() -> &'static RwLock<HashMap<String, Arc<AlgorithmFn>>> {
    static REGISTRY: OnceLock<RwLock<HashMap<String, Arc<AlgorithmFn>>>> = OnceLock::new();
    REGISTRY.get_or_init(Default::default)
}

/// Registers a sharding algorithm under `name`, for `algorithm = "name"` in the
/// configuration. Register before the registry that loads the plugin opens. It reaches
/// the plugin when the plugin is linked into the binary (the `static` build); a plugin
/// loaded from a library has its own registry, so ship such an algorithm in your own
/// build of the plugin's cdylib.
///
/// ```
/// use plugorm_plugin_api::Value;
/// plugorm_sharding::register_algorithm("by_region", |v, shards| match v {
///     Value::Text(t) if t.as_str().starts_with("eu-") => Ok(0),
///     Value::Text(_) => Ok(1 % shards),
///     other => Err(format!("a region is text, not {}", other.kind_name())),
/// });
/// ```
pub fn register_algorithm(
    name: &str,
    algorithm: impl Fn(&Value, u32) -> Result<u32, String> + Send + Sync + 'static,
) {
    let mut map = match registry().write() {
        Ok(m) => m,
        Err(poisoned) => poisoned.into_inner(),
    };
    map.insert(name.to_string(), Arc::new(algorithm));
}

/// A group's algorithm.
#[derive(Clone)]
pub(crate) enum Algorithm {
    Modulo,
    Hash,
    Custom(String, Arc<AlgorithmFn>),
}

impl Algorithm {
    /// The algorithm a configuration names (`None`: modulo).
    pub(crate) fn named(name: Option<&str>) -> Result<Algorithm, DbError> {
        match name {
            None | Some("modulo") => Ok(Algorithm::Modulo),
            Some("hash") => Ok(Algorithm::Hash),
            Some(other) => {
                let map = match registry().read() {
                    Ok(m) => m,
                    Err(poisoned) => poisoned.into_inner(),
                };
                let f = map.get(other).cloned().ok_or_else(|| {
                    bad(
                        "algorithm",
                        format!(
                            "`{other}` is neither `modulo`, `hash` nor an algorithm registered \
                             with plugorm_sharding::register_algorithm"
                        ),
                    )
                })?;
                Ok(Algorithm::Custom(other.to_string(), f))
            }
        }
    }

    /// The shard of `value` among `shards`.
    pub(crate) fn shard(&self, value: &Value, shards: u32) -> Result<u32, String> {
        let n = u64::from(shards.max(1));
        match self {
            Algorithm::Modulo => match value {
                Value::I64(i) => Ok((i.rem_euclid(n as i64)) as u32),
                Value::Text(t) => Ok(match t.as_str().trim().parse::<i64>() {
                    Ok(i) => i.rem_euclid(n as i64) as u32,
                    Err(_) => (u64::from(crc32(t.as_str().as_bytes())) % n) as u32,
                }),
                other => Err(unsupported(other)),
            },
            Algorithm::Hash => {
                let text = match value {
                    Value::I64(i) => i.to_string(),
                    Value::Text(t) => t.to_string(),
                    other => return Err(unsupported(other)),
                };
                Ok((u64::from(crc32(text.as_bytes())) % n) as u32)
            }
            Algorithm::Custom(name, f) => {
                let shard = f(value, shards)?;
                if shard >= shards {
                    return Err(format!(
                        "algorithm `{name}` chose shard {shard} of {shards}"
                    ));
                }
                Ok(shard)
            }
        }
    }
}

fn unsupported(v: &Value) -> String {
    format!(
        "the built-in algorithms shard integer and text keys, not {} (register an algorithm \
         for other key types)",
        v.kind_name()
    )
}

/// CRC-32 (IEEE), as GORM's sharding hashes text keys.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modulo_hash_and_custom() {
        let m = Algorithm::Modulo;
        assert_eq!(m.shard(&Value::I64(101), 4), Ok(1));
        assert_eq!(m.shard(&Value::I64(-1), 4), Ok(3));
        assert_eq!(m.shard(&Value::from("102"), 4), Ok(2));
        // Not a number: CRC-32 ("abc" = 0x352441C2).
        assert_eq!(crc32(b"abc"), 0x3524_41C2);
        assert_eq!(m.shard(&Value::from("abc"), 4), Ok(0x3524_41C2 % 4));
        assert!(m
            .shard(&Value::F64(1.5), 4)
            .unwrap_err()
            .contains("integer and text"));
        assert_eq!(
            Algorithm::Hash.shard(&Value::I64(7), 8),
            Ok(crc32(b"7") % 8)
        );
        register_algorithm("always_two", |_, _| Ok(2));
        let c = Algorithm::named(Some("always_two")).unwrap();
        assert_eq!(c.shard(&Value::I64(1), 4), Ok(2));
        assert!(c
            .shard(&Value::I64(1), 2)
            .unwrap_err()
            .contains("shard 2 of 2"));
        assert!(Algorithm::named(Some("nope")).is_err());
    }
}
