//! Shared devices (kiosk tablets): everything that lets many workers use one
//! tablet without one seeing another's data.
//!
//! - [`sign_in`]: offline sign-in checked by the hub later, and the
//!   provisional session it gives.
//! - [`drafts`]: work in progress kept under the worker's vault key (and,
//!   for a provisional session, sealed to the worker's draft key), so a
//!   time-out loses nothing and shows nothing to the next worker.
//!
//! The rows these write are in `store::sign_ins`, `store::offline_drafts`
//! and `store::drafts` (the SQLite layer); what an online sign-in leaves for
//! a later offline one is written with the vault, in `auth`. The app's
//! kiosk calls (confirming sign-ins at sync, upkeep of a tablet used by
//! thousands, the wipe) are in `app::kiosk` and `app::device_admin`.

pub mod drafts;
pub mod sign_in;

pub use sign_in::{HUB_KEY_META, sign_in_offline};
