//! The names of a table's FOREIGN KEY constraints, read from its `CREATE TABLE` text, for
//! catalogs that list the keys but not their names (SQLite's `pragma_foreign_key_list`).
//!
//! The definition's tokens ([`crate::kit::definition::tokens`]: string literals skipped,
//! so a CHECK text cannot fake a constraint) are enough: a named key is the sequence
//! `CONSTRAINT <name> FOREIGN KEY (<columns>)`.

use crate::kit::{
    definition::{tokens, Token},
    lexer::Lexicon,
};

fn keyword(t: Option<&Token>, k: &str) -> bool {
    t.is_some_and(|t| t.is_keyword(k))
}

/// Every `(name, columns)` of the named FOREIGN KEY constraints in a `CREATE TABLE` text.
///
/// ```
/// use plugorm_plugin_api::kit::introspect::named_foreign_keys;
/// let sql = "CREATE TABLE p (u int, CONSTRAINT fk_u FOREIGN KEY (u) REFERENCES users(id))";
/// assert_eq!(named_foreign_keys(sql), [("fk_u".to_string(), vec!["u".to_string()])]);
/// ```
pub fn parse(sql: &str) -> Vec<(String, Vec<String>)> {
    let t = tokens(sql, Lexicon::SQLITE);
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if !keyword(t.get(i), "constraint") {
            i += 1;
            continue;
        }
        let (Some(Token::Word { text: name, .. }), true, true, Some(Token::Punct('('))) = (
            t.get(i + 1),
            keyword(t.get(i + 2), "foreign"),
            keyword(t.get(i + 3), "key"),
            t.get(i + 4),
        ) else {
            i += 1;
            continue;
        };
        let mut columns = Vec::new();
        let mut j = i + 5;
        while let Some(tok) = t.get(j) {
            match tok {
                Token::Word { text, .. } => columns.push(text.clone()),
                Token::Punct(')') => break,
                Token::Punct(_) => {}
            }
            j += 1;
        }
        out.push((name.clone(), columns));
        i = j;
    }
    out
}

/// The name of the constraint on exactly `columns` (case-insensitive, in order).
///
/// ```
/// use plugorm_plugin_api::kit::introspect::constraint_name_for;
/// let named = vec![("fk_u".to_string(), vec!["u".to_string()])];
/// assert_eq!(constraint_name_for(&named, &["U"]), Some("fk_u"));
/// ```
pub fn name_for<'a>(named: &'a [(String, Vec<String>)], columns: &[&str]) -> Option<&'a str> {
    named
        .iter()
        .find(|(_, cols)| {
            cols.len() == columns.len()
                && cols
                    .iter()
                    .zip(columns)
                    .all(|(a, b)| a.eq_ignore_ascii_case(b))
        })
        .map(|(n, _)| n.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_definition() {
        let sql = "CREATE TABLE `pets` (`id` integer PRIMARY KEY AUTOINCREMENT,`user_id` integer,\
                   `a` integer,`b` integer,`name` text,\
                   CONSTRAINT `fk_users_pets` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE CASCADE,\
                   CONSTRAINT \"fk \"\"two\"\"\" FOREIGN KEY (a, [b]) REFERENCES t(x, y),\
                   CONSTRAINT `chk_pets_name` CHECK (name <> 'CONSTRAINT fake FOREIGN KEY (name)'))";
        let named = parse(sql);
        assert_eq!(
            named,
            [
                ("fk_users_pets".to_string(), vec!["user_id".to_string()]),
                (
                    "fk \"two\"".to_string(),
                    vec!["a".to_string(), "b".to_string()]
                ),
            ]
        );
        assert_eq!(name_for(&named, &["USER_ID"]), Some("fk_users_pets"));
        assert_eq!(name_for(&named, &["a", "b"]), Some("fk \"two\""));
        assert_eq!(name_for(&named, &["name"]), None);
        assert!(parse("").is_empty());
    }
}
