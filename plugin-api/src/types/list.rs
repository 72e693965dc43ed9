//! [`List`]: an owned vector with a fixed layout.

use std::{
    fmt,
    ops::{Deref, DerefMut},
};

use abi_stable::{std_types::RVec, StableAbi};

/// An owned, growable list that can cross the plugin boundary; use it as a `Vec`.
///
/// ```
/// use plugorm_plugin_api::types::List;
/// let mut l: List<i64> = vec![1, 2].into();
/// l.push(3);
/// assert_eq!(l.iter().sum::<i64>(), 6); // every slice method, through Deref
/// let v: Vec<i64> = l.into();
/// assert_eq!(v, [1, 2, 3]);
/// ```
#[repr(transparent)]
#[derive(StableAbi, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct List<T>(RVec<T>);

impl<T> List<T> {
    /// An empty list.
    pub const fn new() -> List<T> {
        List(RVec::new())
    }

    /// An empty list with room for `capacity` elements.
    pub fn with_capacity(capacity: usize) -> List<T> {
        List(RVec::with_capacity(capacity))
    }

    /// Appends an element.
    pub fn push(&mut self, value: T) {
        self.0.push(value);
    }

    /// Removes and returns the last element.
    pub fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }

    /// Inserts an element at `index`, shifting later ones.
    pub fn insert(&mut self, index: usize, value: T) {
        self.0.insert(index, value);
    }

    /// Removes and returns the element at `index`, shifting later ones.
    pub fn remove(&mut self, index: usize) -> T {
        self.0.remove(index)
    }

    /// Removes every element.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Keeps the first `len` elements.
    pub fn truncate(&mut self, len: usize) {
        self.0.truncate(len);
    }

    /// Keeps the elements for which `keep` is true.
    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.0.retain(keep);
    }

    /// Reserves room for `additional` more elements.
    pub fn reserve(&mut self, additional: usize) {
        self.0.reserve(additional);
    }

    /// The elements as a slice.
    pub fn as_slice(&self) -> &[T] {
        self.0.as_slice()
    }

    /// The list as a `Vec`; reuses the allocation where it can.
    pub fn into_vec(self) -> Vec<T> {
        self.0.into_vec()
    }
}

impl<T: Clone> List<T> {
    /// Appends clones of every element of a slice.
    pub fn extend_from_slice(&mut self, other: &[T]) {
        self.0.extend_from_slice(other);
    }
}

impl<T> Default for List<T> {
    fn default() -> List<T> {
        List::new()
    }
}

impl<T> Deref for List<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        self.0.as_slice()
    }
}

impl<T> DerefMut for List<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        self.0.as_mut_slice()
    }
}

impl<T> AsRef<[T]> for List<T> {
    fn as_ref(&self) -> &[T] {
        self.0.as_slice()
    }
}

impl<T: fmt::Debug> fmt::Debug for List<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_slice(), f)
    }
}

impl<T> From<Vec<T>> for List<T> {
    fn from(v: Vec<T>) -> List<T> {
        List(RVec::from(v))
    }
}

impl<T: Clone> From<&[T]> for List<T> {
    fn from(v: &[T]) -> List<T> {
        List(RVec::from(v.to_vec()))
    }
}

impl<T, const N: usize> From<[T; N]> for List<T> {
    fn from(v: [T; N]) -> List<T> {
        List::from(Vec::from(v))
    }
}

impl<T> From<List<T>> for Vec<T> {
    fn from(l: List<T>) -> Vec<T> {
        l.into_vec()
    }
}

impl<T> From<RVec<T>> for List<T> {
    fn from(v: RVec<T>) -> List<T> {
        List(v)
    }
}

impl<T> From<List<T>> for RVec<T> {
    fn from(l: List<T>) -> RVec<T> {
        l.0
    }
}

impl<T: PartialEq> PartialEq<Vec<T>> for List<T> {
    fn eq(&self, other: &Vec<T>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: PartialEq> PartialEq<[T]> for List<T> {
    fn eq(&self, other: &[T]) -> bool {
        self.as_slice() == other
    }
}

impl<T: PartialEq, const N: usize> PartialEq<[T; N]> for List<T> {
    fn eq(&self, other: &[T; N]) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T> FromIterator<T> for List<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> List<T> {
        List(iter.into_iter().collect())
    }
}

impl<T> Extend<T> for List<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}

impl<T> IntoIterator for List<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.into_vec().into_iter()
    }
}

impl<'a, T> IntoIterator for &'a List<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<'a, T> IntoIterator for &'a mut List<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.as_mut_slice().iter_mut()
    }
}
