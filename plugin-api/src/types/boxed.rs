//! [`Boxed`]: an owned heap value with a fixed layout.

use std::{
    fmt,
    ops::{Deref, DerefMut},
};

use abi_stable::{std_types::RBox, StableAbi};

/// A value on the heap that can cross the plugin boundary; use it as a `Box` (the
/// statement tree's recursive nodes hold their children in one).
///
/// ```
/// use plugorm_plugin_api::types::Boxed;
/// let b = Boxed::new(41);
/// assert_eq!(*b + 1, 42);
/// assert_eq!(b.into_inner(), 41);
/// ```
#[repr(transparent)]
#[derive(StableAbi, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Boxed<T>(RBox<T>);

impl<T> Boxed<T> {
    /// Moves a value onto the heap.
    pub fn new(value: T) -> Boxed<T> {
        Boxed(RBox::new(value))
    }

    /// The value, moved off the heap.
    pub fn into_inner(self) -> T {
        RBox::into_inner(self.0)
    }
}

impl<T> Deref for Boxed<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Boxed<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T> From<T> for Boxed<T> {
    fn from(value: T) -> Boxed<T> {
        Boxed::new(value)
    }
}

impl<T> From<Box<T>> for Boxed<T> {
    fn from(value: Box<T>) -> Boxed<T> {
        Boxed(RBox::from_box(value))
    }
}

impl<T: fmt::Debug> fmt::Debug for Boxed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}
