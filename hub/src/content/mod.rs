//! The signed content channel for training modules and surveys (see
//! [`workervoice_protocol::content`] and `docs/adr/0008-signed-content-channel.md`).
//! Workers' progress through the modules is `training`; who may answer a
//! survey, and the answers, are `surveys`.
//!
//! Staff publish a pack from a folder ([`publish`], the `publish-pack`
//! command): the hub hashes the files, stores them as content-addressed
//! blobs under `<data-dir>/content/<sha256>`, builds the manifest and signs
//! it with the programme key. Devices then:
//!
//! - read their factory's catalog ([`paths::CONTENT_CATALOG`], a signed
//!   request, since the hub must know the factory): `304` with no body while
//!   the ETag they send still matches, so a quiet re-sync costs one small
//!   request;
//! - fetch manifests by hash ([`paths::CONTENT_MANIFESTS`]) and blobs by
//!   hash ([`paths::CONTENT_BLOBS`]) without signing: they are addressed by
//!   SHA-256 and verified against the programme's signature on the device,
//!   so the hub need not know who downloads them. Blobs are raw bytes,
//!   streamed from disk, with `Range: bytes=N-` so a cut download resumes.
//!
//! Manifests and blobs are cache-friendly, so that a programme can put an
//! ordinary HTTP cache or CDN in front of the hub ([`content_addressed`]):
//! the bytes behind a hash never change (a manifest row is never updated,
//! and its hash covers its version), so they are `public`, a year old at
//! most, `immutable`, with the hash as a strong ETag; `If-None-Match` gets
//! `304`, and `If-Range` with another validator gets the whole blob. They
//! carry no cookie and vary on nothing. The catalog is a signed request per
//! factory: it stays `no-store`.

pub(crate) mod blobs;
pub(crate) mod listing;
pub(crate) mod publish;

use crate::db::sql::{Connection, OptionalExtension, params};
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use workervoice_protocol::content::{
    Catalog, CatalogEntry, ContentKind, MAX_CATALOG_ENTRIES, SignedManifest, catalog_etag, is_sha256_hex,
};
use workervoice_protocol::paths;

use crate::db::column_u64;
use crate::device_auth::SignedRequest;
use crate::error::ApiError;
use crate::extract::PathParams;
use crate::state::AppState;

/// Read size when streaming a blob.
const STREAM_CHUNK: usize = 64 * 1024;

/// The device routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::CONTENT_CATALOG, get(catalog))
        .route(&format!("{}/{{sha256}}", paths::CONTENT_MANIFESTS), get(manifest))
        .route(&format!("{}/{{sha256}}", paths::CONTENT_BLOBS), get(blob))
}

/// The catalog of the requesting device's factory, or `304` with no body
/// when `?have=` already names its ETag.
async fn catalog(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    request: SignedRequest,
) -> Result<Response, ApiError> {
    let have = query_text(query.as_deref(), "have")?;
    let factory_id = request.device.factory_id.clone();
    let entries = {
        let factory_id = factory_id.clone();
        state.db.read(move |connection| catalog_entries(connection, &factory_id)).await?
    };
    let etag = catalog_etag(&entries);
    if have.as_deref() == Some(etag.as_str()) {
        return Ok(StatusCode::NOT_MODIFIED.into_response());
    }
    Ok(Json(Catalog { factory_id, etag, entries }).into_response())
}

/// The items assigned to `factory_id` (or to every factory), by kind and id.
pub(crate) fn catalog_entries(connection: &Connection, factory_id: &str) -> Result<Vec<CatalogEntry>, ApiError> {
    let mut statement = connection.prepare(
        "SELECT i.kind, i.content_id, m.version, m.sha256, m.total_bytes
           FROM content_items i JOIN content_manifests m ON m.sha256 = i.current_manifest
          WHERE i.all_factories = 1
             OR EXISTS (SELECT 1 FROM content_assignments a
                         WHERE a.kind = i.kind AND a.content_id = i.content_id AND a.factory_id = ?1)
          ORDER BY i.kind, i.content_id
          LIMIT ?2",
    )?;
    let rows = statement.query_map(params![factory_id, MAX_CATALOG_ENTRIES as i64], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, column_u64(row, 2)?, row.get(3)?, column_u64(row, 4)?))
    })?;
    let mut entries = Vec::new();
    for row in rows {
        let (kind, id, version, manifest_sha256, total_bytes) = row?;
        let kind = ContentKind::parse(&kind).ok_or_else(|| ApiError::internal("a content row has an unknown kind"))?;
        entries.push(CatalogEntry { kind, id, version, manifest_sha256, total_bytes });
    }
    Ok(entries)
}

/// The titles of a published version of an item (empty if unknown).
pub(crate) fn module_titles(
    connection: &Connection,
    kind: ContentKind,
    content_id: &str,
    version: u64,
) -> Result<std::collections::BTreeMap<String, String>, ApiError> {
    Ok(published_manifest(connection, kind, content_id, version)?.map(|manifest| manifest.titles).unwrap_or_default())
}

fn published_manifest(
    connection: &Connection,
    kind: ContentKind,
    content_id: &str,
    version: u64,
) -> Result<Option<workervoice_protocol::content::Manifest>, ApiError> {
    let body: Option<Vec<u8>> = connection
        .query_row(
            "SELECT body FROM content_manifests WHERE kind = ?1 AND content_id = ?2 AND version = ?3",
            params![kind.as_str(), content_id, i64::try_from(version).unwrap_or(i64::MAX)],
            |row| row.get(0),
        )
        .optional()?;
    body.map(|body| serde_json::from_slice(&body).map_err(|_| ApiError::internal("a stored manifest does not parse")))
        .transpose()
}

/// The SHA-256 of the body document of a published version of an item.
pub(crate) fn module_body(
    connection: &Connection,
    kind: ContentKind,
    content_id: &str,
    version: u64,
) -> Result<Option<String>, ApiError> {
    Ok(published_manifest(connection, kind, content_id, version)?.map(|manifest| manifest.body.sha256))
}

/// A signed manifest by the SHA-256 of its body.
async fn manifest(
    State(state): State<AppState>,
    PathParams(sha256): PathParams<String>,
    request_headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !is_sha256_hex(&sha256) {
        return Err(ApiError::not_found());
    }
    let etag = content_etag(&sha256);
    let signed = state
        .db
        .read(move |connection| {
            Ok(connection
                .query_row("SELECT body, signature FROM content_manifests WHERE sha256 = ?1", [&sha256], |row| {
                    Ok(SignedManifest { body: row.get(0)?, signature: row.get(1)? })
                })
                .optional()?)
        })
        .await?;
    let Some(signed) = signed else { return Err(ApiError::not_found()) };
    if matches_etag(&request_headers, header::IF_NONE_MATCH, &etag) {
        return Ok(not_modified(&etag));
    }
    let mut response = Json(signed).into_response();
    content_addressed(response.headers_mut(), &etag);
    Ok(response)
}

/// The strong ETag of a content-addressed resource: its SHA-256, quoted.
fn content_etag(sha256: &str) -> HeaderValue {
    // A SHA-256 hex string is ASCII: always a valid header value.
    HeaderValue::from_str(&format!("\"{sha256}\"")).unwrap_or_else(|_| HeaderValue::from_static("\"\""))
}

/// Whether a conditional header (`If-None-Match`, `If-Range`) names `etag`
/// (or `*` for `If-None-Match`). Weak validators never match a strong one
/// for `If-Range`, and `If-None-Match` compares weakly, as RFC 9110 says.
fn matches_etag(headers: &HeaderMap, name: header::HeaderName, etag: &HeaderValue) -> bool {
    let Some(etag) = etag.to_str().ok() else { return false };
    headers.get_all(&name).iter().filter_map(|value| value.to_str().ok()).flat_map(|value| value.split(',')).any(
        |candidate| {
            let candidate = candidate.trim();
            if name == header::IF_NONE_MATCH {
                candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag
            } else {
                candidate == etag
            }
        },
    )
}

/// The headers that let a shared cache keep a content-addressed response.
fn content_addressed(headers: &mut HeaderMap, etag: &HeaderValue) {
    // Content-addressed: the bytes behind this URL never change.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    headers.insert(header::ETAG, etag.clone());
}

/// `304 Not Modified` for a content-addressed resource the client holds.
fn not_modified(etag: &HeaderValue) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    content_addressed(response.headers_mut(), etag);
    response
}

/// A blob's raw bytes, whole (`200`) or from the offset of a `Range:
/// bytes=N-` (or `bytes=N-M`) header (`206` with `Content-Range`); `416`
/// with `Content-Range: bytes */SIZE` when the range starts past the end.
/// A `Range` this hub does not understand is ignored, as HTTP allows.
async fn blob(
    State(state): State<AppState>,
    PathParams(sha256): PathParams<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !is_sha256_hex(&sha256) {
        return Err(ApiError::not_found());
    }
    let size = {
        let sha256 = sha256.clone();
        state
            .db
            .read(move |connection| {
                Ok(connection
                    .query_row("SELECT size FROM content_blobs WHERE sha256 = ?1", [&sha256], |row| column_u64(row, 0))
                    .optional()?)
            })
            .await?
    };
    let Some(size) = size else { return Err(ApiError::not_found()) };
    let etag = content_etag(&sha256);
    if matches_etag(&headers, header::IF_NONE_MATCH, &etag) {
        return Ok(not_modified(&etag));
    }
    // `If-Range` with a validator that is not this blob's: send it whole.
    let range_applies = !headers.contains_key(header::IF_RANGE) || matches_etag(&headers, header::IF_RANGE, &etag);
    let range = headers
        .get(header::RANGE)
        .filter(|_| range_applies)
        .and_then(|value| value.to_str().ok())
        .and_then(parse_range);
    let (start, end) = match range {
        Some((start, _)) if start >= size => {
            return Ok((
                StatusCode::RANGE_NOT_SATISFIABLE,
                [(header::CONTENT_RANGE, header_value(&format!("bytes */{size}"))?)],
            )
                .into_response());
        }
        Some((start, end)) => (start, end.map_or(size, |end| end.saturating_add(1).min(size))),
        None => (0, size),
    };
    let path = blobs::blob_path(&state.data_dir, &sha256);
    let mut file = tokio::fs::File::open(&path)
        .await
        .map_err(|error| ApiError::internal(format!("opening a content blob: {error}")))?;
    let on_disk = file.metadata().await.map_err(|error| ApiError::internal(format!("content blob: {error}")))?.len();
    if on_disk != size {
        return Err(ApiError::internal("a content blob on disk has the wrong size"));
    }
    file.seek(std::io::SeekFrom::Start(start))
        .await
        .map_err(|error| ApiError::internal(format!("seeking a content blob: {error}")))?;
    let length = end - start;
    let stream = tokio_util::io::ReaderStream::with_capacity(file.take(length), STREAM_CHUNK);
    let mut response = Response::new(Body::from_stream(stream));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_LENGTH, header_value(&length.to_string())?);
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    content_addressed(headers, &etag);
    if range.is_some() {
        *response.status_mut() = StatusCode::PARTIAL_CONTENT;
        let content_range = format!("bytes {start}-{}/{size}", end.saturating_sub(1));
        response.headers_mut().insert(header::CONTENT_RANGE, header_value(&content_range)?);
    }
    Ok(response)
}

fn header_value(text: &str) -> Result<HeaderValue, ApiError> {
    HeaderValue::from_str(text).map_err(|_| ApiError::internal("a header value is not ASCII"))
}

/// `bytes=N-` or `bytes=N-M` (one range, `M >= N`); anything else is `None`.
pub fn parse_range(value: &str) -> Option<(u64, Option<u64>)> {
    let spec = value.trim().strip_prefix("bytes=")?;
    let (start, end) = spec.split_once('-')?;
    let start = start.trim().parse::<u64>().ok()?;
    let end = match end.trim() {
        "" => None,
        end => Some(end.parse::<u64>().ok().filter(|end| *end >= start)?),
    };
    Some((start, end))
}

/// The value of `name` in a query string: `None` when absent, `bad_request`
/// when present twice or longer than an ETag can be.
fn query_text(query: Option<&str>, name: &str) -> Result<Option<String>, ApiError> {
    let mut found = None;
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if key == name {
            if found.is_some() || value.len() > 128 {
                return Err(ApiError::bad_request());
            }
            found = Some(value.into_owned());
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_only_in_the_single_forms_devices_send() {
        assert_eq!(parse_range("bytes=0-"), Some((0, None)));
        assert_eq!(parse_range("bytes=1024-"), Some((1024, None)));
        assert_eq!(parse_range("bytes=10-19"), Some((10, Some(19))));
        assert_eq!(parse_range("bytes=19-10"), None);
        assert_eq!(parse_range("bytes=-500"), None);
        assert_eq!(parse_range("bytes=0-1,5-6"), None);
        assert_eq!(parse_range("items=0-"), None);
    }

    proptest::proptest! {
        #[test]
        fn any_range_header_parses_or_is_ignored_without_panicking(value in "\\PC{0,40}") {
            let _ = parse_range(&value);
        }

        #[test]
        fn an_open_range_round_trips(start in 0u64..u64::MAX) {
            proptest::prop_assert_eq!(parse_range(&format!("bytes={start}-")), Some((start, None)));
        }
    }
}
