//! Finding where a statement ends in SQL text, for drivers whose client library would
//! run every `;`-separated statement of one string (sqlx-sqlite, a MySQL text query).
//!
//! One call runs one statement: [`one_statement`] refuses text with a second statement
//! after a top-level `;`. It only has to find semicolons outside quotes and comments,
//! so it knows each dialect's quotes and comments and nothing else.

use crate::{DbError, DbResult};

/// How a dialect's SQL text quotes and comments, as far as finding a statement's end needs.
///
/// ```
/// use plugorm_plugin_api::kit::lexer::{one_statement, Lexicon};
/// assert!(one_statement("SELECT ';' -- ;", &Lexicon::SQLITE).is_ok());
/// assert!(one_statement("SELECT 1; DROP TABLE t", &Lexicon::SQLITE).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lexicon {
    /// `` `name` `` quotes an identifier (SQLite, MySQL).
    pub backtick_identifiers: bool,
    /// `[name]` quotes an identifier (SQLite, SQL Server).
    pub bracket_identifiers: bool,
    /// A backslash escapes the next character inside a string (MySQL's default mode).
    pub backslash_escapes: bool,
    /// `#` starts a comment to the end of the line (MySQL).
    pub hash_comments: bool,
    /// `/* … */` comments nest (PostgreSQL, SQL Server).
    pub nested_comments: bool,
    /// `$tag$ … $tag$` quotes a string (PostgreSQL).
    pub dollar_quotes: bool,
    /// `E'…'` is a string with backslash escapes (PostgreSQL).
    pub escape_strings: bool,
}

impl Lexicon {
    /// SQLite's tokenizer: four quoting styles, `--` and `/* */` comments.
    pub const SQLITE: Lexicon = Lexicon {
        backtick_identifiers: true,
        bracket_identifiers: true,
        backslash_escapes: false,
        hash_comments: false,
        nested_comments: false,
        dollar_quotes: false,
        escape_strings: false,
    };

    /// PostgreSQL's (with `standard_conforming_strings` on, its default since 9.1):
    /// dollar quoting, `E'…'` strings and nested comments.
    pub const POSTGRES: Lexicon = Lexicon {
        backtick_identifiers: false,
        bracket_identifiers: false,
        backslash_escapes: false,
        hash_comments: false,
        nested_comments: true,
        dollar_quotes: true,
        escape_strings: true,
    };

    /// Standard SQL's: `'…'` strings, `"…"` identifiers, `--` and `/* */` comments (what
    /// [`super::Driver::lexicon`] assumes unless a driver says otherwise).
    ///
    /// ```
    /// use plugorm_plugin_api::kit::lexer::{statement_kind, Lexicon, StatementKind};
    /// let sql = "/* report */ SELECT \"select\" FROM t";
    /// assert_eq!(statement_kind(sql, &Lexicon::STANDARD), StatementKind::Query);
    /// ```
    pub const STANDARD: Lexicon = Lexicon {
        backtick_identifiers: false,
        bracket_identifiers: false,
        backslash_escapes: false,
        hash_comments: false,
        nested_comments: false,
        dollar_quotes: false,
        escape_strings: false,
    };

    /// MySQL's and MariaDB's default mode (backslash escapes and `#` comments); with
    /// `NO_BACKSLASH_ESCAPES` set on the server a backslash is a plain byte, so a driver
    /// must not use this lexicon then.
    pub const MYSQL: Lexicon = Lexicon {
        backtick_identifiers: true,
        bracket_identifiers: false,
        backslash_escapes: true,
        hash_comments: true,
        nested_comments: false,
        dollar_quotes: false,
        escape_strings: false,
    };
}

/// Refuses `text` when it holds more than one statement: anything but blanks, comments
/// and further semicolons after a `;` outside quotes and comments.
///
/// An API that runs one statement calls this before handing the text to a client
/// library that would run them all.
///
/// ```
/// use plugorm_plugin_api::kit::lexer::{one_statement, Lexicon};
/// assert!(one_statement("INSERT INTO t VALUES ('a;b');  -- done", &Lexicon::MYSQL).is_ok());
/// let e = one_statement("SELECT 1; SELECT 2", &Lexicon::MYSQL).unwrap_err();
/// assert!(e.to_string().contains("offset 10"));
/// ```
pub fn one_statement(text: &str, lexicon: &Lexicon) -> DbResult<()> {
    let mut scan = Scan {
        bytes: text.as_bytes(),
        at: 0,
        lexicon,
    };
    // A trigger's body holds statements of its own (`BEGIN stmt; … stmt; END`): there
    // only the `;` after `; END` ends the statement, the rule of SQLite's own
    // `sqlite3_complete` (no body statement can start with END).
    let trigger = creates_trigger(text, lexicon);
    let mut after_semicolon = false;
    let mut body_ended = false;
    while let Some(b) = scan.next_token() {
        if trigger && b != b';' {
            body_ended = after_semicolon
                && b.is_ascii_alphabetic()
                && scan.word().eq_ignore_ascii_case(b"END");
            after_semicolon = false;
            continue;
        }
        if b == b';' {
            if trigger && !body_ended {
                after_semicolon = true;
                continue;
            }
            return match scan.next_token_skipping(b';') {
                None => Ok(()),
                Some(_) => Err(DbError::InvalidSql(format!(
                    "this call runs one statement, and the text holds another after the `;` \
                     (at offset {}); run each statement on its own",
                    scan.at - 1
                ))),
            };
        }
    }
    Ok(())
}

/// True when `text` is a `CREATE [TEMP | TEMPORARY] TRIGGER` statement (SQLite's form).
fn creates_trigger(text: &str, lexicon: &Lexicon) -> bool {
    let mut scan = Scan {
        bytes: text.as_bytes(),
        at: 0,
        lexicon,
    };
    let mut next_word = || match scan.next_token() {
        Some(b) if b.is_ascii_alphabetic() => Some(scan.word().to_ascii_uppercase()),
        _ => None,
    };
    if next_word().as_deref() != Some(b"CREATE".as_slice()) {
        return false;
    }
    match next_word().as_deref() {
        Some(b"TRIGGER") => true,
        Some(b"TEMP" | b"TEMPORARY") => next_word().as_deref() == Some(b"TRIGGER".as_slice()),
        _ => false,
    }
}

/// The byte offsets of `text` that are SQL code, in order: every byte outside blanks,
/// comments and quoted parts, and the opening quote of each quoted part (a string, a
/// quoted identifier, a dollar-quoted body) standing for the whole of it. What a tool
/// that reads parameters out of statement text iterates, so that a `?` or `$1` inside a
/// string or a quoted name is never taken for one.
///
/// ```
/// use plugorm_plugin_api::kit::lexer::{code_offsets, Lexicon};
/// let sql = "SELECT '?', \"?\" -- ?\n, ?";
/// let marks: Vec<usize> = code_offsets(sql, Lexicon::SQLITE)
///     .filter(|&at| sql.as_bytes()[at] == b'?')
///     .collect();
/// assert_eq!(marks, [sql.len() - 1]);
/// ```
pub fn code_offsets(text: &str, lexicon: Lexicon) -> impl Iterator<Item = usize> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let mut scan = Scan {
            bytes: text.as_bytes(),
            at,
            lexicon: &lexicon,
        };
        let start = scan.token_start()?;
        scan.at = start + 1;
        scan.quoted(scan.bytes[start]);
        at = scan.at;
        Some(start)
    })
}

/// What a statement does, as its leading keyword says: how a driver tells a query from a
/// write when it implements [`crate::Executor::execute`]'s `rows_affected` contract
/// (see [`crate::kit::driver::rows_affected`]).
///
/// ```
/// use plugorm_plugin_api::kit::lexer::{statement_kind, Lexicon, StatementKind};
/// let kind = |t| statement_kind(t, &Lexicon::POSTGRES);
/// assert_eq!(kind("select 1"), StatementKind::Query);
/// assert_eq!(kind("/* c */ INSERT INTO t VALUES (1) RETURNING id"), StatementKind::Write);
/// assert_eq!(kind("WITH x AS (SELECT 1) DELETE FROM t"), StatementKind::Write);
/// assert_eq!(kind("CREATE TABLE t (id int)"), StatementKind::Other);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementKind {
    /// Reads rows and writes none: `SELECT`, `VALUES`, `TABLE`, `SHOW`, `EXPLAIN`,
    /// `DESCRIBE`, `PRAGMA`, a parenthesised query, or a `WITH` clause before a `SELECT`.
    Query,
    /// Writes rows: `INSERT`, `UPDATE`, `DELETE`, `REPLACE`, `MERGE`, `UPSERT`, alone or
    /// after a `WITH` clause.
    Write,
    /// Anything else: DDL, `SET`, `CALL`, transaction control, blank text.
    Other,
}

/// The [`StatementKind`] of one statement's text, read from its leading keyword outside
/// comments (after a `WITH` clause, the first keyword at the clause's level, so a CTE's
/// own `SELECT` does not count).
///
/// ```
/// use plugorm_plugin_api::kit::lexer::{statement_kind, Lexicon, StatementKind};
/// let sql = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n";
/// assert_eq!(statement_kind(sql, &Lexicon::SQLITE), StatementKind::Query);
/// ```
pub fn statement_kind(text: &str, lexicon: &Lexicon) -> StatementKind {
    let mut scan = Scan {
        bytes: text.as_bytes(),
        at: 0,
        lexicon,
    };
    let mut depth = 0usize;
    let mut after_with = false;
    while let Some(b) = scan.next_token() {
        match b {
            b'(' if !after_with => return StatementKind::Query,
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            _ if b.is_ascii_alphabetic() => {
                let word = scan.word();
                if depth > 0 {
                    continue;
                }
                let kind = keyword_kind(word);
                if !after_with {
                    if word.eq_ignore_ascii_case(b"WITH") {
                        after_with = true;
                        continue;
                    }
                    return kind.unwrap_or(StatementKind::Other);
                }
                if let Some(kind) = kind {
                    return kind;
                }
            }
            _ if !after_with => return StatementKind::Other,
            _ => {}
        }
    }
    StatementKind::Other
}

/// The kind a statement's leading keyword gives, if it is one that decides.
fn keyword_kind(word: &[u8]) -> Option<StatementKind> {
    const QUERY: [&[u8]; 8] = [
        b"SELECT",
        b"VALUES",
        b"TABLE",
        b"SHOW",
        b"EXPLAIN",
        b"DESCRIBE",
        b"DESC",
        b"PRAGMA",
    ];
    const WRITE: [&[u8]; 6] = [
        b"INSERT", b"UPDATE", b"DELETE", b"REPLACE", b"MERGE", b"UPSERT",
    ];
    if QUERY.iter().any(|k| word.eq_ignore_ascii_case(k)) {
        Some(StatementKind::Query)
    } else if WRITE.iter().any(|k| word.eq_ignore_ascii_case(k)) {
        Some(StatementKind::Write)
    } else {
        None
    }
}

/// A cursor over the text that steps over quoted parts and comments as wholes.
struct Scan<'a> {
    bytes: &'a [u8],
    at: usize,
    lexicon: &'a Lexicon,
}

impl Scan<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.at + ahead).copied()
    }

    /// The first byte of the next token outside blanks and comments, the cursor past it
    /// (a quoted part is one token); `None` at the end.
    fn next_token(&mut self) -> Option<u8> {
        let start = self.token_start()?;
        let b = self.bytes[start];
        self.at = start + 1;
        self.quoted(b);
        Some(b)
    }

    /// Steps over blanks and comments; the offset of the next token's first byte (the
    /// cursor left there), `None` at the end.
    fn token_start(&mut self) -> Option<usize> {
        loop {
            match self.peek(0)? {
                b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => self.at += 1,
                b'-' if self.peek(1) == Some(b'-') => self.line_comment(),
                b'#' if self.lexicon.hash_comments => self.line_comment(),
                b'/' if self.peek(1) == Some(b'*') => self.block_comment(),
                _ => return Some(self.at),
            }
        }
    }

    /// Having just read a word's first byte, steps past the rest of it; the word.
    fn word(&mut self) -> &[u8] {
        let start = self.at.saturating_sub(1);
        while self
            .peek(0)
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80)
        {
            self.at += 1;
        }
        self.bytes.get(start..self.at).unwrap_or_default()
    }

    /// The next token that is not `skip`.
    fn next_token_skipping(&mut self, skip: u8) -> Option<u8> {
        loop {
            match self.next_token()? {
                b if b == skip => continue,
                b => return Some(b),
            }
        }
    }

    fn line_comment(&mut self) {
        while let Some(b) = self.peek(0) {
            self.at += 1;
            if b == b'\n' {
                return;
            }
        }
    }

    fn block_comment(&mut self) {
        self.at += 2;
        let mut depth = 1usize;
        while let Some(b) = self.peek(0) {
            if b == b'*' && self.peek(1) == Some(b'/') {
                self.at += 2;
                depth -= 1;
                if depth == 0 {
                    return;
                }
            } else if b == b'/' && self.peek(1) == Some(b'*') && self.lexicon.nested_comments {
                self.at += 2;
                depth += 1;
            } else {
                self.at += 1;
            }
        }
    }

    /// Having just read `open`, steps past the rest of the quoted part it opens, if any.
    fn quoted(&mut self, open: u8) {
        let l = self.lexicon;
        match open {
            b'\'' => {
                let escapes = l.backslash_escapes || (l.escape_strings && self.after_e_prefix());
                self.until(b'\'', escapes)
            }
            b'"' => self.until(b'"', l.backslash_escapes),
            b'`' if l.backtick_identifiers => self.until(b'`', false),
            b'[' if l.bracket_identifiers => self.until(b']', false),
            b'$' if l.dollar_quotes => self.dollar_quoted(),
            _ => {}
        }
    }

    /// True when the quote just read follows a lone `E` (`E'…'`, not `namE'…'`).
    fn after_e_prefix(&self) -> bool {
        let before = |n: usize| self.at.checked_sub(n).and_then(|i| self.bytes.get(i));
        matches!(before(2), Some(b'E' | b'e'))
            && !before(3).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b >= 0x80)
    }

    /// Steps past `close`; a doubled `close` is part of the text, as is a byte after a
    /// backslash when `backslash` is set. An unterminated quote runs to the end.
    fn until(&mut self, close: u8, backslash: bool) {
        while let Some(b) = self.peek(0) {
            self.at += 1;
            if backslash && b == b'\\' {
                self.at += 1;
            } else if b == close {
                if self.peek(0) == Some(close) {
                    self.at += 1;
                } else {
                    return;
                }
            }
        }
    }

    /// `$tag$ … $tag$`, the `$` read already; `$1` (a parameter) and a lone `$` quote
    /// nothing.
    fn dollar_quoted(&mut self) {
        let start = self.at;
        let tag_len = self.bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b >= 0x80)
            .count();
        let starts_with_digit = self.bytes.get(start).is_some_and(u8::is_ascii_digit);
        if starts_with_digit || self.bytes.get(start + tag_len) != Some(&b'$') {
            return;
        }
        let delimiter = &self.bytes[start - 1..start + tag_len + 1];
        self.at = start + tag_len + 1;
        match find(&self.bytes[self.at..], delimiter) {
            Some(end) => self.at += end + delimiter.len(),
            None => self.at = self.bytes.len(),
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str, l: &Lexicon) -> bool {
        one_statement(text, l).is_ok()
    }

    #[test]
    fn a_trailing_semicolon_blanks_and_comments_are_one_statement() {
        for l in [Lexicon::SQLITE, Lexicon::POSTGRES, Lexicon::MYSQL] {
            assert!(one("SELECT 1", &l));
            assert!(one("SELECT 1;", &l));
            assert!(one("SELECT 1 ;; \n -- bye\n /* end */ ;", &l));
            assert!(one("", &l));
            assert!(!one("SELECT 1; SELECT 2", &l));
            assert!(!one("SELECT 1;-- c\nDROP TABLE t", &l));
            assert!(!one("SELECT 1;/* c */DROP TABLE t", &l));
        }
    }

    #[test]
    fn a_trigger_body_is_part_of_its_statement() {
        let l = Lexicon::SQLITE;
        let trigger = "CREATE TRIGGER audit AFTER INSERT ON t BEGIN \
                       INSERT INTO log VALUES (new.id); \
                       UPDATE n SET v = CASE WHEN v > 0 THEN v + 1 END; END";
        assert!(one(trigger, &l));
        assert!(one(&format!("{trigger};"), &l));
        assert!(one(&format!("{trigger} ; -- done"), &l));
        assert!(one(
            "create temp trigger a after delete on t begin select 1; end;",
            &l
        ));
        // What follows the trigger's own END is a second statement.
        assert!(!one(&format!("{trigger}; DROP TABLE t"), &l));
        // `; END` inside a string or comment of the body does not end it.
        assert!(!one(
            "CREATE TRIGGER a AFTER INSERT ON t BEGIN SELECT '; END;'; END; SELECT 2",
            &l
        ));
        assert!(one(
            "CREATE TRIGGER a AFTER INSERT ON t BEGIN SELECT 1 /* ; END; */; END",
            &l
        ));
        // Only a statement that creates a trigger has a body: a column named `trigger`
        // or a table named after one does not make a second statement part of the first.
        assert!(!one(
            "CREATE TABLE t (trigger int, b int); END; DROP TABLE u",
            &l
        ));
        assert!(!one("CREATE TABLE trigger_log (a); DROP TABLE u", &l));
        assert!(!one("SELECT 1; END; SELECT 2", &l));
    }

    #[test]
    fn semicolons_inside_quotes_and_comments_do_not_end_the_statement() {
        let l = Lexicon::SQLITE;
        assert!(one("SELECT 'a;b', \"c;d\", `e;f`, [g;h] FROM t", &l));
        assert!(one("SELECT 'it''s; fine'", &l));
        assert!(one("SELECT 1 -- ; DROP TABLE t", &l));
        assert!(one("SELECT 1 /* ; DROP TABLE t */", &l));
        assert!(one("SELECT 'unterminated; DROP TABLE t", &l));
    }

    #[test]
    fn each_dialect_quotes_only_what_its_server_quotes() {
        // MySQL: a backslash escapes the quote, so the string goes on past `\'`.
        assert!(one(r"SELECT 'a\'; DROP TABLE t; '", &Lexicon::MYSQL));
        // SQLite and PostgreSQL: the backslash is a plain byte, the string ends there.
        assert!(!one(r"SELECT 'a\'; DROP TABLE t; '", &Lexicon::SQLITE));
        assert!(!one(r"SELECT 'a\'; DROP TABLE t; '", &Lexicon::POSTGRES));
        // `#` is a comment on MySQL only.
        assert!(one("SELECT 1 # ; DROP TABLE t", &Lexicon::MYSQL));
        // Brackets and backticks quote nothing on PostgreSQL.
        assert!(!one("SELECT [a; DROP TABLE t]", &Lexicon::POSTGRES));
        assert!(!one("SELECT `a; DROP TABLE t`", &Lexicon::POSTGRES));
        // Nested comments on PostgreSQL: the `*/` inside closes the inner one only.
        assert!(one("SELECT 1 /* a /* b */ ; DROP */", &Lexicon::POSTGRES));
        assert!(!one("SELECT 1 /* a /* b */ ; DROP */", &Lexicon::SQLITE));
    }

    #[test]
    fn dollar_quotes_on_postgres_and_parameters_are_not_quotes() {
        let l = Lexicon::POSTGRES;
        assert!(one("SELECT $$a; b$$", &l));
        assert!(one("SELECT $fn$ ; $x$ ; $fn$", &l));
        assert!(!one("SELECT $1; DROP TABLE t", &l));
        assert!(!one("SELECT $$a$$; DROP TABLE t", &l));
    }

    #[test]
    fn statement_kinds_come_from_the_leading_keyword_outside_comments_and_ctes() {
        use StatementKind::{Other, Query, Write};
        let cases = [
            ("SELECT 1", Query),
            ("  select id from t where 1 = 0", Query),
            ("-- first\nVALUES (1)", Query),
            ("(SELECT 1) UNION (SELECT 2)", Query),
            ("SHOW TABLES", Query),
            ("PRAGMA table_info(t)", Query),
            ("EXPLAIN DELETE FROM t", Query),
            ("INSERT INTO t VALUES (1) RETURNING id", Write),
            ("/* select */ update t set a = 1", Write),
            ("Delete from t returning *", Write),
            ("REPLACE INTO t VALUES (1)", Write),
            (
                "MERGE INTO t USING s ON (t.id = s.id) WHEN MATCHED THEN DELETE",
                Write,
            ),
            (
                "WITH d AS (SELECT id FROM t) DELETE FROM t WHERE id IN (SELECT id FROM d)",
                Write,
            ),
            (
                "WITH d(x) AS (VALUES (1)), e AS (SELECT 2) SELECT * FROM d, e",
                Query,
            ),
            (
                "WITH \"select\" AS (SELECT 1) INSERT INTO t SELECT * FROM \"select\"",
                Write,
            ),
            ("CREATE TABLE t AS SELECT 1", Other),
            ("SET @a = 1", Other),
            ("BEGIN", Other),
            ("", Other),
            ("'SELECT'", Other),
            ("WITH", Other),
            ("selector()", Other),
        ];
        for (text, want) in cases {
            for l in [Lexicon::SQLITE, Lexicon::POSTGRES, Lexicon::MYSQL] {
                assert_eq!(statement_kind(text, &l), want, "{text}");
            }
        }
        // Multi-byte text around the keyword never panics.
        assert_eq!(statement_kind("é SELECT", &Lexicon::SQLITE), Other);
        assert_eq!(statement_kind("SELECTé", &Lexicon::SQLITE), Other);
    }

    #[test]
    fn code_offsets_step_over_quoted_parts_and_comments_as_wholes() {
        let bytes_of = |text: &str, l: Lexicon| -> Vec<u8> {
            code_offsets(text, l)
                .map(|at| text.as_bytes()[at])
                .collect()
        };
        let text = "a 'b?' \"c\" $$d$$ -- e\n /* f */ g$1";
        assert_eq!(bytes_of(text, Lexicon::POSTGRES), b"a'\"$g$1");
        // On MySQL the backslash keeps the string open past `\'`.
        assert_eq!(bytes_of(r"'a\'b' ? # c", Lexicon::MYSQL), b"'?");
        assert_eq!(bytes_of(r"'a\'b' ?", Lexicon::SQLITE), b"'b'");
        assert!(code_offsets("", Lexicon::STANDARD).next().is_none());
    }

    #[test]
    fn escape_strings_on_postgres_take_backslashes() {
        let l = Lexicon::POSTGRES;
        // The server reads E'\'' as one string holding a quote, then a second statement.
        assert!(!one(r"SELECT E'\''; DROP TABLE t; --'", &l));
        assert!(one(r"SELECT E'a\'; b'", &l));
        // Without the E prefix (or as the end of a name) the backslash is a plain byte.
        assert!(!one(r"SELECT 'a\'; DROP TABLE t; --'", &l));
        assert!(!one(r"SELECT namE'a\'; DROP TABLE t; --'", &l));
    }
}
