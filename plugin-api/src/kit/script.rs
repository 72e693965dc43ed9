//! Splitting a SQL script (a migration file) into its statements, so that each runs in a
//! call of its own: client libraries differ on several statements in one call, and a
//! failure then names the statement. Semicolons count only outside quotes, comments and
//! dollar-quoted bodies, as the dialect's [`Lexicon`] finds them; a `CREATE TRIGGER`'s
//! body keeps its inner semicolons up to its `END`.

use super::lexer::{code_offsets, Lexicon};

/// The statements of `text`, trimmed, without their `;`, empty ones (and comment-only
/// ones) left out.
///
/// ```
/// use plugorm_plugin_api::kit::{lexer::Lexicon, script::split_script};
/// let parts = split_script("CREATE TABLE a (s text DEFAULT ';'); -- c;\nSELECT 1;", Lexicon::SQLITE);
/// assert_eq!(parts, ["CREATE TABLE a (s text DEFAULT ';')", "-- c;\nSELECT 1"]);
/// ```
pub fn split_script(text: &str, lexicon: Lexicon) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    // Words of the current statement so far (uppercased), enough to tell a trigger and
    // where its body ends.
    let mut words: Vec<String> = Vec::new();
    let mut prev_word = String::new();
    let mut code = code_offsets(text, lexicon).peekable();
    while let Some(at) = code.next() {
        let b = bytes[at];
        if b.is_ascii_alphabetic() || b == b'_' {
            let mut end = at + 1;
            while code.peek().is_some_and(|&n| {
                n == end && (bytes[n].is_ascii_alphanumeric() || bytes[n] == b'_')
            }) {
                code.next();
                end += 1;
            }
            prev_word = text[at..end].to_ascii_uppercase();
            if words.len() < 3 {
                words.push(prev_word.clone());
            }
            continue;
        }
        if b != b';' {
            prev_word.clear();
            continue;
        }
        let trigger = is_trigger(&words);
        if trigger && prev_word != "END" {
            continue;
        }
        push(&mut out, &text[start..at], lexicon);
        start = at + 1;
        words.clear();
        prev_word.clear();
    }
    push(&mut out, &text[start..], lexicon);
    out
}

fn is_trigger(words: &[String]) -> bool {
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    matches!(
        w.as_slice(),
        ["CREATE", "TRIGGER", ..] | ["CREATE", "TEMP" | "TEMPORARY", "TRIGGER"]
    )
}

/// Keeps a statement that has code (not only blanks and comments).
fn push(out: &mut Vec<String>, part: &str, lexicon: Lexicon) {
    if code_offsets(part, lexicon).next().is_some() {
        out.push(part.trim().to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_semicolons_outside_quotes_comments_and_bodies() {
        let sql = "CREATE TABLE a (s TEXT DEFAULT ';'); -- one; two\n\
                   INSERT INTO a VALUES ('x;y') /* ; */;\n;\n  ";
        assert_eq!(
            split_script(sql, Lexicon::SQLITE),
            [
                "CREATE TABLE a (s TEXT DEFAULT ';')",
                "-- one; two\nINSERT INTO a VALUES ('x;y') /* ; */"
            ]
        );
        let pg = "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql; SELECT f()";
        assert_eq!(split_script(pg, Lexicon::POSTGRES).len(), 2);
        let trigger = "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET s = 'z'; DELETE FROM a; END; SELECT 1";
        let parts = split_script(trigger, Lexicon::SQLITE);
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert!(parts[0].ends_with("END"));
        assert_eq!(
            split_script("-- only a comment;\n", Lexicon::SQLITE),
            Vec::<String>::new()
        );
    }
}
