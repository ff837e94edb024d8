//! A randomised state-machine test of a shared tablet: many workers, random
//! sequences of sign-in (right and wrong PIN), notes, drafts, idle time-out,
//! lock, crash (the app dropped and reopened), network loss, anonymous
//! submissions and syncs, against a real hub.
//!
//! Invariants after every step:
//! - an operation in one worker's session returns that worker's data only;
//! - with no session, nothing of anyone is returned;
//! - after a session ends, no marker of any worker is in any file of the
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
        1 => Just(Op::Sync),
    ]
}

struct Model {
    current: Option<usize>,
    notes: Vec<BTreeSet<String>>,
    drafts: Vec<Option<String>>,
    wrong_in_a_row: Vec<u32>,
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
        Some(worker) => {
            assert_eq!(tablet.app.current_worker().map(|p| p.worker_number), Some(number(worker)));
            let notes: BTreeSet<String> =
                tablet.app.list_notes(1000, 0).expect("notes").into_iter().map(|n| n.text).collect();
            assert_eq!(notes, model.notes[worker], "worker {worker} sees exactly their notes");
            let draft =
                tablet.app.load_draft("report".into()).expect("draft").map(|d| String::from_utf8(d).expect("utf-8"));
            assert_eq!(draft, model.drafts[worker], "worker {worker} sees exactly their draft");
        }
        None => {
            assert!(tablet.app.current_worker().is_none());
            assert_eq!(tablet.app.list_notes(10, 0).unwrap_err().code(), ErrorCode::NotLoggedIn);
            assert_eq!(tablet.app.load_draft("report".into()).unwrap_err().code(), ErrorCode::NotLoggedIn);
        }
    }
}

fn assert_no_marker_on_disk(device_root: &std::path::Path, model: &Model) {
    for marker in model.notes.iter().flatten().chain(model.drafts.iter().flatten()) {
        let found = files_containing(device_root, marker.as_bytes());
        assert!(found.is_empty(), "{marker} in {found:?}");
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
        wrong_in_a_row: vec![0; WORKERS],
        online: true,
        counter: 0,
    };
    for op in ops {
        let ended_a_session = model.current.is_some();
        match op {
            Op::SignIn(worker) => {
                let result = tablet.app.login(number(worker), PIN.into()).await;
                if model.online {
                    result.expect("sign-in");
                    model.current = Some(worker);
                    model.wrong_in_a_row[worker] = 0;
                } else {
                    assert_eq!(result.unwrap_err().code(), ErrorCode::NetworkUnavailable);
                    model.current = None;
                }
            }
            Op::WrongPin(worker) => {
                if model.wrong_in_a_row[worker] >= 8 {
                    continue; // stay clear of the hub's lock-out, tested elsewhere
                }
                assert!(tablet.app.login(number(worker), WRONG_PIN.into()).await.is_err());
                if model.online {
                    model.wrong_in_a_row[worker] += 1;
                }
                model.current = None;
            }
            Op::SaveNote => {
                model.counter += 1;
                let marker = format!("MARK-note-{}-{:06}", model.current.map_or(9, |w| w), model.counter);
                match model.current {
                    Some(worker) => {
                        tablet.app.save_note(marker.clone()).expect("note");
                        model.notes[worker].insert(marker);
                    }
                    None => assert_eq!(tablet.app.save_note(marker).unwrap_err().code(), ErrorCode::NotLoggedIn),
                }
            }
            Op::SaveDraft => {
                model.counter += 1;
                let marker = format!("MARK-draft-{}-{:06}", model.current.map_or(9, |w| w), model.counter);
                match model.current {
                    Some(worker) => {
                        tablet.app.save_draft("report".into(), marker.clone().into_bytes()).expect("draft");
                        model.drafts[worker] = Some(marker);
                    }
                    None => assert!(tablet.app.save_draft("report".into(), marker.into_bytes()).is_err()),
                }
            }
            Op::IdleTimeout => {
                tablet.clock.advance_millis(100_000);
                assert_eq!(tablet.app.check_idle(), model.current.is_some());
                model.current = None;
            }
            Op::Lock => {
                tablet.app.lock();
                model.current = None;
            }
            Op::Crash => {
                drop(tablet);
                let app = open_app_pinned(&data_dir, &keys_dir, &hub.url(), &["en"], Some(&key));
                tablet = attach(app, model.online);
                model.current = None;
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
            Op::Sync => {
                let report = tablet.app.sync_now(false).await.expect("sync");
                assert_eq!(report.offline, !model.online);
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
