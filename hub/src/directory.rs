//! The recipient directory: which handler keys may read grievances on each
//! route, signed by the programme's key holder (see [`crate::programme`])
//! and served to devices at [`paths::DIRECTORY`].
//!
//! Staff propose a new version from the current handler accounts; it
//! becomes current only once the key holder signs it ([`crate::proposals`]).
//! Each version names the SHA-256 of the one before, and a device that holds
//! version N is sent every version after it, so it can check the chain.
//! Every version is kept, because a submission names the version its content
//! key was wrapped for and the hub checks the submission against exactly that
//! one. Routes without handlers are left out: a device cannot offer a route
//! nobody could read.

use std::collections::{BTreeMap, BTreeSet};

use crate::db::sql::{Connection, OptionalExtension, TransactionBehavior};
use axum::extract::{RawQuery, State};
use axum::routing::get;
use axum::{Json, Router};
use workervoice_protocol::admin::{ProgrammeInfo, PublishDirectoryRequest};
use workervoice_protocol::directory::{
    Category, Directory, DirectoryResponse, Recipient, Route, RouteRecipients, SignedDirectory, body_sha256,
};
use workervoice_protocol::paths;
use workervoice_protocol::proposal::{DirectoryProposed, ProposalKind};

use crate::clock::unix_now;
use crate::db::column_u64;
use crate::error::ApiError;
use crate::extract::query_u64;
use crate::state::AppState;

/// Default hours each route has to acknowledge a case.
pub(crate) fn default_deadline_hours(route: Route) -> u32 {
    match route {
        Route::FactoryCommittee => 72,
        Route::IndependentHotline => 120,
        Route::Brand => 168,
    }
}

/// Longest deadline accepted: a year.
const MAX_DEADLINE_HOURS: u32 = 24 * 366;
/// Most categories in a directory.
const MAX_CATEGORIES: usize = 100;
/// Longest category id.
const MAX_CATEGORY_ID_CHARS: usize = 32;
/// Longest label.
const MAX_LABEL_CHARS: usize = 100;

/// The device route, `GET /v1/directory?have=N` (unsigned).
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route(paths::DIRECTORY, get(latest))
}

/// The newest signed directory if its version is above `have`, with every
/// version between (`have + 1` up to the newest minus one, oldest first) so
/// the device can check each link; an empty body (`{}`) when the device is
/// up to date. A device holding nothing (`have` absent or 0) gets the newest
/// alone.
async fn latest(State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<Json<DirectoryResponse>, ApiError> {
    let have = query_u64(query.as_deref(), "have")?.unwrap_or(0);
    let have = i64::try_from(have).unwrap_or(i64::MAX);
    let mut versions = state
        .db
        .read(move |connection| {
            let sql = if have == 0 {
                "SELECT body, signature FROM directories ORDER BY version DESC LIMIT 1"
            } else {
                "SELECT body, signature FROM directories WHERE version > ?1 ORDER BY version"
            };
            let mut statement = connection.prepare(sql)?;
            let params: &[&dyn crate::db::sql::ToSql] = if have == 0 { &[] } else { &[&have] };
            let rows =
                statement.query_map(params, |row| Ok(SignedDirectory { body: row.get(0)?, signature: row.get(1)? }))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await?;
    let directory = versions.pop();
    Ok(Json(DirectoryResponse { directory, chain: versions }))
}

/// The programme's id and public key.
pub(crate) fn programme_info(state: &AppState) -> ProgrammeInfo {
    ProgrammeInfo { programme_id: state.programme.id().to_owned(), public_key: state.programme.public_key().to_vec() }
}

/// Builds a directory from the current handler accounts as the next
/// version of the chain and stores it as a proposal for the key holder to
/// sign; it is served to devices only once signed.
pub(crate) async fn propose(
    state: &AppState,
    request: PublishDirectoryRequest,
    created_by: &'static str,
) -> Result<DirectoryProposed, ApiError> {
    let categories = match request.categories {
        Some(categories) => checked_categories(categories)?,
        None => default_categories(),
    };
    let mut deadlines = BTreeMap::new();
    for route in Route::ALL {
        let hours = request.response_deadline_hours.get(&route).copied().unwrap_or(default_deadline_hours(route));
        if !(1..=MAX_DEADLINE_HOURS).contains(&hours) {
            return Err(ApiError::bad_request());
        }
        deadlines.insert(route, hours);
    }
    let shared = state.clone();
    let proposed = state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let previous =
                tx.query_row("SELECT coalesce(max(version), 0) FROM directories", [], |row| column_u64(row, 0))?;
            let previous_sha256 = crate::proposals::latest_directory(&tx)?.map(|signed| body_sha256(&signed.body));
            let directory = Directory {
                programme_id: shared.programme.id().to_owned(),
                version: previous + 1,
                previous_sha256,
                issued_at: unix_now(),
                routes: route_recipients(&tx, &deadlines)?,
                categories: categories.clone(),
            };
            let body = serde_json::to_vec(&directory)
                .map_err(|error| ApiError::internal(format!("serialising a directory: {error}")))?;
            let proposal_id = crate::proposals::create(&tx, ProposalKind::Directory, &body, None, created_by)?;
            tx.commit()?;
            Ok(DirectoryProposed { proposal_id, version: directory.version })
        })
        .await?;
    crate::proposals::after_propose(state).await?;
    Ok(proposed)
}

/// The newest published directory version (0: none yet).
pub(crate) async fn current_version(state: &AppState) -> Result<u64, ApiError> {
    state
        .db
        .read(|connection| {
            Ok(connection
                .query_row("SELECT coalesce(max(version), 0) FROM directories", [], |row| column_u64(row, 0))?)
        })
        .await
}

/// The readers of each route, named by key id (never by account id, so the
/// unauthenticated directory does not hand out logins): one committee entry
/// per factory that has committee readers, then the hotline, then one brand
/// entry per brand with its supplier factories (a device seals the brand
/// route only to the entry that lists its factory).
fn route_recipients(
    connection: &Connection,
    deadlines: &BTreeMap<Route, u32>,
) -> Result<Vec<RouteRecipients>, ApiError> {
    let mut statement = connection.prepare(
        "SELECT h.key_id, h.route, h.factory_id, h.public_key, f.name, h.brand_id, b.name FROM handlers h \
           LEFT JOIN factories f ON f.id = h.factory_id \
           LEFT JOIN brands b ON b.id = h.brand_id \
          WHERE h.analyst = 0 AND h.disabled_at IS NULL ORDER BY h.factory_id, h.brand_id, h.created_at, h.id",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Option<String>>(2)?,
            row.get(3)?,
            row.get::<_, Option<String>>(4)?,
            row.get::<_, Option<String>>(5)?,
            row.get::<_, Option<String>>(6)?,
        ))
    })?;
    type Key = (Route, Option<String>, Option<String>);
    let mut by_route: BTreeMap<Key, (String, Vec<Recipient>)> = BTreeMap::new();
    for row in rows {
        let (key_id, route, factory_id, public_key, factory_name, brand_id, brand_name) = row?;
        let route = route_from_str(&route).ok_or_else(|| ApiError::internal("a handler row has an unknown route"))?;
        let name = if route == Route::Brand { brand_name } else { factory_name };
        let entry = by_route
            .entry((route, factory_id, brand_id))
            .or_insert_with(|| (organisation(route, name.as_deref()), Vec::new()));
        entry.1.push(Recipient { handler_id: key_id, public_key });
    }
    let mut entries = Vec::with_capacity(by_route.len());
    for ((route, factory_id, brand_id), (organisation, recipients)) in by_route {
        let factory_ids = match &brand_id {
            Some(brand_id) => {
                let mut statement = connection
                    .prepare("SELECT factory_id FROM brand_factories WHERE brand_id = ?1 ORDER BY factory_id")?;
                statement.query_map([brand_id], |row| row.get(0))?.collect::<Result<Vec<String>, _>>()?
            }
            None => Vec::new(),
        };
        // A brand no factory supplies yet can receive no report.
        if route == Route::Brand && factory_ids.is_empty() {
            continue;
        }
        entries.push(RouteRecipients {
            route,
            factory_id,
            organisation,
            brand_id,
            factory_ids,
            recipients,
            response_deadline_hours: deadlines.get(&route).copied().unwrap_or(default_deadline_hours(route)),
        });
    }
    Ok(entries)
}

/// Who a worker trusts on a route, in words, until organisations are
/// recorded per reader: the factory's committee by the factory's name, the
/// programme's hotline, the brand.
fn organisation(route: Route, factory_name: Option<&str>) -> String {
    match (route, factory_name) {
        (Route::FactoryCommittee, Some(name)) => format!("{name} worker committee"),
        (Route::FactoryCommittee, None) => "Worker committee".to_owned(),
        (Route::IndependentHotline, _) => "Independent hotline".to_owned(),
        (Route::Brand, Some(name)) => name.to_owned(),
        (Route::Brand, None) => "Brand".to_owned(),
    }
}

/// Published directories, parsed once: every submission names the version
/// its key was wrapped for and is checked against it, and a programme's
/// directory (every factory's committee, every reader's key) runs to
/// hundreds of kilobytes of JSON — parsing it for each report would cap
/// the hub at a few hundred reports a second.
///
/// A published version is never changed (rows are only inserted), but the
/// cache does not lean on that alone: an entry is the version *and* the
/// stored signature it was parsed under, and a submission checked against
/// it is stored only while the row still has that signature (the insert
/// says so in its `WHERE`, `cases::submit`). A rewritten history — an
/// operator deleting rows and publishing the same numbers again — is
/// parsed afresh. At most [`DirectoryCache::KEPT`] versions are kept;
/// devices name recent ones.
#[derive(Default)]
pub(crate) struct DirectoryCache {
    parsed: std::sync::Mutex<Vec<Cached>>,
}

/// A cached directory: its version, its stored signature, the parse.
type Cached = (u64, Vec<u8>, std::sync::Arc<Directory>);

/// A directory version's stored signature and its parse.
pub(crate) type Signed = (Vec<u8>, std::sync::Arc<Directory>);

impl DirectoryCache {
    /// Versions kept, the newest first.
    const KEPT: usize = 8;

    /// The cached entries (a poisoned lock only means a panic elsewhere
    /// while it was held; the list is still whole).
    fn entries(&self) -> std::sync::MutexGuard<'_, Vec<Cached>> {
        self.parsed.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The parse of `version` cached, and the signature it was parsed
    /// under, without reading the database: whoever relies on it checks
    /// that signature where it writes.
    pub(crate) fn cached(&self, version: u64) -> Option<Signed> {
        self.entries()
            .iter()
            .find(|(cached, _, _)| *cached == version)
            .map(|(_, signature, directory)| (signature.clone(), std::sync::Arc::clone(directory)))
    }

    /// The published directory `version` and its signature, read and
    /// parsed afresh (one statement), then cached in place of any older
    /// parse of that version; `None` when no such version is published.
    pub(crate) fn load_fresh(&self, connection: &Connection, version: u64) -> Result<Option<Signed>, ApiError> {
        let Ok(key) = i64::try_from(version) else { return Ok(None) };
        let row: Option<(Vec<u8>, Vec<u8>)> = connection
            .query_row("SELECT signature, body FROM directories WHERE version = ?1", [key], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        let Some((signature, body)) = row else { return Ok(None) };
        let directory = std::sync::Arc::new(parse_stored(&body)?);
        let mut parsed = self.entries();
        parsed.retain(|(cached, _, _)| *cached != version);
        parsed.push((version, signature.clone(), std::sync::Arc::clone(&directory)));
        parsed.sort_by_key(|(cached, _, _)| std::cmp::Reverse(*cached));
        parsed.truncate(Self::KEPT);
        Ok(Some((signature, directory)))
    }
}

/// A published directory version, parsed.
pub(crate) fn load_directory(connection: &Connection, version: u64) -> Result<Option<Directory>, ApiError> {
    let Ok(version) = i64::try_from(version) else { return Ok(None) };
    let body: Option<Vec<u8>> = connection
        .query_row("SELECT body FROM directories WHERE version = ?1", [version], |row| row.get(0))
        .optional()?;
    body.map(|body| parse_stored(&body)).transpose()
}

/// A published directory's body, as stored.
fn parse_stored(body: &[u8]) -> Result<Directory, ApiError> {
    serde_json::from_slice(body).map_err(|_| ApiError::internal("a stored directory does not parse"))
}

/// Every entry of `route` that serves `factory_id`, as devices choose them
/// (`core::directory::recipients_for`): the factory's committee, the
/// programme-wide hotline, or each brand entry that lists the factory among
/// its suppliers (a factory supplying two brands is read by both). A brand
/// entry listing no suppliers serves no factory: it is not programme-wide.
pub(crate) fn route_entries<'a>(directory: &'a Directory, route: Route, factory_id: &str) -> Vec<&'a RouteRecipients> {
    directory
        .routes
        .iter()
        .filter(|entry| {
            entry.route == route
                && match route {
                    Route::FactoryCommittee => entry.factory_id.as_deref() == Some(factory_id),
                    Route::IndependentHotline => entry.factory_id.is_none(),
                    Route::Brand => entry.factory_id.is_none() && entry.factory_ids.iter().any(|id| id == factory_id),
                }
        })
        .collect()
}

/// The first entry of `route` that serves `factory_id` (its deadline is the
/// route's deadline for that factory).
pub(crate) fn route_entry<'a>(directory: &'a Directory, route: Route, factory_id: &str) -> Option<&'a RouteRecipients> {
    route_entries(directory, route, factory_id).into_iter().next()
}

/// A route from its wire name.
pub(crate) fn route_from_str(name: &str) -> Option<Route> {
    Route::ALL.into_iter().find(|route| route.as_str() == name)
}

/// Checks staff-supplied categories: 1 to 100, unique ids of lower-case
/// letters, digits, `_` and `-`, and non-empty labels including `en`.
fn checked_categories(categories: Vec<Category>) -> Result<Vec<Category>, ApiError> {
    if categories.is_empty() || categories.len() > MAX_CATEGORIES {
        return Err(ApiError::bad_request());
    }
    let mut ids = BTreeSet::new();
    for category in &categories {
        let id_ok = !category.id.is_empty()
            && category.id.len() <= MAX_CATEGORY_ID_CHARS
            && category.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        let labels_ok = category.labels.contains_key("en")
            && category.labels.iter().all(|(tag, label)| {
                crate::workers::checked_language(tag).is_ok_and(|checked| checked == *tag)
                    && !label.trim().is_empty()
                    && label.chars().count() <= MAX_LABEL_CHARS
                    && !label.chars().any(char::is_control)
            });
        if !id_ok || !labels_ok || !ids.insert(category.id.as_str()) {
            return Err(ApiError::bad_request());
        }
    }
    Ok(categories)
}

/// The default categories, labelled in English, Simplified Chinese and Vietnamese.
pub(crate) fn default_categories() -> Vec<Category> {
    [
        ("wages", "Wages and pay", "工资待遇", "Tiền lương"),
        ("hours", "Working hours", "工作时间", "Giờ làm việc"),
        ("safety", "Health and safety", "健康与安全", "An toàn và sức khỏe"),
        ("harassment", "Harassment or abuse", "骚扰或虐待", "Quấy rối hoặc ngược đãi"),
        ("discrimination", "Discrimination", "歧视", "Phân biệt đối xử"),
        ("retaliation", "Retaliation", "打击报复", "Trù dập, trả thù"),
        ("other", "Something else", "其他问题", "Vấn đề khác"),
    ]
    .into_iter()
    .map(|(id, en, zh, vi)| Category {
        id: id.to_owned(),
        labels: BTreeMap::from([
            ("en".to_owned(), en.to_owned()),
            ("zh-CN".to_owned(), zh.to_owned()),
            ("vi".to_owned(), vi.to_owned()),
        ]),
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory(version: u64, programme: &str) -> Vec<u8> {
        let directory = Directory {
            programme_id: programme.into(),
            version,
            previous_sha256: None,
            issued_at: 1_700_000_000,
            routes: Vec::new(),
            categories: default_categories(),
        };
        serde_json::to_vec(&directory).unwrap()
    }

    fn publish(connection: &Connection, version: i64, body: Vec<u8>, signature: [u8; 64]) {
        connection
            .execute(
                "INSERT INTO directories (version, body, signature, published_at) VALUES (?1, ?2, ?3, 0)",
                crate::db::sql::params![version, body, signature.to_vec()],
            )
            .unwrap();
    }

    #[test]
    fn a_directory_is_parsed_once_and_again_when_its_version_was_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let connection = crate::db::open_connection(dir.path()).unwrap();
        let cache = DirectoryCache::default();
        assert!(cache.load_fresh(&connection, 1).unwrap().is_none(), "nothing published");
        assert!(cache.cached(1).is_none(), "nothing cached");
        publish(&connection, 1, directory(1, "first"), [1; 64]);
        let (signature, first) = cache.load_fresh(&connection, 1).unwrap().expect("published");
        assert_eq!(signature, [1; 64]);
        let (cached_signature, again) = cache.cached(1).expect("cached");
        assert!(std::sync::Arc::ptr_eq(&first, &again), "the cached parse is the one loaded");
        assert_eq!(cached_signature, [1; 64], "with the signature it was parsed under");
        assert_eq!(first.programme_id, "first");
        // An operator rewrites history: same version, other body and signature.
        connection.execute("DELETE FROM directories", []).unwrap();
        publish(&connection, 1, directory(1, "rewritten"), [2; 64]);
        let (signature, rewritten) = cache.load_fresh(&connection, 1).unwrap().expect("published");
        assert_eq!((signature.as_slice(), rewritten.programme_id.as_str()), (&[2u8; 64][..], "rewritten"));
        assert_eq!(cache.cached(1).expect("cached").1.programme_id, "rewritten", "the old parse is gone");
        // Bounded: only the newest versions stay.
        for version in 2..=20 {
            publish(&connection, version, directory(version as u64, "later"), [version as u8; 64]);
            cache.load_fresh(&connection, version as u64).unwrap().expect("published");
        }
        let kept: Vec<u64> = cache.entries().iter().map(|(version, _, _)| *version).collect();
        assert_eq!(kept, (13..=20).rev().collect::<Vec<u64>>());
    }

    #[test]
    fn the_default_categories_pass_the_checks_staff_categories_must_pass() {
        let defaults = default_categories();
        assert_eq!(defaults.len(), 7);
        assert_eq!(checked_categories(defaults.clone()).unwrap(), defaults);
    }

    #[test]
    fn categories_without_english_or_with_duplicate_ids_are_refused() {
        let mut no_english = default_categories();
        no_english[0].labels.remove("en");
        assert!(checked_categories(no_english).is_err());
        let mut duplicate = default_categories();
        duplicate[1].id = duplicate[0].id.clone();
        assert!(checked_categories(duplicate).is_err());
        assert!(checked_categories(Vec::new()).is_err());
    }

    #[test]
    fn route_names_round_trip() {
        for route in Route::ALL {
            assert_eq!(route_from_str(route.as_str()), Some(route));
        }
        assert_eq!(route_from_str("police"), None);
    }
}
