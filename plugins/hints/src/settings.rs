//! The session settings the plugin reads, parsed.
//!
//! `Db::plugin_setting` keeps one value per key, so a key that takes several hints takes
//! them one per line:
//!
//! - `hints:optimizer`: optimizer hint text, one hint per line; all of them go into one
//!   `/*+ … */` comment, joined by a space.
//! - `hints:comment`, `hints:comment_before`, `hints:comment_after`: one comment per line,
//!   `CLAUSE TEXT` (`select hint`, `group by slow path`): written after the clause's
//!   keyword, before it, or after the clause's expression.
//! - `hints:index`: one index hint per line, `TABLE use|force|ignore [for join | for order
//!   by | for group by] INDEX[,INDEX…]` (`users force for join user_name,user_id`); for
//!   `ignore`, `*` stands for every index of the table.

use crate::error::HintError;

/// The settings' keys.
pub const OPTIMIZER: &str = "hints:optimizer";
pub const COMMENT: &str = "hints:comment";
pub const COMMENT_BEFORE: &str = "hints:comment_before";
pub const COMMENT_AFTER: &str = "hints:comment_after";
pub const INDEX: &str = "hints:index";

/// Where a comment goes relative to its clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Right after the clause's keyword (`SELECT /* c */ *`).
    AfterKeyword,
    /// Right before the keyword (`/* c */ SELECT`).
    Before,
    /// After the clause's expression, before the next clause (`SELECT * /* c */ FROM`).
    AfterExpression,
}

/// A comment at a clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub place: Place,
    /// The clause's keywords, upper-cased (`["GROUP", "BY"]`).
    pub clause: Vec<String>,
    pub text: String,
}

/// What an index hint does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Use,
    Force,
    Ignore,
}

impl Action {
    pub fn keyword(self) -> &'static str {
        match self {
            Action::Use => "USE",
            Action::Force => "FORCE",
            Action::Ignore => "IGNORE",
        }
    }
}

/// Which part of a query an index hint is for (MySQL's `FOR …`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    Join,
    OrderBy,
    GroupBy,
}

impl Scope {
    pub fn keywords(self) -> &'static str {
        match self {
            Scope::All => "",
            Scope::Join => " FOR JOIN",
            Scope::OrderBy => " FOR ORDER BY",
            Scope::GroupBy => " FOR GROUP BY",
        }
    }
}

/// An index hint on one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexHint {
    pub table: String,
    pub action: Action,
    pub scope: Scope,
    /// The indexes; empty for `ignore *` (every index).
    pub indexes: Vec<String>,
    /// The line as written, for errors.
    pub written: String,
}

/// Every hint of a session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hints {
    pub optimizer: Vec<String>,
    pub comments: Vec<Comment>,
    pub indexes: Vec<IndexHint>,
}

impl Hints {
    /// True when there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.optimizer.is_empty() && self.comments.is_empty() && self.indexes.is_empty()
    }

    /// The hints of the `hints:` settings among `settings`; other plugins' are skipped.
    pub fn parse<'a>(
        settings: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Hints, HintError> {
        let mut hints = Hints::default();
        for (key, value) in settings {
            if !key.starts_with("hints:") {
                continue;
            }
            let bad = |reason: &str| HintError::Malformed {
                key: key.into(),
                value: value.into(),
                reason: reason.into(),
            };
            let lines = value.lines().map(str::trim).filter(|l| !l.is_empty());
            match key {
                OPTIMIZER => {
                    for line in lines {
                        hints.optimizer.push(comment_text(line).map_err(bad)?);
                    }
                }
                COMMENT | COMMENT_BEFORE | COMMENT_AFTER => {
                    let place = match key {
                        COMMENT => Place::AfterKeyword,
                        COMMENT_BEFORE => Place::Before,
                        _ => Place::AfterExpression,
                    };
                    for line in lines {
                        hints.comments.push(comment(place, line).map_err(bad)?);
                    }
                }
                INDEX => {
                    for line in lines {
                        hints.indexes.push(index_hint(line).map_err(bad)?);
                    }
                }
                _ => return Err(HintError::UnknownKey(key.into())),
            }
        }
        Ok(hints)
    }
}

/// Text that may sit inside a `/* … */` comment: one that cannot close it early.
fn comment_text(text: &str) -> Result<String, &'static str> {
    if text.contains("*/") || text.contains("/*") {
        return Err("a hint or comment may not contain `/*` or `*/`");
    }
    Ok(text.to_string())
}

fn comment(place: Place, line: &str) -> Result<Comment, &'static str> {
    let mut words = line.splitn(2, char::is_whitespace);
    let first = words.next().unwrap_or_default().to_ascii_uppercase();
    let mut rest = words.next().unwrap_or_default().trim_start();
    let mut clause = vec![first.clone()];
    if matches!(first.as_str(), "GROUP" | "ORDER") {
        let Some(after) = strip_word(rest, "by") else {
            return Err("write the clause as `group by` or `order by`");
        };
        clause.push("BY".into());
        rest = after;
    }
    if !first.chars().all(|c| c.is_ascii_alphabetic()) || first.is_empty() {
        return Err("each line is `CLAUSE TEXT`, the clause a keyword such as select or where");
    }
    if rest.is_empty() {
        return Err("each line is `CLAUSE TEXT`: the comment's text is missing");
    }
    Ok(Comment {
        place,
        clause,
        text: comment_text(rest)?,
    })
}

/// `text` after its leading word `word` (any case) and the blanks after it.
fn strip_word<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let head = text.get(..word.len())?;
    let rest = &text[word.len()..];
    (head.eq_ignore_ascii_case(word) && rest.chars().next().is_none_or(char::is_whitespace))
        .then(|| rest.trim_start())
}

/// A plain identifier (letters, digits, `_`, `$`, not starting with a digit), or one
/// qualified by a schema (`app.users`): names written into hints are checked, never
/// trusted.
fn plain_name(name: &str) -> bool {
    name.split('.').all(|part| {
        let mut chars = part.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    })
}

fn index_hint(line: &str) -> Result<IndexHint, &'static str> {
    const FORM: &str =
        "each line is `TABLE use|force|ignore [for join|for order by|for group by] INDEX[,INDEX…]`";
    let (table, rest) = line.split_once(char::is_whitespace).ok_or(FORM)?;
    let rest = rest.trim_start();
    let (action, rest) = [Action::Use, Action::Force, Action::Ignore]
        .into_iter()
        .find_map(|a| strip_word(rest, a.keyword()).map(|r| (a, r)))
        .ok_or(FORM)?;
    let (scope, rest) = match strip_word(rest, "for") {
        None => (Scope::All, rest),
        Some(r) => [
            (Scope::Join, "join"),
            (Scope::OrderBy, "order"),
            (Scope::GroupBy, "group"),
        ]
        .into_iter()
        .find_map(|(scope, word)| {
            let after = strip_word(r, word)?;
            match scope {
                Scope::Join => Some((scope, after)),
                _ => strip_word(after, "by").map(|a| (scope, a)),
            }
        })
        .ok_or(FORM)?,
    };
    let indexes: Vec<String> = rest
        .split(',')
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .map(str::to_string)
        .collect();
    if !plain_name(table) {
        return Err("the table must be a plain name (letters, digits, `_`)");
    }
    let every = indexes.len() == 1 && indexes[0] == "*";
    if every && action != Action::Ignore {
        return Err("`*` (every index) is for `ignore` only");
    }
    if indexes.is_empty() {
        return Err("name at least one index");
    }
    if !every && !indexes.iter().all(|i| plain_name(i) && !i.contains('.')) {
        return Err("index names must be plain names (letters, digits, `_`)");
    }
    Ok(IndexHint {
        table: table.to_string(),
        action,
        scope,
        indexes: if every { Vec::new() } else { indexes },
        written: line.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(key: &str, value: &str) -> Result<Hints, HintError> {
        Hints::parse([(key, value)])
    }

    #[test]
    fn each_line_is_one_hint() {
        let h = parse(OPTIMIZER, "MAX_EXECUTION_TIME(100)\n USE_INDEX(t1, idx1)\n").unwrap();
        assert_eq!(
            h.optimizer,
            ["MAX_EXECUTION_TIME(100)", "USE_INDEX(t1, idx1)"]
        );
        let h = parse(COMMENT_AFTER, "Group By slow path\nwhere w").unwrap();
        assert_eq!(h.comments[0].clause, ["GROUP", "BY"]);
        assert_eq!(h.comments[0].text, "slow path");
        assert_eq!(h.comments[1].clause, ["WHERE"]);
        let h = parse(INDEX, "users FORCE for group by a, b\nusers ignore *").unwrap();
        assert_eq!(h.indexes[0].scope, Scope::GroupBy);
        assert_eq!(h.indexes[0].indexes, ["a", "b"]);
        assert_eq!(h.indexes[1].action, Action::Ignore);
        assert!(h.indexes[1].indexes.is_empty());
    }

    #[test]
    fn what_could_break_out_of_its_place_is_refused() {
        assert!(parse(OPTIMIZER, "x */ DROP TABLE t; /*").is_err());
        assert!(parse(COMMENT, "select").is_err());
        assert!(parse(INDEX, "users use a;b").is_err());
        assert!(parse(INDEX, "users`x use a").is_err());
        assert!(parse(INDEX, "users use").is_err());
        assert!(parse(INDEX, "users prefer a").is_err());
        assert!(parse(INDEX, "users force *").is_err());
        assert!(matches!(
            parse("hints:other", "x"),
            Err(HintError::UnknownKey(_))
        ));
        assert_eq!(parse("dbresolver:use", "x").unwrap(), Hints::default());
    }
}
