//! [`SerializedColumn`]: the typed handle `#[derive(Model)]` generates for a serializer
//! field, whose conditions compare the column with the serialized form of a value.

use std::marker::PhantomData;

use plugorm_plugin_api::statement::Expr;

use super::field::FieldSpec;
use crate::{Error, Model};

/// Column `name` of model `M` holding a field of type `V` stored through a serializer.
/// Building a condition encodes the value, which can fail, so the conditions return a
/// `Result` (`db.model::<User>().filter_expr(User::ROLES.eq(&roles)?)`).
///
/// Order by it with `OrderBy::asc(User::ROLES.expr())` (the stored form's order).
///
/// Equality compares stored forms: with the `json` serializer both sides are the same
/// canonical JSON text (object keys sorted), so `eq` finds the rows whose value is
/// equal, on every database.
///
/// ```no_run
/// use plugorm::Model;
///
/// #[derive(Model, Debug, Default, Clone)]
/// struct User {
///     id: i64,
///     #[orm(serializer = "json")]
///     roles: Vec<String>,
/// }
///
/// # async fn run(db: plugorm::Db) -> Result<(), plugorm::Error> {
/// let admins = db
///     .model::<User>()
///     .filter_expr(User::ROLES.eq(&vec!["admin".to_string()])?)
///     .find()
///     .await?;
/// assert_eq!(User::ROLES.serializer(), "json");
/// # Ok(()) }
/// ```
pub struct SerializedColumn<M, V> {
    name: &'static str,
    spec: FieldSpec,
    encode: fn(&FieldSpec, &V) -> Result<plugorm_plugin_api::Value, Error>,
    _model: PhantomData<fn() -> M>,
}

impl<M, V> Clone for SerializedColumn<M, V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, V> Copy for SerializedColumn<M, V> {}

impl<M, V> std::fmt::Debug for SerializedColumn<M, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SerializedColumn({}, {})",
            self.name, self.spec.serializer
        )
    }
}

impl<M: Model, V> SerializedColumn<M, V> {
    /// The handle (as the derive generates it).
    #[doc(hidden)]
    pub const fn new(
        name: &'static str,
        spec: FieldSpec,
        encode: fn(&FieldSpec, &V) -> Result<plugorm_plugin_api::Value, Error>,
    ) -> Self {
        SerializedColumn {
            name,
            spec,
            encode,
            _model: PhantomData,
        }
    }

    /// The column name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The serializer's name, as the field's attribute gives it.
    pub fn serializer(&self) -> &'static str {
        self.spec.serializer
    }

    /// `table.column`, qualified by the model's table.
    pub fn expr(&self) -> Expr {
        Expr::col(M::schema().table.as_str(), self.name)
    }

    /// `= <serialized v>` (`IS NULL` when it serializes to NULL).
    pub fn eq(&self, v: &V) -> Result<Expr, Error> {
        Ok(self.expr().eq((self.encode)(&self.spec, v)?))
    }

    /// `<> <serialized v>`.
    pub fn ne(&self, v: &V) -> Result<Expr, Error> {
        Ok(self.expr().ne((self.encode)(&self.spec, v)?))
    }

    /// `IN (<serialized values>)`.
    pub fn in_<'v>(&self, values: impl IntoIterator<Item = &'v V>) -> Result<Expr, Error>
    where
        V: 'v,
    {
        let encoded = values
            .into_iter()
            .map(|v| (self.encode)(&self.spec, v))
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(self.expr().in_values(encoded))
    }

    /// `IS NULL`.
    pub fn is_null(&self) -> Expr {
        self.expr().is_null()
    }

    /// `IS NOT NULL`.
    pub fn is_not_null(&self) -> Expr {
        self.expr().is_not_null()
    }
}
