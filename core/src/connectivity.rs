//! What the platform knows about the network.
//!
//! The shells implement [`Connectivity`] over Android's `ConnectivityManager`
//! and iOS's `NWPathMonitor`; [`AlwaysOnline`] serves desktop and tests. With
//! it the core does not try the network when there is none — no waiting for a
//! connect timeout at login, no battery spent on a sync that cannot succeed —
//! and can tell a metered (prepaid) connection from an unmetered one.

/// The platform's view of the network. Called on core threads; answers from
/// a cached state, without blocking.
pub trait Connectivity: Send + Sync {
    /// Whether some network is available now.
    fn is_online(&self) -> bool;
    /// Whether the available network is metered (mobile data the worker pays for).
    fn is_metered(&self) -> bool;
}

/// Desktop and tests: always online, never metered (the network calls
/// themselves then report what really happens).
pub struct AlwaysOnline;

impl Connectivity for AlwaysOnline {
    fn is_online(&self) -> bool {
        true
    }

    fn is_metered(&self) -> bool {
        false
    }
}
