//! [`Text`]: an owned UTF-8 string with a fixed layout.

use std::{borrow::Borrow, fmt, ops::Deref};

use abi_stable::{std_types::RString, StableAbi};

/// An owned UTF-8 string that can cross the plugin boundary; use it as a `String`.
///
/// ```
/// use plugorm_plugin_api::types::Text;
/// let mut t = Text::from("users");
/// t.push_str("_archive");
/// assert_eq!(t, "users_archive");
/// assert!(t.starts_with("users")); // every `str` method, through Deref
/// let s: String = t.into();
/// assert_eq!(s, "users_archive");
/// ```
#[repr(transparent)]
#[derive(StableAbi, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(RString);

impl Text {
    /// An empty text.
    pub const fn new() -> Text {
        Text(RString::new())
    }

    /// The text as a `&str`.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// Appends a string.
    pub fn push_str(&mut self, s: &str) {
        self.0.push_str(s);
    }

    /// Appends a character.
    pub fn push(&mut self, c: char) {
        self.0.push(c);
    }

    /// The text as a `String`; reuses the allocation.
    pub fn into_string(self) -> String {
        self.0.into_string()
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.0.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.0.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Write for Text {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push_str(s);
        Ok(())
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text(RString::from(s))
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Text {
        Text(RString::from(s.as_str()))
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(RString::from(s))
    }
}

impl From<&Text> for Text {
    fn from(s: &Text) -> Text {
        s.clone()
    }
}

impl From<std::borrow::Cow<'_, str>> for Text {
    fn from(s: std::borrow::Cow<'_, str>) -> Text {
        Text::from(s.into_owned())
    }
}

impl From<Text> for String {
    fn from(t: Text) -> String {
        t.into_string()
    }
}

impl From<RString> for Text {
    fn from(s: RString) -> Text {
        Text(s)
    }
}

impl From<Text> for RString {
    fn from(t: Text) -> RString {
        t.0
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl std::str::FromStr for Text {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Text, Self::Err> {
        Ok(Text::from(s))
    }
}

impl FromIterator<char> for Text {
    fn from_iter<I: IntoIterator<Item = char>>(iter: I) -> Text {
        Text::from(iter.into_iter().collect::<String>())
    }
}

impl<'a> FromIterator<&'a str> for Text {
    fn from_iter<I: IntoIterator<Item = &'a str>>(iter: I) -> Text {
        Text::from(iter.into_iter().collect::<String>())
    }
}
