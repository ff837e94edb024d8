//! Shared devices (kiosk tablets): everything that lets many workers use one
//! tablet without one seeing another's data.
//!
//! - [`sign_in`]: offline sign-in checked by the hub later, and the
//!   provisional session it gives.
//! - [`confirm`]: at sync, the hub confirms or rejects each offline
//!   sign-in; what it held is released or parked, and a provisional
//!   session still open learns it (or ends).
//! - [`upkeep`]: keeping a tablet used by thousands of workers small.
//! - [`drafts`]: work in progress kept under the worker's vault key (and,
//!   for a provisional session, sealed to the worker's draft key), so a
//!   time-out loses nothing and shows nothing to the next worker.
//! - [`wipe`]: crypto-shredding the device, or only its workers' data.
//!
//! The rows these write are in `store::sign_ins`, `store::offline_drafts`
//! and `store::drafts` (the SQLite layer); what an online sign-in leaves for
//! a later offline one is written with the vault, in `auth`. The
//! provisional session itself is a kind of `auth::Session` (its in-memory
//! drafts and progress are held there). The app's kiosk calls
//! (`app::kiosk`, `app::device_admin`) pass in its session, store and key
//! store, and do what needs the whole app (ending a session, events).

pub mod confirm;
pub mod drafts;
pub mod sign_in;
pub mod upkeep;
pub mod wipe;

pub use sign_in::{HUB_KEY_META, sign_in_offline};
pub use upkeep::{DRAFT_MAX_AGE_SECS, MAX_VAULTS, SIGN_IN_NOT_CONFIRMED, VAULT_MAX_IDLE_DAYS};
