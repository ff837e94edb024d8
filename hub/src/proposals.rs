//! Proposals: what the hub prepares for the programme's key holder to sign
//! (a recipient directory, a content pack's manifest, the delegation of the
//! certificate power), and publishing what comes back signed.
//!
//! The hub does not hold the programme key ([`crate::programme`]). Staff ask
//! for a new directory (`POST /admin/v1/directory/propose`) or publish a pack
//! (`workervoice-hub publish-pack`); the hub stores the exact bytes to sign.
//! The key holder lists them (`GET /admin/v1/proposals?state=pending`),
//! fetches one with what they need to review it (`GET
//! /admin/v1/proposals/{id}`: for a directory the current signed one, for a
//! pack its document), and uploads only a signature (`POST
//! /admin/v1/proposals/{id}/signature`). The hub publishes a proposal only if
//! the signature verifies under the programme's public key, and only if it
//! still follows what is published (a directory that no longer extends the
//! chain, or a pack version overtaken, is marked superseded instead).
//!
//! A newer proposal of the same item supersedes an older pending one.

use crate::db::sql::{Connection, OptionalExtension, TransactionBehavior, params};
use axum::extract::{RawQuery, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use workervoice_protocol::content::{Manifest, SignedManifest};
use workervoice_protocol::delegation::{Delegation, PURPOSE_TRAINING_CERTIFICATES, SignedDelegation};
use workervoice_protocol::directory::{Directory, SignedDirectory, body_sha256};
use workervoice_protocol::proposal::{
    PROPOSALS, ProposalDetail, ProposalKind, ProposalState, ProposalSummary, SignatureUpload,
};

use workervoice_protocol::error::HubErrorCode;

use crate::clock::unix_now;
use crate::content::publish::{PackAssignment, publish_signed_manifest};
use crate::db::column_u64;
use crate::error::ApiError;
use crate::extract::{JsonBody, PathParams};
use crate::server::RunningHub;
use crate::state::AppState;

/// Who the hub records as having asked, until staff accounts name a person.
pub(crate) const BY_ADMIN_TOKEN: &str = "admin-token";

/// What the hub does with a pack once it is signed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PackMeta {
    /// `training_module` or `survey`.
    pub(crate) kind: String,
    /// The item's id.
    pub(crate) content_id: String,
    /// The factories it goes to; `None` for every factory.
    pub(crate) factories: Option<Vec<String>>,
}

impl PackMeta {
    pub(crate) fn assignment(&self) -> PackAssignment {
        match &self.factories {
            Some(ids) => PackAssignment::Factories(ids.clone()),
            None => PackAssignment::AllFactories,
        }
    }
}

/// The staff routes (mounted behind the staff check in [`crate::admin`]).
pub(crate) fn admin_routes() -> Router<AppState> {
    Router::new()
        .route(PROPOSALS, get(list))
        .route("/admin/v1/proposals/{proposal_id}", get(detail))
        .route("/admin/v1/proposals/{proposal_id}/signature", post(upload_signature))
}

/// Stores a proposal, superseding pending ones of the same item. For a
/// pack, `meta` names the item (see [`PackMeta`]).
pub(crate) fn create(
    connection: &Connection,
    kind: ProposalKind,
    body: &[u8],
    meta: Option<&PackMeta>,
    created_by: &str,
) -> Result<String, ApiError> {
    let meta = meta
        .map(serde_json::to_string)
        .transpose()
        .map_err(|error| ApiError::internal(format!("proposal meta: {error}")))?;
    let pending: Vec<(String, Option<String>)> = {
        let mut statement =
            connection.prepare("SELECT id, meta FROM proposals WHERE kind = ?1 AND state = 'pending'")?;
        let rows = statement.query_map([kind.as_str()], |row| Ok((row.get(0)?, row.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let same_item = |other: &Option<String>| match (kind, other, &meta) {
        (ProposalKind::Pack, Some(other), Some(ours)) => {
            let parse = |text: &str| serde_json::from_str::<PackMeta>(text).ok().map(|m| (m.kind, m.content_id));
            parse(other) == parse(ours)
        }
        (ProposalKind::Pack, _, _) => false,
        (ProposalKind::Directory | ProposalKind::Delegation, _, _) => true,
    };
    for (id, other) in pending {
        if same_item(&other) {
            connection.execute("UPDATE proposals SET state = 'superseded' WHERE id = ?1", [id])?;
        }
    }
    let id = uuid::Uuid::new_v4().to_string();
    connection.execute(
        "INSERT INTO proposals (id, kind, body, meta, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, kind.as_str(), body, meta, unix_now(), created_by],
    )?;
    tracing::info!(kind = kind.as_str(), "proposal waiting for the key holder's signature");
    Ok(id)
}

/// After a proposal is made: the demo's key holder signs at once.
pub(crate) async fn after_propose(state: &AppState) -> Result<(), ApiError> {
    if state.demo_signer.as_ref().is_some_and(|signer| signer.sign_automatically) {
        sign_all_pending(state).await?;
    }
    Ok(())
}

/// Start-up: asks for the delegation of the certificate power to this hub's
/// certificate key unless it is signed or waiting already.
pub(crate) async fn at_start(state: &AppState) -> anyhow::Result<()> {
    let public_key = ring::signature::KeyPair::public_key(&state.keys.certificate_key()).as_ref().to_vec();
    let programme_id = state.programme.id().to_owned();
    let proposed = state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut statement = tx.prepare(
                "SELECT body FROM proposals WHERE kind = 'delegation' AND state IN ('pending', 'published')",
            )?;
            let bodies = statement.query_map([], |row| row.get::<_, Vec<u8>>(0))?.collect::<Result<Vec<_>, _>>()?;
            drop(statement);
            let asked = bodies.iter().filter_map(|body| serde_json::from_slice::<Delegation>(body).ok()).any(|d| {
                d.public_key == public_key
                    && d.programme_id == programme_id
                    && d.purpose == PURPOSE_TRAINING_CERTIFICATES
            });
            if asked {
                return Ok(false);
            }
            let delegation = Delegation {
                programme_id: programme_id.clone(),
                purpose: PURPOSE_TRAINING_CERTIFICATES.to_owned(),
                public_key: public_key.clone(),
                issued_at: unix_now(),
            };
            let body = serde_json::to_vec(&delegation).map_err(|_| ApiError::internal("serialising a delegation"))?;
            create(&tx, ProposalKind::Delegation, &body, None, "hub")?;
            tx.commit()?;
            Ok(true)
        })
        .await
        .map_err(|error| anyhow::anyhow!("proposing the certificate delegation: {error}"))?;
    if proposed {
        tracing::info!("certificates wait for the key holder to sign this hub's delegation");
    }
    after_propose(state).await.map_err(|error| anyhow::anyhow!("signing as the demo key holder: {error}"))
}

/// The signed delegation to the hub's certificate key, if the key holder
/// signed one.
pub(crate) fn current_delegation(
    connection: &Connection,
    public_key: &[u8],
) -> Result<Option<SignedDelegation>, ApiError> {
    let mut statement = connection.prepare(
        "SELECT body, signature FROM proposals WHERE kind = 'delegation' AND state = 'published' \
          ORDER BY published_at DESC",
    )?;
    let rows = statement.query_map([], |row| Ok((row.get::<_, Vec<u8>>(0)?, row.get::<_, Option<Vec<u8>>>(1)?)))?;
    for row in rows {
        let (body, signature) = row?;
        let Some(signature) = signature else { continue };
        if serde_json::from_slice::<Delegation>(&body).is_ok_and(|d| d.public_key == public_key) {
            return Ok(Some(SignedDelegation { body, signature }));
        }
    }
    Ok(None)
}

/// Signs every pending proposal with the test key holder's key, through
/// the same upload path as `wv-keyholder sign`; returns how many it
/// published. Fails when the hub was started without a
/// [`crate::DemoKeyHolder`].
pub async fn sign_pending(hub: &RunningHub) -> anyhow::Result<usize> {
    sign_all_pending(hub.state()).await.map_err(|error| anyhow::anyhow!("signing pending proposals: {error}"))
}

/// [`sign_pending`] on the state.
pub(crate) async fn sign_all_pending(state: &AppState) -> Result<usize, ApiError> {
    let Some(signer) = &state.demo_signer else {
        return Err(ApiError::internal("no demo key holder: a real programme signs with wv-keyholder"));
    };
    let pending = state
        .db
        .run(|connection| {
            let mut statement = connection
                .prepare("SELECT id, kind, body FROM proposals WHERE state = 'pending' ORDER BY created_at, id")?;
            let rows = statement.query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, Vec<u8>>(2)?))
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await?;
    let mut published = 0;
    for (id, kind, body) in pending {
        let kind = ProposalKind::parse(&kind).ok_or_else(|| ApiError::internal("a proposal has an unknown kind"))?;
        let signature = signer.key.sign_proposal(kind, &body);
        accept_signature(state, id, signature).await?;
        published += 1;
    }
    Ok(published)
}

async fn list(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<ProposalSummary>>, ApiError> {
    let mut wanted = None;
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if key == "state" {
            wanted = Some(ProposalState::parse(&value).ok_or_else(ApiError::bad_request)?);
        }
    }
    let summaries = state
        .db
        .read(move |connection| {
            let mut statement = connection.prepare(
                "SELECT id, kind, state, created_at, created_by FROM proposals \
                  WHERE CAST(?1 AS TEXT) IS NULL OR state = ?1 ORDER BY created_at, id",
            )?;
            let rows = statement.query_map([wanted.map(ProposalState::as_str)], summary_from_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await?;
    Ok(Json(summaries.into_iter().flatten().collect()))
}

fn summary_from_row(row: &crate::db::sql::Row<'_>) -> crate::db::sql::Result<Option<ProposalSummary>> {
    let kind: String = row.get(1)?;
    let proposal_state: String = row.get(2)?;
    Ok(match (ProposalKind::parse(&kind), ProposalState::parse(&proposal_state)) {
        (Some(kind), Some(proposal_state)) => Some(ProposalSummary {
            id: row.get(0)?,
            kind,
            state: proposal_state,
            created_at: row.get(3)?,
            created_by: row.get(4)?,
        }),
        _ => None,
    })
}

async fn detail(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
) -> Result<Json<ProposalDetail>, ApiError> {
    let data_dir = state.data_dir.clone();
    state
        .db
        .read(move |connection| {
            let row = connection
                .query_row(
                    "SELECT id, kind, state, created_at, created_by, body FROM proposals WHERE id = ?1",
                    [&id],
                    |row| Ok((summary_from_row(row)?, row.get::<_, Vec<u8>>(5)?)),
                )
                .optional()?;
            let Some((Some(summary), body)) = row else { return Err(ApiError::not_found()) };
            let mut detail = ProposalDetail { summary, body, current_directory: None, document: None };
            match detail.summary.kind {
                ProposalKind::Directory => detail.current_directory = latest_directory(connection)?,
                ProposalKind::Pack => {
                    let manifest: Manifest = serde_json::from_slice(&detail.body)
                        .map_err(|_| ApiError::internal("a pack proposal does not parse"))?;
                    let path = crate::content::blobs::blob_path(&data_dir, &manifest.body.sha256);
                    detail.document = std::fs::read(path).ok();
                }
                ProposalKind::Delegation => {}
            }
            Ok(Json(detail))
        })
        .await
}

/// The newest signed directory.
pub(crate) fn latest_directory(connection: &Connection) -> Result<Option<SignedDirectory>, ApiError> {
    Ok(connection
        .query_row("SELECT body, signature FROM directories ORDER BY version DESC LIMIT 1", [], |row| {
            Ok(SignedDirectory { body: row.get(0)?, signature: row.get(1)? })
        })
        .optional()?)
}

async fn upload_signature(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    JsonBody(upload): JsonBody<SignatureUpload>,
) -> Result<Json<ProposalSummary>, ApiError> {
    accept_signature(&state, id, upload.signature).await.map(Json)
}

/// Verifies the key holder's signature on a pending proposal and publishes
/// it. A bad signature is refused and the proposal stays pending; a
/// proposal that no longer follows what is published becomes superseded.
pub(crate) async fn accept_signature(
    state: &AppState,
    id: String,
    signature: Vec<u8>,
) -> Result<ProposalSummary, ApiError> {
    // The signature is checked on what a reader finds, with no connection
    // held; the write then publishes only if the proposal is still pending
    // with the very body that was verified (compare-and-set).
    let lookup = id.clone();
    let found = state
        .db
        .read(move |connection| {
            Ok(connection
                .query_row(
                    "SELECT id, kind, state, created_at, created_by, body FROM proposals WHERE id = ?1",
                    [&lookup],
                    |row| Ok((summary_from_row(row)?, row.get::<_, Vec<u8>>(5)?)),
                )
                .optional()?)
        })
        .await?;
    let Some((Some(found), verified_body)) = found else { return Err(ApiError::not_found()) };
    if found.state != ProposalState::Pending {
        return Err(ApiError::bad_request());
    }
    if !state.programme.verifies(found.kind, &verified_body, &signature) {
        tracing::warn!(kind = found.kind.as_str(), "refused a proposal signature that does not verify");
        return Err(ApiError::code(HubErrorCode::BadSignature));
    }
    let summary = state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let row = tx
                .query_row(
                    "SELECT id, kind, state, created_at, created_by, body, meta FROM proposals WHERE id = ?1",
                    [&id],
                    |row| Ok((summary_from_row(row)?, row.get::<_, Vec<u8>>(5)?, row.get::<_, Option<String>>(6)?)),
                )
                .optional()?;
            let Some((Some(mut summary), body, meta)) = row else { return Err(ApiError::not_found()) };
            if summary.state != ProposalState::Pending {
                return Err(ApiError::bad_request());
            }
            if body != verified_body || summary.kind != found.kind {
                return Err(ApiError::bad_request());
            }
            let follows = match summary.kind {
                ProposalKind::Directory => publish_directory(&tx, &body, &signature)?,
                ProposalKind::Pack => {
                    let meta: PackMeta = meta
                        .as_deref()
                        .and_then(|text| serde_json::from_str(text).ok())
                        .ok_or_else(|| ApiError::internal("a pack proposal has no assignment"))?;
                    let signed = SignedManifest { body: body.clone(), signature: signature.clone() };
                    // A storage error stays one (a serialization conflict on
                    // PostgreSQL is then retried).
                    publish_signed_manifest(&tx, &signed, &meta.assignment()).map_err(|error| {
                        match error.downcast::<crate::db::sql::Error>() {
                            Ok(storage) => ApiError::Storage(storage),
                            Err(error) => ApiError::internal(format!("publishing a pack: {error:#}")),
                        }
                    })?
                }
                ProposalKind::Delegation => true,
            };
            let now = unix_now();
            summary.state = if follows { ProposalState::Published } else { ProposalState::Superseded };
            tx.execute(
                "UPDATE proposals SET state = ?2, signature = ?3, published_at = ?4 WHERE id = ?1",
                params![id, summary.state.as_str(), follows.then_some(&signature), follows.then_some(now)],
            )?;
            tx.commit()?;
            Ok(summary)
        })
        .await?;
    tracing::info!(kind = summary.kind.as_str(), state = summary.state.as_str(), "proposal signed");
    if summary.state == ProposalState::Superseded {
        // Signed, but overtaken: publishing it would break the chain devices hold.
        return Err(ApiError::bad_request());
    }
    Ok(summary)
}

/// Stores a signed directory if it is the next link of the chain; returns
/// whether it was.
fn publish_directory(connection: &Connection, body: &[u8], signature: &[u8]) -> Result<bool, ApiError> {
    let directory: Directory =
        serde_json::from_slice(body).map_err(|_| ApiError::internal("a directory proposal does not parse"))?;
    let latest = latest_directory(connection)?;
    let current_version: u64 =
        connection.query_row("SELECT coalesce(max(version), 0) FROM directories", [], |row| column_u64(row, 0))?;
    let previous = latest.map(|signed| body_sha256(&signed.body));
    if directory.version != current_version + 1 || directory.previous_sha256 != previous {
        return Ok(false);
    }
    connection.execute(
        "INSERT INTO directories (version, body, signature, published_at) VALUES (?1, ?2, ?3, ?4)",
        params![crate::db::sql_u64(directory.version), body, signature, unix_now()],
    )?;
    tracing::info!(version = directory.version, "directory published");
    Ok(true)
}
