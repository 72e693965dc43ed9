//! [`explain`]: a statement's text with each placeholder replaced by its value as a
//! literal (GORM's `Dialector.Explain`), for reading — never for running: the values
//! are bound for a reason.

use plugorm_plugin_api::{kit::lexer::code_offsets, value::from_ffi, FfiValue};

use super::{
    literal,
    style::{ExplainStyle, Placeholders},
};

/// `text` with its placeholders replaced by `params` as literals of the dialect `style`
/// describes. Only placeholders in SQL code count: a `?` or `$1` inside a string, a
/// quoted name or a comment is left as it is. A placeholder without a parameter, or with
/// one this side cannot read, is left as it is too (as GORM leaves it).
pub(crate) fn explain(text: &str, params: &[FfiValue], style: &ExplainStyle) -> String {
    if params.is_empty() {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + params.len() * 8);
    let mut copied = 0;
    let mut positional = 0;
    for at in code_offsets(text, style.lexicon) {
        if at < copied {
            continue;
        }
        let Some((len, index)) = placeholder_at(bytes, at, &style.placeholders, &mut positional)
        else {
            continue;
        };
        let Some(value) = params.get(index).and_then(|p| from_ffi(p).ok()) else {
            continue;
        };
        // A placeholder starts and ends on ASCII bytes, so both ends are char boundaries.
        let Some(before) = text.get(copied..at) else {
            continue;
        };
        out.push_str(before);
        literal::write(&mut out, value, &style.literals);
        copied = at + len;
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

/// The placeholder starting at `at`, if one does: its length and the 0-based index of
/// its parameter. `positional` counts the `?` seen so far.
fn placeholder_at(
    bytes: &[u8],
    at: usize,
    placeholders: &Placeholders,
    positional: &mut usize,
) -> Option<(usize, usize)> {
    match placeholders {
        Placeholders::Positional => {
            if bytes.get(at) != Some(&b'?') {
                return None;
            }
            *positional += 1;
            Some((1, *positional - 1))
        }
        Placeholders::Numbered(prefix) => {
            let rest = bytes.get(at..)?.strip_prefix(prefix.as_bytes())?;
            // `a$1` is a name on PostgreSQL, which allows `$` after a name's first byte.
            if at > 0 && bytes.get(at - 1).is_some_and(|&b| name_byte(b)) {
                return None;
            }
            let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            let n: usize = std::str::from_utf8(rest.get(..digits)?)
                .ok()?
                .parse()
                .ok()?;
            Some((prefix.len() + digits, n.checked_sub(1)?))
        }
    }
}

/// A byte that can continue an unquoted name.
fn name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}
