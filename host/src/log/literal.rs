//! One bound value as a SQL literal, as GORM's `logger.ExplainSQL` writes it — with
//! strings quoted the standard way (`'` doubled), which every dialect reads.

use std::fmt::Write as _;

use plugorm_plugin_api::{value::Timestamp, Value};

use super::style::{BytesLiteral, Literals};

/// Appends `value` to `out` as a literal of the dialect `literals` describes.
pub(crate) fn write(out: &mut String, value: &Value, literals: &Literals) {
    match value {
        Value::Null => out.push_str("NULL"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::I64(i) => {
            let _ = write!(out, "{i}");
        }
        Value::F64(f) => float(out, *f),
        Value::Decimal(s) | Value::Text(s) | Value::Json(s) => string(out, s, literals),
        Value::Bytes(b) => bytes(out, b, literals.bytes),
        Value::Timestamp(t) => string(out, &timestamp(*t), literals),
        Value::Date(_) | Value::Time(_) | Value::Uuid(_) => {
            string(out, &value.text_form().unwrap_or_default(), literals)
        }
        // A variant added to the plugin API after this match was written: its text form
        // if it has one, else its kind, so the log still shows where it went.
        other => match other.text_form() {
            Some(text) => string(out, &text, literals),
            None => {
                let _ = write!(out, "'<{}>'", other.kind_name());
            }
        },
    }
}

/// Digits, without an exponent (as Go's `FormatFloat(f, 'f', -1, 64)`); the three values
/// that have no digits as the strings PostgreSQL reads them from.
fn float(out: &mut String, f: f64) {
    if f.is_nan() {
        out.push_str("'NaN'");
    } else if f.is_infinite() {
        out.push_str(if f > 0.0 { "'Infinity'" } else { "'-Infinity'" });
    } else {
        let _ = write!(out, "{f}");
    }
}

/// `'…'` with `'` doubled, and `\` doubled where a backslash escapes.
fn string(out: &mut String, s: &str, literals: &Literals) {
    out.reserve(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' if literals.backslash_escapes => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('\'');
}

fn bytes(out: &mut String, b: &[u8], form: BytesLiteral) {
    out.reserve(b.len() * 2 + 5);
    out.push_str(match form {
        BytesLiteral::HexX => "X'",
        BytesLiteral::Bytea => "'\\x",
    });
    for byte in b {
        let _ = write!(out, "{byte:02x}");
    }
    out.push('\'');
}

/// GORM's `2006-01-02 15:04:05.999`: milliseconds, trailing zeros (and a bare point)
/// dropped; a UTC instant as its UTC wall clock, without the zone, as GORM writes a
/// `time.Time` in its own location.
fn timestamp(t: Timestamp) -> String {
    let Some(wall) = t.to_naive() else {
        return t.to_string();
    };
    let mut text = wall.format("%Y-%m-%d %H:%M:%S").to_string();
    let millis = t.micros.rem_euclid(1_000_000) / 1000;
    if millis > 0 {
        let digits = format!("{millis:03}");
        text.push('.');
        text.push_str(digits.trim_end_matches('0'));
    }
    text
}
