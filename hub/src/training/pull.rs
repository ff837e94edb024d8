//! `POST /v1/progress/pull`: a worker's merged events after a cursor, with
//! what each earned, the totals, the badge rules and their certificates
//! (issued here, once, for each module passed). Signed by the device and
//! with the worker's MAC (`auth::worker_mac`).

use axum::Json;
use axum::extract::State;
use workervoice_protocol::progress::{
    MAX_PULL_EVENTS, MergedEvent, ProgressPullRequest, ProgressPullResponse, pull_mac_input,
};

use super::certificates;
use super::log::{worker_log, worker_totals};
use crate::auth::worker_mac::check_worker_mac;
use crate::device_auth::SignedRequest;
use crate::error::ApiError;
use crate::state::AppState;

/// `POST /v1/progress/pull`.
pub(super) async fn pull(
    State(state): State<AppState>,
    request: SignedRequest,
) -> Result<Json<ProgressPullResponse>, ApiError> {
    let body: ProgressPullRequest = request.json()?;
    let device = request.device;
    let shared = state.clone();
    let reply = state
        .db
        .run(move |connection| {
            let input = pull_mac_input(&body.worker_id, body.cursor);
            check_worker_mac(connection, &shared, &device, &body.worker_id, &input, &body.mac)?;
            let utc_offset_minutes: i32 = connection.query_row(
                "SELECT utc_offset_minutes FROM factories WHERE id = ?1",
                [&device.factory_id],
                |row| row.get(0),
            )?;
            let tx = connection.transaction_with_behavior(crate::db::sql::TransactionBehavior::Immediate)?;
            let log = worker_log(&tx, &body.worker_id)?;
            let (totals, badges) = worker_totals(&tx, &shared.data_dir, &log, utc_offset_minutes)?;
            let (certificates, certificates_waiting) =
                certificates::issue_and_list(&tx, &shared, &body.worker_id, &device.factory_id, &log)?;
            tx.commit()?;
            let after: Vec<_> =
                log.into_iter().filter(|(seq, ..)| u64::try_from(*seq).unwrap_or(0) > body.cursor).collect();
            let more = after.len() > MAX_PULL_EVENTS;
            let page: Vec<_> = after.into_iter().take(MAX_PULL_EVENTS).collect();
            let cursor = page.last().map_or(body.cursor, |(seq, ..)| u64::try_from(*seq).unwrap_or(body.cursor));
            Ok(ProgressPullResponse {
                events: page.into_iter().map(|(_, event, earned)| MergedEvent { event, earned }).collect(),
                cursor,
                more,
                totals,
                utc_offset_minutes,
                badges,
                certificates,
                certificates_waiting,
            })
        })
        .await?;
    Ok(Json(reply))
}
