//! SQL Server's date and time encodings, to and from the plugin API's values.
//!
//! `date` and the date of `datetime2` / `datetimeoffset` count days since 0001-01-01;
//! the legacy `datetime` and `smalldatetime` count days since 1900-01-01, `datetime` its
//! time in 1/300 s ticks and `smalldatetime` in minutes; `time` counts increments of
//! 10^-scale s since midnight. A `datetimeoffset` travels as its UTC time and the offset.

use plugorm_plugin_api::value::{Date, Time, Timestamp};

/// Days from 0001-01-01 to 1970-01-01.
const DAYS_0001_TO_1970: i64 = 719_162;
/// Days from 1900-01-01 to 1970-01-01.
const DAYS_1900_TO_1970: i64 = 25_567;
const MICROS_PER_DAY: i64 = 86_400_000_000;

/// The `scale` parameters are bound with: 100 ns, `time(7)` / `datetime2(7)`, which
/// holds every microsecond a plugin-API value carries.
pub(crate) const BIND_SCALE: u8 = 7;

/// A `date` (days since 0001-01-01) as the plugin API's date.
pub(crate) fn date_from_days(days: u32) -> Option<Date> {
    let since_epoch = i64::from(days) - DAYS_0001_TO_1970;
    Some(Date {
        days_since_epoch: i32::try_from(since_epoch).ok()?,
    })
}

/// Days since 0001-01-01 of a date, if SQL Server's `date` can hold it (years 1-9999).
pub(crate) fn days_of(date: Date) -> Option<u32> {
    let days = i64::from(date.days_since_epoch) + DAYS_0001_TO_1970;
    u32::try_from(days).ok().filter(|d| *d < 3_652_059)
}

/// A `time` of `increments` at `scale` as microseconds since midnight (below a
/// microsecond is cut, as the plugin API carries microseconds).
pub(crate) fn micros_of_time(increments: u64, scale: u8) -> i64 {
    let micros = match scale {
        0..=6 => u128::from(increments) * 10u128.pow(6 - u32::from(scale)),
        s => u128::from(increments) / 10u128.pow(u32::from(s) - 6),
    };
    i64::try_from(micros).unwrap_or(i64::MAX)
}

/// Microseconds since midnight as `time(7)` increments; `None` outside one day.
pub(crate) fn time_increments(t: Time) -> Option<u64> {
    if !(0..MICROS_PER_DAY).contains(&t.micros) {
        return None;
    }
    u64::try_from(t.micros).ok().map(|m| m * 10)
}

/// A timestamp from a day count since 0001-01-01 and microseconds into that day.
pub(crate) fn timestamp(days: u32, micros: i64, utc: bool) -> Timestamp {
    let day_micros = (i64::from(days) - DAYS_0001_TO_1970) * MICROS_PER_DAY;
    Timestamp {
        micros: day_micros + micros,
        utc,
    }
}

/// A timestamp as (days since 0001-01-01, microseconds into the day), if SQL Server can
/// hold its date.
pub(crate) fn split_timestamp(t: Timestamp) -> Option<(u32, i64)> {
    let days = t.micros.div_euclid(MICROS_PER_DAY);
    let micros = t.micros.rem_euclid(MICROS_PER_DAY);
    let date = Date {
        days_since_epoch: i32::try_from(days).ok()?,
    };
    Some((days_of(date)?, micros))
}

/// A legacy `datetime`: days since 1900-01-01 and 1/300 s ticks (rounded to the nearest
/// microsecond).
pub(crate) fn legacy_datetime(days: i32, ticks: u32) -> Timestamp {
    let micros = (i64::from(ticks) * 10_000 + 1) / 3;
    Timestamp {
        micros: (i64::from(days) - DAYS_1900_TO_1970) * MICROS_PER_DAY + micros,
        utc: false,
    }
}

/// A `smalldatetime`: days since 1900-01-01 and minutes.
pub(crate) fn small_datetime(days: u16, minutes: u16) -> Timestamp {
    Timestamp {
        micros: (i64::from(days) - DAYS_1900_TO_1970) * MICROS_PER_DAY
            + i64::from(minutes) * 60_000_000,
        utc: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_stay_in_range() {
        let d = Date::from_ymd(2024, 2, 29).unwrap();
        let days = days_of(d).unwrap();
        assert_eq!(date_from_days(days), Some(d));
        assert_eq!(date_from_days(0).unwrap().to_string(), "0001-01-01");
        assert_eq!(
            days_of(Date::from_ymd(9999, 12, 31).unwrap()),
            Some(3_652_058)
        );
        assert_eq!(days_of(Date::from_ymd(10000, 1, 1).unwrap()), None);
    }

    #[test]
    fn times_at_every_scale() {
        assert_eq!(micros_of_time(123_456_789, 7), 12_345_678);
        assert_eq!(micros_of_time(45_296, 0), 45_296_000_000);
        assert_eq!(micros_of_time(1_500, 3), 1_500_000);
        let t = Time {
            micros: 45_296_500_001,
        };
        assert_eq!(time_increments(t), Some(452_965_000_010));
        assert_eq!(micros_of_time(452_965_000_010, 7), t.micros);
        assert_eq!(time_increments(Time { micros: -1 }), None);
        assert_eq!(
            time_increments(Time {
                micros: MICROS_PER_DAY
            }),
            None
        );
    }

    #[test]
    fn timestamps_split_and_join() {
        let t = Timestamp {
            micros: 1_700_000_000_123_456,
            utc: true,
        };
        let (days, micros) = split_timestamp(t).unwrap();
        assert_eq!(timestamp(days, micros, true), t);
        let before_1970 = Timestamp {
            micros: -1,
            utc: false,
        };
        let (days, micros) = split_timestamp(before_1970).unwrap();
        assert_eq!(micros, MICROS_PER_DAY - 1);
        assert_eq!(
            timestamp(days, micros, false).to_string(),
            "1969-12-31 23:59:59.999999"
        );
    }

    #[test]
    fn legacy_types() {
        // 2000-01-01 12:00:00.003 (one tick is 1/300 s).
        let t = legacy_datetime(36_524, 12 * 3600 * 300 + 1);
        assert_eq!(t.to_string(), "2000-01-01 12:00:00.003333");
        assert_eq!(
            small_datetime(36_524, 61).to_string(),
            "2000-01-01 01:01:00"
        );
    }
}
