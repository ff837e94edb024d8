//! Shared devices (kiosk tablets): everything that lets many workers use one
//! tablet without one seeing another's data.
//!
//! - [`sign_in`]: offline sign-in checked by the hub later, and the
//!   provisional session it gives.
//! - [`upkeep`]: keeping a tablet used by thousands of workers small.
//! - [`drafts`]: work in progress kept under the worker's vault key (and,
//!   for a provisional session, sealed to the worker's draft key), so a
//!   time-out loses nothing and shows nothing to the next worker.
//!
//! The rows these write are in `store::sign_ins`, `store::offline_drafts`
//! and `store::drafts` (the SQLite layer); what an online sign-in leaves for
//! a later offline one is written with the vault, in `auth`. The app's
//! kiosk calls (confirming sign-ins at sync, running the upkeep, the wipe
//! and its crypto-shredding) are in `app::kiosk` and `app::device_admin`:
//! they need the session, the key store and the hub together.

pub mod drafts;
pub mod sign_in;
pub mod upkeep;

pub use sign_in::{HUB_KEY_META, sign_in_offline};
pub use upkeep::{DRAFT_MAX_AGE_SECS, MAX_VAULTS, SIGN_IN_NOT_CONFIRMED, VAULT_MAX_IDLE_DAYS};
