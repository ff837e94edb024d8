//! Fetching from the content channel: the catalog (one small signed
//! request, `304` when nothing changed), manifests (verified before they are
//! kept), and blobs, appended to a partial file and resumed with `Range:
//! bytes=N-` from its length, verified over the whole file before use.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

use ring::digest::{Context, SHA256};
use workervoice_protocol::content::{
    BlobRef, Catalog, CatalogEntry, MAX_MANIFEST_BYTES, Manifest, SignedManifest, is_sha256_hex, verify_manifest,
};
use workervoice_protocol::paths;

use super::{ContentDirs, ContentError};
use crate::net::{HubClient, Method, Request, Signer, StatusCode, decode_reply};

/// A blob transfer may take this long in all (a short video on a slow
/// link); stalls are caught sooner, per chunk, by the request timeout.
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(3600);
/// Read size when hashing a file.
const HASH_CHUNK: usize = 256 * 1024;

/// The catalog reply.
#[derive(Debug)]
pub enum CatalogReply {
    /// The held catalog (by its ETag) is current.
    NotModified,
    /// A new catalog.
    Changed(Catalog),
}

/// Asks for the factory's catalog, sending the held ETag.
pub async fn fetch_catalog(
    client: &HubClient,
    signer: &Signer,
    etag: Option<&str>,
) -> Result<CatalogReply, ContentError> {
    let path = match etag {
        Some(etag) => format!("{}?have={}", paths::CONTENT_CATALOG, url_safe(etag)),
        None => paths::CONTENT_CATALOG.to_owned(),
    };
    let (status, bytes) = client.send_raw(Request::new(Method::GET, &path).signed(signer)).await?;
    if status == StatusCode::NOT_MODIFIED {
        return Ok(CatalogReply::NotModified);
    }
    let catalog: Catalog = decode_reply(status, &bytes)?;
    let entries_ok = catalog.entries.len() <= workervoice_protocol::content::MAX_CATALOG_ENTRIES
        && catalog.entries.iter().all(|entry| {
            is_sha256_hex(&entry.manifest_sha256) && workervoice_protocol::content::is_content_id(&entry.id)
        })
        && catalog.etag.len() <= 128;
    if !entries_ok {
        return Err(ContentError::BadReply("catalog out of range"));
    }
    Ok(CatalogReply::Changed(catalog))
}

/// ETags are hex; anything else is not sent back.
fn url_safe(etag: &str) -> String {
    etag.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// Fetches the manifest the catalog entry announces and verifies it: its
/// address, the programme's signature, and that it is the announced item
/// and version.
pub async fn fetch_manifest(
    client: &HubClient,
    entry: &CatalogEntry,
    pinned_key: &[u8],
) -> Result<(SignedManifest, Manifest), ContentError> {
    let path = format!("{}/{}", paths::CONTENT_MANIFESTS, entry.manifest_sha256);
    let signed: SignedManifest = client.send(Request::new(Method::GET, &path)).await?;
    if signed.body.len() > MAX_MANIFEST_BYTES {
        return Err(ContentError::BadReply("manifest too large"));
    }
    if signed.sha256() != entry.manifest_sha256 {
        return Err(ContentError::NotAnnounced);
    }
    let manifest = verify_manifest(&signed, pinned_key)?;
    if manifest.kind != entry.kind || manifest.id != entry.id || manifest.version != entry.version {
        return Err(ContentError::NotAnnounced);
    }
    Ok((signed, manifest))
}

/// Downloads one blob into the partial file, resuming from its length, and
/// once complete verifies it and moves it to the blob folder.
/// `progress` receives each number of new bytes written.
///
/// On a cut connection the partial file is kept ([`ContentError::Interrupted`]
/// or an unreachable hub); on a wrong hash it is deleted
/// ([`ContentError::HashMismatch`]); a reply that breaks the protocol leaves
/// it as it was ([`ContentError::BadReply`]).
pub async fn fetch_blob(
    client: &HubClient,
    dirs: &ContentDirs,
    blob: &BlobRef,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<(), ContentError> {
    if !is_sha256_hex(&blob.sha256) {
        return Err(ContentError::BadReply("blob address"));
    }
    dirs.create()?;
    let partial = dirs.partial(&blob.sha256);
    let mut held = std::fs::metadata(&partial).map(|meta| meta.len()).unwrap_or(0);
    if held > blob.size {
        std::fs::remove_file(&partial)?;
        held = 0;
    }
    if held < blob.size || blob.size == 0 {
        held = transfer(client, &partial, blob, held, progress).await?;
    }
    if held != blob.size {
        return Err(ContentError::Interrupted);
    }
    finish(dirs, blob).await
}

/// One request: from `held` to the end. Returns the partial length after it.
async fn transfer(
    client: &HubClient,
    partial: &Path,
    blob: &BlobRef,
    held: u64,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<u64, ContentError> {
    let path = format!("{}/{}", paths::CONTENT_BLOBS, blob.sha256);
    let mut request = Request::new(Method::GET, &path);
    if held > 0 {
        request = request.header("range", format!("bytes={held}-"));
    }
    let mut response = client.open_stream(request, TRANSFER_TIMEOUT).await?;
    let status = response.status();
    let start = match status {
        StatusCode::PARTIAL_CONTENT => {
            let range = response.headers().get("content-range").and_then(|value| value.to_str().ok());
            match range.and_then(parse_content_range) {
                Some((first, last, total)) if first == held && total == blob.size && last + 1 == total => held,
                _ => return Err(ContentError::BadReply("content range")),
            }
        }
        StatusCode::OK => 0,
        // The partial file already holds every byte: verify it.
        StatusCode::RANGE_NOT_SATISFIABLE => return Ok(held),
        _ => {
            let body = response.bytes().await.map_err(|_| ContentError::Interrupted)?;
            let bytes = body.get(..body.len().min(4096)).unwrap_or_default();
            return Err(decode_reply::<serde_json::Value>(status, bytes)
                .err()
                .map_or(ContentError::BadReply("unexpected status"), ContentError::Net));
        }
    };
    let expected = blob.size - start;
    if response.content_length().is_some_and(|length| length != expected) {
        return Err(ContentError::BadReply("content length"));
    }
    let mut file = OpenOptions::new().create(true).append(start > 0).write(true).truncate(start == 0).open(partial)?;
    let stall = client.request_timeout();
    let mut written: u64 = 0;
    loop {
        let chunk = match tokio::time::timeout(stall, response.chunk()).await {
            Ok(Ok(Some(chunk))) => chunk,
            Ok(Ok(None)) => break,
            // Cut or stalled: keep what arrived, resume next time.
            Ok(Err(_)) | Err(_) => break,
        };
        if written + chunk.len() as u64 > expected {
            drop(file);
            std::fs::remove_file(partial)?;
            return Err(ContentError::BadReply("longer than announced"));
        }
        file.write_all(&chunk)?;
        written += chunk.len() as u64;
        progress(chunk.len() as u64);
    }
    file.flush()?;
    Ok(start + written)
}

/// `bytes FIRST-LAST/TOTAL`.
pub fn parse_content_range(value: &str) -> Option<(u64, u64, u64)> {
    let spec = value.trim().strip_prefix("bytes ")?;
    let (range, total) = spec.split_once('/')?;
    let (first, last) = range.split_once('-')?;
    Some((first.parse().ok()?, last.parse().ok()?, total.parse().ok()?))
}

/// Verifies a complete partial file and moves it into place; a wrong hash
/// deletes it.
async fn finish(dirs: &ContentDirs, blob: &BlobRef) -> Result<(), ContentError> {
    let partial = dirs.partial(&blob.sha256);
    let target = dirs.blob(&blob.sha256);
    let expected = blob.sha256.clone();
    let size = blob.size;
    tokio::task::spawn_blocking(move || -> Result<(), ContentError> {
        File::open(&partial)?.sync_all()?;
        if !verify_file(&partial, &expected, size)? {
            std::fs::remove_file(&partial)?;
            return Err(ContentError::HashMismatch);
        }
        std::fs::rename(&partial, &target)?;
        if let Some(parent) = target.parent()
            && let Ok(directory) = File::open(parent)
        {
            let _ = directory.sync_all();
        }
        Ok(())
    })
    .await
    .map_err(|_| ContentError::Io(std::io::Error::other("verification task failed")))?
}

/// Whether the file at `path` has exactly `size` bytes hashing to
/// `sha256` (hex). This is the verification every blob passes before use.
pub fn verify_file(path: &Path, sha256: &str, size: u64) -> std::io::Result<bool> {
    let mut file = File::open(path)?;
    let mut digest = Context::new(&SHA256);
    let mut buffer = vec![0u8; HASH_CHUNK];
    let mut total: u64 = 0;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > size {
            return Ok(false);
        }
        digest.update(&buffer[..n]);
    }
    Ok(total == size && hex::encode(digest.finish()) == sha256)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges_parse() {
        assert_eq!(parse_content_range("bytes 100-199/200"), Some((100, 199, 200)));
        assert_eq!(parse_content_range("bytes */200"), None);
        assert_eq!(parse_content_range("items 1-2/3"), None);
    }

    #[test]
    fn a_file_verifies_only_with_its_exact_hash_and_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blob");
        std::fs::write(&path, b"lesson").unwrap();
        let sha = workervoice_protocol::content::sha256_hex(b"lesson");
        assert!(verify_file(&path, &sha, 6).unwrap());
        assert!(!verify_file(&path, &sha, 5).unwrap());
        assert!(!verify_file(&path, &workervoice_protocol::content::sha256_hex(b"lesson!"), 6).unwrap());
    }

    #[test]
    fn etags_are_sent_back_only_as_plain_characters() {
        assert_eq!(url_safe("abc123"), "abc123");
        assert_eq!(url_safe("a&b=c#d"), "abcd");
    }
}
