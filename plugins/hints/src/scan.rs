//! The statement's text as tokens, found with the driver kit's lexer so that a keyword
//! inside a string, a quoted name or a comment is never taken for one.

use plugorm_plugin_api::kit::lexer::{code_offsets, Lexicon};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A keyword or unquoted name.
    Word,
    /// A quoted name or string (its opening quote decides which).
    Quoted(u8),
    /// Any other byte of code (`(`, `,`, `*`, `?`…).
    Punct(u8),
}

/// One token: its bytes `start..end` of the text and its parenthesis depth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    pub depth: u32,
}

impl Token {
    /// True for a word spelled `word` in any case.
    pub fn is(&self, text: &str, word: &str) -> bool {
        self.kind == Kind::Word && text[self.start..self.end].eq_ignore_ascii_case(word)
    }
}

fn word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// The tokens of `text`.
pub fn tokens(text: &str, lexicon: Lexicon) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out: Vec<Token> = Vec::new();
    let mut depth: u32 = 0;
    for at in code_offsets(text, lexicon) {
        let b = bytes[at];
        if word_byte(b) {
            if let Some(last) = out.last_mut() {
                if last.kind == Kind::Word && last.end == at {
                    last.end = at + 1;
                    continue;
                }
            }
            out.push(Token {
                start: at,
                end: at + 1,
                kind: Kind::Word,
                depth,
            });
            continue;
        }
        let quote = match b {
            b'\'' | b'"' => true,
            b'`' => lexicon.backtick_identifiers,
            b'[' => lexicon.bracket_identifiers,
            _ => false,
        };
        if quote {
            out.push(Token {
                start: at,
                end: quoted_end(bytes, at),
                kind: Kind::Quoted(b),
                depth,
            });
            continue;
        }
        if b == b')' {
            depth = depth.saturating_sub(1);
        }
        out.push(Token {
            start: at,
            end: at + 1,
            kind: Kind::Punct(b),
            depth,
        });
        if b == b'(' {
            depth += 1;
        }
    }
    out
}

/// The end of the quoted part opening at `start` (a doubled closing quote is part of it).
/// Only names' ends are used (to write after them), so strings' backslash escapes need
/// no handling here.
fn quoted_end(bytes: &[u8], start: usize) -> usize {
    let close = match bytes[start] {
        b'[' => b']',
        q => q,
    };
    let mut at = start + 1;
    while at < bytes.len() {
        if bytes[at] == close {
            if bytes.get(at + 1) == Some(&close) {
                at += 2;
                continue;
            }
            return at + 1;
        }
        at += 1;
    }
    bytes.len()
}

/// The name a quoted or plain name token stands for (`"users"` → `users`).
pub fn name_of<'t>(text: &'t str, token: &Token) -> Option<&'t str> {
    match token.kind {
        Kind::Word => Some(&text[token.start..token.end]),
        Kind::Quoted(b'\'') => None,
        Kind::Quoted(_) if token.end >= token.start + 2 => {
            Some(&text[token.start + 1..token.end - 1])
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_in_strings_names_and_comments_are_not_words() {
        let sql = "SELECT 'FROM', `from` /* FROM */ FROM (SELECT 1) t";
        let toks = tokens(sql, Lexicon::MYSQL);
        let froms: Vec<&Token> = toks.iter().filter(|t| t.is(sql, "from")).collect();
        assert_eq!(froms.len(), 1);
        assert_eq!(froms[0].depth, 0);
        let inner = toks.iter().filter(|t| t.is(sql, "select")).nth(1).unwrap();
        assert_eq!(inner.depth, 1);
        let quoted = toks.iter().find(|t| t.kind == Kind::Quoted(b'`')).unwrap();
        assert_eq!(name_of(sql, quoted), Some("from"));
        assert_eq!(&sql[quoted.start..quoted.end], "`from`");
    }

    #[test]
    fn brackets_quote_only_where_the_dialect_says_so() {
        let sql = "SELECT [a b] FROM t";
        let toks = tokens(sql, Lexicon::SQLITE);
        assert_eq!(toks[1].kind, Kind::Quoted(b'['));
        assert_eq!(toks[1].end, 12);
    }
}
