//! What a proposal changes, worked out from the signed bytes alone.
//!
//! The hub could describe a proposal any way it liked, so the key holder's
//! tool reads nothing the hub wrote about it: it verifies the current
//! directory's signature under the programme key itself, parses the proposed
//! body, and compares reader keys (by fingerprint, [`key_id`]) per route,
//! factory and brand.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use anyhow::{Context, bail};
use workervoice_protocol::content::{ContentKind, Manifest, sha256_hex};
use workervoice_protocol::delegation::Delegation;
use workervoice_protocol::directory::{Directory, Route, RouteRecipients, body_sha256, key_id, verify_signed};
use workervoice_protocol::proposal::{ProposalDetail, ProposalKind};
use workervoice_protocol::survey::SurveyDelivery;

/// Which entry of a directory a reader belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RouteKey {
    /// The route.
    pub route: Route,
    /// The factory (committee entries).
    pub factory_id: Option<String>,
    /// The brand (brand entries).
    pub brand_id: Option<String>,
}

impl RouteKey {
    fn of(entry: &RouteRecipients) -> Self {
        Self { route: entry.route, factory_id: entry.factory_id.clone(), brand_id: entry.brand_id.clone() }
    }
}

/// One reader added or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderChange {
    /// Who the worker trusts on that route.
    pub organisation: String,
    /// The account the hub says the key belongs to (unverifiable: the key
    /// fingerprint is what to check with the reader).
    pub account: String,
    /// The key fingerprint ([`key_id`]).
    pub key_id: String,
}

/// What changes for one route entry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RouteChange {
    /// Readers who can read reports on this entry from now on.
    pub added: Vec<ReaderChange>,
    /// Readers who no longer can.
    pub removed: Vec<ReaderChange>,
    /// The response deadline, before and after, when it changes.
    pub deadline_hours: Option<(Option<u32>, u32)>,
    /// Supplier factories added to (brand entries).
    pub factories_added: Vec<String>,
    /// Supplier factories removed from (brand entries).
    pub factories_removed: Vec<String>,
    /// Readers after the change.
    pub readers_after: usize,
}

/// What a proposed directory changes against the current one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DirectoryDiff {
    /// The current version (0: none yet).
    pub from_version: u64,
    /// The proposed version.
    pub to_version: u64,
    /// Whether the proposal names the current directory as its previous
    /// one with the next version: devices refuse it otherwise.
    pub extends_current: bool,
    /// Per route entry, only entries that change.
    pub routes: BTreeMap<RouteKey, RouteChange>,
    /// Category ids added.
    pub categories_added: Vec<String>,
    /// Category ids removed.
    pub categories_removed: Vec<String>,
    /// Category ids whose labels change.
    pub categories_relabelled: Vec<String>,
}

impl DirectoryDiff {
    /// Routes a worker's report would reach exactly one reader on: one
    /// person's lost password loses every report there. Counted as devices
    /// seal: per committee entry, per hotline entry, and for the brand route
    /// per supplier factory across every brand it supplies (a factory
    /// supplying two brands with one reader each has two readers). Brand
    /// routes are keyed by the factory (`brand_id` empty).
    pub fn single_reader_routes(&self, proposed: &Directory) -> Vec<RouteKey> {
        let mut flagged: Vec<RouteKey> = proposed
            .routes
            .iter()
            .filter(|entry| entry.route != Route::Brand && distinct_readers(&[entry]) == 1)
            .map(RouteKey::of)
            .collect();
        let mut brand_by_factory: BTreeMap<&str, Vec<&RouteRecipients>> = BTreeMap::new();
        for entry in proposed.routes.iter().filter(|entry| entry.route == Route::Brand) {
            for factory in &entry.factory_ids {
                brand_by_factory.entry(factory.as_str()).or_default().push(entry);
            }
        }
        for (factory, entries) in brand_by_factory {
            if distinct_readers(&entries) == 1 {
                flagged.push(RouteKey { route: Route::Brand, factory_id: Some(factory.to_owned()), brand_id: None });
            }
        }
        flagged
    }
}

/// Distinct reader keys across `entries`.
fn distinct_readers(entries: &[&RouteRecipients]) -> usize {
    entries
        .iter()
        .flat_map(|entry| entry.recipients.iter().map(|r| key_id(&r.public_key)))
        .collect::<BTreeSet<_>>()
        .len()
}

/// Brand entries that list no supplier factory. Devices refuse a directory
/// carrying one (it must never be read as "every factory"), so the tool
/// refuses to sign it.
pub fn brands_without_suppliers(proposed: &Directory) -> Vec<RouteKey> {
    proposed
        .routes
        .iter()
        .filter(|entry| entry.route == Route::Brand && entry.factory_ids.is_empty())
        .map(RouteKey::of)
        .collect()
}

/// Compares `proposed` (whose signed body will be new) with `current`
/// (with its signed body, already verified), reader by reader.
pub fn directory_diff(current: Option<(&Directory, &[u8])>, proposed: &Directory) -> DirectoryDiff {
    fn readers(directory: Option<&Directory>) -> BTreeMap<RouteKey, (u32, &RouteRecipients)> {
        directory
            .map(|d| {
                d.routes.iter().map(|entry| (RouteKey::of(entry), (entry.response_deadline_hours, entry))).collect()
            })
            .unwrap_or_default()
    }
    let before = readers(current.map(|(directory, _)| directory));
    let after = readers(Some(proposed));
    let mut routes = BTreeMap::new();
    let keys: BTreeSet<&RouteKey> = before.keys().chain(after.keys()).collect();
    for key in keys {
        let old = before.get(key).map(|(_, entry)| *entry);
        let new = after.get(key).map(|(_, entry)| *entry);
        let changes = |from: Option<&RouteRecipients>, to: Option<&RouteRecipients>| -> Vec<ReaderChange> {
            let Some(from) = from else { return Vec::new() };
            let kept: BTreeSet<String> =
                to.map(|to| to.recipients.iter().map(|r| key_id(&r.public_key)).collect()).unwrap_or_default();
            from.recipients
                .iter()
                .filter(|r| !kept.contains(&key_id(&r.public_key)))
                .map(|r| ReaderChange {
                    organisation: from.organisation.clone(),
                    account: r.handler_id.clone(),
                    key_id: key_id(&r.public_key),
                })
                .collect()
        };
        let factory_set = |entry: Option<&RouteRecipients>| -> BTreeSet<String> {
            entry.map(|e| e.factory_ids.iter().cloned().collect()).unwrap_or_default()
        };
        let (old_factories, new_factories) = (factory_set(old), factory_set(new));
        let change = RouteChange {
            added: changes(new, old),
            removed: changes(old, new),
            deadline_hours: match (old, new) {
                (old, Some(new)) if old.map(|o| o.response_deadline_hours) != Some(new.response_deadline_hours) => {
                    Some((old.map(|o| o.response_deadline_hours), new.response_deadline_hours))
                }
                _ => None,
            },
            factories_added: new_factories.difference(&old_factories).cloned().collect(),
            factories_removed: old_factories.difference(&new_factories).cloned().collect(),
            readers_after: new.map_or(0, |entry| entry.recipients.len()),
        };
        if change != (RouteChange { readers_after: change.readers_after, ..RouteChange::default() }) {
            routes.insert(key.clone(), change);
        }
    }
    let labels = |directory: Option<&Directory>| -> BTreeMap<String, BTreeMap<String, String>> {
        directory.map(|d| d.categories.iter().map(|c| (c.id.clone(), c.labels.clone())).collect()).unwrap_or_default()
    };
    let (old_labels, new_labels) = (labels(current.map(|(d, _)| d)), labels(Some(proposed)));
    let from_version = current.map_or(0, |(directory, _)| directory.version);
    let extends_current = match current {
        Some((directory, body)) => {
            proposed.version == directory.version + 1
                && proposed.previous_sha256.as_deref() == Some(body_sha256(body).as_str())
        }
        None => proposed.version == 1 || proposed.previous_sha256.is_none(),
    };
    DirectoryDiff {
        from_version,
        to_version: proposed.version,
        extends_current,
        routes,
        categories_added: new_labels.keys().filter(|id| !old_labels.contains_key(*id)).cloned().collect(),
        categories_removed: old_labels.keys().filter(|id| !new_labels.contains_key(*id)).cloned().collect(),
        categories_relabelled: new_labels
            .iter()
            .filter(|(id, labels)| old_labels.get(*id).is_some_and(|old| old != *labels))
            .map(|(id, _)| id.clone())
            .collect(),
    }
}

/// A proposal, checked and described for the key holder. `signable` is
/// false when signing it would be a mistake whatever its content (a
/// directory that does not extend the current one).
#[derive(Debug, Clone)]
pub struct Review {
    /// The text to show.
    pub text: String,
    /// Whether the tool will sign it.
    pub signable: bool,
}

/// Reviews `detail` for the programme whose public key is `programme_key`.
pub fn review(detail: &ProposalDetail, programme_key: &[u8]) -> anyhow::Result<Review> {
    let programme_id = workervoice_protocol::content::programme_id(programme_key);
    let mut text = String::new();
    let _ =
        writeln!(text, "Proposal {} ({}), programme {programme_id}", detail.summary.id, detail.summary.kind.as_str());
    match detail.summary.kind {
        ProposalKind::Directory => review_directory(detail, programme_key, &programme_id, text),
        ProposalKind::Pack => review_pack(detail, &programme_id, text),
        ProposalKind::Delegation => review_delegation(detail, &programme_id, text),
    }
}

fn review_directory(
    detail: &ProposalDetail,
    programme_key: &[u8],
    programme_id: &str,
    mut text: String,
) -> anyhow::Result<Review> {
    let proposed: Directory = serde_json::from_slice(&detail.body).context("the proposed directory does not parse")?;
    if proposed.programme_id != programme_id {
        bail!("the proposed directory is for programme {}, not this key's", proposed.programme_id);
    }
    let current = match &detail.current_directory {
        Some(signed) => Some((
            verify_signed(signed, programme_key)
                .map_err(|error| anyhow::anyhow!("the hub's current directory fails verification: {error}"))?,
            signed.body.as_slice(),
        )),
        None => None,
    };
    let diff = directory_diff(current.as_ref().map(|(d, body)| (d, *body)), &proposed);
    let _ = writeln!(text, "Directory version {} -> {}", diff.from_version, diff.to_version);
    if !diff.extends_current {
        let _ = writeln!(text, "REFUSED: it does not extend the current signed directory (devices would refuse it).");
    }
    let unsupplied = brands_without_suppliers(&proposed);
    for key in &unsupplied {
        let _ = writeln!(
            text,
            "REFUSED: {} lists no supplier factories (devices would refuse the directory).",
            describe(key)
        );
    }
    if diff.routes.is_empty() {
        let _ = writeln!(text, "No reader changes.");
    }
    for (key, change) in &diff.routes {
        let _ = writeln!(text, "{}:", describe(key));
        for reader in &change.added {
            let _ = writeln!(text, "  ADDED    {}  {}  key {}", reader.organisation, reader.account, reader.key_id);
        }
        for reader in &change.removed {
            let _ = writeln!(text, "  REMOVED  {}  {}  key {}", reader.organisation, reader.account, reader.key_id);
        }
        if let Some((old, new)) = change.deadline_hours {
            let old = old.map_or_else(|| "none".to_owned(), |hours| format!("{hours} h"));
            let _ = writeln!(text, "  deadline {old} -> {new} h");
        }
        for factory in &change.factories_added {
            let _ = writeln!(text, "  supplier factory added {factory}");
        }
        for factory in &change.factories_removed {
            let _ = writeln!(text, "  supplier factory removed {factory}");
        }
        let _ = writeln!(text, "  readers after: {}", change.readers_after);
    }
    for key in diff.single_reader_routes(&proposed) {
        let _ = writeln!(text, "WARNING: {} has a single reader (flag: single_reader).", describe(&key));
    }
    for (label, ids) in [
        ("added", &diff.categories_added),
        ("removed", &diff.categories_removed),
        ("relabelled", &diff.categories_relabelled),
    ] {
        if !ids.is_empty() {
            let _ = writeln!(text, "Categories {label}: {}", ids.join(", "));
        }
    }
    Ok(Review { text, signable: diff.extends_current && unsupplied.is_empty() })
}

fn describe(key: &RouteKey) -> String {
    let mut name = key.route.as_str().to_owned();
    if let Some(factory) = &key.factory_id {
        let _ = write!(name, " (factory {factory})");
    }
    if let Some(brand) = &key.brand_id {
        let _ = write!(name, " (brand {brand})");
    }
    name
}

fn review_pack(detail: &ProposalDetail, programme_id: &str, mut text: String) -> anyhow::Result<Review> {
    let manifest: Manifest = serde_json::from_slice(&detail.body).context("the proposed manifest does not parse")?;
    if manifest.programme_id != programme_id {
        bail!("the proposed manifest is for programme {}, not this key's", manifest.programme_id);
    }
    let _ = writeln!(text, "{} {} version {}", manifest.kind.as_str(), manifest.id, manifest.version);
    let _ = writeln!(text, "Languages: {}", manifest.languages.join(", "));
    for (language, title) in &manifest.titles {
        let _ = writeln!(text, "  title [{language}] {title}");
    }
    let _ = writeln!(text, "Document: {} bytes, sha256 {}", manifest.body.size, manifest.body.sha256);
    for blob in &manifest.media {
        let _ = writeln!(text, "  media {} {} bytes sha256 {}", blob.media_type, blob.size, blob.sha256);
    }
    let document_ok = detail.document.as_ref().is_some_and(|bytes| sha256_hex(bytes) == manifest.body.sha256);
    if !document_ok {
        let _ = writeln!(text, "REFUSED: the hub did not send the document the manifest names.");
        return Ok(Review { text, signable: false });
    }
    if manifest.kind == ContentKind::Survey {
        let delivery = detail
            .document
            .as_ref()
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(bytes).ok())
            .and_then(|document| document.get("delivery").cloned())
            .and_then(|delivery| serde_json::from_value::<SurveyDelivery>(delivery).ok());
        match delivery {
            Some(delivery) => {
                let _ = writeln!(text, "Answers are sealed to {} analyst key(s):", delivery.recipients.len());
                for analyst in &delivery.recipients {
                    let _ = writeln!(text, "  {}  key {}", analyst.handler_id, key_id(&analyst.public_key));
                }
            }
            None => {
                let _ = writeln!(text, "REFUSED: the survey names no analysts to seal answers to.");
                return Ok(Review { text, signable: false });
            }
        }
    }
    Ok(Review { text, signable: true })
}

fn review_delegation(detail: &ProposalDetail, programme_id: &str, mut text: String) -> anyhow::Result<Review> {
    let delegation: Delegation = serde_json::from_slice(&detail.body).context("the delegation does not parse")?;
    if delegation.programme_id != programme_id {
        bail!("the delegation is for programme {}, not this key's", delegation.programme_id);
    }
    let _ = writeln!(
        text,
        "Lets the hub's key {} sign {} for this programme (and nothing else).",
        key_id(&delegation.public_key),
        delegation.purpose
    );
    Ok(Review { text, signable: delegation.public_key.len() == 32 })
}

#[cfg(test)]
mod tests {
    use workervoice_protocol::directory::Recipient;

    use super::*;

    fn entry(route: Route, factory: Option<&str>, readers: &[(&str, u8)]) -> RouteRecipients {
        RouteRecipients {
            route,
            factory_id: factory.map(str::to_owned),
            organisation: format!("{} org", route.as_str()),
            // Brand entries list their suppliers: one listing none is refused.
            brand_id: (route == Route::Brand).then(|| "b1".to_owned()),
            factory_ids: if route == Route::Brand { vec!["f1".to_owned()] } else { Vec::new() },
            recipients: readers
                .iter()
                .map(|(id, key)| Recipient { handler_id: (*id).into(), public_key: vec![*key; 32] })
                .collect(),
            response_deadline_hours: 72,
        }
    }

    fn directory(version: u64, previous: Option<&[u8]>, routes: Vec<RouteRecipients>) -> Directory {
        Directory {
            programme_id: "wvp-x".into(),
            version,
            previous_sha256: previous.map(body_sha256),
            issued_at: 0,
            routes,
            categories: Vec::new(),
        }
    }

    #[test]
    fn the_diff_lists_readers_added_and_removed_per_route_with_fingerprints() {
        let current = directory(
            1,
            None,
            vec![
                entry(Route::FactoryCommittee, Some("f1"), &[("alice", 1)]),
                entry(Route::IndependentHotline, None, &[("bob", 2), ("carol", 3)]),
            ],
        );
        let body = serde_json::to_vec(&current).unwrap();
        let proposed = directory(
            2,
            Some(&body),
            vec![
                entry(Route::FactoryCommittee, Some("f1"), &[("alice", 1), ("mallory", 9)]),
                entry(Route::IndependentHotline, None, &[("bob", 2)]),
            ],
        );
        let diff = directory_diff(Some((&current, &body)), &proposed);
        assert!(diff.extends_current);
        assert_eq!((diff.from_version, diff.to_version), (1, 2));
        let committee =
            &diff.routes[&RouteKey { route: Route::FactoryCommittee, factory_id: Some("f1".into()), brand_id: None }];
        assert_eq!(committee.added.len(), 1);
        assert_eq!(committee.added[0].account, "mallory");
        assert_eq!(committee.added[0].key_id, key_id(&[9; 32]));
        assert!(committee.removed.is_empty());
        let hotline = &diff.routes[&RouteKey { route: Route::IndependentHotline, factory_id: None, brand_id: None }];
        assert_eq!(hotline.removed.iter().map(|r| r.account.as_str()).collect::<Vec<_>>(), ["carol"]);
        assert_eq!(hotline.readers_after, 1);
        assert_eq!(diff.single_reader_routes(&proposed).len(), 1);
    }

    #[test]
    fn a_reader_whose_key_changes_shows_as_removed_and_added() {
        let current = directory(1, None, vec![entry(Route::Brand, None, &[("dana", 4)])]);
        let body = serde_json::to_vec(&current).unwrap();
        let proposed = directory(2, Some(&body), vec![entry(Route::Brand, None, &[("dana", 5)])]);
        let diff = directory_diff(Some((&current, &body)), &proposed);
        let brand = diff.routes.values().next().unwrap();
        assert_eq!((brand.added.len(), brand.removed.len()), (1, 1));
        assert_ne!(brand.added[0].key_id, brand.removed[0].key_id);
    }

    #[test]
    fn an_unchanged_directory_has_no_route_changes_and_a_fork_does_not_extend() {
        let current = directory(1, None, vec![entry(Route::Brand, None, &[("dana", 4)])]);
        let body = serde_json::to_vec(&current).unwrap();
        let same = directory(2, Some(&body), current.routes.clone());
        assert!(directory_diff(Some((&current, &body)), &same).routes.is_empty());
        let fork = directory(2, Some(b"another body"), current.routes.clone());
        assert!(!directory_diff(Some((&current, &body)), &fork).extends_current);
        let skipped = directory(3, Some(&body), current.routes.clone());
        assert!(!directory_diff(Some((&current, &body)), &skipped).extends_current);
    }

    fn brand(id: &str, suppliers: &[&str], readers: &[(&str, u8)]) -> RouteRecipients {
        RouteRecipients {
            brand_id: Some(id.to_owned()),
            factory_ids: suppliers.iter().map(|f| (*f).to_owned()).collect(),
            ..entry(Route::Brand, None, readers)
        }
    }

    fn proposal(proposed: &Directory, programme_key: &[u8]) -> ProposalDetail {
        ProposalDetail {
            summary: workervoice_protocol::proposal::ProposalSummary {
                id: "p1".into(),
                kind: ProposalKind::Directory,
                state: workervoice_protocol::proposal::ProposalState::Pending,
                created_at: 0,
                created_by: "admin".into(),
            },
            body: serde_json::to_vec(&Directory {
                programme_id: workervoice_protocol::content::programme_id(programme_key),
                ..proposed.clone()
            })
            .unwrap(),
            current_directory: None,
            document: None,
        }
    }

    #[test]
    fn a_brand_entry_listing_no_suppliers_is_refused_by_the_review() {
        let programme_key = [7u8; 32];
        let listed = directory(1, None, vec![brand("b1", &["f1"], &[("dana", 4), ("erin", 5)])]);
        let review_listed = review(&proposal(&listed, &programme_key), &programme_key).unwrap();
        assert!(review_listed.signable, "{}", review_listed.text);
        let unlisted = directory(1, None, vec![brand("b1", &[], &[("dana", 4), ("erin", 5)])]);
        assert_eq!(brands_without_suppliers(&unlisted).len(), 1);
        let refused = review(&proposal(&unlisted, &programme_key), &programme_key).unwrap();
        assert!(!refused.signable);
        assert!(refused.text.contains("lists no supplier factories"), "{}", refused.text);
    }

    #[test]
    fn a_route_left_with_one_reader_is_flagged_counting_every_brand_a_factory_supplies() {
        let proposed = directory(
            1,
            None,
            vec![
                entry(Route::FactoryCommittee, Some("f1"), &[("alice", 1), ("amir", 2)]),
                entry(Route::IndependentHotline, None, &[("bob", 3), ("bea", 4)]),
                // f1 supplies A and B (two readers); f2 supplies only B (one).
                brand("a", &["f1"], &[("dana", 5)]),
                brand("b", &["f1", "f2"], &[("erin", 6)]),
            ],
        );
        let diff = directory_diff(None, &proposed);
        assert_eq!(
            diff.single_reader_routes(&proposed),
            vec![RouteKey { route: Route::Brand, factory_id: Some("f2".into()), brand_id: None }]
        );
        let programme_key = [7u8; 32];
        let text = review(&proposal(&proposed, &programme_key), &programme_key).unwrap().text;
        assert!(text.contains("WARNING: brand (factory f2) has a single reader"), "{text}");
    }
}
