//! Retry delays: exponential backoff with full jitter (a uniformly random
//! delay between zero and the exponential bound), so thousands of devices
//! that lost the network together do not come back in lockstep.

use crate::crypto::random_bytes;

/// First bound, seconds.
pub const BASE_SECS: u64 = 15;
/// Largest bound, seconds.
pub const CAP_SECS: u64 = 3600;

/// The delay before attempt `attempts + 1`, in seconds: uniform in
/// `[0, min(CAP, BASE · 2^attempts)]`.
pub fn delay_secs(attempts: u32) -> u64 {
    let bound = BASE_SECS.saturating_mul(1u64 << attempts.min(20)).min(CAP_SECS);
    let random = random_bytes::<8>().map(u64::from_le_bytes).unwrap_or(bound);
    random % (bound + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_stay_within_the_growing_bound_and_spread() {
        for attempts in 0..30 {
            let bound = (BASE_SECS << attempts.min(20)).min(CAP_SECS);
            let samples: Vec<u64> = (0..200).map(|_| delay_secs(attempts)).collect();
            assert!(samples.iter().all(|d| *d <= bound));
            if bound > 10 {
                let distinct: std::collections::HashSet<_> = samples.iter().collect();
                assert!(distinct.len() > 5, "no jitter at attempt {attempts}");
            }
        }
    }
}
