//! Events the core reports to the app, through a listener the shell implements.

/// Something the app may want to react to (update a screen, show a badge).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Event {
    /// Enrolment finished.
    Enrolled {
        /// The factory the device now belongs to.
        factory_name: String,
    },
    /// A worker's session started.
    SessionStarted {
        /// Whether it was unlocked without the hub.
        offline: bool,
    },
    /// The session ended (lock, logout, another worker logged in).
    SessionEnded,
}

/// Receives [`Event`]s. Called on a core thread; implementations hand the
/// event to their UI thread and return quickly.
pub trait EventListener: Send + Sync {
    /// One event.
    fn on_event(&self, event: Event);
}
