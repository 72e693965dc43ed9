//! Generators and checks shared by the fuzz targets in `fuzz_targets/`.
//!
//! Everything is built from `arbitrary::Unstructured`, so a libFuzzer input maps to one
//! statement tree or one set of rows, deterministically.

pub mod check;
pub mod rows;
pub mod stmt;

use arbitrary::{Result, Unstructured};
use plugorm_plugin_api::value::{Date, Time, Timestamp};
use plugorm_plugin_api::Value;

/// Characters that break naive quoting or tokenizing: every quote style in use (`"`,
/// `` ` ``, `'`, `[` `]`), placeholder and comment starters, separators, whitespace and
/// non-ASCII text (combining, zero-width, bidi, line separator, astral). Never NUL.
const HOSTILE: &[char] = &[
    '"', '`', '\'', '[', ']', '\\', '?', '$', '1', ';', '-', '/', '*', '#', '%', ' ', '\n', '\t',
    '\r', '.', ',', '(', ')', ':', '@', '=', 'a', 'z', 'A', 'Z', '0', '_', 'é', 'ß', '\u{301}',
    '\u{200b}', '\u{202e}', '\u{2028}', '\u{feff}', '中', '😀',
];

/// A non-empty identifier or text from [`HOSTILE`], now and then any other non-NUL char.
pub fn hostile_text(u: &mut Unstructured<'_>, max_len: usize) -> Result<String> {
    let len = u.int_in_range(1..=max_len)?;
    let mut s = String::with_capacity(len);
    for _ in 0..len {
        let c = if u.ratio(1u8, 8u8)? {
            match u.arbitrary::<char>()? {
                '\0' => 'x',
                c => c,
            }
        } else {
            *u.choose(HOSTILE)?
        };
        s.push(c);
    }
    Ok(s)
}

/// Any [`Value`], its text and bytes drawn from hostile alphabets or raw input.
pub fn value(u: &mut Unstructured<'_>) -> Result<Value> {
    Ok(match u.int_in_range(0u8..=11)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::I64(u.arbitrary()?),
        3 => Value::F64(u.arbitrary()?),
        4 => Value::Decimal(u.arbitrary::<String>()?.into()),
        5 => Value::Text(hostile_text(u, 24)?.into()),
        6 => Value::Bytes(u.arbitrary::<Vec<u8>>()?.into()),
        7 => Value::Date(Date {
            days_since_epoch: u.arbitrary()?,
        }),
        8 => Value::Time(Time {
            micros: u.arbitrary()?,
        }),
        9 => Value::Timestamp(Timestamp {
            micros: u.arbitrary()?,
            utc: u.arbitrary()?,
        }),
        10 => Value::Uuid(u.arbitrary()?),
        _ => Value::Json(u.arbitrary::<String>()?.into()),
    })
}
