//! Arguments of SQL templates: [`IntoArg`] for one `?`, [`IntoArgs`] for all of them.
//!
//! A scalar binds as one parameter; a `Vec`, slice or array (other than bytes) expands to
//! `(?,?,…)` as in GORM; a [`crate::Query`] becomes a sub-query.

use plugorm_plugin_api::{statement::Expr, Value};

/// One argument of a SQL template.
///
/// ```
/// use plugorm::IntoArg;
/// use plugorm::plugin_api::statement::Expr;
/// assert!(matches!(5.into_arg(), Expr::Value(_)));
/// assert!(matches!(vec![1, 2].into_arg(), Expr::List(_)));
/// assert!(matches!(vec![0u8, 1].into_arg(), Expr::Value(_)));   // bytes, not a list
/// ```
pub trait IntoArg {
    /// The expression filling the placeholder.
    fn into_arg(self) -> Expr;
}

/// A scalar that may appear in an expanded list.
pub trait ListItem: Into<Value> {}

macro_rules! scalar_args {
    ($($t:ty),* $(,)?) => {$(
        impl IntoArg for $t {
            fn into_arg(self) -> Expr { Expr::value(self) }
        }
    )*};
}
macro_rules! list_items {
    ($($t:ty),* $(,)?) => {$( impl ListItem for $t {} )*};
}

scalar_args!(
    bool,
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    u64,
    f32,
    f64,
    String,
    &str,
    &String,
    Vec<u8>,
    &[u8],
    Value,
    chrono::NaiveDate,
    chrono::NaiveTime,
    chrono::NaiveDateTime,
    chrono::DateTime<chrono::Utc>,
    uuid::Uuid,
    rust_decimal::Decimal,
    serde_json::Value
);
list_items!(
    bool,
    i8,
    i16,
    i32,
    i64,
    u16,
    u32,
    u64,
    f32,
    f64,
    String,
    &str,
    &String,
    Value,
    chrono::NaiveDate,
    chrono::NaiveTime,
    chrono::NaiveDateTime,
    chrono::DateTime<chrono::Utc>,
    uuid::Uuid,
    rust_decimal::Decimal
);

impl<T: Into<Value>> IntoArg for Option<T> {
    fn into_arg(self) -> Expr {
        Expr::value(self)
    }
}

impl IntoArg for Expr {
    fn into_arg(self) -> Expr {
        self
    }
}

impl<T: ListItem> IntoArg for Vec<T> {
    fn into_arg(self) -> Expr {
        Expr::List(self.into_iter().map(Expr::value).collect())
    }
}

impl<T: ListItem + Clone> IntoArg for &[T] {
    fn into_arg(self) -> Expr {
        Expr::List(self.iter().cloned().map(Expr::value).collect())
    }
}

impl<T: ListItem, const N: usize> IntoArg for [T; N] {
    fn into_arg(self) -> Expr {
        Expr::List(self.into_iter().map(Expr::value).collect())
    }
}

/// All arguments of a template: `()`, a tuple of [`IntoArg`]s, or a `Vec<Value>`.
///
/// ```
/// use plugorm::IntoArgs;
/// assert_eq!((1, "a", vec![1, 2]).into_args().len(), 3);
/// assert!(().into_args().is_empty());
/// ```
pub trait IntoArgs {
    /// The arguments, in placeholder order.
    fn into_args(self) -> Vec<Expr>;
}

impl IntoArgs for () {
    fn into_args(self) -> Vec<Expr> {
        Vec::new()
    }
}

impl IntoArgs for Vec<Value> {
    fn into_args(self) -> Vec<Expr> {
        self.into_iter().map(Expr::value).collect()
    }
}

impl IntoArgs for Vec<Expr> {
    fn into_args(self) -> Vec<Expr> {
        self
    }
}

macro_rules! tuple_args {
    ($($t:ident),+) => {
        impl<$($t: IntoArg),+> IntoArgs for ($($t,)+) {
            #[allow(non_snake_case)]
            fn into_args(self) -> Vec<Expr> {
                let ($($t,)+) = self;
                vec![$($t.into_arg()),+]
            }
        }
    };
}
tuple_args!(A);
tuple_args!(A, B);
tuple_args!(A, B, C);
tuple_args!(A, B, C, D);
tuple_args!(A, B, C, D, E);
tuple_args!(A, B, C, D, E, F);
tuple_args!(A, B, C, D, E, F, G);
tuple_args!(A, B, C, D, E, F, G, H);
tuple_args!(A, B, C, D, E, F, G, H, I);
tuple_args!(A, B, C, D, E, F, G, H, I, J);
tuple_args!(A, B, C, D, E, F, G, H, I, J, K);
tuple_args!(A, B, C, D, E, F, G, H, I, J, K, L);
