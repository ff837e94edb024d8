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
