//! A randomised state-machine test of a shared tablet: many workers, random
//! sequences of sign-in (right and wrong PIN, online and offline), notes,
//! drafts, idle time-out, lock, crash (the app dropped and reopened), network
//! loss, anonymous and named submissions and syncs, against a real hub.
//!
//! Invariants after every step:
//! - an operation in one worker's session returns that worker's data only;
//!   a session signed in offline (provisional) opens nothing stored and sees
//!   only the draft it wrote itself;
//! - with no session, nothing of anyone is returned;
//! - at each sync the hub confirms exactly the offline sign-ins made with the
//!   right PIN and rejects the others (a wrong PIN passes the tablet's 8-bit
//!   check for about 1 worker in 256);
//! - after a session ends, no marker ever written is in any file of the
//!   device (database, WAL, key store, anything).

use std::collections::BTreeSet;
use std::sync::Arc;

use proptest::prelude::*;
use workervoice::{DeviceMode, ErrorCode, GrievanceDraft, GrievanceRoute, WorkerVoiceApp};
use workervoice_core::ManualClock;
use workervoice_e2e::{NetworkSwitch, PIN, TestDevice, TestHub, WRONG_PIN, files_containing, open_app_pinned};

const WORKERS: usize = 3;

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
    /// Signed in offline; `right_pin` says what the hub will decide.
    Provisional { worker: usize, right_pin: bool },
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
    /// The draft of the open provisional session (in memory only).
    provisional_draft: Option<String>,
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

fn assert_isolation(tablet: &Tablet, model: &Model) {
    match model.current {
        Some(Signed::Online(worker)) => {
            assert_eq!(tablet.app.current_worker().map(|p| p.worker_number), Some(number(worker)));
            assert!(!tablet.app.session_is_provisional());
            let notes: BTreeSet<String> =
                tablet.app.list_notes(1000, 0).expect("notes").into_iter().map(|n| n.text).collect();
            assert_eq!(notes, model.notes[worker], "worker {worker} sees exactly their notes");
            let draft =
                tablet.app.load_draft("report".into()).expect("draft").map(|d| String::from_utf8(d).expect("utf-8"));
            assert_eq!(draft, model.drafts[worker], "worker {worker} sees exactly their draft");
        }
        Some(Signed::Provisional { worker, .. }) => {
            assert_eq!(tablet.app.current_worker().map(|p| p.worker_number), Some(number(worker)));
            assert!(tablet.app.session_is_provisional());
            assert_eq!(tablet.app.list_notes(10, 0).unwrap_err().code(), ErrorCode::NeedsHub);
            let draft =
                tablet.app.load_draft("report".into()).expect("draft").map(|d| String::from_utf8(d).expect("utf-8"));
            assert_eq!(draft, model.provisional_draft, "a provisional session sees only its own draft");
        }
        None => {
            assert!(tablet.app.current_worker().is_none());
            assert_eq!(tablet.app.list_notes(10, 0).unwrap_err().code(), ErrorCode::NotLoggedIn);
            assert_eq!(tablet.app.load_draft("report".into()).unwrap_err().code(), ErrorCode::NotLoggedIn);
        }
    }
}

fn assert_no_marker_on_disk(device_root: &std::path::Path, model: &Model) {
    for marker in &model.markers {
        let found = files_containing(device_root, marker.as_bytes());
        assert!(found.is_empty(), "{marker} in {found:?}");
    }
}

impl Model {
    fn end_session(&mut self) {
        self.current = None;
        self.provisional_draft = None;
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
                self.current = Some(Signed::Provisional { worker, right_pin });
                if right_pin {
                    self.pending.0 += 1;
                } else {
                    self.pending.1 += 1;
                }
            }
            Err(error) if self.offline_off[worker] => {
                assert_eq!(error.code(), ErrorCode::OfflineUnlockUnavailable);
            }
            Err(error) => {
                assert!(!right_pin, "the right PIN passes the check: {error:?}");
                assert_eq!(error.code(), ErrorCode::WrongPin);
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
        let code = hub.worker(&factory, &number(worker), &format!("Worker {worker}"), "en").await;
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
        provisional_draft: None,
        wrong_in_a_row: vec![0; WORKERS],
        offline_failures: vec![0; WORKERS],
        offline_off: vec![false; WORKERS],
        pending: (0, 0),
        markers: Vec::new(),
        online: true,
        counter: 0,
    };
    for op in ops {
        let ended_a_session = model.current.is_some();
        match op {
            Op::SignIn(worker) => {
                let result = tablet.app.login(number(worker), PIN.into()).await;
                model.end_session();
                if model.online {
                    result.expect("sign-in");
                    model.current = Some(Signed::Online(worker));
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
                    Some(Signed::Provisional { .. }) => {
                        tablet.app.save_draft("report".into(), marker.clone().into_bytes()).expect("draft");
                        model.provisional_draft = Some(marker);
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
                let draft = GrievanceDraft {
                    category_id: "wages".into(),
                    text: "anonymous from the state machine".into(),
                    anonymous: true,
                    routes: vec![GrievanceRoute::IndependentHotline],
                    callback: None,
                    attachments: vec![],
                };
                tablet.app.submit_grievance(draft).expect("anonymous submit works in any state");
            }
            Op::SubmitNamed => {
                let draft = GrievanceDraft {
                    category_id: "wages".into(),
                    text: "named from the state machine".into(),
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
                    if let Some(Signed::Provisional { right_pin: false, .. }) = model.current {
                        model.end_session(); // a rejected sign-in ends the session still open
                    }
                }
            }
        }
        assert_isolation(&tablet, &model);
        if ended_a_session && model.current.is_none() {
            assert_no_marker_on_disk(root.path(), &model);
        }
    }
    tablet.app.lock();
    assert_no_marker_on_disk(root.path(), &model);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_operation_in_one_workers_session_returns_another_workers_data(ops in prop::collection::vec(op(), 15..40)) {
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
        runtime.block_on(run(ops));
    }
}
