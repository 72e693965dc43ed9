//! The plugin's configuration, from `[plugin.config]` in plugins.toml: one `[[tables]]`
//! group per set of tables sharded alike. Every unknown key or bad value is refused,
//! naming the key.
//!
//! ```toml
//! [[plugin.config.tables]]
//! tables     = ["orders"]         # the logical tables of this group
//! key        = "user_id"          # the sharding key column
//! shards     = 4                  # orders_0 … orders_3
//! algorithm  = "modulo"           # modulo (default) | hash | a registered name
//! suffix     = "_%02d"            # default: _%01d under 10 shards, _%02d under 100, …
//! id         = "snowflake"        # snowflake (default) | none
//! id_column  = "id"
//! databases  = ["postgres://app@db-a/app", "postgres://app@db-b/app"]
//! fan_out    = false              # reads without the key run on every shard
//! ```

use serde::Deserialize;

use plugorm_plugin_api::DbError;

/// The whole configuration.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Config {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub tables: Vec<Group>,
}

/// One group of tables sharded alike.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Group {
    pub tables: Vec<String>,
    pub key: String,
    pub shards: u32,
    #[serde(default)]
    pub algorithm: Option<String>,
    #[serde(default)]
    pub suffix: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default = "id_column")]
    pub id_column: String,
    /// Database URLs the shards spread over, in contiguous blocks; none: every shard
    /// is in the database itself.
    #[serde(default)]
    pub databases: Vec<String>,
    #[serde(default)]
    pub fan_out: bool,
}

fn yes() -> bool {
    true
}

fn id_column() -> String {
    "id".into()
}

impl Config {
    /// Reads the configuration the host passes as JSON.
    pub(crate) fn parse(json: &str) -> Result<Config, DbError> {
        let json = if json.trim().is_empty() { "{}" } else { json };
        serde_json::from_str(json).map_err(|e| DbError::Config {
            key: unknown_key(&e.to_string()),
            message: format!("sharding: {e}"),
        })
    }
}

/// The key serde's message names, when it names one.
fn unknown_key(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_string())
}

/// A configuration error naming `key`.
pub(crate) fn bad(key: &str, message: String) -> DbError {
    DbError::Config {
        key: Some(key.into()),
        message: format!("sharding: {message}"),
    }
}
