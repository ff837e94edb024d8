//! Factories and the one-time enrolment codes that bring devices into them.

use crate::db::sql::{Connection, TransactionBehavior, params};
use workervoice_protocol::admin::{
    CreateFactoryRequest, DEFAULT_KIOSK_IDLE_TIMEOUT_SECS, Factory, FactorySettings, IssueCodesRequest,
    IssueCodesResponse, IssuedCode, KIOSK_IDLE_TIMEOUT_RANGE, UTC_OFFSET_RANGE,
};
use workervoice_protocol::codes::{EnrolmentQr, format_enrolment_code, normalize_code};

use crate::clock::unix_now;
use crate::error::ApiError;
use crate::staff::audit::{self, ActorId};
use crate::state::AppState;
use crate::workers::checked_display_name;

/// Most enrolment codes one request may issue.
const MAX_CODES_PER_REQUEST: u32 = 500;
/// Longest validity of an enrolment code, in days.
const MAX_VALID_DAYS: u32 = 90;
const SECONDS_PER_DAY: i64 = 86_400;

/// Fails with `not_found` unless the factory exists.
pub(crate) fn ensure_factory_exists(connection: &Connection, factory_id: &str) -> Result<(), ApiError> {
    let exists: bool =
        connection
            .query_row("SELECT EXISTS (SELECT 1 FROM factories WHERE id = ?1)", [factory_id], |row| row.get(0))?;
    if exists { Ok(()) } else { Err(ApiError::not_found()) }
}

/// Creates a factory as the hub itself (demo seeding).
pub(crate) async fn create_factory(state: &AppState, request: CreateFactoryRequest) -> Result<Factory, ApiError> {
    create_factory_as(state, &ActorId::Hub, request).await
}

/// Creates a factory; with self-registration on, it gets a join code.
pub(crate) async fn create_factory_as(
    state: &AppState,
    actor: &ActorId,
    request: CreateFactoryRequest,
) -> Result<Factory, ApiError> {
    let name = checked_display_name(&request.name)?;
    let idle = request.kiosk_idle_timeout_secs.unwrap_or(DEFAULT_KIOSK_IDLE_TIMEOUT_SECS);
    if !KIOSK_IDLE_TIMEOUT_RANGE.contains(&idle) {
        return Err(ApiError::bad_request());
    }
    let join_code = if request.self_registration { Some(format_enrolment_code(state.keys.random()?)) } else { None };
    let factory = Factory { id: uuid::Uuid::new_v4().to_string(), name, join_code, kiosk_idle_timeout_secs: idle };
    let stored = factory.clone();
    let actor = actor.clone();
    state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT INTO factories (id, name, self_registration, join_code, created_at, kiosk_idle_timeout_secs) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![stored.id, stored.name, stored.join_code.is_some(), stored.join_code, unix_now(), idle],
            )?;
            audit::append(&tx, &actor, "factory_created", "factory", &stored.id)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    tracing::info!("factory created");
    Ok(factory)
}

/// Every factory, oldest first.
pub(crate) async fn factories(state: &AppState) -> Result<Vec<Factory>, ApiError> {
    state
        .db
        .read(|connection| {
            let mut statement = connection.prepare(
                "SELECT id, name, CASE WHEN self_registration = 1 THEN join_code END, kiosk_idle_timeout_secs \
                 FROM factories ORDER BY created_at, rowid",
            )?;
            let rows = statement.query_map([], |row| {
                Ok(Factory {
                    id: row.get(0)?,
                    name: row.get(1)?,
                    join_code: row.get(2)?,
                    kiosk_idle_timeout_secs: row.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
}

/// Issues enrolment codes as the hub itself (demo seeding).
pub(crate) async fn issue_codes(
    state: &AppState,
    factory_id: String,
    request: IssueCodesRequest,
) -> Result<IssueCodesResponse, ApiError> {
    issue_codes_as(state, &ActorId::Hub, factory_id, request).await
}

/// Issues one-time enrolment codes; only their keyed hashes are stored.
pub(crate) async fn issue_codes_as(
    state: &AppState,
    actor: &ActorId,
    factory_id: String,
    request: IssueCodesRequest,
) -> Result<IssueCodesResponse, ApiError> {
    if !(1..=MAX_CODES_PER_REQUEST).contains(&request.count) || !(1..=MAX_VALID_DAYS).contains(&request.valid_days) {
        return Err(ApiError::bad_request());
    }
    let now = unix_now();
    let expires_at = now + i64::from(request.valid_days) * SECONDS_PER_DAY;
    let mut codes = Vec::with_capacity(request.count as usize);
    let mut hashes = Vec::with_capacity(request.count as usize);
    for _ in 0..request.count {
        let code = format_enrolment_code(state.keys.random()?);
        hashes.push(state.keys.derive_enrolment_code_hash(&normalize_code(&code)));
        let qr_payload = EnrolmentQr { hub_url: state.public_url.clone(), code: code.clone() }.to_payload();
        codes.push(IssuedCode { code, qr_payload, mode: request.mode, expires_at });
    }
    let mode = request.mode;
    let actor = actor.clone();
    state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            ensure_factory_exists(&tx, &factory_id)?;
            for hash in hashes.clone() {
                tx.execute(
                    "INSERT INTO enrolment_codes (code_hash, factory_id, mode, issued_at, expires_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![hash, factory_id, mode.as_str(), now, expires_at],
                )?;
            }
            audit::append(&tx, &actor, &format!("enrolment_codes_issued:{}", mode.as_str()), "factory", &factory_id)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    tracing::info!(count = codes.len(), mode = mode.as_str(), "enrolment codes issued");
    Ok(IssueCodesResponse { codes })
}

/// Changes a factory's settings for its devices.
pub(crate) async fn update_settings(
    state: &AppState,
    actor: &ActorId,
    factory_id: String,
    settings: FactorySettings,
) -> Result<(), ApiError> {
    if !KIOSK_IDLE_TIMEOUT_RANGE.contains(&settings.kiosk_idle_timeout_secs)
        || settings.utc_offset_minutes.is_some_and(|offset| !UTC_OFFSET_RANGE.contains(&offset))
    {
        return Err(ApiError::bad_request());
    }
    let actor = actor.clone();
    state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            ensure_factory_exists(&tx, &factory_id)?;
            tx.execute(
                "UPDATE factories SET kiosk_idle_timeout_secs = ?1,
                        utc_offset_minutes = coalesce(?3, utc_offset_minutes)
                  WHERE id = ?2",
                params![settings.kiosk_idle_timeout_secs, factory_id, settings.utc_offset_minutes],
            )?;
            audit::append(&tx, &actor, "factory_settings_changed", "factory", &factory_id)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    tracing::info!("factory settings changed");
    Ok(())
}
