//! Dates people type, and dates that recur every year (birthdays, anniversaries, the date of
//! a first purchase), with 29 February celebrated on 28 February in other years.

use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::error::Invalid;

/// A date that comes back every year; the year is known for some (a birth year, a wedding
/// year) and not for others (`--03-14` in vCard's notation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct YearlyDate {
    pub month: i8,
    pub day: i8,
    pub year: Option<i16>,
}

impl YearlyDate {
    /// A yearly date from a month and day; checks the day exists in some year (29 February
    /// does, 30 February does not).
    pub fn new(year: Option<i16>, month: i8, day: i8) -> Result<Self, Invalid> {
        let probe_year = year.unwrap_or(2000); // a leap year, so 29 February is valid
        Date::new(probe_year, month, day).map_err(|_| {
            Invalid::new(
                "date",
                match year {
                    Some(y) => format!("{y:04}-{month:02}-{day:02} is not a date"),
                    None => format!("--{month:02}-{day:02} is not a day of the year"),
                },
            )
        })?;
        Ok(Self { month, day, year })
    }

    /// The day it falls on in `year`: 29 February becomes 28 February outside leap years.
    pub fn in_year(&self, year: i16) -> Date {
        Date::new(year, self.month, self.day)
            .or_else(|_| Date::new(year, self.month, self.day - 1))
            .unwrap_or(Date::MAX)
    }

    /// The first occurrence on or after `from`.
    pub fn next_on_or_after(&self, from: Date) -> Date {
        let this_year = self.in_year(from.year());
        if this_year >= from {
            this_year
        } else {
            self.in_year(from.year().saturating_add(1))
        }
    }

    /// How many years the occasion marks on `on` (an age, the years married), when the year
    /// is known and `on` is the occurrence or after it.
    pub fn years_at(&self, on: Date) -> Option<i16> {
        let year = self.year?;
        let n = on.year() - year - i16::from(on < self.in_year(on.year()));
        (n >= 0).then_some(n)
    }
}

impl fmt::Display for YearlyDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.year {
            Some(y) => write!(f, "{y:04}-{:02}-{:02}", self.month, self.day),
            None => write!(f, "--{:02}-{:02}", self.month, self.day),
        }
    }
}

impl FromStr for YearlyDate {
    type Err = Invalid;

    /// `YYYY-MM-DD`, or `--MM-DD` (also `MM-DD`) when the year is not known.
    fn from_str(s: &str) -> Result<Self, Invalid> {
        let s = s.trim();
        let bad = || {
            Invalid::new(
                "date",
                format!("{s:?} is not a date: use YYYY-MM-DD, or --MM-DD when the year is unknown"),
            )
        };
        let num = |p: &str, len: usize| -> Result<i64, Invalid> {
            if p.len() != len || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            p.parse().map_err(|_| bad())
        };
        let parts: Vec<&str> = s.trim_start_matches("--").split('-').collect();
        let (year, month, day) = match parts.as_slice() {
            [y, m, d] if !s.starts_with("--") => (Some(num(y, 4)?), num(m, 2)?, num(d, 2)?),
            [m, d] => (None, num(m, 2)?, num(d, 2)?),
            _ => return Err(bad()),
        };
        let year = year
            .map(|y| i16::try_from(y).map_err(|_| bad()))
            .transpose()?;
        let month = i8::try_from(month).map_err(|_| bad())?;
        let day = i8::try_from(day).map_err(|_| bad())?;
        Self::new(year, month, day)
    }
}

impl Serialize for YearlyDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for YearlyDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Instants are kept to the microsecond (both backends store microseconds since the epoch);
/// the edges that read the clock or a typed time round through here so what is stored is
/// exactly what was returned.
pub fn micro_precision(ts: Timestamp) -> Timestamp {
    Timestamp::from_microsecond(ts.as_microsecond()).unwrap_or(ts)
}

/// Parses a calendar date as a person types it, relative to `today`: `YYYY-MM-DD`, `today`,
/// `tomorrow`, `yesterday`, a weekday (`fri`, `friday`: the next one, not today), or an
/// offset (`+3d`, `+2w`, `-1d`).
pub fn parse_date(text: &str, today: Date) -> Result<Date, Invalid> {
    let t = text.trim().to_ascii_lowercase();
    let bad = || {
        Invalid::new(
            "date",
            format!(
                "{text:?} is not a date: use YYYY-MM-DD, today, tomorrow, a weekday (fri) or an offset (+3d, +2w)"
            ),
        )
    };
    match t.as_str() {
        "today" => return Ok(today),
        "tomorrow" => return today.tomorrow().map_err(|_| bad()),
        "yesterday" => return today.yesterday().map_err(|_| bad()),
        _ => {}
    }
    if let Some(wd) = weekday(&t) {
        return today.nth_weekday(1, wd).map_err(|_| bad());
    }
    if let Some(rest) = t.strip_prefix('+').or_else(|| t.strip_prefix('-')) {
        let sign: i64 = if t.starts_with('-') { -1 } else { 1 };
        let (n, unit) = rest.split_at(rest.len().saturating_sub(1));
        let n: i64 = n.parse().map_err(|_| bad())?;
        let days = match unit {
            "d" => n,
            "w" => n.checked_mul(7).ok_or_else(bad)?,
            _ => return Err(bad()),
        };
        if days > 36_500 {
            return Err(bad());
        }
        return today.checked_add((sign * days).days()).map_err(|_| bad());
    }
    if t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-' {
        return t.parse::<Date>().map_err(|_| bad());
    }
    Err(bad())
}

fn weekday(t: &str) -> Option<Weekday> {
    Some(match t {
        "mon" | "monday" => Weekday::Monday,
        "tue" | "tues" | "tuesday" => Weekday::Tuesday,
        "wed" | "wednesday" => Weekday::Wednesday,
        "thu" | "thur" | "thurs" | "thursday" => Weekday::Thursday,
        "fri" | "friday" => Weekday::Friday,
        "sat" | "saturday" => Weekday::Saturday,
        "sun" | "sunday" => Weekday::Sunday,
        _ => return None,
    })
}

/// Parses a moment as a person types it: an RFC 3339 date-time with offset
/// (`2026-11-20T14:30:00Z`), a local date-time (`2026-11-20 14:30` or `2026-11-20T14:30`)
/// read in `tz`, `now`, or any date [`parse_date`] accepts (taken at 09:00 local time, when
/// business usually happens).
pub fn parse_moment(text: &str, now: Timestamp, tz: &TimeZone) -> Result<Timestamp, Invalid> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Ok(micro_precision(ts));
    }
    if let Ok(dt) = t.replacen(' ', "T", 1).parse::<DateTime>()
        && t.len() > 10
    {
        return dt
            .to_zoned_datetime(tz.clone())
            .map(|z| z.timestamp())
            .map_err(|e| Invalid::new("when", format!("{text:?}: {e}")));
    }
    let today = now.to_zoned_datetime(tz.clone()).date();
    // A day as people say it and a time: "yesterday 15:00", "fri 9:30".
    if let Some((day, time)) = t.rsplit_once(' ')
        && let Ok(time) = jiff::civil::Time::strptime("%H:%M", time.trim())
        && let Ok(day) = parse_date(day.trim(), today)
    {
        return day
            .to_datetime(time)
            .to_zoned_datetime(tz.clone())
            .map(|z| z.timestamp())
            .map_err(|e| Invalid::new("when", format!("{text:?}: {e}")));
    }
    let date = parse_date(t, today).map_err(|_| {
        Invalid::new(
            "when",
            format!(
                "{text:?} is not a date or time: use YYYY-MM-DD HH:MM, a day and a time (yesterday 15:00), an RFC 3339 time such as 2026-11-20T14:30:00Z, or a date"
            ),
        )
    })?;
    date.at(9, 0, 0, 0)
        .to_zoned_datetime(tz.clone())
        .map(|z| z.timestamp())
        .map_err(|e| Invalid::new("when", format!("{text:?}: {e}")))
}

/// When an outcome happened, as typed (`--on`, a form's "when"): a time as
/// [`parse_moment`] reads it, or a day: now if it is today, else noon that day (so a day
/// says "that day", whatever the time zone's offsets).
pub fn parse_outcome_moment(
    text: &str,
    now: Timestamp,
    tz: &TimeZone,
) -> Result<Timestamp, Invalid> {
    let t = text.trim();
    let today = now.to_zoned_datetime(tz.clone()).date();
    if let Ok(day) = parse_date(t, today) {
        if day == today {
            return Ok(now);
        }
        return day
            .at(12, 0, 0, 0)
            .to_zoned_datetime(tz.clone())
            .map(|z| z.timestamp())
            .map_err(|e| Invalid::new("on", e.to_string()));
    }
    parse_moment(t, now, tz)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_as_said_with_a_time() {
        let tz = TimeZone::get("Europe/Paris").expect("zone");
        let now: Timestamp = "2026-12-01T10:00:00Z".parse().expect("now");
        let at = parse_moment("yesterday 15:00", now, &tz).expect("reads");
        assert_eq!(at, "2026-11-30T14:00:00Z".parse::<Timestamp>().expect("ts"));
        let at = parse_moment("2026-11-20 9:30", now, &tz).expect("reads");
        assert_eq!(at, "2026-11-20T08:30:00Z".parse::<Timestamp>().expect("ts"));
        assert!(parse_moment("yesterday 25:00", now, &tz).is_err());
        assert!(parse_moment("someday 15:00", now, &tz).is_err());
    }
    use jiff::civil::date;
    use proptest::prelude::*;

    #[test]
    fn leap_day_is_kept_on_28_february_in_other_years() {
        let d: YearlyDate = "2000-02-29".parse().expect("valid");
        assert_eq!(d.in_year(2027), date(2027, 2, 28));
        assert_eq!(d.in_year(2028), date(2028, 2, 29));
        assert_eq!(d.next_on_or_after(date(2027, 2, 28)), date(2027, 2, 28));
        assert_eq!(d.next_on_or_after(date(2027, 3, 1)), date(2028, 2, 29));
        assert_eq!(d.years_at(date(2027, 2, 28)), Some(27));
        assert_eq!(d.years_at(date(2027, 2, 27)), Some(26));
    }

    #[test]
    fn yearly_dates_parse_with_or_without_a_year() {
        let d: YearlyDate = "--03-14".parse().expect("valid");
        assert_eq!((d.year, d.month, d.day), (None, 3, 14));
        assert_eq!(d.to_string(), "--03-14");
        assert_eq!(d.years_at(date(2026, 3, 14)), None);
        let d: YearlyDate = "03-14".parse().expect("valid");
        assert_eq!(d.year, None);
        assert!("--02-29".parse::<YearlyDate>().is_ok());
        for bad in [
            "2023-02-29",
            "--02-30",
            "2026-13-01",
            "14/03/2026",
            "2026-3-14",
            "",
            "yesterday",
        ] {
            assert!(bad.parse::<YearlyDate>().is_err(), "{bad}");
        }
    }

    #[test]
    fn next_occurrence_is_today_when_it_is_today() {
        let d: YearlyDate = "1980-11-25".parse().expect("valid");
        assert_eq!(d.next_on_or_after(date(2026, 11, 25)), date(2026, 11, 25));
        assert_eq!(d.next_on_or_after(date(2026, 11, 26)), date(2027, 11, 25));
        assert_eq!(d.years_at(date(2026, 11, 25)), Some(46));
    }

    #[test]
    fn typed_dates_relative_to_today() {
        let today = date(2026, 11, 25); // a Wednesday
        let p = |s| parse_date(s, today);
        assert_eq!(p("today"), Ok(today));
        assert_eq!(p("Tomorrow"), Ok(date(2026, 11, 26)));
        assert_eq!(p("fri"), Ok(date(2026, 11, 27)));
        assert_eq!(
            p("wed"),
            Ok(date(2026, 12, 2)),
            "a weekday means the next one"
        );
        assert_eq!(p("+3d"), Ok(date(2026, 11, 28)));
        assert_eq!(p("+2w"), Ok(date(2026, 12, 9)));
        assert_eq!(p("-1d"), Ok(date(2026, 11, 24)));
        assert_eq!(p("2027-01-05"), Ok(date(2027, 1, 5)));
        for bad in [
            "2026-02-30",
            "next week",
            "+d",
            "+3x",
            "26-11-2026",
            "",
            "+999999d",
        ] {
            assert!(p(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn moments_in_a_time_zone() {
        let tz = TimeZone::get("Europe/Paris").expect("tzdb");
        let now: Timestamp = "2026-11-25T08:00:00Z".parse().expect("valid");
        let m = |s| parse_moment(s, now, &tz);
        assert_eq!(m("now"), Ok(now));
        assert_eq!(
            m("2026-11-20 14:30"),
            Ok("2026-11-20T13:30:00Z".parse().expect("valid"))
        );
        assert_eq!(
            m("2026-11-20T14:30:00-05:00"),
            Ok("2026-11-20T19:30:00Z".parse().expect("valid"))
        );
        assert_eq!(
            m("yesterday"),
            Ok("2026-11-24T08:00:00Z".parse().expect("valid"))
        );
        assert!(m("2026-11-20 25:00").is_err());
        assert!(m("soonish").is_err());
    }

    proptest! {
        #[test]
        fn next_occurrence_is_within_a_year_and_on_the_day(
            month in 1i8..=12, day in 1i8..=31, y in 1990i16..2100, doy in 0i32..365
        ) {
            prop_assume!(YearlyDate::new(None, month, day).is_ok());
            let d = YearlyDate::new(None, month, day).expect("checked");
            let from = date(y, 1, 1).checked_add(doy.days()).expect("in range");
            let next = d.next_on_or_after(from);
            prop_assert!(next >= from);
            prop_assert!(from.until(next).expect("span").get_days() < 366);
            prop_assert_eq!(next.month(), month);
            if month == 2 && day == 29 && !next.in_leap_year() {
                prop_assert_eq!(next.day(), 28);
            } else {
                prop_assert_eq!(next.day(), day);
            }
        }
    }
}
