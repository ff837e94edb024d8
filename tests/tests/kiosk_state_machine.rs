//! A randomised state-machine test of a shared tablet: many workers, random
//! sequences of sign-in (right and wrong PIN, online and offline), notes,
//! drafts, idle time-out, lock, crash (the app dropped and reopened), network
//! loss, anonymous and named submissions and syncs, against a real hub.
//!
//! Invariants after every step:
//! - an operation in one worker's session returns that worker's data only,
//!   and speaks that worker's language; a session signed in offline
//!   (provisional) opens nothing stored and sees only the draft it wrote;
//! - a draft written offline reaches its worker's vault once the hub has
//!   confirmed the sign-in and the worker signs in online — and nobody
//!   else's, ever; a rejected sign-in's draft reaches no one;
//! - with no session, nothing of anyone is returned, in the device's language;
//! - at each sync the hub confirms exactly the offline sign-ins made with the
//!   right PIN and rejects the others (a wrong PIN passes the tablet's 8-bit
//!   check for about 1 worker in 256);
//! - no marker ever written (notes, drafts, report texts, workers' names) is
//!   in any file of the device (database, WAL, key store, anything), checked
//!   after every step and so after every session's end.

use std::collections::BTreeSet;
use std::sync::Arc;

use proptest::prelude::*;
use workervoice::{DeviceMode, ErrorCode, GrievanceDraft, GrievanceRoute, WorkerVoiceApp};
use workervoice_core::ManualClock;
use workervoice_e2e::{NetworkSwitch, PIN, TestDevice, TestHub, WRONG_PIN, files_containing, open_app_pinned};

const WORKERS: usize = 8;
const LANGUAGES: [&str; 3] = ["en", "vi", "zh-CN"];

fn language(worker: usize) -> &'static str {
    LANGUAGES[worker % LANGUAGES.len()]
}

fn name(worker: usize) -> String {
    format!("MARK-name-{worker}-Lan")
}

/// A draft written in a provisional session, as the model follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum OfflineState {
    /// Its sign-in waits for the hub.
    Held,
    /// The hub confirmed it; the worker's next online session gets it.
    Released,
    /// In the worker's vault.
    Imported,
    /// The hub rejected the sign-in: deleted.
    Dropped,
}

#[derive(Debug, Clone)]
struct OfflineDraft {
    /// Draft name: one per provisional session.
    name: String,
    worker: usize,
    right_pin: bool,
    marker: Option<String>,
    state: OfflineState,
}

#[derive(Debug, Clone)]
enum Op {
    SignIn(usize),
    WrongPin(usize),
    SaveNote,
    SaveDraft,
    IdleTimeout,
    Lock,
    Crash,
    Network(bool),
    SubmitAnonymous,
    SubmitNamed,
    Sync,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..WORKERS).prop_map(Op::SignIn),
        1 => (0..WORKERS).prop_map(Op::WrongPin),
        3 => Just(Op::SaveNote),
        2 => Just(Op::SaveDraft),
        1 => Just(Op::IdleTimeout),
        1 => Just(Op::Lock),
        1 => Just(Op::Crash),
        1 => any::<bool>().prop_map(Op::Network),
        1 => Just(Op::SubmitAnonymous),
        1 => Just(Op::SubmitNamed),
        1 => Just(Op::Sync),
    ]
}

/// An open session in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signed {
    /// Signed in online: the vault is open.
    Online(usize),
    /// Signed in offline; `right_pin` says what the hub will decide; its
    /// drafts are `offline_drafts[draft]`.
    Provisional { worker: usize, right_pin: bool, draft: usize },
}

impl Signed {
    fn worker(self) -> usize {
        match self {
            Self::Online(worker) | Self::Provisional { worker, .. } => worker,
        }
    }
}

struct Model {
    current: Option<Signed>,
    notes: Vec<BTreeSet<String>>,
    drafts: Vec<Option<String>>,
    /// Drafts of provisional sessions, one entry per session.
    offline_drafts: Vec<OfflineDraft>,
    /// Wrong PINs the hub has seen or will see, since the last right one.
    wrong_in_a_row: Vec<u32>,
    /// Consecutive wrong offline PIN checks on the tablet.
    offline_failures: Vec<u32>,
    /// Offline sign-in switched off after five wrong checks (until online).
    offline_off: Vec<bool>,
    /// Offline sign-ins waiting for the hub: (right PIN, wrong PIN).
    pending: (u32, u32),
    /// Every marker ever written.
    markers: Vec<String>,
    online: bool,
    counter: u32,
}

fn number(worker: usize) -> String {
    format!("SM-{worker}")
}

struct Tablet {
    app: Arc<WorkerVoiceApp>,
    clock: Arc<ManualClock>,
    network: Arc<NetworkSwitch>,
}

fn attach(app: Arc<WorkerVoiceApp>, online: bool) -> Tablet {
    let clock = Arc::new(ManualClock::starting_at(1_800_000_000_000));
    let network = NetworkSwitch::new(online);
    app.core().set_clock(clock.clone());
    app.core().set_connectivity(network.clone());
    Tablet { app, clock, network }
}

fn load(tablet: &Tablet, draft: &str) -> Option<String> {
    tablet.app.load_draft(draft.into()).expect("draft").map(|d| String::from_utf8(d).expect("utf-8"))
}

fn assert_isolation(tablet: &Tablet, model: &Model) {
    let expected_language = model.current.map_or("en", |signed| language(signed.worker()));
    assert_eq!(tablet.app.current_language(), expected_language, "the session's language, or the device's");
    match model.current {
        Some(Signed::Online(worker)) => {
            assert_eq!(tablet.app.current_worker().map(|p| p.worker_number), Some(number(worker)));
            assert!(!tablet.app.session_is_provisional());
            for offline in &model.offline_drafts {
                let mine = offline.worker == worker && offline.state == OfflineState::Imported;
                let expected = if mine { offline.marker.clone() } else { None };
                assert_eq!(load(tablet, &offline.name), expected, "worker {worker}, offline draft {offline:?}");
            }
            let notes: BTreeSet<String> =
                tablet.app.list_notes(1000, 0).expect("notes").into_iter().map(|n| n.text).collect();
            assert_eq!(notes, model.notes[worker], "worker {worker} sees exactly their notes");
            let draft =
                tablet.app.load_draft("report".into()).expect("draft").map(|d| String::from_utf8(d).expect("utf-8"));
            assert_eq!(draft, model.drafts[worker], "worker {worker} sees exactly their draft");
        }
        Some(Signed::Provisional { worker, draft, .. }) => {
            assert_eq!(tablet.app.current_worker().map(|p| p.worker_number), Some(number(worker)));
            assert!(tablet.app.session_is_provisional());
            assert_eq!(tablet.app.list_notes(10, 0).unwrap_err().code(), ErrorCode::NeedsHub);
            assert_eq!(load(tablet, "report"), None, "nothing stored opens");
            for (index, offline) in model.offline_drafts.iter().enumerate() {
                let expected = if index == draft { offline.marker.clone() } else { None };
                assert_eq!(load(tablet, &offline.name), expected, "a provisional session sees only its own draft");
            }
        }
        None => {
            assert!(tablet.app.current_worker().is_none());
            assert_eq!(tablet.app.list_notes(10, 0).unwrap_err().code(), ErrorCode::NotLoggedIn);
            assert_eq!(tablet.app.load_draft("report".into()).unwrap_err().code(), ErrorCode::NotLoggedIn);
        }
    }
}

/// Every marker starts with `MARK-`: one pass over the files finds any of
/// them (random ciphertext contains those 5 bytes with odds of ~2^-40 per byte).
fn assert_no_marker_on_disk(device_root: &std::path::Path, model: &Model) {
    assert!(model.markers.iter().all(|marker| marker.starts_with(MARKER_PREFIX)));
    let found = files_containing(device_root, MARKER_PREFIX.as_bytes());
    assert!(found.is_empty(), "a marker (one of {} written) in {found:?}", model.markers.len());
}

const MARKER_PREFIX: &str = "MARK-";

impl Model {
    fn end_session(&mut self) {
        self.current = None;
    }

    /// An online session of `worker` moves in their confirmed offline drafts.
    fn import_for(&mut self, worker: usize) {
        for offline in &mut self.offline_drafts {
            if offline.worker == worker && offline.state == OfflineState::Released {
                offline.state = OfflineState::Imported;
            }
        }
    }

    /// An offline sign-in attempt and its outcome on the tablet.
    fn offline_attempt(&mut self, worker: usize, right_pin: bool, result: Result<(), workervoice::WorkerVoiceError>) {
        if !right_pin {
            self.wrong_in_a_row[worker] += 1; // the hub may see it at sync
        }
        match result {
            Ok(()) => {
                assert!(!self.offline_off[worker], "offline sign-in was switched off");
                self.offline_failures[worker] = 0;
                let draft = self.offline_drafts.len();
                self.offline_drafts.push(OfflineDraft {
                    name: format!("offline-{draft}"),
                    worker,
                    right_pin,
                    marker: None,
                    state: OfflineState::Held,
                });
                self.current = Some(Signed::Provisional { worker, right_pin, draft });
                if right_pin {
                    self.pending.0 += 1;
                } else {
                    self.pending.1 += 1;
                }
            }
            Err(error) if self.offline_off[worker] => {
                assert_eq!(error.code(), ErrorCode::OfflineSignInFailed);
            }
            Err(error) => {
                assert!(!right_pin, "the right PIN passes the check: {error:?}");
                assert_eq!(error.code(), ErrorCode::OfflineSignInFailed);
                self.offline_failures[worker] += 1;
                if self.offline_failures[worker] >= 5 {
                    self.offline_off[worker] = true;
                }
            }
        }
    }
}

async fn run(ops: Vec<Op>) {
    let hub = TestHub::start().await;
    let (factory, _, _) = hub.grievance_programme().await;
    let key = hub.programme_key().await;
    let device = TestDevice::grievance_device(&hub, &hub.url(), &factory, DeviceMode::Shared, None).await;
    for worker in 0..WORKERS {
        let code = hub.worker(&factory, &number(worker), &name(worker), language(worker)).await;
        device.app.activate(number(worker), code, PIN.into()).await.expect("activate");
    }
    device.app.lock();
    device.app.sync_now(false).await.expect("directory");
    let (data_dir, keys_dir) = (device.data_dir(), device.keys_dir());
    let TestDevice { app, root } = device;
    let mut tablet = attach(app, true);
    let mut model = Model {
        current: None,
        notes: vec![BTreeSet::new(); WORKERS],
        drafts: vec![None; WORKERS],
        offline_drafts: Vec::new(),
        wrong_in_a_row: vec![0; WORKERS],
        offline_failures: vec![0; WORKERS],
        offline_off: vec![false; WORKERS],
        pending: (0, 0),
        markers: (0..WORKERS).map(name).collect(),
        online: true,
        counter: 0,
    };
    for op in ops {
        match op {
            Op::SignIn(worker) => {
                let result = tablet.app.login(number(worker), PIN.into()).await;
                model.end_session();
                if model.online {
                    result.expect("sign-in");
                    model.current = Some(Signed::Online(worker));
                    model.import_for(worker);
                    model.wrong_in_a_row[worker] = 0;
                    model.offline_failures[worker] = 0;
                    model.offline_off[worker] = false;
                } else {
                    model.offline_attempt(worker, true, result.map(|_| ()));
                }
            }
            Op::WrongPin(worker) => {
                if model.wrong_in_a_row[worker] >= 8 {
                    continue; // stay clear of the hub's lock-out, tested elsewhere
                }
                let result = tablet.app.login(number(worker), WRONG_PIN.into()).await;
                model.end_session();
                if model.online {
                    assert!(result.is_err());
                    model.wrong_in_a_row[worker] += 1;
                } else {
                    model.offline_attempt(worker, false, result.map(|_| ()));
                }
            }
            Op::SaveNote => {
                model.counter += 1;
                let marker = format!("MARK-note-{}-{:06}", model.current.map_or(9, Signed::worker), model.counter);
                model.markers.push(marker.clone());
                match model.current {
                    Some(Signed::Online(worker)) => {
                        tablet.app.save_note(marker.clone()).expect("note");
                        model.notes[worker].insert(marker);
                    }
                    Some(Signed::Provisional { .. }) => {
                        assert_eq!(tablet.app.save_note(marker).unwrap_err().code(), ErrorCode::NeedsHub);
                    }
                    None => assert_eq!(tablet.app.save_note(marker).unwrap_err().code(), ErrorCode::NotLoggedIn),
                }
            }
            Op::SaveDraft => {
                model.counter += 1;
                let marker = format!("MARK-draft-{}-{:06}", model.current.map_or(9, Signed::worker), model.counter);
                model.markers.push(marker.clone());
                match model.current {
                    Some(Signed::Online(worker)) => {
                        tablet.app.save_draft("report".into(), marker.clone().into_bytes()).expect("draft");
                        model.drafts[worker] = Some(marker);
                    }
                    Some(Signed::Provisional { draft, .. }) => {
                        let offline = &mut model.offline_drafts[draft];
                        tablet.app.save_draft(offline.name.clone(), marker.clone().into_bytes()).expect("draft");
                        offline.marker = Some(marker);
                    }
                    None => assert!(tablet.app.save_draft("report".into(), marker.into_bytes()).is_err()),
                }
            }
            Op::IdleTimeout => {
                tablet.clock.advance_millis(100_000);
                assert_eq!(tablet.app.check_idle(), model.current.is_some());
                model.end_session();
            }
            Op::Lock => {
                tablet.app.lock();
                model.end_session();
            }
            Op::Crash => {
                drop(tablet);
                let app = open_app_pinned(&data_dir, &keys_dir, &hub.url(), &["en"], Some(&key));
                tablet = attach(app, model.online);
                model.end_session();
            }
            Op::Network(online) => {
                tablet.network.set(online);
                model.online = online;
                continue;
            }
            Op::SubmitAnonymous => {
                model.counter += 1;
                let marker = format!("MARK-anon-{:06}", model.counter);
                model.markers.push(marker.clone());
                let draft = GrievanceDraft {
                    category_id: "wages".into(),
                    text: format!("{marker} anonymous from the state machine"),
                    anonymous: true,
                    routes: vec![GrievanceRoute::IndependentHotline],
                    callback: None,
                    attachments: vec![],
                };
                tablet.app.submit_grievance(draft).expect("anonymous submit works in any state");
            }
            Op::SubmitNamed => {
                model.counter += 1;
                let marker = format!("MARK-named-{}-{:06}", model.current.map_or(9, Signed::worker), model.counter);
                model.markers.push(marker.clone());
                let draft = GrievanceDraft {
                    category_id: "wages".into(),
                    text: format!("{marker} named from the state machine"),
                    anonymous: false,
                    routes: vec![GrievanceRoute::IndependentHotline],
                    callback: None,
                    attachments: vec![],
                };
                match model.current {
                    Some(_) => drop(tablet.app.submit_grievance(draft).expect("named submit in a session")),
                    None => assert_eq!(tablet.app.submit_grievance(draft).unwrap_err().code(), ErrorCode::NotLoggedIn),
                }
            }
            Op::Sync => {
                let report = tablet.app.sync_now(false).await.expect("sync");
                assert_eq!(report.offline, !model.online);
                if model.online {
                    assert_eq!((report.sign_ins_confirmed, report.sign_ins_rejected), model.pending, "{report:?}");
                    model.pending = (0, 0);
                    for offline in &mut model.offline_drafts {
                        if offline.state == OfflineState::Held {
                            offline.state =
                                if offline.right_pin { OfflineState::Released } else { OfflineState::Dropped };
                        }
                    }
                    match model.current {
                        // A rejected sign-in ends the session still open.
                        Some(Signed::Provisional { right_pin: false, .. }) => model.end_session(),
                        Some(Signed::Online(worker)) => model.import_for(worker),
                        _ => {}
                    }
                }
            }
        }
        assert_isolation(&tablet, &model);
        // Checked after every step, hence after every session's end (by
        // time-out, lock, crash, rejection or the next worker's sign-in).
        assert_no_marker_on_disk(root.path(), &model);
    }
    tablet.app.lock();
    assert_no_marker_on_disk(root.path(), &model);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_operation_in_one_workers_session_returns_another_workers_data(ops in prop::collection::vec(op(), 15..40)) {
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
        runtime.block_on(run(ops));
    }
}
