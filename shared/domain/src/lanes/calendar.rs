//! Carrier business days: Monday to Friday, less the destination country's public
//! holidays. The holidays are rules (`holidays.tsv`: fixed dates with their substitute-day
//! custom, n-th weekdays, days relative to Easter), so any year is computed, not listed.
//! No maintained crate covers these countries (the ones found cover only the US or
//! Brazil); the table says what it holds and where from. A country it does not list has
//! weekends only.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use std::collections::HashMap;
use std::sync::LazyLock;

const TABLE: &str = include_str!("holidays.tsv");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Substitute {
    /// The date itself, whatever its weekday.
    None,
    /// US federal: Saturday moves to Friday, Sunday to Monday.
    Us,
    /// The next weekday that is not already a holiday (UK, Australia, Canada...).
    NextWeekday,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    Fixed {
        month: u32,
        day: u32,
        substitute: Substitute,
    },
    /// `n`-th `weekday` of `month`; `n = -1` is the last.
    Nth {
        n: i32,
        weekday: Weekday,
        month: u32,
    },
    Easter(i64),
    /// The first `weekday` on or after `month`-`day`.
    OnOrAfter {
        weekday: Weekday,
        month: u32,
        day: u32,
    },
}

fn weekday(s: &str) -> Option<Weekday> {
    s.parse().ok()
}

fn month_day(s: &str) -> Option<(u32, u32)> {
    let (m, d) = s.split_once('-')?;
    let (m, d) = (m.parse().ok()?, d.parse().ok()?);
    NaiveDate::from_ymd_opt(2024, m, d).map(|_| (m, d))
}

fn parse_rule(rule: &str) -> Option<Rule> {
    let parts: Vec<&str> = rule.split_whitespace().collect();
    match parts.as_slice() {
        ["fixed", md, rest @ ..] => {
            let (month, day) = month_day(md)?;
            let substitute = match rest {
                [] => Substitute::None,
                ["observed-us"] => Substitute::Us,
                ["observed-monday"] => Substitute::NextWeekday,
                _ => return None,
            };
            Some(Rule::Fixed {
                month,
                day,
                substitute,
            })
        }
        ["nth", n, wd, m] => {
            let n: i32 = n.parse().ok()?;
            let month: u32 = m.parse().ok()?;
            ((1..=5).contains(&n) || n == -1)
                .then_some(())
                .and((1..=12).contains(&month).then_some(()))?;
            Some(Rule::Nth {
                n,
                weekday: weekday(wd)?,
                month,
            })
        }
        ["easter", offset] => Some(Rule::Easter(offset.trim_start_matches('+').parse().ok()?)),
        ["on-or-after", wd, md] => {
            let (month, day) = month_day(md)?;
            Some(Rule::OnOrAfter {
                weekday: weekday(wd)?,
                month,
                day,
            })
        }
        _ => None,
    }
}

/// Western Easter Sunday (the anonymous Gregorian algorithm).
pub fn easter(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: i32) -> Option<NaiveDate> {
    if n == -1 {
        let first_next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)?
        };
        let last = first_next.pred_opt()?;
        let back = (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
        return Some(last - Duration::days(i64::from(back)));
    }
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let ahead = (7 + weekday.num_days_from_monday() - first.weekday().num_days_from_monday()) % 7;
    let date = first + Duration::days(i64::from(ahead) + 7 * i64::from(n - 1));
    (date.month() == month).then_some(date)
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// One country's holiday rules, with the days off of each year asked for kept (a
/// forecast counts business days many times over the same few years).
#[derive(Debug, Default)]
pub struct Calendar {
    rules: Vec<Rule>,
    years: std::sync::Mutex<HashMap<i32, std::sync::Arc<Vec<NaiveDate>>>>,
}

static COUNTRIES: LazyLock<HashMap<&'static str, Calendar>> = LazyLock::new(|| {
    let mut out: HashMap<&'static str, Calendar> = HashMap::new();
    for line in TABLE.lines() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(country), Some(rule)) = (cols.next(), cols.next()) else {
            continue;
        };
        // A row the parser does not understand is a table defect, caught by the tests.
        if let Some(rule) = parse_rule(rule) {
            out.entry(country).or_default().rules.push(rule);
        }
    }
    out
});

static WEEKENDS_ONLY: LazyLock<Calendar> = LazyLock::new(Calendar::default);

impl Calendar {
    /// The calendar of a country (ISO 3166-1 alpha-2); weekends only when the table does
    /// not list it, or when the country is unknown.
    pub fn of(country: Option<&str>) -> &'static Calendar {
        country
            .and_then(|c| COUNTRIES.get(c))
            .unwrap_or(&WEEKENDS_ONLY)
    }

    /// The countries the table lists.
    pub fn countries() -> Vec<&'static str> {
        let mut all: Vec<&str> = COUNTRIES.keys().copied().collect();
        all.sort_unstable();
        all
    }

    /// The holidays of `year` (substitute days included), sorted.
    pub fn holidays(&self, year: i32) -> Vec<NaiveDate> {
        let mut plain = Vec::new();
        let mut to_substitute = Vec::new();
        for rule in &self.rules {
            let date = match *rule {
                Rule::Fixed {
                    month,
                    day,
                    substitute,
                } => {
                    let Some(date) = NaiveDate::from_ymd_opt(year, month, day) else {
                        continue;
                    };
                    match (substitute, date.weekday()) {
                        (Substitute::Us, Weekday::Sat) => date.pred_opt(),
                        (Substitute::Us, Weekday::Sun) => date.succ_opt(),
                        (Substitute::NextWeekday, _) if is_weekend(date) => {
                            to_substitute.push(date);
                            continue;
                        }
                        _ => Some(date),
                    }
                }
                Rule::Nth { n, weekday, month } => nth_weekday(year, month, weekday, n),
                Rule::Easter(offset) => easter(year).map(|e| e + Duration::days(offset)),
                Rule::OnOrAfter {
                    weekday,
                    month,
                    day,
                } => NaiveDate::from_ymd_opt(year, month, day).map(|d| {
                    let ahead = (7 + weekday.num_days_from_monday()
                        - d.weekday().num_days_from_monday())
                        % 7;
                    d + Duration::days(i64::from(ahead))
                }),
            };
            plain.extend(date);
        }
        // Substitutes last, in date order: Christmas on a Saturday moves to Monday, so
        // Boxing Day on the Sunday moves to Tuesday.
        to_substitute.sort_unstable();
        for date in to_substitute {
            let mut day = date;
            while is_weekend(day) || plain.contains(&day) {
                match day.succ_opt() {
                    Some(next) => day = next,
                    None => break,
                }
            }
            plain.push(day);
        }
        plain.sort_unstable();
        plain.dedup();
        plain
    }

    /// The days off that fall in `year`, whichever year's rule put them there (New Year's
    /// Day on a Saturday is observed on the Friday before, in the year before).
    fn days_off(&self, year: i32) -> std::sync::Arc<Vec<NaiveDate>> {
        let mut years = self
            .years
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        years
            .entry(year)
            .or_insert_with(|| {
                let mut days: Vec<NaiveDate> = (year - 1..=year + 1)
                    .flat_map(|y| self.holidays(y))
                    .filter(|d| d.year() == year)
                    .collect();
                days.sort_unstable();
                days.dedup();
                std::sync::Arc::new(days)
            })
            .clone()
    }

    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        !is_weekend(date) && !self.days_off(date.year()).contains(&date)
    }

    /// Business days after `from` up to and including `to` (0 on the same day; negative
    /// when `to` is before `from`).
    pub fn business_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.business_days_between(to, from);
        }
        let mut holidays: Vec<NaiveDate> = Vec::new();
        for year in from.year()..=to.year() {
            holidays.extend(self.days_off(year).iter());
        }
        let days = (to - from).num_days();
        // Whole weeks at once: a year-long span is not 365 checks.
        let weeks = days / 7;
        let mut count = weeks * 5;
        let mut day = from + Duration::days(weeks * 7);
        while day < to {
            day += Duration::days(1);
            if !is_weekend(day) {
                count += 1;
            }
        }
        let off = holidays
            .iter()
            .filter(|h| **h > from && **h <= to && !is_weekend(**h))
            .count();
        count - i64::try_from(off).unwrap_or(0)
    }

    /// The `n`-th business day after `from` (`from` itself for 0).
    pub fn add_business_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut day = from;
        let mut left = n;
        let mut year = from.year();
        let mut holidays = self.days_off(year);
        while left > 0 {
            let Some(next) = day.succ_opt() else {
                return day;
            };
            day = next;
            if day.year() != year {
                year = day.year();
                holidays = self.days_off(year);
            }
            if !is_weekend(day) && !holidays.contains(&day) {
                left -= 1;
            }
        }
        day
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn every_row_of_the_table_parses() {
        for line in TABLE.lines() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 3, "three columns: {line:?}");
            assert!(CountryCodeLike(cols[0]).ok(), "{line:?}");
            assert!(parse_rule(cols[1]).is_some(), "rule: {line:?}");
        }
        assert!(Calendar::countries().len() >= 20);
    }

    struct CountryCodeLike<'a>(&'a str);
    impl CountryCodeLike<'_> {
        fn ok(&self) -> bool {
            self.0.len() == 2 && self.0.chars().all(|c| c.is_ascii_uppercase())
        }
    }

    #[test]
    fn easter_sundays() {
        for (y, m, day) in [
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
        ] {
            assert_eq!(easter(y), Some(d(y, m, day)));
        }
    }

    /// Published lists: the US federal holidays of 2026 and 2027 (observed days), England
    /// and Wales 2026 and 2027 (with substitute days), Germany 2026.
    #[test]
    fn known_years_match_the_published_lists() {
        let us = Calendar::of(Some("US"));
        assert_eq!(
            us.holidays(2026),
            vec![
                d(2026, 1, 1),
                d(2026, 1, 19),
                d(2026, 2, 16),
                d(2026, 5, 25),
                d(2026, 6, 19),
                d(2026, 7, 3),
                d(2026, 9, 7),
                d(2026, 10, 12),
                d(2026, 11, 11),
                d(2026, 11, 26),
                d(2026, 12, 25),
            ]
        );
        // 2027: Juneteenth and Christmas on Saturdays (observed Fridays), July 4th a Sunday.
        let us27 = us.holidays(2027);
        for day in [
            d(2027, 6, 18),
            d(2027, 7, 5),
            d(2027, 12, 24),
            d(2027, 11, 25),
        ] {
            assert!(us27.contains(&day), "{day}");
        }
        let gb = Calendar::of(Some("GB"));
        assert_eq!(
            gb.holidays(2027),
            vec![
                d(2027, 1, 1),
                d(2027, 3, 26),
                d(2027, 3, 29),
                d(2027, 5, 3),
                d(2027, 5, 31),
                d(2027, 8, 30),
                d(2027, 12, 27),
                d(2027, 12, 28),
            ]
        );
        let de = Calendar::of(Some("DE"));
        for day in [
            d(2026, 1, 1),
            d(2026, 4, 3),
            d(2026, 4, 6),
            d(2026, 5, 1),
            d(2026, 5, 14),
            d(2026, 5, 25),
            d(2026, 10, 3),
            d(2026, 12, 25),
            d(2026, 12, 26),
        ] {
            assert!(de.holidays(2026).contains(&day), "{day}");
        }
    }

    #[test]
    fn business_days_skip_weekends_and_holidays() {
        let us = Calendar::of(Some("US"));
        // Wed 2026-11-25 -> Mon 2026-11-30: Thanksgiving and the weekend do not count.
        assert_eq!(
            us.business_days_between(d(2026, 11, 25), d(2026, 11, 30)),
            2
        );
        assert_eq!(us.add_business_days(d(2026, 11, 25), 2), d(2026, 11, 30));
        assert_eq!(
            us.business_days_between(d(2026, 11, 25), d(2026, 11, 25)),
            0
        );
        assert_eq!(
            us.business_days_between(d(2026, 11, 30), d(2026, 11, 25)),
            -2
        );
        // Across a year end, checked day by day.
        let none = Calendar::of(Some("ZZ"));
        let (from, to) = (d(2026, 12, 20), d(2027, 3, 3));
        let slow = (1..=(to - from).num_days())
            .filter(|i| !is_weekend(from + Duration::days(*i)))
            .count();
        assert_eq!(
            none.business_days_between(from, to),
            i64::try_from(slow).unwrap()
        );
        let slow_us = (1..=(to - from).num_days())
            .map(|i| from + Duration::days(i))
            .filter(|day| us.is_business_day(*day))
            .count();
        assert_eq!(
            us.business_days_between(from, to),
            i64::try_from(slow_us).unwrap()
        );
        // Adding and counting agree.
        for n in 0..40 {
            let end = us.add_business_days(from, n);
            assert_eq!(us.business_days_between(from, end), i64::from(n));
            assert!(n == 0 || us.is_business_day(end));
        }
    }
}
