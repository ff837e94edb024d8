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

impl Clock for SystemClock {
    fn now_millis(&self) -> i64 {
        chrono::Utc::now().timestamp_millis()
    }
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
