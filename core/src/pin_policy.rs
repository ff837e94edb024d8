//! Which new PINs are refused, and why.
//!
//! A six-digit PIN has a million values, but people choose a small part of
//! them: repeated digits, runs, keyboard and lucky-number patterns, and dates
//! (birthdays above all). An attacker who gets ten tries at the hub tries
//! those first, so we refuse them with a reason the worker can act on.

use crate::i18n::{Arg, Languages, message};

/// Minimum PIN length.
pub const MIN_PIN_DIGITS: usize = 6;
/// Maximum PIN length (keeps PBKDF2 input bounded and typing sane).
pub const MAX_PIN_DIGITS: usize = 12;

/// Why a new PIN was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum WeakPinReason {
    /// Fewer than [`MIN_PIN_DIGITS`] digits (or more than [`MAX_PIN_DIGITS`]).
    TooShort,
    /// Contains something other than ASCII digits.
    NotDigits,
    /// One digit, or one short pattern, repeated (`111111`, `121212`, `123123`).
    Repeated,
    /// Digits in a row, up or down (`123456`, `987654`).
    Sequence,
    /// On the list of most-used PINs.
    Common,
    /// Reads as a date (`DDMMYY`, `YYMMDD`, `DDMMYYYY`, …).
    LooksLikeDate,
}

impl WeakPinReason {
    /// The reason, localized.
    pub fn localized(self, languages: &Languages) -> String {
        let id = match self {
            Self::TooShort => "pin-reason-too-short",
            Self::NotDigits => "pin-reason-not-digits",
            Self::Repeated => "pin-reason-repeated",
            Self::Sequence => "pin-reason-sequence",
            Self::Common => "pin-reason-common",
            Self::LooksLikeDate => "pin-reason-date",
        };
        message(languages, id, &[("min", Arg::Number(MIN_PIN_DIGITS as i64))])
    }
}

/// Most-used PINs that the pattern checks below do not already catch
/// (keypad shapes, and numbers that are lucky or mean "I love you").
const COMMON: &[&str] = &[
    "147258", "258369", "159753", "147369", "789456", "456789", "741852", "852963", "963852", "159357", "357159",
    "102030", "112233", "121314", "520520", "521521", "5201314", "1314520", "168168", "888999", "666888", "886886",
    "778899", "135790", "246810", "147852", "369258", "951753", "753951", "123321", "654456", "100200", "110110",
    "119119", "520131", "201314", "131452",
];

/// Checks the format only (digits, length): for a PIN being *entered*.
pub fn check_format(pin: &str) -> Result<(), WeakPinReason> {
    if !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(WeakPinReason::NotDigits);
    }
    if !(MIN_PIN_DIGITS..=MAX_PIN_DIGITS).contains(&pin.len()) {
        return Err(WeakPinReason::TooShort);
    }
    Ok(())
}

/// Checks a PIN being *chosen*: format, then guessability.
pub fn check_new_pin(pin: &str) -> Result<(), WeakPinReason> {
    check_format(pin)?;
    let digits: Vec<u8> = pin.bytes().map(|b| b - b'0').collect();
    if is_repeated(&digits) {
        return Err(WeakPinReason::Repeated);
    }
    if is_sequence(&digits) {
        return Err(WeakPinReason::Sequence);
    }
    if COMMON.contains(&pin) {
        return Err(WeakPinReason::Common);
    }
    if looks_like_date(&digits) {
        return Err(WeakPinReason::LooksLikeDate);
    }
    Ok(())
}

/// A pattern of length 1, 2 or 3 repeated to fill the PIN, or a PIN that is
/// made of at most two distinct digits in halves (`111222`).
fn is_repeated(digits: &[u8]) -> bool {
    let by_period = (1..=3).any(|period| {
        digits.len().is_multiple_of(period)
            && digits.len() / period >= 2
            && digits.iter().enumerate().all(|(i, d)| *d == digits[i % period])
    });
    let half = digits.len() / 2;
    let halves = digits.len().is_multiple_of(2)
        && digits[..half].iter().all(|d| *d == digits[0])
        && digits[half..].iter().all(|d| *d == digits[half]);
    by_period || halves
}

/// Each digit one more (or one less) than the previous, wrapping 9→0.
fn is_sequence(digits: &[u8]) -> bool {
    let step = |delta: u8| digits.windows(2).all(|pair| (pair[0] + delta) % 10 == pair[1]);
    step(1) || step(9)
}

fn is_date(day: u32, month: u32) -> bool {
    const DAYS: [u32; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    (1..=12).contains(&month) && day >= 1 && day <= DAYS[(month - 1) as usize]
}

fn number(digits: &[u8]) -> u32 {
    digits.iter().fold(0, |acc, d| acc * 10 + u32::from(*d))
}

/// Six digits as DDMMYY, MMDDYY or YYMMDD; eight as DDMMYYYY, MMDDYYYY or
/// YYYYMMDD with a year from 1940 to 2039.
fn looks_like_date(digits: &[u8]) -> bool {
    match digits.len() {
        6 => {
            let (a, b, c) = (number(&digits[0..2]), number(&digits[2..4]), number(&digits[4..6]));
            is_date(a, b) || is_date(b, a) || is_date(c, b)
        }
        8 => {
            let plausible_year = |year: u32| (1940..=2039).contains(&year);
            let (a, b) = (number(&digits[0..2]), number(&digits[2..4]));
            let tail_year = number(&digits[4..8]);
            let head_year = number(&digits[0..4]);
            let (c, d) = (number(&digits[4..6]), number(&digits[6..8]));
            (plausible_year(tail_year) && (is_date(a, b) || is_date(b, a)))
                || (plausible_year(head_year) && is_date(d, c))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obvious_pins_are_refused_with_their_reason() {
        for (pin, reason) in [
            ("12345", WeakPinReason::TooShort),
            ("12a456", WeakPinReason::NotDigits),
            ("١٢٣٤٥٦", WeakPinReason::NotDigits),
            ("000000", WeakPinReason::Repeated),
            ("121212", WeakPinReason::Repeated),
            ("123123", WeakPinReason::Repeated),
            ("111222", WeakPinReason::Repeated),
            ("123456", WeakPinReason::Sequence),
            ("654321", WeakPinReason::Sequence),
            ("890123", WeakPinReason::Sequence),
            ("147258", WeakPinReason::Common),
            ("5201314", WeakPinReason::Common),
            ("250990", WeakPinReason::LooksLikeDate),
            ("122590", WeakPinReason::LooksLikeDate),
            ("900325", WeakPinReason::LooksLikeDate),
            ("25121988", WeakPinReason::LooksLikeDate),
            ("19880521", WeakPinReason::LooksLikeDate),
        ] {
            assert_eq!(check_new_pin(pin), Err(reason), "{pin}");
        }
    }

    #[test]
    fn ordinary_pins_are_accepted() {
        for pin in ["482913", "739164", "058271", "9051736", "40918273"] {
            assert_eq!(check_new_pin(pin), Ok(()), "{pin}");
        }
    }

    #[test]
    fn most_random_six_digit_pins_are_still_allowed() {
        let allowed = (0..1_000_000u32).filter(|n| check_new_pin(&format!("{n:06}")).is_ok()).count();
        // Dates take roughly a tenth of the space; the pool must stay large.
        assert!(allowed > 850_000, "{allowed}");
    }

    #[test]
    fn reasons_are_localized() {
        let vi = Languages::negotiate(&["vi"]);
        assert!(WeakPinReason::LooksLikeDate.localized(&vi).contains("ngày"));
        assert!(WeakPinReason::TooShort.localized(&vi).contains('6'));
    }
}
