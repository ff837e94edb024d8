//! A demo programme to try the hub (and the apps) without any set-up: one
//! factory with self-registration, a small multilingual roster, one
//! enrolment code of each mode, one case handler per route (the factory's
//! committee, the independent hotline, the brand), a published recipient
//! directory, and a training module and a survey for every factory (in
//! English, Vietnamese and Simplified Chinese).
//!
//! Seeding is idempotent. When the demo factory already exists it is reused:
//! missing roster workers are added, and — because activation and enrolment
//! codes are shown once and stored only as hashes — every demo worker who
//! has not set a PIN yet gets a fresh activation code (the old one stops
//! working), and fresh enrolment codes are issued. Workers who already set a
//! PIN keep it and get no code. The demo readers are found again by name;
//! their passwords are derived from the hub secret, so a re-run prints the
//! same ones without the hub ever storing them. Their keys were made by the
//! demo playing each reader's client (`wv_reader`), as `wv-handler accept`
//! does for a real reader: the hub keeps only the public key and the private
//! key wrapped under the password. Every run publishes a new
//! directory version.
//!
//! The hub does not hold the programme key. The demo stands in for the
//! programme's key holder: with a [`crate::DemoKeyHolder`] configured (the
//! `--demo` default is `<data-dir>/../demo-keyholder/`, a folder of its own)
//! it signs the directory and packs it proposes with that key, through the
//! same code `wv-keyholder` uses, and says so in its printout. A real
//! programme signs with `wv-keyholder` on the key holder's machine.

use anyhow::Context;
use serde::Serialize;
use workervoice_protocol::admin::{
    ActivationCode, CreateFactoryRequest, IssueCodesRequest, IssuedCode, PublishDirectoryRequest, RosterEntry,
    RosterImport,
};
use workervoice_protocol::directory::Route;
use workervoice_protocol::enrol::DeviceMode;
use workervoice_protocol::handler::ReaderInvitationRequest;
use workervoice_protocol::staff::{CreateBrandRequest, LinkFactoryRequest};
use wv_reader::account::Enrolment;

use crate::admin::{factories, roster};
use crate::case_handlers::accounts;
use crate::directory;
use crate::server::RunningHub;
use crate::staff::audit::ActorId;
use crate::staff::brands;
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
    /// The programme id written into directories.
    pub programme_id: String,
    /// The programme's Ed25519 public key (base64, 32 raw bytes): what an
    /// app pins to verify directories.
    pub programme_public_key: String,
    /// The directory version this run published.
    pub directory_version: u64,
    /// The folder of the key holder's key the demo signs with (never the
    /// hub's data directory); `None` when no demo key holder is configured,
    /// and then what the demo proposed waits for `wv-keyholder sign`.
    pub key_holder_dir: Option<String>,
    /// One handler per route, with their passwords.
    pub handlers: Vec<DemoHandler>,
    /// Content published for every factory: (kind, id, version).
    pub content: Vec<(String, String, u64)>,
}

/// A demo case handler.
#[derive(Debug, Clone, Serialize)]
pub struct DemoHandler {
    /// Handler id (to log in with).
    pub handler_id: String,
    /// Name.
    pub name: String,
    /// The route it handles.
    pub route: Route,
    /// For the committee: the demo factory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub factory_id: Option<String>,
    /// The password (demo only: derived from the hub secret, never stored).
    pub password: String,
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
        department: None,
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
                CreateFactoryRequest {
                    name: DEMO_FACTORY_NAME.to_owned(),
                    self_registration: true,
                    kiosk_idle_timeout_secs: None,
                },
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
    let handlers = ensure_demo_handlers(state, &factory.id).await?;
    directory::propose(state, PublishDirectoryRequest::default(), "demo").await?;
    let content = publish_demo_content(state)?;
    if state.demo_signer.is_some() {
        crate::proposals::sign_all_pending(state).await?;
    }
    let directory_version = directory::current_version(state).await?;
    let programme = directory::programme_info(state);
    Ok(DemoSeed {
        factory_id: factory.id,
        factory_name: factory.name,
        join_code,
        personal_code,
        shared_code,
        roster: demo_roster,
        activation_codes,
        created,
        programme_id: programme.programme_id,
        programme_public_key: workervoice_protocol::b64::encode(&programme.public_key),
        directory_version,
        key_holder_dir: state.demo_signer.as_ref().map(|signer| signer.dir.display().to_string()),
        handlers,
        content,
    })
}

/// The demo training module and survey, written under the data directory
/// and proposed for every factory (again on a re-run: unchanged, they keep
/// their version and need no signature).
fn publish_demo_content(state: &AppState) -> anyhow::Result<Vec<(String, String, u64)>> {
    let packs = [("workers-rights", demo_training_pack()), ("wellbeing-checkin", demo_survey_pack())];
    let mut published = Vec::with_capacity(packs.len());
    for (id, pack) in packs {
        let folder = state.data_dir.join("demo-content").join(id);
        std::fs::create_dir_all(&folder).with_context(|| format!("creating {}", folder.display()))?;
        std::fs::write(folder.join("pack.json"), serde_json::to_vec_pretty(&pack)?)?;
        let done = crate::content::publish::publish_pack(
            &state.data_dir,
            &folder,
            &crate::content::publish::PackAssignment::AllFactories,
        )?;
        published.push((done.kind.as_str().to_owned(), done.id, done.version));
    }
    Ok(published)
}

fn demo_training_pack() -> serde_json::Value {
    serde_json::json!({
        "kind": "training_module", "id": "workers-rights", "languages": ["en", "vi", "zh-CN"],
        "titles": {"en": "Your rights at work", "vi": "Quyền của bạn tại nơi làm việc", "zh-CN": "你的工作权利"},
        "document": {
            "lessons": [
                {"id": "overtime", "title": {"en": "Overtime", "vi": "Tăng ca", "zh-CN": "加班"},
                 "text": {"en": "Overtime is voluntary and paid at a higher rate.",
                          "vi": "Tăng ca là tự nguyện và được trả lương cao hơn.",
                          "zh-CN": "加班是自愿的，并按更高的工资支付。"}},
                {"id": "speak-up", "title": {"en": "Speaking up", "vi": "Lên tiếng", "zh-CN": "说出来"},
                 "text": {"en": "You can report a problem without giving your name.",
                          "vi": "Bạn có thể báo cáo vấn đề mà không cần nêu tên.",
                          "zh-CN": "你可以不留姓名地报告问题。"}}
            ],
            "quiz": {"pass_mark_percent": 50, "questions": [
                {"id": "voluntary", "prompt": {"en": "Overtime must be voluntary.", "vi": "Tăng ca phải là tự nguyện.",
                                              "zh-CN": "加班必须是自愿的。"},
                 "answer": {"type": "true_false", "correct": true}},
                {"id": "anonymous", "prompt": {"en": "Can you report without your name?",
                                               "vi": "Bạn có thể báo cáo mà không nêu tên không?",
                                               "zh-CN": "你可以匿名报告吗？"},
                 "answer": {"type": "single_choice", "correct": "yes",
                            "options": [{"id": "yes", "text": {"en": "Yes", "vi": "Có", "zh-CN": "可以"}},
                                        {"id": "no", "text": {"en": "No", "vi": "Không", "zh-CN": "不可以"}}]}}
            ]},
            "badges": [{"id": "rights-aware", "title": {"en": "Knows their rights", "vi": "Hiểu quyền lợi",
                                                       "zh-CN": "了解权利"}, "rule": {"type": "module_passed"}}]
        }
    })
}

fn demo_survey_pack() -> serde_json::Value {
    let texts = |en: &str, vi: &str, zh: &str| serde_json::json!({"en": en, "vi": vi, "zh-CN": zh});
    serde_json::json!({
        "kind": "survey", "id": "wellbeing-checkin", "languages": ["en", "vi", "zh-CN"],
        "titles": texts("Check-in", "Hỏi thăm", "近况调查"),
        "document": {
            "languages": ["en", "vi", "zh-CN"],
            "title": texts("Check-in", "Hỏi thăm", "近况调查"),
            "questions": [
                {"id": "interviewed", "type": "yes_no", "required": true,
                 "label": texts("Did an auditor talk to you?", "Kiểm toán viên có nói chuyện với bạn không?",
                                "审核员和你谈过话吗？")},
                {"id": "punished", "type": "yes_no", "required": true,
                 "show_if": {"equals": {"question": "interviewed", "value": true}},
                 "label": texts("Were you treated worse after it?", "Sau đó bạn có bị đối xử tệ hơn không?",
                                "之后你受到更差的对待了吗？")},
                {"id": "safe", "type": "rating", "min": 1, "max": 5, "required": true,
                 "label": texts("How safe do you feel at work?", "Bạn cảm thấy an toàn thế nào ở nơi làm việc?",
                                "你在工作中感觉有多安全？")}
            ]
        }
    })
}

/// The demo brand's name (how a re-run finds it).
pub const DEMO_BRAND_NAME: &str = "Demo Brand";

/// The demo brand, supplied by the demo factory: created when missing.
async fn ensure_demo_brand(state: &AppState, factory_id: &str) -> anyhow::Result<String> {
    let found = brands::brands(state).await?.into_iter().find(|brand| brand.name == DEMO_BRAND_NAME);
    let brand = match found {
        Some(brand) => brand,
        None => {
            brands::create_brand(state, ActorId::Hub, CreateBrandRequest { name: DEMO_BRAND_NAME.to_owned() }).await?
        }
    };
    brands::link_factory(
        state,
        ActorId::Hub,
        brand.id.clone(),
        LinkFactoryRequest { factory_id: factory_id.to_owned() },
    )
    .await?;
    Ok(brand.id)
}

/// The demo readers: invited and accepted when missing, found again by name
/// otherwise. Accepting is what a reader's client does (`wv_reader`: the key
/// pair made and wrapped under the password outside the hub's code paths,
/// only the public parts handed to the hub); the demo plays that client so a
/// newcomer has readers at once, and prints their passwords. A real reader
/// accepts their own invitation with `wv-handler accept`.
async fn ensure_demo_handlers(state: &AppState, factory_id: &str) -> anyhow::Result<Vec<DemoHandler>> {
    let brand_id = ensure_demo_brand(state, factory_id).await?;
    let wanted = [
        ("Demo factory committee", Route::FactoryCommittee, Some(factory_id.to_owned()), None, false),
        ("Demo independent hotline", Route::IndependentHotline, None, None, false),
        ("Demo brand", Route::Brand, None, Some(brand_id), false),
        ("Demo survey analyst", Route::IndependentHotline, None, None, true),
    ];
    let existing = accounts::handlers(state).await?;
    let mut demo = Vec::with_capacity(wanted.len());
    for (name, route, factory_id, brand_id, analyst) in wanted {
        let which = format!("{}\n{}", route.as_str(), factory_id.as_deref().unwrap_or(""));
        let password = state.keys.derive_demo_password(if analyst { "analyst" } else { &which });
        let found = existing
            .iter()
            .find(|handler| handler.name == name && handler.analyst == analyst && handler.factory_id == factory_id);
        let handler_id = match found {
            Some(handler) => handler.handler_id.clone(),
            None => {
                let request = ReaderInvitationRequest {
                    name: name.to_owned(),
                    route,
                    factory_id: factory_id.clone(),
                    brand_id,
                    analyst,
                };
                let invitation = accounts::invite(state, ActorId::Hub, request).await?;
                let (id, token, chosen) = (invitation.handler_id, invitation.invitation_token, password.clone());
                let enrolment = tokio::task::spawn_blocking(move || Enrolment::new(&id, &token, &chosen))
                    .await
                    .context("the demo reader's key task failed")?
                    .map_err(|error| anyhow::anyhow!("making a demo reader's key: {error}"))?;
                accounts::accept(state, enrolment.request).await?.handler_id
            }
        };
        demo.push(DemoHandler { handler_id, name: name.to_owned(), route, factory_id, password });
    }
    Ok(demo)
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
