//! Every survey's published aggregates for one factory
//! (`GET /admin/v1/factories/{factory_id}/survey-aggregates`, right
//! `read_aggregates`, scoped by the staff gate): the dashboard's survey part
//! needs them without knowing survey ids. Each holds only that factory's
//! group, as [`super::results::factory_aggregates`] serves one survey:
//! suppression happened in the analyst's client and was re-checked by the
//! hub at publication.

use crate::db::sql::params;
use axum::Json;
use axum::extract::State;
use workervoice_protocol::category_counts::FactorySurveyAggregates;
use workervoice_protocol::survey_response::SurveyResults;

use crate::clock::{DAY_SECS, coarse};
use crate::error::ApiError;
use crate::extract::PathParams;
use crate::state::AppState;

/// The surveys with a published group for `factory_id`, by survey id.
pub(crate) async fn list(
    State(state): State<AppState>,
    PathParams(factory_id): PathParams<String>,
) -> Result<Json<Vec<FactorySurveyAggregates>>, ApiError> {
    let found = state
        .db
        .read(move |connection| {
            crate::admin::factories::ensure_factory_exists(connection, &factory_id)?;
            let mut statement =
                connection.prepare("SELECT body, published_at FROM survey_aggregates ORDER BY survey_id")?;
            let rows = statement
                .query_map(params![], |row| Ok((row.get::<_, Vec<u8>>(0)?, row.get::<_, i64>(1)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            let mut found = Vec::new();
            for (body, published_at) in rows {
                let mut results: SurveyResults =
                    serde_json::from_slice(&body).map_err(|_| ApiError::internal("stored aggregates do not parse"))?;
                results.groups.retain(|group| group.factory_id.as_deref() == Some(factory_id.as_str()));
                if !results.groups.is_empty() {
                    found.push(FactorySurveyAggregates { results, published_on: coarse(published_at, DAY_SECS) });
                }
            }
            Ok(found)
        })
        .await?;
    Ok(Json(found))
}
