//! Dates and times on the wire: PostgreSQL counts from 2000-01-01, plugorm from
//! 1970-01-01; `infinity` and `-infinity` are the extreme integers.

use plugorm_plugin_api::value::{Date, Time, Timestamp};

/// Days from 1970-01-01 to 2000-01-01.
const EPOCH_DAYS: i32 = 10_957;
/// Microseconds from 1970-01-01 to 2000-01-01.
const EPOCH_MICROS: i64 = 946_684_800_000_000;
const MICROS_PER_DAY: i64 = 86_400_000_000;

/// A PostgreSQL date (days since 2000) as plugorm's, or its `infinity` spelling.
pub(crate) fn date_from_pg(days: i32) -> Result<Date, &'static str> {
    match days {
        i32::MAX => Err("infinity"),
        i32::MIN => Err("-infinity"),
        d => d
            .checked_add(EPOCH_DAYS)
            .map(|days_since_epoch| Date { days_since_epoch })
            .ok_or("infinity"),
    }
}

/// plugorm's date as PostgreSQL's day count.
pub(crate) fn date_to_pg(d: Date) -> Option<i32> {
    d.days_since_epoch.checked_sub(EPOCH_DAYS)
}

/// A PostgreSQL timestamp (µs since 2000) as µs since 1970, or its `infinity` spelling.
pub(crate) fn micros_from_pg(micros: i64) -> Result<i64, &'static str> {
    match micros {
        i64::MAX => Err("infinity"),
        i64::MIN => Err("-infinity"),
        m => m.checked_add(EPOCH_MICROS).ok_or("infinity"),
    }
}

/// µs since 1970 as PostgreSQL's µs since 2000.
pub(crate) fn micros_to_pg(micros: i64) -> Option<i64> {
    micros.checked_sub(EPOCH_MICROS)
}

/// The day of a timestamp (µs since 1970), for a timestamp bound to a `date`.
pub(crate) fn timestamp_day(t: Timestamp) -> Option<i32> {
    i32::try_from(t.micros.div_euclid(MICROS_PER_DAY))
        .ok()?
        .checked_sub(EPOCH_DAYS)
}

/// The time of day of a timestamp, for a timestamp bound to a `time`.
pub(crate) fn timestamp_time(t: Timestamp) -> Time {
    Time {
        micros: t.micros.rem_euclid(MICROS_PER_DAY),
    }
}

/// A date's midnight as µs since 2000, for a date bound to a timestamp.
pub(crate) fn date_midnight(d: Date) -> Option<i64> {
    micros_to_pg(i64::from(d.days_since_epoch).checked_mul(MICROS_PER_DAY)?)
}

/// Parses `YYYY-MM-DD`.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .map(Date::from)
}

/// Parses `HH:MM[:SS[.f]]`.
pub(crate) fn parse_time(s: &str) -> Option<Time> {
    let s = s.trim();
    ["%H:%M:%S%.f", "%H:%M"]
        .iter()
        .find_map(|f| chrono::NaiveTime::parse_from_str(s, f).ok())
        .map(Time::from)
}

/// Parses a timestamp written as PostgreSQL or RFC 3339 does, with or without a zone
/// (`2024-01-31 10:00:00`, `2024-01-31T10:00:00.5Z`, `2024-01-31 10:00:00+02`); a date
/// alone is its midnight. A zone converts the instant to UTC.
pub(crate) fn parse_timestamp(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    for f in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, f) {
            return Some(Timestamp::from(t));
        }
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(Timestamp::from(t));
    }
    for f in [
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M:%S%.f%#z",
        "%Y-%m-%d %H:%M:%S%.f %z",
    ] {
        if let Ok(t) = chrono::DateTime::parse_from_str(s, f) {
            return Some(Timestamp::from(t));
        }
    }
    let d = parse_date(s)?;
    Some(Timestamp {
        micros: i64::from(d.days_since_epoch).checked_mul(MICROS_PER_DAY)?,
        utc: false,
    })
}

/// An interval (µs, days, months) in ISO 8601 form, which PostgreSQL reads back
/// (`P1Y2M3DT4H5M6.5S`).
pub(crate) fn interval_text(micros: i64, days: i32, months: i32) -> String {
    let mut out = String::from("P");
    let (years, months) = (months / 12, months % 12);
    if years != 0 {
        out.push_str(&format!("{years}Y"));
    }
    if months != 0 {
        out.push_str(&format!("{months}M"));
    }
    if days != 0 {
        out.push_str(&format!("{days}D"));
    }
    if micros != 0 {
        out.push('T');
        let negative = micros < 0;
        let abs = micros.unsigned_abs();
        let (hours, rest) = (abs / 3_600_000_000, abs % 3_600_000_000);
        let (minutes, rest) = (rest / 60_000_000, rest % 60_000_000);
        let (seconds, fraction) = (rest / 1_000_000, rest % 1_000_000);
        let sign = if negative { "-" } else { "" };
        if hours != 0 {
            out.push_str(&format!("{sign}{hours}H"));
        }
        if minutes != 0 {
            out.push_str(&format!("{sign}{minutes}M"));
        }
        if seconds != 0 || fraction != 0 {
            out.push_str(&format!("{sign}{seconds}"));
            if fraction != 0 {
                let digits = format!("{fraction:06}");
                out.push('.');
                out.push_str(digits.trim_end_matches('0'));
            }
            out.push('S');
        }
    }
    if out == "P" {
        out.push_str("T0S");
    }
    out
}

/// A `timetz` (µs of day, zone offset in seconds west of UTC) as PostgreSQL prints it
/// (`10:30:00+02`).
pub(crate) fn timetz_text(micros: i64, offset_west: i32) -> String {
    let time = Time { micros };
    let east = -offset_west;
    let sign = if east < 0 { '-' } else { '+' };
    let abs = east.unsigned_abs();
    let (h, m, s) = (abs / 3600, abs % 3600 / 60, abs % 60);
    let mut out = format!("{time}{sign}{h:02}");
    if m != 0 || s != 0 {
        out.push_str(&format!(":{m:02}"));
    }
    if s != 0 {
        out.push_str(&format!(":{s:02}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epochs_line_up() {
        assert_eq!(date_from_pg(0).unwrap().to_string(), "2000-01-01");
        assert_eq!(date_to_pg(Date::from_ymd(2000, 1, 2).unwrap()), Some(1));
        assert_eq!(micros_from_pg(0).unwrap(), EPOCH_MICROS);
        assert_eq!(date_from_pg(i32::MAX), Err("infinity"));
        assert_eq!(micros_from_pg(i64::MIN), Err("-infinity"));
    }

    #[test]
    fn text_forms_parse() {
        assert_eq!(parse_date("2024-01-31").unwrap().to_string(), "2024-01-31");
        assert_eq!(parse_time("10:30").unwrap().to_string(), "10:30:00");
        let t = parse_timestamp("2024-01-31 10:00:00+02").unwrap();
        assert!(t.utc);
        assert_eq!(t.to_string(), "2024-01-31 08:00:00+00:00");
        let naive = parse_timestamp("2024-01-31T10:00:00.25").unwrap();
        assert!(!naive.utc);
        assert_eq!(naive.to_string(), "2024-01-31 10:00:00.25");
        assert!(parse_timestamp("yesterday").is_none());
    }

    #[test]
    fn intervals_and_zones_print() {
        assert_eq!(interval_text(0, 0, 0), "PT0S");
        assert_eq!(interval_text(3_723_500_000, 3, 14), "P1Y2M3DT1H2M3.5S");
        assert_eq!(interval_text(-60_000_000, 0, 0), "PT-1M");
        assert_eq!(timetz_text(37_800_000_000, -7200), "10:30:00+02");
        assert_eq!(timetz_text(0, 19_800), "00:00:00-05:30");
    }
}
