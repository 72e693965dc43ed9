//! [`Optional`]: an option with a fixed layout.

use abi_stable::StableAbi;

/// An optional value that can cross the plugin boundary; use it as an `Option`
/// (`Optional::Some(x)` / `Optional::None`, or convert with `.into()`).
///
/// ```
/// use plugorm_plugin_api::types::{Optional, Text};
/// let schema: Optional<Text> = Some(Text::from("audit")).into();
/// assert_eq!(schema.as_deref(), Some("audit"));
/// match &schema {
///     Optional::Some(s) => assert_eq!(s, "audit"),
///     Optional::None => unreachable!(),
/// }
/// assert_eq!(Optional::<u64>::None.into_option(), None);
/// ```
#[repr(u8)]
#[derive(StableAbi, Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Optional<T> {
    /// No value.
    #[default]
    None,
    /// A value.
    Some(T),
}

impl<T> Optional<T> {
    /// True when there is a value.
    pub fn is_some(&self) -> bool {
        matches!(self, Optional::Some(_))
    }

    /// True when there is none.
    pub fn is_none(&self) -> bool {
        matches!(self, Optional::None)
    }

    /// The value as an `Option`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Optional::Some(v) => Some(v),
            Optional::None => None,
        }
    }

    /// A reference to the value, as an `Option`.
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Optional::Some(v) => Some(v),
            Optional::None => None,
        }
    }

    /// A mutable reference to the value, as an `Option`.
    pub fn as_mut(&mut self) -> Option<&mut T> {
        match self {
            Optional::Some(v) => Some(v),
            Optional::None => None,
        }
    }

    /// The value through `Deref` (`&str` for `Optional<Text>`), as an `Option`.
    pub fn as_deref(&self) -> Option<&T::Target>
    where
        T: std::ops::Deref,
    {
        self.as_ref().map(|v| &**v)
    }

    /// Maps the value, as [`Option::map`] does.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Optional<U> {
        match self {
            Optional::Some(v) => Optional::Some(f(v)),
            Optional::None => Optional::None,
        }
    }

    /// `f` of the value, or `default`, as [`Option::map_or`] does.
    pub fn map_or<U>(self, default: U, f: impl FnOnce(T) -> U) -> U {
        self.into_option().map_or(default, f)
    }

    /// The value, or `default`.
    pub fn unwrap_or(self, default: T) -> T {
        self.into_option().unwrap_or(default)
    }

    /// The value, or the type's default.
    pub fn unwrap_or_default(self) -> T
    where
        T: Default,
    {
        self.into_option().unwrap_or_default()
    }

    /// Takes the value out, leaving `None`.
    pub fn take(&mut self) -> Optional<T> {
        std::mem::replace(self, Optional::None)
    }
}

impl<T> From<Option<T>> for Optional<T> {
    fn from(o: Option<T>) -> Optional<T> {
        match o {
            Some(v) => Optional::Some(v),
            None => Optional::None,
        }
    }
}

impl<T> From<Optional<T>> for Option<T> {
    fn from(o: Optional<T>) -> Option<T> {
        o.into_option()
    }
}
