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
    /// The session ended (lock, logout, another worker logged in, time-out).
    SessionEnded,
    /// A kiosk session ended because nobody used it for the idle timeout
    /// (sent just before [`Event::SessionEnded`]); drafts were kept.
    SessionTimedOut,
    /// The outbox changed (an item queued, delivered or parked).
    OutboxChanged {
        /// Items waiting or being sent.
        queued: u64,
        /// Items the hub refused, kept for attention.
        needs_attention: u64,
    },
    /// New case events (status changes, replies) arrived.
    CasesUpdated {
        /// How many.
        events: u32,
    },
    /// The hub retired this device: everything on it was crypto-shredded and
    /// it refuses sign-ins from now on.
    DeviceRetired,
    /// A sync started.
    SyncStarted,
    /// Progress of the outbox during a sync.
    SyncProgress {
        /// Items tried so far.
        done: u32,
        /// Items due in this sync.
        total: u32,
    },
    /// A sync ended (also when it found no network).
    SyncFinished {
        /// Items the hub acknowledged.
        delivered: u32,
        /// Items still waiting.
        pending: u32,
        /// Whether the hub could not be reached.
        offline: bool,
    },
    /// Progress of downloading one content item's blobs (sent at most every
    /// few hundred kilobytes, and once at the end).
    ContentProgress {
        /// The item's id.
        content_id: String,
        /// Bytes held so far, including what earlier, interrupted downloads kept.
        done_bytes: u64,
        /// Bytes of every blob the item still needed when the download began.
        total_bytes: u64,
    },
    /// A content sync ended.
    ContentUpdated {
        /// Items whose manifest or blobs changed.
        changed: u32,
        /// Items refused because they did not verify.
        refused: u32,
    },
}

/// Receives [`Event`]s. Called on a core thread; implementations hand the
/// event to their UI thread and return quickly.
pub trait EventListener: Send + Sync {
    /// One event.
    fn on_event(&self, event: Event);
}
