//! PostgreSQL's binary `numeric`: a sign, a weight, a display scale and base-10000 digits.
//!
//! plugorm's decimals travel as canonical text (`-12.50`), so this converts text to the
//! wire form and back, exactly, without a fixed-precision decimal type in between: every
//! value a `numeric` column holds (up to 131072 digits before the point and 16383 after,
//! `NaN`, `±Infinity`) survives the round trip, with the column's trailing zeros kept.

const POSITIVE: u16 = 0x0000;
const NEGATIVE: u16 = 0x4000;
const NAN: u16 = 0xC000;
const PLUS_INFINITY: u16 = 0xD000;
const MINUS_INFINITY: u16 = 0xF000;

/// The most digits PostgreSQL accepts before and after the decimal point.
const MAX_INTEGER_DIGITS: usize = 131_072;
const MAX_SCALE: usize = 16_383;
/// The most base-10000 digits a binary numeric may carry (PostgreSQL's `numeric_recv`).
const MAX_GROUPS: usize = 3_000;

/// A numeric in PostgreSQL's wire layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Numeric {
    sign: u16,
    weight: i16,
    scale: u16,
    digits: Vec<i16>,
}

impl Numeric {
    /// Parses decimal text: `[+-]digits[.digits][e[+-]exp]`, `NaN`, `[+-]Infinity` (or
    /// `inf`). `None` for anything else or a value PostgreSQL cannot receive (more than
    /// 3000 base-10000 digits).
    pub(crate) fn parse(text: &str) -> Option<Numeric> {
        let t = text.trim();
        let special = |sign| Numeric {
            sign,
            weight: 0,
            scale: 0,
            digits: Vec::new(),
        };
        let lower = t.to_ascii_lowercase();
        match lower.as_str() {
            "nan" => return Some(special(NAN)),
            "infinity" | "+infinity" | "inf" | "+inf" => return Some(special(PLUS_INFINITY)),
            "-infinity" | "-inf" => return Some(special(MINUS_INFINITY)),
            _ => {}
        }
        let (negative, unsigned) = match t.as_bytes().first()? {
            b'-' => (true, &t[1..]),
            b'+' => (false, &t[1..]),
            _ => (false, t),
        };
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(i) => (&unsigned[..i], unsigned[i + 1..].parse::<i32>().ok()?),
            None => (unsigned, 0),
        };
        let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int_part.is_empty() && frac_part.is_empty())
            || !digits_only(int_part)
            || !digits_only(frac_part)
        {
            return None;
        }
        // Move the decimal point by the exponent.
        let mut all: Vec<u8> = int_part.bytes().chain(frac_part.bytes()).collect();
        let mut point = i64::try_from(int_part.len()).ok()? + i64::from(exponent);
        if point < 0 {
            let pad = usize::try_from(-point).ok()?;
            if pad > MAX_SCALE {
                return None;
            }
            all.splice(0..0, std::iter::repeat_n(b'0', pad));
            point = 0;
        }
        let point = usize::try_from(point).ok()?;
        if point > all.len() {
            if point > MAX_INTEGER_DIGITS {
                return None;
            }
            all.resize(point, b'0');
        }
        let (int_digits, frac_digits) = all.split_at(point);
        let int_digits = {
            let first = int_digits.iter().position(|&d| d != b'0');
            first.map_or(&int_digits[..0], |i| &int_digits[i..])
        };
        if int_digits.len() > MAX_INTEGER_DIGITS || frac_digits.len() > MAX_SCALE {
            return None;
        }
        let scale = u16::try_from(frac_digits.len()).ok()?;

        // Base-10000 groups: the integer part aligned on the point from the right, the
        // fraction from the left.
        let mut groups: Vec<i16> =
            Vec::with_capacity(int_digits.len() / 4 + frac_digits.len() / 4 + 2);
        let lead = int_digits.len() % 4;
        let mut int_groups = 0i64;
        if lead > 0 {
            groups.push(group(&int_digits[..lead]));
            int_groups += 1;
        }
        for chunk in int_digits[lead..].chunks(4) {
            groups.push(group(chunk));
            int_groups += 1;
        }
        for chunk in frac_digits.chunks(4) {
            let mut padded = [b'0'; 4];
            padded[..chunk.len()].copy_from_slice(chunk);
            groups.push(group(&padded));
        }
        let mut weight = int_groups - 1;
        let leading_zeros = groups.iter().take_while(|&&g| g == 0).count();
        groups.drain(..leading_zeros);
        weight -= leading_zeros as i64;
        while groups.last() == Some(&0) {
            groups.pop();
        }
        if groups.len() > MAX_GROUPS {
            return None;
        }
        if groups.is_empty() {
            return Some(Numeric {
                sign: POSITIVE,
                weight: 0,
                scale,
                digits: groups,
            });
        }
        Some(Numeric {
            sign: if negative { NEGATIVE } else { POSITIVE },
            weight: i16::try_from(weight).ok()?,
            scale,
            digits: groups,
        })
    }

    /// The wire bytes.
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        let count = i16::try_from(self.digits.len()).unwrap_or(i16::MAX);
        out.extend_from_slice(&count.to_be_bytes());
        out.extend_from_slice(&self.weight.to_be_bytes());
        out.extend_from_slice(&self.sign.to_be_bytes());
        out.extend_from_slice(&self.scale.to_be_bytes());
        for d in self.digits.iter().take(count as usize) {
            out.extend_from_slice(&d.to_be_bytes());
        }
    }

    /// The wire size.
    pub(crate) fn len(&self) -> usize {
        8 + 2 * self.digits.len()
    }
}

fn group(ascii: &[u8]) -> i16 {
    ascii
        .iter()
        .fold(0i16, |acc, d| acc * 10 + i16::from(d - b'0'))
}

/// The canonical text of a binary numeric, as PostgreSQL prints it (`12.50`, `NaN`).
pub(crate) fn to_text(bytes: &[u8]) -> Result<String, String> {
    let field = |i: usize| -> Result<u16, String> {
        bytes
            .get(i..i + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| format!("numeric value of {} bytes is truncated", bytes.len()))
    };
    let count = field(0)? as usize;
    let weight = i64::from(field(2)? as i16);
    let sign = field(4)?;
    let scale = field(6)? as usize;
    if bytes.len() != 8 + 2 * count {
        return Err(format!(
            "numeric value declares {count} digits but has {} bytes",
            bytes.len()
        ));
    }
    match sign {
        NAN => return Ok("NaN".into()),
        PLUS_INFINITY => return Ok("Infinity".into()),
        MINUS_INFINITY => return Ok("-Infinity".into()),
        POSITIVE | NEGATIVE => {}
        other => return Err(format!("numeric value has an unknown sign {other:#06x}")),
    }
    let mut digits = Vec::with_capacity(count);
    for i in 0..count {
        let d = field(8 + 2 * i)?;
        if d > 9999 {
            return Err(format!("numeric digit {d} is not base 10000"));
        }
        digits.push(d);
    }
    // digits[k] has the power 10000^(weight - k).
    let at = |k: i64| -> u16 {
        usize::try_from(k)
            .ok()
            .and_then(|k| digits.get(k).copied())
            .unwrap_or(0)
    };
    let mut out = String::with_capacity(count * 4 + scale + 3);
    if sign == NEGATIVE && !digits.is_empty() {
        out.push('-');
    }
    if weight < 0 {
        out.push('0');
    } else {
        for k in 0..=weight {
            if k == 0 {
                out.push_str(&at(k).to_string());
            } else {
                out.push_str(&format!("{:04}", at(k)));
            }
        }
    }
    if scale > 0 {
        out.push('.');
        let mut frac = String::with_capacity(scale + 4);
        let mut k = weight + 1;
        while frac.len() < scale {
            frac.push_str(&format!("{:04}", at(k)));
            k += 1;
        }
        frac.truncate(scale);
        out.push_str(&frac);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> String {
        let n = Numeric::parse(text).unwrap_or_else(|| panic!("{text} did not parse"));
        let mut bytes = Vec::new();
        n.write(&mut bytes);
        assert_eq!(bytes.len(), n.len());
        to_text(&bytes).unwrap()
    }

    #[test]
    fn canonical_texts_survive() {
        for t in [
            "0",
            "1",
            "-12.50",
            "12345678",
            "123456789.000000001",
            "0.0001",
            "-0.5",
            "10000",
            "99999999999999999999999999999999999999.99",
            "NaN",
            "Infinity",
            "-Infinity",
            "0.00",
        ] {
            assert_eq!(round_trip(t), t);
        }
    }

    #[test]
    fn other_spellings_normalise() {
        assert_eq!(round_trip("+007.50"), "7.50");
        assert_eq!(round_trip("1e3"), "1000");
        assert_eq!(round_trip("1.5E-3"), "0.0015");
        assert_eq!(round_trip("-0"), "0");
        assert_eq!(round_trip(".5"), "0.5");
        assert_eq!(round_trip("5."), "5");
        assert_eq!(round_trip("nan"), "NaN");
    }

    #[test]
    fn garbage_is_refused() {
        for t in ["", "-", "1.2.3", "abc", "1e", "1e99999999999", "--1", "1 2"] {
            assert!(Numeric::parse(t).is_none(), "{t}");
        }
    }

    #[test]
    fn bad_wire_bytes_are_errors() {
        assert!(to_text(&[0, 1]).is_err());
        assert!(to_text(&[0, 1, 0, 0, 0, 0, 0, 0]).is_err());
        assert!(to_text(&[0, 0, 0, 0, 0x12, 0x34, 0, 0]).is_err());
    }
}
