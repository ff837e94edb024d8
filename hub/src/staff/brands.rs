//! Brands and the factories that supply them. Brand staff see aggregates of
//! their brand's supplier factories only; the brand's readers (issue 13,
//! part D) will receive reports from those factories only.

use crate::db::sql::{Connection, TransactionBehavior, params};
use workervoice_protocol::staff::{Brand, CreateBrandRequest, LinkFactoryRequest};

use super::audit::{self, ActorId};
use crate::admin::factories::ensure_factory_exists;
use crate::clock::unix_now;
use crate::error::ApiError;
use crate::state::AppState;
use crate::workers::checked_display_name;

/// `not_found` unless the brand exists.
pub(crate) fn ensure_brand_exists(connection: &Connection, brand_id: &str) -> Result<(), ApiError> {
    let exists: bool =
        connection.query_row("SELECT EXISTS (SELECT 1 FROM brands WHERE id = ?1)", [brand_id], |row| row.get(0))?;
    if exists { Ok(()) } else { Err(ApiError::not_found()) }
}

fn load_brand(connection: &Connection, brand_id: &str) -> Result<Brand, ApiError> {
    let name: String = connection.query_row("SELECT name FROM brands WHERE id = ?1", [brand_id], |row| row.get(0))?;
    let mut statement =
        connection.prepare("SELECT factory_id FROM brand_factories WHERE brand_id = ?1 ORDER BY factory_id")?;
    let factory_ids = statement.query_map([brand_id], |row| row.get(0))?.collect::<Result<Vec<String>, _>>()?;
    Ok(Brand { id: brand_id.to_owned(), name, factory_ids })
}

/// `POST /admin/v1/brands`.
pub(crate) async fn create_brand(
    state: &AppState,
    actor: ActorId,
    request: CreateBrandRequest,
) -> Result<Brand, ApiError> {
    let name = checked_display_name(&request.name)?;
    state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let id = uuid::Uuid::new_v4().to_string();
            tx.execute("INSERT INTO brands (id, name, created_at) VALUES (?1, ?2, ?3)", params![id, name, unix_now()])?;
            audit::append(&tx, &actor, "brand_created", "brand", &id)?;
            let brand = load_brand(&tx, &id)?;
            tx.commit()?;
            Ok(brand)
        })
        .await
}

/// `GET /admin/v1/brands`.
pub(crate) async fn brands(state: &AppState) -> Result<Vec<Brand>, ApiError> {
    state
        .db
        .read(|connection| {
            let ids = {
                let mut statement = connection.prepare("SELECT id FROM brands ORDER BY created_at, rowid")?;
                statement.query_map([], |row| row.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?
            };
            ids.iter().map(|id| load_brand(connection, id)).collect()
        })
        .await
}

/// `POST /admin/v1/brands/{brand_id}/factories`: the factory supplies the
/// brand (idempotent).
pub(crate) async fn link_factory(
    state: &AppState,
    actor: ActorId,
    brand_id: String,
    request: LinkFactoryRequest,
) -> Result<Brand, ApiError> {
    state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            ensure_brand_exists(&tx, &brand_id)?;
            ensure_factory_exists(&tx, &request.factory_id)?;
            let added = tx.execute(
                "INSERT INTO brand_factories (brand_id, factory_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![brand_id, request.factory_id],
            )?;
            if added > 0 {
                audit::append(&tx, &actor, "brand_factory_linked", "brand", &brand_id)?;
            }
            let brand = load_brand(&tx, &brand_id)?;
            tx.commit()?;
            Ok(brand)
        })
        .await
}
