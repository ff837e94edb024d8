//! Sync with the hub: the recipient directory, the outbox, and case updates,
//! and the order of a sync pass ([`run`], in `pass.rs`).
//! What a case *is* on the device (its state, thread and sealing) lives with
//! the grievances, in `grievance::cases`; this module has the wire side.
//!
//! - **Push.** Each outbox item is sent with its client id; the hub answers a
//!   replay with the original result, so sending again after a lost reply is
//!   safe. An item is marked delivered only on the hub's acknowledgement (and
//!   after its attachments are complete). Transient failures retry with
//!   exponential backoff and full jitter; permanent refusals park the item
//!   with the reason. Nothing is ever dropped.
//! - **Pull.** Case events after each case's cursor come down one case per
//!   request (unsigned, each on its own connection, spaced at random); a
//!   reply is applied in one transaction and the cursor moves only with it.
//! - **Directory.** Fetched with `have=<version>`: nothing new costs one
//!   small request.
//!
//! The parts of a pass that belong to other capabilities (kiosk sign-ins,
//! training progress, survey responses, the health report) are asked of the
//! app through [`SyncHost`], so this module imports nothing of `app`.

pub mod backoff;
pub mod directory;
mod outbox_push;
mod pass;
pub mod pull;
mod push;

pub use pass::{Spacing, SyncHost, run};
pub use push::{PushOutcome, outcome, push_item};

use crate::runtime::lock;

/// Default longest random pause before the unsigned phase of a pass and
/// between its requests, seconds (ADR 0016).
pub const DEFAULT_UNSIGNED_SPACING_MAX_SECS: u32 = 20;

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SyncReport {
    /// Items the hub acknowledged in this sync.
    pub delivered: u32,
    /// Items still waiting (transient failures, or not yet due).
    pub pending: u32,
    /// Items parked because the hub refused them.
    pub needs_attention: u32,
    /// Case events received.
    pub case_events: u32,
    /// The directory version held after the sync.
    pub directory_version: Option<u64>,
    /// Whether a directory offered by the hub was refused (bad signature,
    /// rollback, or not extending the one held); the device keeps its own.
    pub directory_refused: bool,
    /// Why, when refused: `directory_chain_broken` (signed, but not the next
    /// link of the chain the device holds) or `content_unverified` (not
    /// signed by the programme).
    pub directory_refusal: Option<crate::error::ErrorCode>,
    /// Whether the hub could not be reached (everything stays queued).
    pub offline: bool,
    /// Offline kiosk sign-ins the hub confirmed (their items went out).
    pub sign_ins_confirmed: u32,
    /// Offline kiosk sign-ins the hub rejected (their items are kept, parked).
    pub sign_ins_rejected: u32,
    /// Training progress events of the signed-in worker pulled from the hub
    /// (their other devices' and this one's, with the hub's scoring).
    pub progress_events: u32,
}
