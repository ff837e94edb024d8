//! # Worker Voice core
//!
//! All app logic of Worker Voice, in plain Rust, for the Android and iOS apps
//! (through the `bindings` crate) and the command-line device (`cli`).
//!
//! Workers in factories use it to raise grievances, answer surveys and take
//! training, on their own phones or on shared tablets. What they write is
//! sealed on the device: the database holds ciphertext bound to its table,
//! row and owner, under keys that need the worker's PIN, the platform key
//! store and a share from the hub. See `ARCHITECTURE.md` at the repository
//! root and `docs/adr/` for the reasons.
//!
//! The entry point is [`WorkerVoice`]: open it with an [`AppConfig`] and a
//! [`keystore::KeyStore`], then enrol, log in, and work with the worker's data.
//! Errors are [`Error`]s with a stable [`ErrorCode`] and a localized message.
//!
//! Modules by capability: [`app`] (the facade, one file of calls per
//! capability), [`auth`] (PIN, vault, session), [`kiosk`] (shared tablets:
//! offline sign-in, provisional sessions, drafts), [`grievance`] (sealing,
//! receipts, cases), [`sync`] (a sync pass), [`surveys`], [`training`],
//! [`notes`], [`content`] (signed training modules and survey packs),
//! [`directory`], [`device`] (identity, enrolment); and below them
//! [`net`] (hub client), [`store`] (SQLite), [`crypto`], [`keystore`]
//! (platform key store), [`i18n`] (Fluent messages), [`pin_policy`],
//! [`error`], [`clock`], [`events`], [`connectivity`], [`runtime`]. Which
//! may import which: `ARCHITECTURE.md`.

pub mod app;
pub mod app_strings;
pub mod auth;
pub mod clock;
pub mod connectivity;
pub mod content;
pub mod crypto;
pub mod device;
pub mod directory;
pub mod error;
pub mod events;
pub mod grievance;
pub mod i18n;
pub mod keystore;
pub mod kiosk;
pub mod net;
pub mod notes;
pub mod pin_policy;
pub mod runtime;
pub mod store;
pub mod surveys;
pub mod sync;
pub mod training;

pub use app::{AppConfig, DeviceStatus, WorkerCard, WorkerVoice};
pub use auth::{WeakPinReason, WorkerProfile};
pub use clock::{Clock, ManualClock, SystemClock};
pub use connectivity::{AlwaysOnline, Connectivity};
pub use device::DeviceMode;
pub use error::{Error, ErrorCode, ErrorKind};
pub use events::{Event, EventListener};
pub use notes::Note;

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("workervoice_core");
