//! A demo programme to try the hub (and the apps) without any set-up: one
//! factory with self-registration, a small multilingual roster, and one
//! enrolment code of each mode.
//!
//! Seeding is idempotent. When the demo factory already exists it is reused:
//! missing roster workers are added, and — because activation and enrolment
//! codes are shown once and stored only as hashes — every demo worker who
//! has not set a PIN yet gets a fresh activation code (the old one stops
//! working), and fresh enrolment codes are issued. Workers who already set a
//! PIN keep it and get no code.

use anyhow::Context;
use serde::Serialize;
use workervoice_protocol::admin::{
    ActivationCode, CreateFactoryRequest, IssueCodesRequest, IssuedCode, RosterEntry, RosterImport,
};
use workervoice_protocol::enrol::DeviceMode;

use crate::admin::{factories, roster};
use crate::server::RunningHub;
use crate::state::AppState;

/// The demo factory's name (how a re-run finds it).
pub const DEMO_FACTORY_NAME: &str = "Demo Garment Factory";

/// Days the demo enrolment codes stay valid.
const DEMO_CODE_VALID_DAYS: u32 = 30;

/// What [`seed_demo`] set up: everything needed to enrol a device and log a
/// worker in.
#[derive(Debug, Clone, Serialize)]
pub struct DemoSeed {
    /// The demo factory's id.
    pub factory_id: String,
    /// Its name, [`DEMO_FACTORY_NAME`].
    pub factory_name: String,
    /// The join code for self-registration (on for the demo factory).
    pub join_code: String,
    /// A one-time code that enrols a personal phone.
    pub personal_code: IssuedCode,
    /// A one-time code that enrols a shared (kiosk) tablet.
    pub shared_code: IssuedCode,
    /// The demo roster.
    pub roster: Vec<RosterEntry>,
    /// Activation codes of the roster workers who have not set a PIN yet,
    /// by worker number. On a re-run, workers who already set a PIN have none.
    pub activation_codes: Vec<ActivationCode>,
    /// Whether this call created the factory (false: it already existed).
    pub created: bool,
}

/// One demo worker, for display.
#[derive(Debug, Clone, Serialize)]
pub struct DemoWorker {
    /// Worker number on the card.
    pub worker_number: String,
    /// Name.
    pub display_name: String,
    /// Preferred language.
    pub language: String,
    /// The activation code, when the worker has not set a PIN yet.
    pub activation_code: Option<String>,
}

impl DemoSeed {
    /// The roster joined with the activation codes, in roster order.
    pub fn workers(&self) -> Vec<DemoWorker> {
        self.roster
            .iter()
            .map(|entry| DemoWorker {
                worker_number: entry.worker_number.clone(),
                display_name: entry.display_name.clone(),
                language: entry.language.clone(),
                activation_code: self.activation_code(&entry.worker_number).map(str::to_owned),
            })
            .collect()
    }

    /// The activation code of a demo worker, if they have one.
    pub fn activation_code(&self, worker_number: &str) -> Option<&str> {
        self.activation_codes
            .iter()
            .find(|code| code.worker_number == worker_number)
            .map(|code| code.activation_code.as_str())
    }
}

/// The demo roster: six workers, in English, Simplified Chinese and Vietnamese.
pub(crate) fn demo_roster() -> Vec<RosterEntry> {
    [
        ("1001", "Nguyễn Thị Lan", "vi"),
        ("1002", "Trần Văn Minh", "vi"),
        ("1003", "李伟", "zh-CN"),
        ("1004", "王芳", "zh-CN"),
        ("1005", "Amina Rahman", "en"),
        ("1006", "Grace Mensah", "en"),
    ]
    .into_iter()
    .map(|(number, name, language)| RosterEntry {
        worker_number: number.to_owned(),
        display_name: name.to_owned(),
        language: language.to_owned(),
    })
    .collect()
}

/// Seeds (or re-seeds, see the module doc) the demo programme into a
/// running hub.
pub async fn seed_demo(hub: &RunningHub) -> anyhow::Result<DemoSeed> {
    seed(hub.state()).await
}

async fn seed(state: &AppState) -> anyhow::Result<DemoSeed> {
    let existing = factories::factories(state)
        .await?
        .into_iter()
        .find(|factory| factory.name == DEMO_FACTORY_NAME && factory.join_code.is_some());
    let created = existing.is_none();
    let factory = match existing {
        Some(factory) => factory,
        None => {
            factories::create_factory(
                state,
                CreateFactoryRequest { name: DEMO_FACTORY_NAME.to_owned(), self_registration: true },
            )
            .await?
        }
    };
    let join_code = factory.join_code.clone().context("the demo factory has no join code")?;

    let demo_roster = demo_roster();
    let imported =
        roster::import_roster(state, factory.id.clone(), RosterImport { workers: demo_roster.clone() }).await?;
    let mut activation_codes = imported.activation_codes;
    if !created {
        let waiting = roster::workers(state, factory.id.clone()).await?.into_iter().filter(|worker| {
            !worker.activated
                && demo_roster.iter().any(|entry| entry.worker_number == worker.worker_number)
                && !activation_codes.iter().any(|code| code.worker_number == worker.worker_number)
        });
        for worker in waiting.collect::<Vec<_>>() {
            let reset = roster::reset_worker(state, factory.id.clone(), worker.worker_number).await?;
            activation_codes.push(reset.activation);
        }
    }
    activation_codes.sort_by(|a, b| a.worker_number.cmp(&b.worker_number));

    let personal_code = issue_one(state, &factory.id, DeviceMode::Personal).await?;
    let shared_code = issue_one(state, &factory.id, DeviceMode::Shared).await?;
    Ok(DemoSeed {
        factory_id: factory.id,
        factory_name: factory.name,
        join_code,
        personal_code,
        shared_code,
        roster: demo_roster,
        activation_codes,
        created,
    })
}

async fn issue_one(state: &AppState, factory_id: &str, mode: DeviceMode) -> anyhow::Result<IssuedCode> {
    let request = IssueCodesRequest { mode, count: 1, valid_days: DEMO_CODE_VALID_DAYS };
    factories::issue_codes(state, factory_id.to_owned(), request)
        .await?
        .codes
        .into_iter()
        .next()
        .context("no enrolment code was issued")
}
