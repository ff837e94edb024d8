//! `workervoice-hub backup` and `workervoice-hub restore`: a consistent copy
//! of a live hub's data directory, and putting one back (ADR 0014).
//!
//! A backup is a directory:
//!
//! - `hub.db`: a snapshot taken with SQLite's online backup API in a single
//!   step, i.e. under one read transaction. In WAL mode that does not stop
//!   the hub's writers, and the snapshot holds every commit made before it
//!   began — every report acknowledged before the backup started.
//! - every other file of the data directory (the hub secret, the pinned
//!   programme public key, the admin token, content blobs, ...), copied after the snapshot,
//!   so any file the snapshot refers to is there (files are written before
//!   the rows that name them, and are not changed once written);
//! - `manifest.json`, written last: each file's path, size and SHA-256. A
//!   backup without it is incomplete.
//!
//! Everything is written `0600` in `0700` directories and synced, since the
//! backup holds the hub secret beside the database. Keep it as safe as the
//! data directory itself, and apart from it.
//!
//! A restore goes into a new, empty directory only, checks every file
//! against the manifest before copying anything, and then checks that the
//! database opens and matches the restored hub secret.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, bail, ensure};
use ring::digest::{Context as Digest, SHA256};
use serde::{Deserialize, Serialize};

use crate::data_dir::{create_private_dir, private_file_options, sync_dir};
use crate::db::DB_FILE;

/// The manifest's file name inside a backup.
pub const MANIFEST_FILE: &str = "manifest.json";

/// The manifest's format tag.
const FORMAT: &str = "workervoice-hub-backup/1";

/// What a backup holds, written as `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BackupManifest {
    /// Always `workervoice-hub-backup/1`.
    pub format: String,
    /// When the database snapshot was taken (unix seconds).
    pub created_at: i64,
    /// Every file in the backup but the manifest.
    pub files: Vec<BackedUpFile>,
}

/// One file of a backup.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BackedUpFile {
    /// Path relative to the backup (and data) directory, `/`-separated.
    pub path: String,
    /// Bytes.
    pub size: u64,
    /// SHA-256, hex.
    pub sha256: String,
}

/// Copies the data directory of a (possibly running) hub into `out`, which
/// must not exist or be empty. Returns the manifest written.
pub fn backup(data_dir: &Path, out: &Path) -> anyhow::Result<BackupManifest> {
    backup_with(data_dir, out, None)
}

/// As [`backup`]; with `database_url` (the hub keeps its tables in
/// PostgreSQL, ADR 0019) the backup holds the data directory only — the
/// hub secret, tokens, keys and attachment files — and the database is
/// backed up with the server's own tools (`pg_dump`, or continuous
/// archiving for point-in-time recovery). The secrets must be kept with
/// the database backup they go with: neither opens without the other.
pub fn backup_with(data_dir: &Path, out: &Path, database_url: Option<&str>) -> anyhow::Result<BackupManifest> {
    let db_path = data_dir.join(DB_FILE);
    let on_sqlite = database_url.is_none();
    ensure!(!on_sqlite || db_path.is_file(), "{} has no {DB_FILE}: not a hub data directory", data_dir.display());
    ensure!(
        on_sqlite || data_dir.join(crate::keys::SECRET_FILE).is_file(),
        "{} has no hub secret: not a hub data directory",
        data_dir.display()
    );
    ensure_empty_or_absent(out)?;
    create_private_dir(out)?;
    crate::data_dir::set_mode(out, 0o700)?;

    let created_at = crate::clock::unix_now();
    let mut files = Vec::new();
    if on_sqlite {
        files.push(snapshot_database(&db_path, &out.join(DB_FILE))?);
    }
    for relative in files_to_copy(data_dir)? {
        let from = data_dir.join(&relative);
        let to = out.join(&relative);
        if let Some(parent) = to.parent() {
            create_private_dir(parent)?;
        }
        files.push(copy_hashed(&from, &to, &relative)?);
    }
    let manifest = BackupManifest { format: FORMAT.to_owned(), created_at, files };
    let manifest_path = out.join(MANIFEST_FILE);
    crate::data_dir::write_durably(&manifest_path, &serde_json::to_vec_pretty(&manifest)?)
        .with_context(|| format!("writing {}", manifest_path.display()))?;
    for dir in directories_of(out, &manifest.files) {
        sync_dir(&dir).with_context(|| format!("syncing {}", dir.display()))?;
    }
    Ok(manifest)
}

/// Restores the backup in `from` into `data_dir`, which must not exist or
/// be empty: checks every file against the manifest first, copies, then
/// opens the database and checks the hub secret against it.
pub fn restore(from: &Path, data_dir: &Path) -> anyhow::Result<BackupManifest> {
    restore_with(from, data_dir, None)
}

/// As [`restore`]; with `database_url`, a backup of the data directory of
/// a hub on PostgreSQL (no `hub.db`), checked against that database, which
/// the operator restored with the server's tools.
pub fn restore_with(from: &Path, data_dir: &Path, database_url: Option<&str>) -> anyhow::Result<BackupManifest> {
    let manifest_path = from.join(MANIFEST_FILE);
    let text = fs::read(&manifest_path)
        .with_context(|| format!("reading {} (a backup without it is incomplete)", manifest_path.display()))?;
    let manifest: BackupManifest = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not a backup manifest", manifest_path.display()))?;
    ensure!(manifest.format == FORMAT, "unknown backup format {:?}", manifest.format);
    ensure!(
        database_url.is_some() || manifest.files.iter().any(|file| file.path == DB_FILE),
        "the backup has no {DB_FILE}"
    );
    for file in &manifest.files {
        let relative = safe_relative(&file.path)?;
        let (size, sha256) = hash_file(&from.join(&relative))?;
        if size != file.size || sha256 != file.sha256 {
            bail!("{} in the backup does not match its manifest (damaged or changed); nothing was restored", file.path);
        }
    }
    ensure_empty_or_absent(data_dir)?;
    create_private_dir(data_dir)?;
    crate::data_dir::set_mode(data_dir, 0o700)?;
    for file in &manifest.files {
        let relative = safe_relative(&file.path)?;
        let to = data_dir.join(&relative);
        if let Some(parent) = to.parent() {
            create_private_dir(parent)?;
        }
        let copied = copy_hashed(&from.join(&relative), &to, &relative)?;
        ensure!(copied.sha256 == file.sha256, "{} changed while it was restored", file.path);
    }
    for dir in directories_of(data_dir, &manifest.files) {
        sync_dir(&dir).with_context(|| format!("syncing {}", dir.display()))?;
    }
    let connection = crate::db::open_database(data_dir, database_url)?;
    crate::keys::HubKeys::load_for_database(data_dir, &connection)?;
    Ok(manifest)
}

/// Takes the snapshot in one step of the backup API (one read transaction),
/// into a private file, synced.
fn snapshot_database(source: &Path, target: &Path) -> anyhow::Result<BackedUpFile> {
    let source_connection = rusqlite::Connection::open_with_flags(
        source,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("opening {}", source.display()))?;
    source_connection.busy_timeout(std::time::Duration::from_secs(30))?;
    drop(private_file_options().open(target).with_context(|| format!("creating {}", target.display()))?);
    {
        let mut target_connection =
            rusqlite::Connection::open(target).with_context(|| format!("opening {}", target.display()))?;
        let step = rusqlite::backup::Backup::new(&source_connection, &mut target_connection)
            .context("starting the database backup")?;
        // All pages in one step: one read transaction, a consistent snapshot,
        // and no restart when the hub commits meanwhile.
        match step.step(-1).context("copying the database")? {
            rusqlite::backup::StepResult::Done => {}
            other => bail!("the database backup did not finish ({other:?}); try again"),
        }
        drop(step);
        // A self-contained file: no -wal beside it.
        let _: String = target_connection.query_row("PRAGMA journal_mode = DELETE", [], |row| row.get(0))?;
    }
    File::open(target)?.sync_all().with_context(|| format!("syncing {}", target.display()))?;
    let (size, sha256) = hash_file(target)?;
    Ok(BackedUpFile { path: DB_FILE.to_owned(), size, sha256 })
}

/// Every regular file below `data_dir` but the database's own files and
/// temporary files, as relative paths, sorted.
fn files_to_copy(data_dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let dir = data_dir.join(&relative);
        for entry in fs::read_dir(&dir).with_context(|| format!("listing {}", dir.display()))? {
            let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
            let name = entry.file_name();
            let name_text = name.to_string_lossy();
            let kind = entry.file_type()?;
            let path = relative.join(&name);
            if kind.is_dir() {
                pending.push(path);
            } else if kind.is_file() && !skipped(&relative, &name_text) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Files a backup leaves out: the live database (snapshotted instead), its
/// journal files, the running hub's lock file, and files still being written.
fn skipped(relative_dir: &Path, name: &str) -> bool {
    let at_top = relative_dir.as_os_str().is_empty();
    (at_top && (name.starts_with(DB_FILE) || name == crate::data_dir::LOCK_FILE))
        || name.ends_with(".tmp")
        || name.ends_with(".partial")
        || name.starts_with(".incoming-")
}

fn copy_hashed(from: &Path, to: &Path, relative: &Path) -> anyhow::Result<BackedUpFile> {
    let mut source = File::open(from).with_context(|| format!("opening {}", from.display()))?;
    let mut target = private_file_options().open(to).with_context(|| format!("creating {}", to.display()))?;
    let mut digest = Digest::new(&SHA256);
    let mut buffer = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = source.read(&mut buffer).with_context(|| format!("reading {}", from.display()))?;
        if n == 0 {
            break;
        }
        digest.update(&buffer[..n]);
        target.write_all(&buffer[..n]).with_context(|| format!("writing {}", to.display()))?;
        size += n as u64;
    }
    target.sync_all().with_context(|| format!("syncing {}", to.display()))?;
    Ok(BackedUpFile { path: slash_path(relative), size, sha256: hex::encode(digest.finish()) })
}

fn hash_file(path: &Path) -> anyhow::Result<(u64, String)> {
    let mut file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut digest = Digest::new(&SHA256);
    let mut buffer = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buffer).with_context(|| format!("reading {}", path.display()))?;
        if n == 0 {
            break;
        }
        digest.update(&buffer[..n]);
        size += n as u64;
    }
    Ok((size, hex::encode(digest.finish())))
}

fn slash_path(relative: &Path) -> String {
    relative.components().map(|part| part.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// A manifest path as a relative path with plain components only: a
/// manifest naming `../x` or `/etc/x` is refused.
fn safe_relative(path: &str) -> anyhow::Result<PathBuf> {
    let segments_plain = path.split('/').all(|segment| !segment.is_empty() && segment != "." && segment != "..");
    let relative: PathBuf = path.split('/').collect();
    let plain = segments_plain && relative.components().all(|part| matches!(part, Component::Normal(_)));
    ensure!(plain, "the manifest names a file outside the backup: {path:?}");
    Ok(relative)
}

fn ensure_empty_or_absent(dir: &Path) -> anyhow::Result<()> {
    match fs::read_dir(dir) {
        Ok(mut entries) => {
            ensure!(entries.next().is_none(), "{} is not empty: give a new or empty directory", dir.display());
            Ok(())
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error).with_context(|| format!("reading {}", dir.display())),
    }
}

/// `root` and every directory holding a file of `files`.
fn directories_of(root: &Path, files: &[BackedUpFile]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .filter_map(|file| safe_relative(&file.path).ok())
        .filter_map(|relative| relative.parent().map(|parent| root.join(parent)))
        .collect();
    dirs.push(root.to_path_buf());
    dirs.sort();
    dirs.dedup();
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_paths_that_leave_the_backup_are_refused() {
        assert!(safe_relative("hub.db").is_ok());
        assert!(safe_relative("content/abc").is_ok());
        assert!(safe_relative("../hub.db").is_err());
        assert!(safe_relative("/etc/passwd").is_err());
        assert!(safe_relative("").is_err());
        assert!(safe_relative("content/../../x").is_err());
    }
}
