//! [`Error`]: everything the host API can report.

mod relation;
mod serializer;

pub use relation::RelationError;
pub use serializer::SerializerError;

use plugorm_plugin_api::DbError;

use crate::{config::ConfigError, loader::LoadError};

/// An error from plugorm.
///
/// ```
/// let e = plugorm::Error::UnknownScheme {
///     url: "oracle://x".into(), scheme: "oracle".into(), available: vec!["sqlite".into()],
/// };
/// assert!(e.to_string().contains("sqlite"));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `plugins.toml` is malformed.
    #[error("bad plugin configuration: {0}")]
    Config(#[from] ConfigError),
    /// A plugin failed to load.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The database or a plugin reported an error.
    #[error(transparent)]
    Db(#[from] DbError),
    /// No loaded dialect serves the URL's scheme.
    #[error("no loaded dialect serves `{scheme}:` URLs (in `{url}`); loaded dialects serve: {}",
        if available.is_empty() { "none — is the dialect plugin listed in plugins.toml (or PLUGORM_CONFIG)?".to_string() } else { available.join(", ") })]
    UnknownScheme {
        url: String,
        scheme: String,
        available: Vec<String>,
    },
    /// The URL has no usable scheme.
    #[error("invalid database URL `{url}`: {reason}")]
    InvalidUrl { url: String, reason: String },
    /// `first` / `take` / `last` found no row (GORM's `ErrRecordNotFound`).
    #[error("record not found")]
    RecordNotFound,
    /// An UPDATE or DELETE without conditions, outside an `allow_global_update` session.
    #[error("WHERE conditions required: {0} would touch every row (add a condition, or use `allow_global_update()`)")]
    MissingWhereClause(&'static str),
    /// Creating from an empty slice.
    #[error("empty slice found: nothing to create")]
    EmptySlice,
    /// An operation needs the primary key, and the value has none.
    #[error("primary key required: {0}")]
    PrimaryKeyRequired(String),
    /// A field or column name the model does not have.
    #[error("invalid field: model `{model}` has no field or column `{field}`")]
    InvalidField { model: String, field: String },
    /// A write names a field its permissions exclude from that write (a `readonly` field
    /// in an update, a `create_only` field in an update, an `update_only` one in a create).
    #[error("field `{field}` of model `{model}` cannot be written on {operation}: its permissions (readonly / create_only / update_only) exclude it — leave it out")]
    FieldNotWritable {
        model: String,
        field: String,
        operation: &'static str,
    },
    /// A name plugorm writes into SQL as an identifier (the table of
    /// [`crate::Query::inner_join`]) that is not a plain name: refused, never pasted in.
    ///
    /// ```
    /// let e = plugorm::Error::InvalidIdentifier {
    ///     what: "join table", name: "pets; DROP TABLE users".into(),
    ///     reason: "expected `table`, `schema.table` or `table [AS] alias`".into(),
    /// };
    /// assert!(e.to_string().contains("pets; DROP TABLE users"));
    /// ```
    #[error("invalid {what} `{name}`: {reason}")]
    InvalidIdentifier {
        what: &'static str,
        name: String,
        reason: String,
    },
    /// A locking read (`for_update`, `for_share`, `lock`) outside a transaction on a
    /// dialect without row locks (SQLite), where it would lock nothing.
    ///
    /// ```
    /// let e = plugorm::Error::RowLockOutsideTransaction { dialect: "sqlite".into() };
    /// assert!(e.to_string().contains("db.transaction"));
    /// ```
    #[error("the `{dialect}` dialect takes no row locks, so a locking read (FOR UPDATE / FOR SHARE) outside a transaction would lock nothing: run it inside `db.transaction(…)`, where the transaction itself holds the database's write lock")]
    RowLockOutsideTransaction { dialect: String },
    /// Transaction misuse (commit outside a transaction, begin inside one).
    #[error("invalid transaction: {0}")]
    InvalidTransaction(String),
    /// The operation cannot run in a dry-run session.
    #[error("dry run mode unsupported: {0}")]
    DryRunUnsupported(String),
    /// A model has a soft-delete field, but no loaded plugin serves soft delete: deleting
    /// would silently destroy rows, so the operation is refused.
    #[error("model `{model}` has the soft-delete field `{field}`, but no soft-delete plugin is loaded (enable the `soft-delete` plugin in plugins.toml, or call `unscoped()` to delete rows for real)")]
    SoftDeleteUnavailable { model: String, field: String },
    /// A field marked `#[orm(serializer = "…")]` names an unknown serializer or could
    /// not be encoded.
    #[error(transparent)]
    Serializer(#[from] SerializerError),
    /// A callback registration could not be ordered.
    #[error("callback: {0}")]
    Callback(String),
    /// A migration file AutoMigrate's plan was to be written to could not be
    /// (`Migrator::generate_migration`): a bad name, or the folder.
    #[error("cannot write migration `{path}`: {reason}")]
    MigrationFile { path: String, reason: String },
    /// A relation that cannot be resolved or used as asked.
    #[error(transparent)]
    Relation(#[from] RelationError),
    /// An error raised by application code (a hook, a transaction closure).
    #[error("{0}")]
    Custom(String),
}

impl Error {
    /// An application error with a message (for hooks and transaction closures).
    ///
    /// ```
    /// let e = plugorm::Error::msg("name must not be empty");
    /// assert_eq!(e.to_string(), "name must not be empty");
    /// ```
    pub fn msg(message: impl Into<String>) -> Error {
        Error::Custom(message.into())
    }

    /// A short, stable name of the error's kind, in `snake_case`: what metrics label an
    /// error with (`unique_violation`, `timeout`, `record_not_found`…).
    ///
    /// ```
    /// assert_eq!(plugorm::Error::RecordNotFound.kind(), "record_not_found");
    /// let e = plugorm::Error::Db(plugorm::plugin_api::DbError::Timeout("slow".into()));
    /// assert_eq!(e.kind(), "timeout");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Db(e) => match e {
                DbError::InvalidUrl { .. } => "invalid_url",
                DbError::Connect { .. } => "connect",
                DbError::UniqueViolation { .. } => "unique_violation",
                DbError::ForeignKeyViolation { .. } => "foreign_key_violation",
                DbError::NotNullViolation { .. } => "not_null_violation",
                DbError::CheckViolation { .. } => "check_violation",
                DbError::Database { .. } => "database",
                DbError::Render(_) => "render",
                DbError::Decode { .. } => "decode",
                DbError::UnsupportedValue { .. } => "unsupported_value",
                DbError::Unsupported(_) => "unsupported",
                DbError::Pool(_) => "pool",
                DbError::Timeout(_) => "timeout",
                DbError::TransactionFinished => "transaction_finished",
                DbError::Config { .. } => "config",
                DbError::Panicked(_) => "panicked",
                DbError::LockNotAvailable { .. } => "lock_not_available",
                DbError::InvalidSql(_) => "invalid_sql",
                DbError::ConnectionLost { .. } => "connection_lost",
                DbError::SerializationFailure { .. } => "serialization_failure",
                DbError::Deadlock { .. } => "deadlock",
                DbError::Busy { .. } => "busy",
                DbError::TransactionAlreadyOpen => "transaction_already_open",
                DbError::Plugin { .. } => "plugin",
                _ => "other",
            },
            Error::Config(_) => "config",
            Error::Load(_) => "load",
            Error::UnknownScheme { .. } | Error::InvalidUrl { .. } => "invalid_url",
            Error::RecordNotFound => "record_not_found",
            Error::MissingWhereClause(_) => "missing_where_clause",
            Error::Callback(_) => "callback",
            Error::Relation(_) => "relation",
            Error::Serializer(_) => "serializer",
            Error::Custom(_) => "custom",
            _ => "invalid_use",
        }
    }
}

/// Result alias of the host API.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The URL with any password replaced by `***`, for messages and logs.
///
/// ```
/// assert_eq!(plugorm::redact_url("postgres://u:secret@h/db"), "postgres://u:***@h/db");
/// assert_eq!(plugorm::redact_url("sqlite::memory:"), "sqlite::memory:");
/// ```
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match authority.rfind('@') {
        Some(at) => match authority[..at].split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***{}", &rest[at..]),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}
