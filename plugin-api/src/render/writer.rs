//! [`SqlWriter`]: the text and parameters being rendered.

use crate::types::List;

use crate::{dialect::Capabilities, FfiValue, Sql};

/// Accumulates SQL text and bound parameters.
///
/// ```
/// use plugorm_plugin_api::{render::SqlWriter, Value};
/// let mut w = SqlWriter::default();
/// w.push_str("SELECT ");
/// let n = w.bind(Value::I64(1).into_ffi());
/// assert_eq!(n, 1);
/// ```
#[derive(Debug)]
pub struct SqlWriter {
    text: String,
    params: Vec<FfiValue>,
    row_locks: bool,
}

impl Default for SqlWriter {
    fn default() -> SqlWriter {
        SqlWriter {
            text: String::new(),
            params: Vec::new(),
            row_locks: true,
        }
    }
}

impl SqlWriter {
    /// A writer for a dialect with these capabilities: without
    /// [`Capabilities::row_locks`] locking clauses render as nothing.
    ///
    /// ```
    /// use plugorm_plugin_api::{dialect::Capabilities, render::SqlWriter};
    /// let mut caps = Capabilities::default();
    /// caps.row_locks = false;
    /// assert!(!SqlWriter::for_capabilities(&caps).row_locks());
    /// assert!(SqlWriter::default().row_locks());
    /// ```
    pub fn for_capabilities(caps: &Capabilities) -> SqlWriter {
        SqlWriter {
            row_locks: caps.row_locks,
            ..SqlWriter::default()
        }
    }
    /// Whether locking clauses (`FOR UPDATE`) are written; false for a dialect without
    /// row locks ([`SqlWriter::for_capabilities`]).
    ///
    /// ```
    /// use plugorm_plugin_api::render::SqlWriter;
    /// assert!(SqlWriter::default().row_locks());
    /// ```
    pub fn row_locks(&self) -> bool {
        self.row_locks
    }
    /// Appends a character.
    pub fn push(&mut self, c: char) {
        self.text.push(c);
    }
    /// Appends text.
    pub fn push_str(&mut self, s: &str) {
        self.text.push_str(s);
    }
    /// Binds a parameter and returns its 1-based position.
    pub fn bind(&mut self, v: FfiValue) -> usize {
        self.params.push(v);
        self.params.len()
    }
    /// The text so far.
    pub fn text(&self) -> &str {
        &self.text
    }
    /// Removes trailing spaces (dialects whose clause renders empty).
    pub fn trim_end(&mut self) {
        let len = self.text.trim_end().len();
        self.text.truncate(len);
    }
    /// The finished statement.
    pub fn finish(self) -> Sql {
        Sql {
            text: self.text.into(),
            params: List::from(self.params),
        }
    }
}
