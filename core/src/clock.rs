//! Time, as a platform service: the kiosk's idle timeout must be testable
//! without waiting, and a shell may want the system's monotonic-ish clock.

use std::sync::atomic::{AtomicI64, Ordering};

/// Milliseconds since the Unix epoch. Called on core threads; must not block.
pub trait Clock: Send + Sync {
    /// Now, in milliseconds since the Unix epoch.
    fn now_millis(&self) -> i64;
}

/// A clock that can be swapped while others hold it (the app's clock: the
/// shell or a test may replace it at any time).
pub struct SharedClock(std::sync::Mutex<std::sync::Arc<dyn Clock>>);

impl SharedClock {
    /// Starts with `clock`.
    pub fn new(clock: std::sync::Arc<dyn Clock>) -> Self {
        Self(std::sync::Mutex::new(clock))
    }

    /// Replaces the clock.
    pub fn set(&self, clock: std::sync::Arc<dyn Clock>) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = clock;
    }
}

impl Clock for SharedClock {
    fn now_millis(&self) -> i64 {
        let clock = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        clock.now_millis()
    }
}

/// The system clock.
pub struct SystemClock;

// The one place the core reads the system clock: everything else asks a
// `Clock` (the app's, which tests replace), so a test that moves time moves
// all of it (`grep -rn 'SystemTime' core/src` finds only this).
impl Clock for SystemClock {
    /// Milliseconds since the Unix epoch (negative before it).
    fn now_millis(&self) -> i64 {
        let now = std::time::SystemTime::now();
        match now.duration_since(std::time::UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_millis()).map_or(i64::MIN, |millis| -millis),
        }
    }
}

/// Parses an HTTP date in the form every server sends (IMF-fixdate, RFC 9110
/// §5.6.7: `Sun, 06 Nov 1994 08:49:37 GMT`) into Unix seconds; `None` for
/// anything else (the obsolete forms are not accepted: a hub never sends them).
pub fn parse_http_date(text: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (weekday, rest) = text.trim().split_once(", ")?;
    if weekday.len() != 3 {
        return None;
    }
    let fields: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, "GMT"] = fields.as_slice() else { return None };
    let number = |text: &str, digits: usize| -> Option<i64> {
        (text.len() == digits && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.parse().ok()).flatten()
    };
    let (day, year) = (number(day, 2)?, number(year, 4)?);
    let month = i64::try_from(MONTHS.iter().position(|name| name == month)?).ok()? + 1;
    let hms: Vec<&str> = time.split(':').collect();
    let [hours, minutes, seconds] = hms.as_slice() else { return None };
    let (hours, minutes, seconds) = (number(hours, 2)?, number(minutes, 2)?, number(seconds, 2)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=days_in_month).contains(&day) || hours > 23 || minutes > 59 || seconds > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hours * 3_600 + minutes * 60 + seconds)
}

/// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// A clock that moves only when told (tests).
#[derive(Default)]
pub struct ManualClock {
    now: AtomicI64,
}

impl ManualClock {
    /// A clock at `start` milliseconds.
    pub fn starting_at(start: i64) -> Self {
        Self { now: AtomicI64::new(start) }
    }

    /// Moves the clock forward.
    pub fn advance_millis(&self, millis: i64) {
        self.now.fetch_add(millis, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_millis(&self) -> i64 {
        self.now.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn http_dates_parse_to_unix_seconds() {
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(parse_http_date("Thu, 29 Feb 2024 23:59:59 GMT"), Some(1_709_251_199));
        assert_eq!(parse_http_date("Sat, 21 Nov 2026 17:59:34 GMT"), Some(1_795_283_974));
    }

    #[test]
    fn anything_but_an_imf_fixdate_is_refused() {
        for bad in [
            "",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Fri, 29 Feb 2023 00:00:00 GMT",
            "Sun, 31 Apr 1994 08:49:37 GMT",
            "Sun, 06 Nob 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
            "Sun, +6 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_system_clock_is_after_2020() {
        let millis = SystemClock.now_millis();
        assert!(millis.div_euclid(1000) > 1_577_836_800);
    }

    proptest! {
        #[test]
        fn any_date_a_server_formats_parses_back(secs in 0i64..253_402_300_799) {
            let date = chrono::DateTime::from_timestamp(secs, 0).unwrap();
            let text = date.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
            prop_assert_eq!(parse_http_date(&text), Some(secs));
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,40}") {
            let _ = parse_http_date(&text);
        }
    }
}
