//! Training progress (`/v1/progress/*`): each worker's log of what they did,
//! merged from all their devices, and what is derived from it (see
//! [`workervoice_protocol::progress`] and `docs/adr/0009-training-progress-log.md`).
//! The modules themselves are published through `content`.
//!
//! - **Upload** ([`upload`], signed device request): a sealed batch of a
//!   worker's events, authenticated by their MAC or a confirmed offline
//!   sign-in, scored and merged by event id.
//! - **Pull** ([`pull`], signed, with the worker's MAC): the merged events
//!   after a cursor, with what each earned, the totals ([`log`]) and the
//!   worker's [`certificates`].
//! - **Leaderboard** ([`leaderboard`], signed, with the worker's MAC): opt in
//!   or out under a pseudonym, and the factory's board.
//! - **Completion report** ([`completion`], staff): per module, how many of a
//!   factory's workers started and passed it.

mod certificates;
pub(crate) mod completion;
mod leaderboard;
pub(crate) mod log;
mod pull;
pub(crate) mod upload;

use axum::routing::post;
use workervoice_protocol::paths;

use crate::state::AppState;

/// The `/v1/progress/*` routes.
pub(crate) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route(paths::PROGRESS_UPLOAD, post(upload::upload))
        .route(paths::PROGRESS_PULL, post(pull::pull))
        .route(paths::PROGRESS_LEADERBOARD, post(leaderboard::leaderboard))
}
