//! Calendar dates as `craft.toml` states them: a day (`2026-11-20`, as a TOML date or a
//! string) or a month (`"2031-12"`: the CRA asks for the support period's end "at least
//! month and year", Art. 13(19)).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A day, or a whole month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: Option<u8>,
}

impl Date {
    /// A date, if it exists in the calendar (`day: None` for a whole month).
    pub fn new(year: i32, month: u8, day: Option<u8>) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if let Some(d) = day {
            if d == 0 || d > days_in_month(year, month) {
                return None;
            }
        }
        Some(Date { year, month, day })
    }

    /// Parse `YYYY-MM-DD` or `YYYY-MM`.
    pub fn parse(s: &str) -> Option<Date> {
        if !s.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            return None;
        }
        let mut parts = s.split('-');
        let year = parts.next().filter(|p| p.len() == 4)?.parse().ok()?;
        let month = parts.next().filter(|p| p.len() == 2)?.parse().ok()?;
        let day = match parts.next() {
            Some(p) if p.len() == 2 => Some(p.parse().ok()?),
            Some(_) => return None,
            None => None,
        };
        if parts.next().is_some() {
            return None;
        }
        Date::new(year, month, day)
    }

    /// The day of a Unix time (UTC).
    pub fn from_unix(secs: i64) -> Date {
        let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
        Date {
            year,
            month,
            day: Some(day),
        }
    }

    /// Days since 1970-01-01 of the first day this date covers.
    pub fn first_day(self) -> i64 {
        days_from_civil(self.year, self.month, self.day.unwrap_or(1))
    }

    /// Days since 1970-01-01 of the last day this date covers (a month's last day).
    pub fn last_day(self) -> i64 {
        let day = self
            .day
            .unwrap_or_else(|| days_in_month(self.year, self.month));
        days_from_civil(self.year, self.month, day)
    }

    /// The same day `years` later (29 February becomes 28 February), keeping a month a month.
    pub fn plus_years(self, years: i32) -> Date {
        let year = self.year + years;
        let day = self.day.map(|d| d.min(days_in_month(year, self.month)));
        Date {
            year,
            month: self.month,
            day,
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)?;
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let text = match toml::Value::deserialize(d)? {
            toml::Value::String(s) => s,
            toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt.to_string(),
            other => {
                return Err(D::Error::custom(format!(
                    "expected a date (`2026-11-20` or \"2031-12\"), found {}",
                    other.type_str()
                )))
            }
        };
        Date::parse(&text).ok_or_else(|| {
            D::Error::custom(format!(
                "`{text}` is not a date: write YYYY-MM-DD, or YYYY-MM for a whole month"
            ))
        })
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the era-based method of
/// H. Hinnant's "chrono-compatible low-level date algorithms").
fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    // The ranges are those of the algorithm: 1 <= d <= 31, 1 <= m <= 12.
    (
        i32::try_from(y).unwrap_or(i32::MAX),
        u8::try_from(m).unwrap_or(1),
        u8::try_from(d).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_days_and_months_and_refuses_the_rest() {
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert_eq!(Date::parse("2031-12").unwrap().to_string(), "2031-12");
        for bad in [
            "2023-02-29",
            "2031-13",
            "2031-1",
            "31-12-2031",
            "2031-12-01-01",
            "",
            "0000-01",
            "+999-01",
            "2031-+1",
        ] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn day_numbers_agree_with_unix_time() {
        // 2026-11-28T00:00:00Z is 1_795_824_000 s after the epoch.
        let d = Date::parse("2026-11-28").unwrap();
        assert_eq!(d.first_day(), 1_795_824_000 / 86_400);
        assert_eq!(Date::from_unix(1_795_824_000 + 3_600), d);
        assert_eq!(Date::parse("1970-01-01").unwrap().first_day(), 0);
        for days in [-800_000_i64, -1, 0, 59, 11_016, 20_000, 2_000_000] {
            let back = Date::from_unix(days * 86_400);
            assert_eq!(back.first_day(), days, "{back}");
        }
    }

    #[test]
    fn a_month_covers_its_days_and_years_add() {
        let m = Date::parse("2024-02").unwrap();
        assert_eq!(m.last_day() - m.first_day(), 28);
        let leap = Date::parse("2024-02-29").unwrap();
        assert_eq!(leap.plus_years(5).to_string(), "2029-02-28");
        assert_eq!(m.plus_years(5).to_string(), "2029-02");
    }
}
