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

use axum::Json;
use axum::extract::State;
use rusqlite::{OptionalExtension, params};
use workervoice_protocol::error::HubErrorCode;
use workervoice_protocol::survey_response::{
    MAX_SEALED_RESPONSE_BYTES, ResponseReceipt, ResponseUpload, TOKEN_INPUT_LEN, response_mac_valid, token_oprf_input,
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
    let output = zeroize::Zeroizing::new(
        key.evaluate(&token_oprf_input(&upload.survey_id, &upload.token_input)).map_err(|_| ApiError::bad_request())?,
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
            let tx = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
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
                    let inserted = tx.execute(
                        "INSERT OR IGNORE INTO survey_responses
                             (response_id, survey_id, version, factory_id, token_input, recipients, sealed, received_day)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                        params![
                            upload.response_id,
                            upload.survey_id,
                            crate::db::sql_u64(upload.version),
                            upload.factory_id,
                            upload.token_input,
                            recipients,
                            upload.sealed,
                            today
                        ],
                    )?;
                    if inserted == 0 {
                        // A response id already used with another token.
                        return Err(ApiError::code(HubErrorCode::AlreadyAnswered));
                    }
                }
            }
            tx.commit()?;
            Ok(ResponseReceipt { response_id: upload.response_id })
        })
        .await?;
    Ok(Json(receipt))
}
