//! Reading a stored `CREATE TABLE` text: its tokens, and its items (each column and table
//! constraint). What a dialect needs that keeps table definitions as text (SQLite's
//! `sqlite_master`): to name its foreign keys, and to rebuild a table with one item changed
//! and every other byte kept ([`crate::render::ddl::rebuild_table`]).

use super::lexer::{code_offsets, Lexicon};

/// A token of SQL text outside comments; string literals are left out, so a CHECK's text
/// cannot fake a keyword.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A bare word, or a quoted identifier unquoted (`quoted` tells it from a keyword).
    Word { text: String, quoted: bool },
    /// One punctuation character: `(`, `)`, `,`, …
    Punct(char),
}

impl Token {
    /// True for the unquoted word `keyword` (any case).
    ///
    /// ```
    /// use plugorm_plugin_api::kit::definition::Token;
    /// let t = Token::Word { text: "Foreign".into(), quoted: false };
    /// assert!(t.is_keyword("FOREIGN"));
    /// ```
    pub fn is_keyword(&self, keyword: &str) -> bool {
        matches!(self, Token::Word { text, quoted: false } if text.eq_ignore_ascii_case(keyword))
    }
}

/// The tokens of `sql` as `lexicon` reads it: comments and string literals skipped, quoted
/// identifiers (`"x"`, `` `x` ``, `[x]`, doubled quotes escaping) unquoted.
///
/// ```
/// use plugorm_plugin_api::kit::{definition::{tokens, Token}, lexer::Lexicon};
/// let t = tokens("`a b` /* c */ int DEFAULT 'x,y'", Lexicon::SQLITE);
/// assert_eq!(t.len(), 3);
/// assert_eq!(t[0], Token::Word { text: "a b".into(), quoted: true });
/// ```
pub fn tokens(sql: &str, lexicon: Lexicon) -> Vec<Token> {
    spanned_tokens(sql, lexicon)
        .into_iter()
        .map(|(_, t)| t)
        .collect()
}

/// [`tokens`] with the byte range each one covers in `sql` (a quoted name's quotes
/// included).
pub(crate) fn spanned_tokens(sql: &str, lexicon: Lexicon) -> Vec<(std::ops::Range<usize>, Token)> {
    let bytes = sql.as_bytes();
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80;
    let mut out = Vec::new();
    let mut offsets = code_offsets(sql, lexicon).peekable();
    while let Some(at) = offsets.next() {
        let b = bytes[at];
        let close = match b {
            b'"' => Some('"'),
            b'`' if lexicon.backtick_identifiers => Some('`'),
            b'[' if lexicon.bracket_identifiers => Some(']'),
            _ => None,
        };
        if b == b'\'' {
            continue;
        }
        if let Some(close) = close {
            let (text, len) = unquote(sql.get(at..).unwrap_or_default(), close);
            out.push((at..at + len, Token::Word { text, quoted: true }));
        } else if is_word(b) {
            let mut end = at + 1;
            while offsets
                .peek()
                .is_some_and(|&n| n == end && is_word(bytes[n]))
            {
                offsets.next();
                end += 1;
            }
            let text = sql.get(at..end).unwrap_or_default().to_string();
            out.push((
                at..end,
                Token::Word {
                    text,
                    quoted: false,
                },
            ));
        } else {
            out.push((at..at + 1, Token::Punct(char::from(b))));
        }
    }
    out
}

/// The name a quoted part of `rest` (starting at its opening quote) stands for, a doubled
/// closing quote being one, and the bytes the quoted part covers.
fn unquote(rest: &str, close: char) -> (String, usize) {
    let mut name = String::new();
    let mut chars = rest.char_indices().skip(1).peekable();
    while let Some((at, c)) = chars.next() {
        if c == close {
            if close != ']' && chars.peek().map(|&(_, n)| n) == Some(close) {
                chars.next();
                name.push(close);
                continue;
            }
            return (name, at + c.len_utf8());
        }
        name.push(c);
    }
    (name, rest.len())
}

/// A stored `CREATE TABLE name (item, item, …) tail`, split into its items.
///
/// ```
/// use plugorm_plugin_api::kit::{definition::{ItemKind, TableDefinition}, lexer::Lexicon};
/// let d = TableDefinition::parse("CREATE TABLE t (a int, CONSTRAINT c CHECK (a > 0)) STRICT", Lexicon::SQLITE).unwrap();
/// assert_eq!(d.items[0].text, "a int");
/// assert_eq!(d.items[1].kind, ItemKind::Constraint { name: Some("c".into()) });
/// assert_eq!(d.tail, " STRICT");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TableDefinition {
    /// The columns and table constraints, in order.
    pub items: Vec<DefinitionItem>,
    /// What follows the closing parenthesis (` WITHOUT ROWID`, ` STRICT`), or nothing.
    pub tail: String,
}

/// One column or table constraint of a [`TableDefinition`], its text as stored (trimmed).
///
/// ```
/// use plugorm_plugin_api::kit::{definition::{DefinitionItem, ItemKind}, lexer::Lexicon};
/// let item = DefinitionItem::parse("`total` int GENERATED ALWAYS AS (a * 2)", Lexicon::SQLITE).unwrap();
/// assert_eq!(item.kind, ItemKind::Column { name: "total".into(), stored: false });
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DefinitionItem {
    pub text: String,
    pub kind: ItemKind,
}

/// What an item of a table definition is.
///
/// ```
/// use plugorm_plugin_api::kit::definition::ItemKind;
/// let k = ItemKind::Column { name: "id".into(), stored: true };
/// assert!(matches!(k, ItemKind::Column { stored: true, .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemKind {
    /// A column; `stored` is false for a generated column, whose values cannot be copied.
    Column { name: String, stored: bool },
    /// A table constraint, with its `CONSTRAINT name` when it has one.
    Constraint { name: Option<String> },
}

/// Words that open a table constraint rather than a column.
const CONSTRAINT_WORDS: [&str; 5] = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"];

impl TableDefinition {
    /// Splits the definition at the commas of its outer parentheses (those in quotes,
    /// comments or nested parentheses do not count); `None` when the text is not of that
    /// shape.
    ///
    /// ```
    /// use plugorm_plugin_api::kit::{definition::TableDefinition, lexer::Lexicon};
    /// let d = TableDefinition::parse("CREATE TABLE t (a text DEFAULT 'x, y', b numeric(4, 2))", Lexicon::SQLITE).unwrap();
    /// assert_eq!(d.items.len(), 2);
    /// assert!(TableDefinition::parse("CREATE TABLE t (a", Lexicon::SQLITE).is_none());
    /// ```
    pub fn parse(text: &str, lexicon: Lexicon) -> Option<TableDefinition> {
        let bytes = text.as_bytes();
        let mut depth = 0usize;
        let mut open = None;
        let mut close = None;
        let mut commas = Vec::new();
        for at in code_offsets(text, lexicon) {
            match bytes[at] {
                b'(' => {
                    if depth == 0 && open.is_none() {
                        open = Some(at);
                    }
                    depth += 1;
                }
                b')' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 && close.is_none() {
                        close = Some(at);
                    }
                }
                b',' if depth == 1 && close.is_none() => commas.push(at),
                _ => {}
            }
        }
        let (open, close) = (open?, close?);
        let mut bounds = vec![open];
        bounds.extend(commas);
        bounds.push(close);
        let items = bounds
            .windows(2)
            .map(|pair| DefinitionItem::parse(text.get(pair[0] + 1..pair[1])?.trim(), lexicon))
            .collect::<Option<Vec<_>>>()?;
        Some(TableDefinition {
            items,
            tail: text.get(close + 1..)?.trim_end().to_string(),
        })
    }

    /// The position of the column `name` (any case).
    ///
    /// ```
    /// use plugorm_plugin_api::kit::{definition::TableDefinition, lexer::Lexicon};
    /// let d = TableDefinition::parse("CREATE TABLE t (a int, \"B\" int)", Lexicon::SQLITE).unwrap();
    /// assert_eq!(d.column("b"), Some(1));
    /// ```
    pub fn column(&self, name: &str) -> Option<usize> {
        self.items.iter().position(
            |i| matches!(&i.kind, ItemKind::Column { name: n, .. } if n.eq_ignore_ascii_case(name)),
        )
    }

    /// The position of the table constraint named `name` (any case).
    ///
    /// ```
    /// use plugorm_plugin_api::kit::{definition::TableDefinition, lexer::Lexicon};
    /// let d = TableDefinition::parse("CREATE TABLE t (a int, CONSTRAINT ck CHECK (a > 0))", Lexicon::SQLITE).unwrap();
    /// assert_eq!(d.constraint("CK"), Some(1));
    /// ```
    pub fn constraint(&self, name: &str) -> Option<usize> {
        self.items.iter().position(|i| {
            matches!(&i.kind, ItemKind::Constraint { name: Some(n) } if n.eq_ignore_ascii_case(name))
        })
    }

    /// The names of the columns whose values a copy carries (generated ones left out).
    ///
    /// ```
    /// use plugorm_plugin_api::kit::{definition::TableDefinition, lexer::Lexicon};
    /// let d = TableDefinition::parse("CREATE TABLE t (a int, b int AS (a + 1), UNIQUE (a))", Lexicon::SQLITE).unwrap();
    /// assert_eq!(d.stored_columns(), ["a"]);
    /// ```
    pub fn stored_columns(&self) -> Vec<&str> {
        self.items
            .iter()
            .filter_map(|i| match &i.kind {
                ItemKind::Column { name, stored: true } => Some(name.as_str()),
                _ => None,
            })
            .collect()
    }
}

impl DefinitionItem {
    /// The item's text without the CHECK constraint `name` written inside it (`"age" int
    /// CONSTRAINT chk CHECK (age > 0)`); `None` when it has no such check.
    ///
    /// ```
    /// use plugorm_plugin_api::kit::{definition::DefinitionItem, lexer::Lexicon};
    /// let item = DefinitionItem::parse("`age` integer CONSTRAINT `chk_age` CHECK (age > (0)) NOT NULL", Lexicon::SQLITE).unwrap();
    /// assert_eq!(item.without_check("CHK_AGE", Lexicon::SQLITE).unwrap(), "`age` integer NOT NULL");
    /// assert!(item.without_check("other", Lexicon::SQLITE).is_none());
    /// ```
    pub fn without_check(&self, name: &str, lexicon: Lexicon) -> Option<String> {
        let t = spanned_tokens(&self.text, lexicon);
        let at = t.windows(4).position(|w| {
            w[0].1.is_keyword("CONSTRAINT")
                && matches!(&w[1].1, Token::Word { text, .. } if text.eq_ignore_ascii_case(name))
                && w[2].1.is_keyword("CHECK")
                && w[3].1 == Token::Punct('(')
        })?;
        let mut depth = 0usize;
        let mut end = None;
        for (span, token) in &t[at + 3..] {
            match token {
                Token::Punct('(') => depth += 1,
                Token::Punct(')') => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        end = Some(span.end);
                        break;
                    }
                }
                _ => {}
            }
        }
        let (start, end) = (t[at].0.start, end?);
        let before = self.text.get(..start)?.trim_end();
        let after = self.text.get(end..)?.trim_start();
        Some(if after.is_empty() {
            before.to_string()
        } else {
            format!("{before} {after}")
        })
    }

    /// Reads one item: a table constraint when it opens with `CONSTRAINT`, `PRIMARY`,
    /// `UNIQUE`, `CHECK` or `FOREIGN` unquoted, else a column named by its first token.
    /// `None` for an empty item.
    pub fn parse(text: &str, lexicon: Lexicon) -> Option<DefinitionItem> {
        let t = tokens(text, lexicon);
        let first = t.first()?;
        let kind = if CONSTRAINT_WORDS.iter().any(|k| first.is_keyword(k)) {
            let name = match (first.is_keyword("CONSTRAINT"), t.get(1)) {
                (true, Some(Token::Word { text, .. })) => Some(text.clone()),
                _ => None,
            };
            ItemKind::Constraint { name }
        } else {
            let Token::Word { text: name, .. } = first else {
                return None;
            };
            let generated = t.windows(2).any(|pair| {
                pair[0].is_keyword("GENERATED")
                    || (pair[0].is_keyword("AS") && pair[1] == Token::Punct('('))
            });
            ItemKind::Column {
                name: name.clone(),
                stored: !generated,
            }
        };
        Some(DefinitionItem {
            text: text.to_string(),
            kind,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PETS: &str = "CREATE TABLE `pets` (`id` integer PRIMARY KEY AUTOINCREMENT,\
        `name` text NOT NULL DEFAULT 'x, (y)',\"user_id\" integer,[odd \"name\"] blob, \
        extra text /* a, comment ) */ COLLATE NOCASE, \
        `total` integer GENERATED ALWAYS AS (id * 2) VIRTUAL,\
        CONSTRAINT `chk_pets_name` CHECK (name <> ''), UNIQUE (name, user_id)) WITHOUT ROWID";

    #[test]
    fn a_definition_splits_into_its_items_at_top_level_commas() {
        let d = TableDefinition::parse(PETS, Lexicon::SQLITE).unwrap();
        let kinds: Vec<&ItemKind> = d.items.iter().map(|i| &i.kind).collect();
        let column = |n: &str, stored| ItemKind::Column {
            name: n.into(),
            stored,
        };
        assert_eq!(
            kinds,
            [
                &column("id", true),
                &column("name", true),
                &column("user_id", true),
                &column("odd \"name\"", true),
                &column("extra", true),
                &column("total", false),
                &ItemKind::Constraint {
                    name: Some("chk_pets_name".into())
                },
                &ItemKind::Constraint { name: None },
            ]
        );
        assert_eq!(d.items[1].text, "`name` text NOT NULL DEFAULT 'x, (y)'");
        assert_eq!(d.tail, " WITHOUT ROWID");
        assert_eq!(
            d.stored_columns(),
            ["id", "name", "user_id", "odd \"name\"", "extra"]
        );
    }

    #[test]
    fn unbalanced_or_bodiless_definitions_are_not_read() {
        for bad in [
            "CREATE TABLE t",
            "CREATE TABLE t (a))",
            "CREATE TABLE t (a",
            "CREATE TABLE t (a, , b)",
        ] {
            assert!(
                TableDefinition::parse(bad, Lexicon::SQLITE).is_none(),
                "{bad}"
            );
        }
    }

    #[test]
    fn tokens_skip_comments_and_literals_and_unquote_names() {
        let t = tokens(
            "CONSTRAINT \"fk \"\"two\"\"\" -- x\n CHECK ('CONSTRAINT y') [b]",
            Lexicon::SQLITE,
        );
        let words: Vec<&Token> = t.iter().collect();
        assert_eq!(words.len(), 6, "{t:?}");
        assert_eq!(
            t[1],
            Token::Word {
                text: "fk \"two\"".into(),
                quoted: true
            }
        );
        assert!(t[2].is_keyword("check"));
        assert_eq!(t[3], Token::Punct('('));
        assert_eq!(t[4], Token::Punct(')'));
    }
}
