//! The text form of [`super::Value::Uuid`]: [`uuid_text`] writes the canonical form,
//! [`parse_uuid`] reads it back (and the other spellings RFC 9562 readers accept).

/// Why a text is not a UUID.
///
/// ```
/// use plugorm_plugin_api::value::{parse_uuid, UuidTextError};
/// assert_eq!(parse_uuid("abc"), Err(UuidTextError::Length(3)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UuidTextError {
    /// Neither 32 hex digits nor 36 characters with hyphens (braces and a `urn:uuid:`
    /// prefix not counted).
    #[error(
        "a UUID is 32 hex digits, or 36 characters with hyphens (8-4-4-4-12), not {0} characters"
    )]
    Length(usize),
    /// 36 characters whose hyphens are not after hex digits 8, 12, 16 and 20.
    #[error("a UUID's hyphens separate groups of 8-4-4-4-12 hex digits")]
    Hyphens,
    /// A character that is not a hex digit where one belongs.
    #[error("`{found}` at character {at} is not a hex digit")]
    NotHex { at: usize, found: char },
}

impl From<UuidTextError> for crate::DbError {
    /// A UUID that did not parse, as the decode error a plugin reports.
    ///
    /// ```
    /// use plugorm_plugin_api::{value::parse_uuid, DbError};
    /// let e: DbError = parse_uuid("nope").unwrap_err().into();
    /// assert!(matches!(e, DbError::Decode { .. }));
    /// ```
    fn from(e: UuidTextError) -> crate::DbError {
        crate::DbError::Decode {
            detail: format!("UUID text: {e}"),
        }
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The canonical text form of a UUID (RFC 9562): 36 characters, lower-case hex digits in
/// groups of 8-4-4-4-12 separated by hyphens. How a dialect binds a UUID to a text
/// column (the portable default column type is `char(36)`).
///
/// ```
/// use plugorm_plugin_api::value::uuid_text;
/// let mut u = [0u8; 16];
/// u[0] = 0xA0;
/// u[15] = 0x11;
/// assert_eq!(uuid_text(&u), "a0000000-0000-0000-0000-000000000011");
/// ```
pub fn uuid_text(u: &[u8; 16]) -> String {
    let mut out = String::with_capacity(36);
    for (i, b) in u.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

/// Reads a UUID's text: the hyphenated form in either case (what [`uuid_text`] writes),
/// the 32-digit form without hyphens, and either inside braces or after `urn:uuid:`.
/// Anything else — blanks included — is a [`UuidTextError`].
///
/// ```
/// use plugorm_plugin_api::value::{parse_uuid, uuid_text};
/// let u = parse_uuid("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11").unwrap();
/// assert_eq!(uuid_text(&u), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
/// assert_eq!(parse_uuid("{a0eebc999c0b4ef8bb6d6bb9bd380a11}"), Ok(u));
/// assert!(parse_uuid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g").is_err());
/// ```
pub fn parse_uuid(text: &str) -> Result<[u8; 16], UuidTextError> {
    let inner = if let Some(braced) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        braced
    } else if text.len() > 9
        && text.is_char_boundary(9)
        && text[..9].eq_ignore_ascii_case("urn:uuid:")
    {
        &text[9..]
    } else {
        text
    };
    let hyphenated = match inner.chars().count() {
        32 => false,
        36 => true,
        n => return Err(UuidTextError::Length(n)),
    };
    let mut out = [0u8; 16];
    let mut digits = 0usize;
    for (at, c) in inner.chars().enumerate() {
        if hyphenated && matches!(at, 8 | 13 | 18 | 23) {
            if c != '-' {
                return Err(UuidTextError::Hyphens);
            }
            continue;
        }
        let nibble = c
            .to_digit(16)
            .ok_or(UuidTextError::NotHex { at, found: c })?;
        let byte = out
            .get_mut(digits / 2)
            .ok_or(UuidTextError::Length(inner.len()))?;
        // `to_digit(16)` is below 16, so the nibble fits a byte.
        *byte = (*byte << 4) | nibble as u8;
        digits += 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips_and_matches_the_uuid_crate() {
        for bytes in [
            [0u8; 16],
            [0xff; 16],
            [
                0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54,
                0x32, 0x10,
            ],
        ] {
            let text = uuid_text(&bytes);
            assert_eq!(text, uuid::Uuid::from_bytes(bytes).hyphenated().to_string());
            assert_eq!(parse_uuid(&text), Ok(bytes));
            assert_eq!(parse_uuid(&text.to_uppercase()), Ok(bytes));
            let simple = text.replace('-', "");
            assert_eq!(parse_uuid(&simple), Ok(bytes));
            assert_eq!(parse_uuid(&format!("{{{text}}}")), Ok(bytes));
            assert_eq!(parse_uuid(&format!("urn:uuid:{text}")), Ok(bytes));
        }
    }

    #[test]
    fn malformed_text_is_a_typed_error_never_a_panic() {
        let ok = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
        assert_eq!(parse_uuid(""), Err(UuidTextError::Length(0)));
        assert_eq!(parse_uuid(&ok[1..]), Err(UuidTextError::Length(35)));
        assert_eq!(
            parse_uuid(&format!(" {ok}")),
            Err(UuidTextError::Length(37))
        );
        assert_eq!(
            parse_uuid("a0eebc999-c0b-4ef8-bb6d-6bb9bd380a11"),
            Err(UuidTextError::Hyphens)
        );
        assert_eq!(
            parse_uuid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1z"),
            Err(UuidTextError::NotHex { at: 35, found: 'z' })
        );
        // Multi-byte characters count as one each and are no hex digits.
        assert!(matches!(
            parse_uuid("é0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
            Err(UuidTextError::NotHex { at: 0, found: 'é' })
        ));
        assert!(parse_uuid("urn:uuid:").is_err());
        assert!(parse_uuid("{}").is_err());
    }
}
