//! `wv-device`: a Worker Voice device on the command line.
//!
//! It drives the core through `WorkerVoiceApp`, the same API the Android and
//! iOS apps use, with a file-based key store standing in for the phone's
//! hardware key store. People use it to try the system without a phone;
//! tests use it to run a device as a separate process (and kill it).
//!
//! PINs and codes that are secrets are never command-line arguments (other
//! users can read those in the process list): they are read from standard
//! input, one per line, in the order the command documents.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use serde_json::{Value, json};
use workervoice::{
    AppOptions, AttachmentDraft, AttachmentType, CallbackRequest, DeviceMode, GrievanceDraft, GrievanceRoute,
    WorkerVoiceApp, WorkerVoiceError, new_file_key_store,
};

/// A Worker Voice device on the command line.
#[derive(Parser)]
#[command(name = "wv-device", version)]
struct Cli {
    /// Directory of the device database.
    #[arg(long, env = "WV_DATA_DIR", default_value = "./device-data")]
    data_dir: PathBuf,
    /// Directory of the (file-based, desktop) key store. Default: DATA_DIR/keystore.
    #[arg(long, env = "WV_KEYSTORE_DIR")]
    keystore_dir: Option<PathBuf>,
    /// Hub URL for typed enrolment codes (a QR payload names its own hub).
    #[arg(long, env = "WV_HUB")]
    hub: Option<String>,
    /// Allow plain http:// to a loopback hub. For tests and local demos only.
    #[arg(long)]
    insecure_http_for_tests: bool,
    /// Device languages, most preferred first (e.g. `vi,en`).
    #[arg(long, env = "WV_LANG", value_delimiter = ',', default_value = "en")]
    lang: Vec<String>,
    /// The programme's public key (base64), pinned: directories must be signed by it.
    #[arg(long, env = "WV_PROGRAMME_KEY")]
    programme_key: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Enrol this device with a one-time code or a QR payload.
    Enrol {
        /// The code as printed, or the QR payload (`workervoice://enrol?...`).
        code_or_qr: String,
        /// Enrol as a shared (kiosk) device instead of a personal one.
        #[arg(long)]
        shared: bool,
    },
    /// First login with the activation code from the worker card.
    /// Reads from stdin: the activation code, then the new PIN.
    Activate {
        /// Worker number.
        worker: String,
    },
    /// Self-register (where the programme allows it). Reads the new PIN from stdin.
    Register {
        /// The factory's join code.
        join_code: String,
        /// Worker number.
        worker: String,
        /// Name.
        name: String,
        /// Preferred language (BCP 47).
        language: String,
    },
    /// Log in and out again (checks the PIN). Reads the PIN from stdin.
    Login {
        /// Worker number.
        worker: String,
        /// Unlock offline only (personal devices).
        #[arg(long)]
        offline: bool,
    },
    /// Change the PIN. Reads the current PIN, then the new PIN, from stdin.
    ChangePin {
        /// Worker number.
        worker: String,
    },
    /// Worker-private notes. Each reads the PIN from stdin.
    #[command(subcommand)]
    Note(NoteCommand),
    /// Show the device's status and outbox counts.
    Status,
    /// Report a grievance (works offline; queued for the next sync). Reads,
    /// from stdin: the PIN (named reports only), then the text.
    Report {
        /// Category id from the directory (`categories` lists them).
        #[arg(long)]
        category: String,
        /// Allowed routes in order: factory_committee, independent_hotline, brand.
        #[arg(long = "route", required = true)]
        routes: Vec<String>,
        /// Report anonymously (no login, no name inside the report).
        #[arg(long)]
        anonymous: bool,
        /// Worker number, for a named report.
        #[arg(long)]
        worker: Option<String>,
        /// Queue the same report this many times, printing each receipt as
        /// soon as its submit call returned (load tests, crash tests).
        #[arg(long, default_value_t = 1)]
        repeat: u32,
        /// Attach a file: `photo:<mime>:<path>` or `voice:<mime>:<path>` (repeatable).
        #[arg(long = "attach")]
        attachments: Vec<String>,
        /// Ask to be called back on this phone number (with `--callback-time`).
        #[arg(long)]
        callback_phone: Option<String>,
        /// When to call back, in the worker's words.
        #[arg(long, default_value = "")]
        callback_time: String,
        /// The language to call back in (BCP 47).
        #[arg(long, default_value = "en")]
        callback_language: String,
    },
    /// Sync with the hub. With `--worker` (stdin: PIN), also pull that worker's case updates.
    Sync {
        /// Ignore retry delays.
        #[arg(long)]
        force: bool,
        /// Worker whose cases to pull.
        #[arg(long)]
        worker: Option<String>,
    },
    /// List grievance categories.
    Categories,
    /// The worker's cases on this personal device (stdin: PIN).
    Cases {
        /// Worker number.
        worker: String,
    },
    /// Follow a case up with its receipt (stdin: the receipt secret).
    FollowUp {
        /// The public case id.
        case_id: String,
    },
    /// Reply to a case with its receipt (stdin: the receipt secret, then the text).
    Reply {
        /// The public case id.
        case_id: String,
    },
    /// Training modules (and later surveys) signed by the programme.
    #[command(subcommand)]
    Content(ContentCommand),
}

#[derive(Subcommand)]
enum ContentCommand {
    /// Fetch the factory's catalog and download what is new (resumes cut downloads).
    Sync,
    /// List the catalog held on this device.
    List,
    /// Download one training module now, evicting old media if the budget needs it.
    Download {
        /// The module's id.
        id: String,
    },
    /// Open a training module (verified again) and show its outline and media files.
    Show {
        /// The module's id.
        id: String,
    },
}

#[derive(Subcommand)]
enum NoteCommand {
    /// Save a note (its text from the argument, or from stdin after the PIN with `-`).
    Add {
        /// Worker number.
        worker: String,
        /// The text, or `-` to read it from stdin after the PIN.
        text: String,
    },
    /// List the worker's notes.
    List {
        /// Worker number.
        worker: String,
    },
}

struct Stdin(std::io::Lines<std::io::StdinLock<'static>>);

impl Stdin {
    fn line(&mut self) -> Result<String, WorkerVoiceError> {
        match self.0.next() {
            Some(Ok(line)) => Ok(line.trim_end_matches(['\r', '\n']).to_owned()),
            _ => Err(WorkerVoiceError::Input {
                code: workervoice::ErrorCode::InvalidInput,
                localized: "expected another line on standard input".into(),
            }),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli) {
        Ok(value) => {
            if json {
                println!("{value}");
            } else {
                print_text(&value);
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            let body = json!({ "error": { "code": error.code_str(), "message": error.localized() } });
            if json {
                println!("{body}");
            } else {
                eprintln!("{} ({})", error.localized(), error.code_str());
            }
            ExitCode::from(2)
        }
    }
}

trait CodeStr {
    fn code_str(&self) -> &'static str;
}

impl CodeStr for WorkerVoiceError {
    fn code_str(&self) -> &'static str {
        self.code().as_str()
    }
}

fn print_text(value: &Value) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match value {
                    Value::String(text) => println!("{key}: {text}"),
                    other => println!("{key}: {other}"),
                }
            }
        }
        other => println!("{other}"),
    }
}

fn run(cli: Cli) -> Result<Value, WorkerVoiceError> {
    let keystore_dir = cli.keystore_dir.clone().unwrap_or_else(|| cli.data_dir.join("keystore"));
    let key_store = new_file_key_store(keystore_dir.to_string_lossy().into_owned()).map_err(|error| {
        WorkerVoiceError::Platform { code: workervoice::ErrorCode::KeyStoreUnavailable, localized: error.to_string() }
    })?;
    let app = WorkerVoiceApp::open(
        AppOptions {
            data_dir: cli.data_dir.to_string_lossy().into_owned(),
            default_hub_url: cli.hub.clone(),
            languages: cli.lang.clone(),
            allow_insecure_http_for_tests: cli.insecure_http_for_tests,
            extra_root_certs_pem: Vec::new(),
            request_timeout_secs: 0,
            programme_public_key: cli.programme_key.clone(),
        },
        key_store,
    )?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|_| {
        WorkerVoiceError::Internal { code: workervoice::ErrorCode::Internal, localized: "no runtime".into() }
    })?;
    let mut stdin = Stdin(std::io::stdin().lock().lines());
    let result = runtime.block_on(execute(&app, cli.command, &mut stdin));
    app.lock();
    result
}

/// `photo:<mime>:<path>` or `voice:<mime>:<path>`: the file is read now, as an app reads what the camera gave it.
fn parse_attachment(spec: &str) -> Result<AttachmentDraft, WorkerVoiceError> {
    let invalid =
        |what: String| WorkerVoiceError::Input { code: workervoice::ErrorCode::InvalidInput, localized: what };
    let mut parts = spec.splitn(3, ':');
    let (Some(kind), Some(mime), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(invalid(format!("--attach wants kind:mime:path, not {spec:?}")));
    };
    let kind = match kind {
        "photo" => AttachmentType::Photo,
        "voice" => AttachmentType::Voice,
        _ => return Err(invalid(format!("unknown attachment kind {kind:?} (photo or voice)"))),
    };
    let bytes = std::fs::read(path).map_err(|error| invalid(format!("cannot read {path:?}: {error}")))?;
    Ok(AttachmentDraft { kind, mime: mime.to_owned(), bytes })
}

fn parse_route(text: &str) -> Result<GrievanceRoute, WorkerVoiceError> {
    match text {
        "factory_committee" => Ok(GrievanceRoute::FactoryCommittee),
        "independent_hotline" => Ok(GrievanceRoute::IndependentHotline),
        "brand" => Ok(GrievanceRoute::Brand),
        _ => Err(WorkerVoiceError::Input {
            code: workervoice::ErrorCode::InvalidInput,
            localized: format!("unknown route {text:?}"),
        }),
    }
}

fn thread_json(thread: &workervoice::CaseThread) -> Value {
    json!({
        "case_id": thread.case_id,
        "state": format!("{:?}", thread.state),
        "messages": thread.messages.iter().map(|m| json!({
            "seq": m.seq,
            "at": m.at,
            "status": m.status.map(|s| format!("{s:?}")),
            "author": m.author.map(|a| format!("{a:?}")),
            "text": m.text,
        })).collect::<Vec<_>>(),
    })
}

fn profile_json(profile: &workervoice::WorkerProfile) -> Value {
    json!({
        "worker_id": profile.worker_id,
        "worker_number": profile.worker_number,
        "display_name": profile.display_name,
        "language": profile.language,
    })
}

async fn login(
    app: &Arc<WorkerVoiceApp>,
    worker: &str,
    stdin: &mut Stdin,
) -> Result<workervoice::WorkerProfile, WorkerVoiceError> {
    let pin = stdin.line()?;
    app.login(worker.to_owned(), pin).await
}

async fn execute(app: &Arc<WorkerVoiceApp>, command: Command, stdin: &mut Stdin) -> Result<Value, WorkerVoiceError> {
    match command {
        Command::Enrol { code_or_qr, shared } => {
            let mode = if shared { DeviceMode::Shared } else { DeviceMode::Personal };
            let status = app.enrol(code_or_qr, mode).await?;
            Ok(json!({
                "enrolled": status.enrolled,
                "device_id": status.device_id,
                "factory": status.factory_name,
                "mode": if shared { "shared" } else { "personal" },
            }))
        }
        Command::Activate { worker } => {
            let code = stdin.line()?;
            let pin = stdin.line()?;
            Ok(profile_json(&app.activate(worker, code, pin).await?))
        }
        Command::Register { join_code, worker, name, language } => {
            let pin = stdin.line()?;
            Ok(profile_json(&app.register(join_code, worker, name, language, pin).await?))
        }
        Command::Login { worker, offline } => {
            let profile = if offline {
                let pin = stdin.line()?;
                app.unlock_offline(worker, pin)?
            } else {
                login(app, &worker, stdin).await?
            };
            Ok(profile_json(&profile))
        }
        Command::ChangePin { worker } => {
            login(app, &worker, stdin).await?;
            // The current PIN is asked again, as the apps do, so a session left
            // open cannot be used to change the PIN.
            let old = stdin.line()?;
            let new = stdin.line()?;
            app.change_pin(old, new).await?;
            Ok(json!({ "pin_changed": true }))
        }
        Command::Note(NoteCommand::Add { worker, text }) => {
            login(app, &worker, stdin).await?;
            let text = if text == "-" { stdin.line()? } else { text };
            Ok(json!({ "note_id": app.save_note(text)? }))
        }
        Command::Note(NoteCommand::List { worker }) => {
            login(app, &worker, stdin).await?;
            let notes = app.list_notes(1000, 0)?;
            Ok(json!({
                "notes": notes.iter().map(|n| json!({"id": n.id, "created_at_ms": n.created_at_ms, "text": n.text})).collect::<Vec<_>>()
            }))
        }
        Command::Report {
            category,
            routes,
            anonymous,
            worker,
            repeat,
            attachments,
            callback_phone,
            callback_time,
            callback_language,
        } => {
            if let Some(worker) = worker.as_deref() {
                login(app, worker, stdin).await?;
            }
            let text = stdin.line()?;
            let routes = routes.iter().map(|r| parse_route(r)).collect::<Result<Vec<_>, _>>()?;
            let attachments = attachments.iter().map(|spec| parse_attachment(spec)).collect::<Result<Vec<_>, _>>()?;
            let callback = callback_phone.map(|phone| CallbackRequest {
                phone,
                preferred_time: callback_time,
                language: callback_language,
            });
            let draft = GrievanceDraft { category_id: category, text, anonymous, routes, callback, attachments };
            let mut last = json!({});
            for _ in 0..repeat {
                let outcome = app.submit_grievance(draft.clone())?;
                last = json!({
                    "client_id": outcome.client_id,
                    "case_id": outcome.receipt.case_id,
                    "receipt_secret": outcome.receipt.secret,
                    "kept_on_device": outcome.kept_on_device,
                });
                if repeat > 1 {
                    // One line per durable submit, flushed at once: a crash
                    // test counts exactly the submits that returned.
                    use std::io::Write;
                    let mut out = std::io::stdout().lock();
                    let _ = writeln!(out, "{last}");
                    let _ = out.flush();
                }
            }
            Ok(if repeat > 1 { json!({ "queued": repeat }) } else { last })
        }
        Command::Sync { force, worker } => {
            if let Some(worker) = worker.as_deref() {
                login(app, worker, stdin).await?;
            }
            let report = app.sync_now(force).await?;
            Ok(json!({
                "delivered": report.delivered,
                "pending": report.pending,
                "needs_attention": report.needs_attention,
                "case_events": report.case_events,
                "directory_version": report.directory_version,
                "directory_refused": report.directory_refused,
                "offline": report.offline,
            }))
        }
        Command::Categories => {
            let categories = app.categories()?;
            Ok(
                json!({ "categories": categories.iter().map(|c| json!({"id": c.id, "label": c.label})).collect::<Vec<_>>() }),
            )
        }
        Command::Cases { worker } => {
            login(app, &worker, stdin).await?;
            let cases = app.my_cases()?;
            Ok(json!({ "cases": cases.iter().map(|c| json!({
                "case_id": c.case_id,
                "state": format!("{:?}", c.state),
                "delivery": format!("{:?}", c.delivery),
                "category": c.category_id,
                "anonymous": c.anonymous,
                "text": c.text,
            })).collect::<Vec<_>>() }))
        }
        Command::FollowUp { case_id } => {
            let secret = stdin.line()?;
            Ok(thread_json(&app.follow_up(case_id, secret).await?))
        }
        Command::Reply { case_id } => {
            let secret = stdin.line()?;
            let text = stdin.line()?;
            app.reply_with_receipt(case_id, secret, text).await?;
            Ok(json!({ "replied": true }))
        }
        Command::Content(command) => content(app, command).await,
        Command::Status => {
            let status = app.status()?;
            let outbox = app.outbox_summary()?;
            Ok(json!({
                "enrolled": status.enrolled,
                "retired": status.retired,
                "device_id": status.device_id,
                "factory": status.factory_name,
                "mode": status.mode.map(|m| match m { DeviceMode::Personal => "personal", DeviceMode::Shared => "shared" }),
                "hub": status.hub_url,
                "storage_bytes": status.storage_bytes,
                "outbox": { "queued": outbox.queued, "sending": outbox.sending, "delivered": outbox.delivered, "needs_attention": outbox.needs_attention },
            }))
        }
    }
}

fn content_report_json(report: &workervoice::ContentSyncReport) -> Value {
    json!({
        "catalog_changed": report.catalog_changed,
        "items": report.items,
        "manifests_fetched": report.manifests_fetched,
        "blobs_downloaded": report.blobs_downloaded,
        "bytes_downloaded": report.bytes_downloaded,
        "refused": report.refused,
        "deferred_blobs": report.deferred_blobs,
        "offline": report.offline,
    })
}

async fn content(app: &Arc<WorkerVoiceApp>, command: ContentCommand) -> Result<Value, WorkerVoiceError> {
    match command {
        ContentCommand::Sync => Ok(content_report_json(&app.sync_content().await?)),
        ContentCommand::Download { id } => {
            Ok(content_report_json(&app.download_content("training_module".to_owned(), id).await?))
        }
        ContentCommand::List => {
            let entries = app.content_catalog()?;
            Ok(json!({ "content": entries.iter().map(|e| json!({
                "kind": e.kind,
                "id": e.id,
                "title": e.title,
                "version": e.version,
                "held_version": e.held_version,
                "total_bytes": e.total_bytes,
                "complete": e.complete,
            })).collect::<Vec<_>>(), "storage_bytes": app.content_storage_bytes()? }))
        }
        ContentCommand::Show { id } => {
            let module = app.load_training_module(id)?;
            let media_path = |sha256: &String| app.media_path(sha256.clone()).ok();
            Ok(json!({
                "id": module.id,
                "version": module.version,
                "languages": module.languages,
                "title": module.title,
                "lessons": module.lessons.iter().map(|l| json!({
                    "id": l.id,
                    "title": l.title,
                    "media": l.media.iter().map(|m| json!({"sha256": m, "path": media_path(m)})).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "questions": module.questions.len(),
                "pass_mark_percent": module.pass_mark_percent,
            }))
        }
    }
}
