//! `POST /v1/surveys/responses`: an anonymous survey response with its
//! token. Not signed by a device: the token is the only credential, and it
//! says nothing about who holds it.
//!
//! The hub checks that the survey and version are published, that the
//! response is sealed to exactly the analysts that version names, and that
//! the upload carries a MAC under the token's output (which only the
//! survey's key makes from the token input, and which only the device that
//! unblinded it knows); it then stores the response
//! with the token input as spent. A second response with the same token is
//! refused (`already_answered`), unless it is the same upload sent again
//! after a lost reply.
//!
//! A token of format 2 is bound to the factory it was issued for (RFC 9497
//! POPRF, ADR 0021): the hub evaluates it with the factory the answer
//! claims, so an answer that claims another factory has no valid MAC
//! (`token_invalid`). Format 1 (unbound) answers are taken only up to the
//! number of unbound tokens issued before the update.

use crate::db::sql::{OptionalExtension, params};
use axum::Json;
use axum::extract::State;
use workervoice_protocol::error::HubErrorCode;
use workervoice_protocol::survey_response::{
    MAX_SEALED_RESPONSE_BYTES, RESPONSE_FORMAT_V1, RESPONSE_FORMAT_V2, ResponseReceipt, ResponseUpload,
    TOKEN_INPUT_LEN, response_mac_valid, token_info, token_oprf_input,
};

use super::{day_of, definition, token_key};
use crate::cases::is_canonical_uuid;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

pub(crate) async fn receive(
    State(state): State<AppState>,
    JsonBody(upload): JsonBody<ResponseUpload>,
) -> Result<Json<ResponseReceipt>, ApiError> {
    if !is_canonical_uuid(&upload.response_id)
        || upload.token_input.len() != TOKEN_INPUT_LEN
        || upload.token_mac.len() != 32
        || upload.sealed.len() > MAX_SEALED_RESPONSE_BYTES
        || upload.recipients.is_empty()
        || upload.recipients.len() > 64
    {
        return Err(ApiError::bad_request());
    }
    let key = token_key(&state.keys, &upload.survey_id)?;
    let oprf_input = token_oprf_input(&upload.survey_id, &upload.token_input);
    // Format 2: the token output depends on the factory the answer claims,
    // so a token issued at one factory makes no valid MAC for another.
    let output = zeroize::Zeroizing::new(
        match upload.format {
            RESPONSE_FORMAT_V1 => key.evaluate(&oprf_input),
            RESPONSE_FORMAT_V2 => key.evaluate_bound(&oprf_input, &token_info(&upload.factory_id)),
            _ => return Err(ApiError::bad_request()),
        }
        .map_err(|_| ApiError::bad_request())?,
    );
    if !response_mac_valid(output.as_slice(), &upload) {
        return Err(ApiError::code(HubErrorCode::TokenInvalid));
    }
    let shared = state.clone();
    let today = day_of(state.calendar_now());
    let receipt = state
        .db
        .run(move |connection| {
            let Some(definition) = definition(connection, &upload.survey_id, upload.version, &shared.data_dir)? else {
                return Err(ApiError::code(HubErrorCode::NotFound));
            };
            let analysts = definition.delivery.map(|delivery| delivery.recipients).unwrap_or_default();
            let sealed_to_them = upload.recipients.len() == analysts.len()
                && analysts.iter().all(|analyst| {
                    upload.recipients.iter().any(|wrapped| {
                        wrapped.handler_id == analyst.handler_id && wrapped.enc.len() == 32 && wrapped.wrapped_key.len() == 48
                    })
                });
            if !sealed_to_them {
                return Err(ApiError::code(HubErrorCode::UnknownRecipient));
            }
            let recipients =
                serde_json::to_vec(&upload.recipients).map_err(|_| ApiError::internal("recipients do not serialise"))?;
            let tx = connection.transaction_with_behavior(crate::db::sql::TransactionBehavior::Immediate)?;
            let factory_known =
                tx.query_row("SELECT 1 FROM factories WHERE id = ?1", [&upload.factory_id], |_| Ok(())).optional()?;
            if factory_known.is_none() {
                return Err(ApiError::bad_request());
            }
            let spent: Option<(String, Vec<u8>)> = tx
                .query_row(
                    "SELECT response_id, sealed FROM survey_responses WHERE token_input = ?1",
                    [&upload.token_input],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            match spent {
                Some((response_id, sealed)) if response_id == upload.response_id && sealed == upload.sealed => {}
                Some(_) => return Err(ApiError::code(HubErrorCode::AlreadyAnswered)),
                None => {
                    if upload.format == RESPONSE_FORMAT_V1 && !unbound_token_left(&tx, &upload.survey_id)? {
                        return Err(ApiError::code(HubErrorCode::TokenInvalid));
                    }
                    let inserted = tx.execute(
                        "INSERT INTO survey_responses
                             (response_id, survey_id, version, factory_id, token_input, recipients, sealed, received_day,
                              format)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING",
                        params![
                            upload.response_id,
                            upload.survey_id,
                            crate::db::sql_u64(upload.version),
                            upload.factory_id,
                            upload.token_input,
                            recipients,
                            upload.sealed,
                            today,
                            upload.format
                        ],
                    )?;
                    if inserted == 0 {
                        // A response id already used with another token.
                        return Err(ApiError::code(HubErrorCode::AlreadyAnswered));
                    }
                }
            }
            tx.commit()?;
            Ok(ResponseReceipt { response_id: upload.response_id.clone() })
        })
        .await?;
    Ok(Json(receipt))
}

/// Whether the survey has an unbound (format 1) token issued that no stored
/// answer has used: the hub issued those before it bound tokens to a
/// factory, and cannot tell which worker holds which, so it takes at most as
/// many format-1 answers as it issued such tokens — those a device queued
/// before its app was updated — and no more.
fn unbound_token_left(tx: &crate::db::sql::Transaction<'_>, survey_id: &str) -> Result<bool, ApiError> {
    let issued: i64 = tx.query_row(
        "SELECT count(*) FROM survey_tokens_issued WHERE survey_id = ?1 AND factory_bound = 0",
        [survey_id],
        |row| row.get(0),
    )?;
    let used: i64 = tx.query_row(
        "SELECT count(*) FROM survey_responses WHERE survey_id = ?1 AND format = 1",
        [survey_id],
        |row| row.get(0),
    )?;
    Ok(used < issued)
}
