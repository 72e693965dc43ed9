//! The plugin's refusals, as [`DbError::Plugin`] with a stable code an application
//! matches on (`sharding:` and the reason, one of the constants here).

use plugorm_plugin_api::DbError;

/// A statement on a sharded table says neither its key with `=` nor (with snowflake ids)
/// its id; or a read without the key while fan-out is not allowed.
pub const MISSING_SHARDING_KEY: &str = "missing_sharding_key";
/// One INSERT whose rows belong to different shards.
pub const DIFFERENT_SHARDS: &str = "different_shards";
/// A key value the algorithm cannot place.
pub const BAD_SHARDING_KEY: &str = "bad_sharding_key";
/// A statement inside a transaction whose shard is in another database.
pub const SHARD_OUTSIDE_TRANSACTION: &str = "shard_outside_transaction";
/// Raw SQL on a sharded table the plugin cannot rewrite.
pub const UNSUPPORTED_SQL: &str = "unsupported_sql";

/// The refusal `code` with its message.
pub(crate) fn refuse(code: &str, message: String) -> DbError {
    DbError::Plugin {
        code: format!("sharding:{code}"),
        message,
    }
}

/// The code of a sharding refusal, when `e` is one.
///
/// ```
/// use plugorm_plugin_api::DbError;
/// let e = DbError::Plugin { code: "sharding:missing_sharding_key".into(), message: "…".into() };
/// assert_eq!(plugorm_sharding::error_code(&e), Some(plugorm_sharding::MISSING_SHARDING_KEY));
/// assert_eq!(plugorm_sharding::error_code(&DbError::Other("x".into())), None);
/// ```
pub fn error_code(e: &DbError) -> Option<&str> {
    match e {
        DbError::Plugin { code, .. } => code.strip_prefix("sharding:"),
        _ => None,
    }
}
