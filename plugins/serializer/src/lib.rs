//! # plugorm-serializer
//!
//! Field serializers (GORM's `serializer:` tag), served to the host by name through the
//! plugin API's host services (0.2.4): a model field marked `#[orm(serializer = "json")]`
//! is written and read through the serializer of that name.
//!
//! | name | column (default) | stores |
//! |---|---|---|
//! | `json` | text | the value's JSON text, object keys sorted (so equal values store equal text and an equality condition finds them on every database); a JSON `null` is SQL NULL |
//! | `binary` | bytes | the value in MessagePack (compact, self-describing) |
//! | `unixtime` | integer | a date-time field (`chrono::DateTime<Utc>`, `NaiveDateTime`) as Unix seconds; an integer field as a timestamp (GORM's direction) |
//!
//! The plugin has no settings: enabled in `plugins.toml`, it serves all three.
//!
//! ```
//! let m = (plugorm_serializer::PLUGIN.manifest)();
//! assert_eq!(m.name.as_str(), "serializer");
//! assert_eq!(plugorm_serializer::NAMES, ["json", "binary", "unixtime"]);
//! ```

mod binary;
mod json;
mod unixtime;

use std::sync::Arc;

use plugorm_plugin_api::{
    host::{Host, Serializer},
    manifest::{Manifest, PluginDescriptor, PluginInstance, PluginKind},
    CallbackSpec, DbResult, FeaturePlugin,
};

pub use binary::Binary;
pub use json::Json;
pub use unixtime::UnixTime;

/// The names the plugin serves, in the order it offers them.
pub const NAMES: [&str; 3] = ["json", "binary", "unixtime"];

/// The serializer the plugin serves as `name` (case-insensitive).
///
/// ```
/// assert!(plugorm_serializer::serializer("JSON").is_some());
/// assert!(plugorm_serializer::serializer("gob").is_none());
/// ```
pub fn serializer(name: &str) -> Option<Arc<dyn Serializer>> {
    Some(match name.to_ascii_lowercase().as_str() {
        "json" => Arc::new(Json),
        "binary" => Arc::new(Binary),
        "unixtime" => Arc::new(UnixTime),
        _ => return None,
    })
}

struct SerializerPlugin;

impl FeaturePlugin for SerializerPlugin {
    fn initialize_with_host(&self, host: &Host, _config_json: &str) -> DbResult<Vec<CallbackSpec>> {
        for name in NAMES {
            if let Some(s) = serializer(name) {
                host.add_serializer(name, s);
            }
        }
        Ok(Vec::new())
    }
}

fn manifest() -> Manifest {
    Manifest::new(
        "serializer",
        PluginKind::Feature,
        env!("CARGO_PKG_VERSION"),
        "field serializers: json, binary (MessagePack) and unixtime",
    )
}

fn instantiate() -> DbResult<PluginInstance> {
    Ok(PluginInstance::Feature(Arc::new(SerializerPlugin)))
}

/// The plugin's descriptor.
pub static PLUGIN: PluginDescriptor = PluginDescriptor {
    manifest,
    instantiate,
};

plugorm_plugin_api::register_static_plugin!(PLUGIN);
