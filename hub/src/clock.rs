//! The hub's notion of "now", in the unix seconds every wire type uses.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the unix epoch (0 if the system clock is before 1970,
/// which would make every signed request fail the skew check, loudly).
pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// One hour, the grain of times stored next to anonymous reports (ADR 0016).
pub(crate) const HOUR_SECS: i64 = 3600;
/// One day, the grain of times stored next to a device or a worker (ADR 0016).
pub(crate) const DAY_SECS: i64 = 24 * 3600;

/// `at` rounded down to its `grain` (UTC): what the hub stores where a
/// finer time would help link an anonymous request to a device or worker.
pub(crate) fn coarse(at: i64, grain: i64) -> i64 {
    at - at.rem_euclid(grain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coarse_times_round_down_to_their_grain() {
        assert_eq!(coarse(1_765_000_123, HOUR_SECS), 1_764_997_200);
        assert_eq!(coarse(1_765_000_123, DAY_SECS), 1_764_979_200);
        assert_eq!(coarse(-1, HOUR_SECS), -3600);
    }
}
