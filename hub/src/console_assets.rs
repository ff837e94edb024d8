//! The console (issue 14; ADR 0018): the hub serves the built web app
//! (`console/dist`, made by `npm run build`) at `/`, same origin as the API,
//! from a directory named at start (`--console-dir`). The files are read
//! into memory once at start, so what is served cannot change under a
//! running hub, a request never touches the file system (no path is ever
//! joined from a URL), and the hub can log one hash of the whole build.
//!
//! Every console response carries strict headers: a Content-Security-Policy
//! with no inline script, no `eval` and no other origin, no framing,
//! `nosniff`, no referrer, a same-origin opener policy. Content-hashed files
//! under `/assets/` are cached for a year; the page itself is never stored.
//!
//! Paths are split in two: an API path (`/v1/…`, `/<name>/v<N>/…`,
//! `/health`) that no route matched keeps the API's JSON `not_found`; any
//! other `GET` that is not a file of the build returns the app, which routes
//! on the client.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderName, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use ring::digest::{SHA256, digest};

/// The policy on every console response. `style-src 'self'` without
/// `'unsafe-inline'`: the app styles through its stylesheet and the CSSOM
/// only. `blob:` lets the page show media it decrypted itself.
pub const CONSOLE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; \
     media-src 'self' blob:; connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// Largest single file of a build the hub loads (a console bundle is well
/// under a megabyte; this only stops a wrong directory filling memory).
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Most files a build may have, for the same reason.
const MAX_FILES: usize = 2_000;

/// How long a response may be kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caching {
    /// The page (it names the current assets): never stored.
    NoStore,
    /// A content-hashed file under `assets/`: its name changes with its bytes.
    Immutable,
    /// Anything else of the build (icons): revalidated each time.
    Revalidate,
}

#[derive(Debug)]
struct Asset {
    body: axum::body::Bytes,
    content_type: &'static str,
    caching: Caching,
}

/// The console's files, loaded once at start.
#[derive(Debug, Default)]
pub struct ConsoleAssets {
    /// By URL path without the leading `/` (`index.html`, `assets/index-3fa2.js`).
    files: HashMap<String, Asset>,
    /// SHA-256 over every file's path and SHA-256, hex; `None` without a console.
    build_hash: Option<String>,
}

impl ConsoleAssets {
    /// No console: `/` says so (in plain text), API paths are unchanged.
    pub fn none() -> Self {
        Self::default()
    }

    /// Reads a built console (`index.html` and what it references) from
    /// `dir`. Fails when `dir` has no `index.html`, a file is too large or
    /// there are too many; symbolic links and other non-regular files are
    /// skipped.
    pub fn load(dir: &Path) -> anyhow::Result<Self> {
        let mut files = HashMap::new();
        let mut pending = vec![(dir.to_path_buf(), String::new())];
        while let Some((folder, prefix)) = pending.pop() {
            let entries = std::fs::read_dir(&folder).with_context(|| format!("reading {}", folder.display()))?;
            for entry in entries {
                let entry = entry.with_context(|| format!("reading {}", folder.display()))?;
                let kind = entry.file_type().with_context(|| format!("reading {}", entry.path().display()))?;
                let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
                if name.starts_with('.') {
                    continue;
                }
                let url_path = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
                if kind.is_dir() {
                    pending.push((entry.path(), url_path));
                } else if kind.is_file() {
                    let size = entry.metadata().map(|meta| meta.len()).unwrap_or(u64::MAX);
                    anyhow::ensure!(size <= MAX_FILE_BYTES, "{} is larger than a console file may be", url_path);
                    anyhow::ensure!(files.len() < MAX_FILES, "{} holds more files than a console build", dir.display());
                    let body = std::fs::read(entry.path()).with_context(|| format!("reading {url_path}"))?;
                    let caching = if url_path == "index.html" {
                        Caching::NoStore
                    } else if url_path.starts_with("assets/") {
                        Caching::Immutable
                    } else {
                        Caching::Revalidate
                    };
                    let asset = Asset { body: body.into(), content_type: content_type(&url_path), caching };
                    files.insert(url_path, asset);
                }
            }
        }
        anyhow::ensure!(
            files.contains_key("index.html"),
            "{} has no index.html: build the console first (scripts/serve-demo, or `npm run build` in console/)",
            dir.display()
        );
        let build_hash = Some(build_hash(&files));
        Ok(Self { files, build_hash })
    }

    /// The hash of the build being served (hex), to compare with a
    /// published build; `None` without a console.
    pub fn build_hash(&self) -> Option<&str> {
        self.build_hash.as_deref()
    }

    /// How many files the build has.
    pub fn file_count(&self) -> usize {
        self.files.len()
    }
}

/// SHA-256 over `path NUL sha256(file) LF` for every file, in path order:
/// the same on every machine for the same build.
fn build_hash(files: &HashMap<String, Asset>) -> String {
    let mut paths: Vec<&String> = files.keys().collect();
    paths.sort();
    let mut manifest = Vec::new();
    for path in paths {
        if let Some(asset) = files.get(path) {
            manifest.extend_from_slice(path.as_bytes());
            manifest.push(0);
            manifest.extend_from_slice(hex::encode(digest(&SHA256, &asset.body)).as_bytes());
            manifest.push(b'\n');
        }
    }
    hex::encode(digest(&SHA256, &manifest))
}

fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map(|(_, extension)| extension).unwrap_or_default();
    match extension {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" | "ftl" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Whether `path` belongs to the API: `/health`, `/v<N>/…`, or
/// `/<name>/v<N>/…` (`/admin/v1`, `/staff/v1`, `/handler/v1`, and any API
/// added later in the same shape). Those keep JSON errors.
pub(crate) fn is_api_path(path: &str) -> bool {
    let is_version = |segment: &str| {
        segment.len() > 1 && segment.starts_with('v') && segment[1..].bytes().all(|b| b.is_ascii_digit())
    };
    let mut segments = path.trim_start_matches('/').split('/');
    let first = segments.next().unwrap_or_default();
    let second = segments.next().unwrap_or_default();
    first == "health" || is_version(first) || is_version(second)
}

/// The router's fallback: unknown API paths and non-`GET` requests get the
/// API's JSON `not_found`; other paths get a file of the build or the app.
pub(crate) async fn fallback(assets: Arc<ConsoleAssets>, request: Request) -> Response {
    let path = request.uri().path();
    // Nothing of the console takes anything but GET: other methods get the
    // API's JSON `not_found`, as every unknown route always has.
    if is_api_path(path) || (request.method() != Method::GET && request.method() != Method::HEAD) {
        return crate::extract::unknown_route().await;
    }
    if assets.files.is_empty() {
        return with_headers(
            (
                StatusCode::NOT_FOUND,
                [(CONTENT_TYPE, "text/plain; charset=utf-8")],
                "This hub serves no console: start it with --console-dir (see README.md).\n",
            )
                .into_response(),
            Caching::NoStore,
        );
    }
    let relative = path.trim_start_matches('/');
    let found = match assets.files.get(relative) {
        Some(asset) => Some(asset),
        // A missing build file is a real 404, not the app: a stale page
        // must fail loudly rather than run HTML as script.
        None if relative.starts_with("assets/") => None,
        None => assets.files.get("index.html"),
    };
    match found {
        Some(asset) => {
            let response = ([(CONTENT_TYPE, asset.content_type)], Body::from(asset.body.clone())).into_response();
            with_headers(response, asset.caching)
        }
        None => with_headers(
            (StatusCode::NOT_FOUND, [(CONTENT_TYPE, "text/plain; charset=utf-8")], "not found\n").into_response(),
            Caching::NoStore,
        ),
    }
}

/// The security headers every console response carries, and its caching.
fn with_headers(mut response: Response, caching: Caching) -> Response {
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: &'static str, value: &'static str| {
        headers.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
    };
    set(headers, "content-security-policy", CONSOLE_CSP);
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "x-frame-options", "DENY");
    set(headers, "referrer-policy", "no-referrer");
    set(headers, "cross-origin-opener-policy", "same-origin");
    set(headers, "cross-origin-resource-policy", "same-origin");
    set(headers, "permissions-policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
    let cache = match caching {
        Caching::NoStore => "no-store",
        Caching::Immutable => "public, max-age=31536000, immutable",
        Caching::Revalidate => "no-cache",
    };
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_paths_are_told_apart_from_console_routes() {
        for api in ["/health", "/v1/enrol", "/admin/v1/nothing", "/staff/v1/x", "/handler/v1/cases", "/reader/v2/a"] {
            assert!(is_api_path(api), "{api}");
        }
        for page in ["/", "/factories", "/factories/f1/devices", "/audit", "/accept", "/v", "/va/x", "/admin"] {
            assert!(!is_api_path(page), "{page}");
        }
    }

    #[test]
    fn a_directory_without_an_index_is_refused() {
        let dir = std::env::temp_dir().join(format!("wv-console-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(ConsoleAssets::load(&dir).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
