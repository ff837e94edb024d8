//! Cases by category (ADR 0024). The category is sealed inside each report,
//! so the hub cannot count it: a reader's client opens the cases its route
//! can read, counts them per factory, month of receipt and category,
//! suppresses small counts, and publishes the table
//! (`POST /handler/v1/category-counts`). The hub learns only that table and
//! who published it, never a case's category.
//!
//! The hub cannot check the numbers against the reports (it cannot open
//! them). It checks what it can: the shape (months, category ids, no row
//! twice), that every category id is one a published directory offered,
//! that the reader's route covers each factory, and the suppression
//! ([`row_is_suppressed`]: no shown count of 1 to 4, no hidden count that
//! follows by subtraction). It keeps the latest row per route, factory and
//! month with the reader and the time, and serves staff with the right to
//! read aggregates the rows of a factory in their scope
//! (`GET /admin/v1/factories/{factory_id}/category-counts`), naming the
//! route and the day, not the reader.

use std::collections::BTreeSet;

use crate::db::sql::{Connection, TransactionBehavior, params};
use axum::Json;
use axum::extract::State;
use workervoice_protocol::category_counts::{
    CategoryCount, CategoryCountsRow, MAX_CATEGORIES, MAX_ROWS, PublishCategoryCounts, PublishedCategoryCounts,
    row_is_suppressed,
};
use workervoice_protocol::error::HubErrorCode;
use workervoice_protocol::progress::MIN_GROUP;

use crate::case_handlers::sessions::HandlerSession;
use crate::clock::{DAY_SECS, coarse};
use crate::directory::route_from_str;
use crate::error::ApiError;
use crate::extract::{JsonBody, PathParams};
use crate::state::AppState;

/// Whether `month` is `YYYY-MM` with a real month.
fn is_month(month: &str) -> bool {
    let bytes = month.as_bytes();
    if bytes.len() != 7 || bytes[4] != b'-' {
        return false;
    }
    if !bytes[..4].iter().chain(&bytes[5..]).all(u8::is_ascii_digit) {
        return false;
    }
    matches!(month[5..].parse::<u8>(), Ok(1..=12))
}

/// Whether `id` looks like a directory category id (short, plain ASCII).
fn is_category_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
}

/// Whether a publication is well formed and shows no small count.
fn well_formed(publication: &PublishCategoryCounts) -> bool {
    if publication.rows.is_empty() || publication.rows.len() > MAX_ROWS {
        return false;
    }
    let mut seen = BTreeSet::new();
    publication.rows.iter().all(|row| {
        let mut categories = BTreeSet::new();
        seen.insert((row.factory_id.as_str(), row.month.as_str()))
            && is_month(&row.month)
            && !row.factory_id.is_empty()
            && row.factory_id.len() <= 128
            && row.categories.len() <= MAX_CATEGORIES
            && row
                .categories
                .iter()
                .all(|category| is_category_id(&category.category_id) && categories.insert(&category.category_id))
            && row_is_suppressed(row, MIN_GROUP)
    })
}

/// The stored part of a row (total and categories), as JSON.
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    total: Option<u32>,
    categories: Vec<CategoryCount>,
}

/// `POST /handler/v1/category-counts` (a reader's session, not an
/// analyst's): stores each row for the reader's route, replacing that
/// route's earlier row of the same factory and month. All rows or none.
pub(crate) async fn publish(
    State(state): State<AppState>,
    session: HandlerSession,
    JsonBody(publication): JsonBody<PublishCategoryCounts>,
) -> Result<Json<workervoice_protocol::auth::Ok>, ApiError> {
    // Analysts read survey answers, never cases: they have nothing to count.
    if session.identity.analyst {
        return Err(ApiError::unauthorized());
    }
    if !well_formed(&publication) {
        return Err(ApiError::bad_request());
    }
    let identity = session.identity;
    let now = crate::clock::unix_now();
    state
        .db
        .run(move |connection| {
            // All rows or none: one transaction (PostgreSQL may run this
            // closure again after a serialization conflict, so rows are
            // cloned, not moved).
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let known = published_category_ids(&tx)?;
            let mut named = publication.rows.iter().flat_map(|row| &row.categories).map(|count| &count.category_id);
            if named.any(|id| !known.contains(id.as_str())) {
                return Err(ApiError::bad_request());
            }
            for row in &publication.rows {
                crate::admin::factories::ensure_factory_exists(&tx, &row.factory_id)?;
                if !crate::case_handlers::work::covers_factory(&tx, &identity, &row.factory_id)? {
                    return Err(ApiError::code(HubErrorCode::Forbidden));
                }
            }
            for row in &publication.rows {
                store(&tx, identity.route.as_str(), &identity.handler_id, row.clone(), now)?;
            }
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(Json(workervoice_protocol::auth::Ok { ok: true }))
}

/// Every category id any published directory has offered: a count for an
/// id no worker could have chosen is a client's mistake (or a reader
/// writing what they like onto staff dashboards), refused. Earlier
/// directories count too: last month's cases were filed under last month's
/// categories.
fn published_category_ids(connection: &Connection) -> Result<BTreeSet<String>, ApiError> {
    /// The part of a directory read here.
    #[derive(serde::Deserialize)]
    struct Categories {
        categories: Vec<workervoice_protocol::directory::Category>,
    }
    let mut statement = connection.prepare("SELECT body FROM directories")?;
    let bodies = statement.query_map([], |row| row.get::<_, Vec<u8>>(0))?.collect::<Result<Vec<_>, _>>()?;
    let mut ids = BTreeSet::new();
    for body in bodies {
        let parsed: Categories =
            serde_json::from_slice(&body).map_err(|_| ApiError::internal("a stored directory does not parse"))?;
        ids.extend(parsed.categories.into_iter().map(|category| category.id));
    }
    Ok(ids)
}

fn store(connection: &Connection, route: &str, reader: &str, row: CategoryCountsRow, now: i64) -> Result<(), ApiError> {
    let body = serde_json::to_vec(&Stored { total: row.total, categories: row.categories })
        .map_err(|_| ApiError::internal("category counts do not serialise"))?;
    connection.execute(
        "INSERT INTO category_counts (route, factory_id, month, body, published_by, published_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (route, factory_id, month) DO UPDATE SET body = excluded.body, \
           published_by = excluded.published_by, published_at = excluded.published_at",
        params![route, row.factory_id, row.month, body, reader, now],
    )?;
    Ok(())
}

/// The rows published for `factory_id`, newest month first, then by route.
pub(crate) fn published(connection: &Connection, factory_id: &str) -> Result<Vec<PublishedCategoryCounts>, ApiError> {
    let mut statement = connection.prepare(
        "SELECT route, month, body, published_at FROM category_counts WHERE factory_id = ?1 \
         ORDER BY month DESC, route",
    )?;
    let rows = statement
        .query_map(params![factory_id], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, Vec<u8>>(2)?, row.get::<_, i64>(3)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(route, month, body, published_at)| {
            let route = route_from_str(&route).ok_or_else(|| ApiError::internal("a stored route is unknown"))?;
            let stored: Stored =
                serde_json::from_slice(&body).map_err(|_| ApiError::internal("stored category counts do not parse"))?;
            Ok(PublishedCategoryCounts {
                route,
                month,
                total: stored.total,
                categories: stored.categories,
                published_on: coarse(published_at, DAY_SECS),
            })
        })
        .collect()
}

/// `GET /admin/v1/factories/{factory_id}/category-counts`: the staff gate
/// has already checked the right and that the factory is in scope.
pub(crate) async fn factory_counts(
    State(state): State<AppState>,
    PathParams(factory_id): PathParams<String>,
) -> Result<Json<Vec<PublishedCategoryCounts>>, ApiError> {
    let rows = state
        .db
        .read(move |connection| {
            crate::admin::factories::ensure_factory_exists(connection, &factory_id)?;
            published(connection, &factory_id)
        })
        .await?;
    Ok(Json(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn publication(month: &str, category: &str) -> PublishCategoryCounts {
        PublishCategoryCounts {
            rows: vec![CategoryCountsRow {
                factory_id: "f".into(),
                month: month.into(),
                total: Some(5),
                categories: vec![CategoryCount { category_id: category.into(), count: Some(5) }],
            }],
        }
    }

    #[test]
    fn only_real_months_and_plain_category_ids_are_accepted() {
        assert!(well_formed(&publication("2026-11", "wages")));
        assert!(!well_formed(&publication("2026-13", "wages")));
        assert!(!well_formed(&publication("2026-1", "wages")));
        assert!(!well_formed(&publication("2026-11", "<b>")));
        assert!(!well_formed(&publication("2026-11", "")));
        let mut twice = publication("2026-11", "wages");
        twice.rows.push(twice.rows[0].clone());
        assert!(!well_formed(&twice), "the same factory and month twice");
        assert!(!well_formed(&PublishCategoryCounts { rows: Vec::new() }));
    }
}
