//! [`SerializerError`]: a serializer field that cannot be used, encoded or decoded.

/// The names the serializer plugin serves (what to tell a user whose model names one of
/// them while the plugin is not loaded).
pub(crate) const PLUGIN_NAMES: &[&str] = &["json", "binary", "unixtime"];

/// Why a field marked `#[orm(serializer = "…")]` failed.
///
/// ```
/// use plugorm::serializer::SerializerError;
/// let e = SerializerError::Unknown {
///     model: "User".into(), field: "roles".into(), name: "yaml".into(),
///     registered: vec!["json".into()],
/// };
/// assert!(e.to_string().contains("`User.roles`"));
/// assert!(e.to_string().contains("`yaml`"));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SerializerError {
    /// The field names a serializer no loaded plugin serves and the application did not
    /// register (checked when the model is first used on a database).
    #[error(
        "model field `{model}.{field}` names the serializer `{name}`, which {}",
        unknown_hint(name, registered)
    )]
    Unknown {
        model: String,
        field: String,
        name: String,
        /// The names this database can use.
        registered: Vec<String>,
    },
    /// The field's value could not be written.
    #[error("cannot encode field `{model}.{field}` with the serializer `{name}`: {reason}")]
    Encode {
        model: String,
        field: String,
        name: String,
        reason: String,
    },
}

fn unknown_hint(name: &str, registered: &[String]) -> String {
    let known = if registered.is_empty() {
        "none".to_string()
    } else {
        registered.join(", ")
    };
    if PLUGIN_NAMES.contains(&name) {
        format!(
            "is served by the `serializer` plugin, and that plugin is not loaded: enable it in \
             plugins.toml (serializers this database knows: {known})"
        )
    } else {
        format!(
            "is not registered: register it with `plugorm::serializer::register`, or load the \
             plugin that serves it (serializers this database knows: {known})"
        )
    }
}
