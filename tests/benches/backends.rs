//! The hub's backends side by side, one run, one table (issue 18):
//!
//! 1. SQLite with every read on the one writer connection, as before the
//!    pool of readers (`HubConfig::sqlite_readers = 0`);
//! 2. SQLite with the pool (the default);
//! 3. PostgreSQL, one hub process;
//! 4. two hub processes on one PostgreSQL database and data directory (the
//!    second is this bench's own binary started again as a plain hub, so it
//!    is built exactly like the first), every request of the load sent to
//!    either at random, the quiet syncs too.
//!
//! For each: round trips and bytes up for a kiosk delivering 1,000 queued
//! reports (through a counting proxy), against the same reports' sealed
//! size; acknowledged reports/s with 100 concurrent devices posting
//! reports sealed before the clock starts; the same load again while 10
//! workers' apps sync cases with nothing new in a loop, with those syncs'
//! p50/p99; and, on PostgreSQL, the serialization conflicts and deadlocks
//! the server logged meanwhile (the hub retries them; it has no metric of
//! its own for them). And where the CPU went during the first load: how
//! busy the machine was (other work on it included), and the cores used by
//! this process (client and first hub), the second hub and the PostgreSQL
//! server.
//!
//! Durable commits on both: SQLite `synchronous=FULL` (the hub's own
//! setting); the PostgreSQL server is the caller's, and must keep `fsync`,
//! `full_page_writes` and `synchronous_commit` on — `scripts/bench-backends`
//! starts one so. PostgreSQL runs only when `WV_TEST_DATABASE_URL` reaches a
//! server as a role that may create databases (each configuration gets its
//! own); `WV_BENCH_POSTGRES_LOG` names the server's log, for the conflict
//! count, and `WV_BENCH_POSTGRES_PID` its postmaster, for its CPU time.
//! Without them, the two SQLite columns only.
//!
//! Run: `scripts/bench-backends [--short]`, or `cargo bench -p
//! workervoice-e2e --bench backends [-- --short]`. Under `cargo test` (a
//! debug build) it runs with few reports, as a check that it works.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use workervoice::{DeviceMode, GrievanceDraft, GrievanceRoute};
use workervoice_core::grievance::{self, receipt};
use workervoice_e2e::fault_proxy::FaultProxy;
use workervoice_e2e::{Factory, TestDevice, TestHub};
use workervoice_hub::HubConfig;
use workervoice_protocol::directory::{Directory, DirectoryResponse};
use workervoice_protocol::grievance::{CaseCursor, CaseSyncRequest, SUBMISSION_CONTENT_TYPE};

const TEXT: &str =
    "The supervisor on line 4 shouts at us every day and does not pay the overtime we worked in October.";

/// Concurrent devices posting reports.
const DEVICES: usize = 100;
/// Workers' apps syncing cases with nothing new during the second load.
const QUIET_APPS: usize = 10;
/// Cases each of them follows.
const CASES_PER_APP: usize = 2;

/// Set in the environment of the second hub process (its data directory).
const CHILD_DATA_DIR: &str = "WV_BENCH_HUB_CHILD_DATA_DIR";
/// The PostgreSQL database the second hub process uses.
const CHILD_DATABASE_URL: &str = "WV_BENCH_HUB_CHILD_DATABASE_URL";

/// One column of the table.
#[derive(Clone, Copy, PartialEq)]
enum Setup {
    SqliteWriterOnly,
    SqlitePool,
    Postgres,
    PostgresTwoProcesses,
}

impl Setup {
    fn title(self) -> &'static str {
        match self {
            Self::SqliteWriterOnly => "SQLite, reads on the writer",
            Self::SqlitePool => "SQLite, pool",
            Self::Postgres => "PostgreSQL, 1 process",
            Self::PostgresTwoProcesses => "PostgreSQL, 2 processes",
        }
    }

    fn on_postgres(self) -> bool {
        matches!(self, Self::Postgres | Self::PostgresTwoProcesses)
    }
}

/// How much each configuration is given.
#[derive(Clone, Copy)]
struct Sizes {
    queued: usize,
    per_device: usize,
}

/// What one configuration measured.
struct Figures {
    round_trips: u64,
    delivered: u64,
    bytes_up: u64,
    sealed_bytes: u64,
    alone: Load,
    loaded: Load,
    quiet: Vec<Duration>,
    conflicts: Option<u64>,
}

/// One run of the 100 devices.
struct Load {
    acknowledged: u32,
    refused: u32,
    seconds: f64,
    cpu: CpuUse,
}

/// Where the machine's CPU went during a load, from `/proc` (in USER_HZ,
/// 100 a second on Linux): how busy all cores were, and waiting for the
/// disk; the cores this process used (the client, and the first hub
/// in-process), the second hub process, and the PostgreSQL server (its
/// postmaster and every process it started, `WV_BENCH_POSTGRES_PID`).
struct CpuUse {
    busy_percent: f64,
    iowait_percent: f64,
    this_process_cores: f64,
    second_hub_cores: Option<f64>,
    server_cores: Option<f64>,
}

/// Counters read from `/proc`.
#[derive(Clone, Copy)]
struct CpuSample {
    total: u64,
    idle: u64,
    iowait: u64,
    this_process: u64,
    second_hub: Option<u64>,
    server: Option<u64>,
}

/// A process's parent and its user plus system time, from `/proc/PID/stat`.
fn process_times(pid: &str) -> Option<(u32, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name (in parentheses) begin with the
    // state; the parent is the 2nd, utime and stime the 12th and 13th.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let number = |index: usize| fields.get(index).and_then(|field| field.parse::<u64>().ok());
    Some((u32::try_from(number(1)?).ok()?, number(11)? + number(12)?))
}

/// The PostgreSQL server's postmaster and its children, added up.
fn server_times(postmaster: u32) -> Option<u64> {
    let mut sum = process_times(&postmaster.to_string())?.1;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().filter(|name| name.bytes().all(|byte| byte.is_ascii_digit())) else {
            continue;
        };
        if let Some((parent, time)) = process_times(pid)
            && parent == postmaster
        {
            sum += time;
        }
    }
    Some(sum)
}

impl CpuSample {
    fn now(second_hub: Option<u32>) -> Self {
        let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
        let all: Vec<u64> = stat
            .lines()
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .skip(1)
            .filter_map(|field| field.parse().ok())
            .collect();
        let postmaster = std::env::var("WV_BENCH_POSTGRES_PID").ok().and_then(|pid| pid.trim().parse().ok());
        Self {
            total: all.iter().take(8).sum(),
            idle: all.get(3).copied().unwrap_or(0),
            iowait: all.get(4).copied().unwrap_or(0),
            this_process: process_times("self").map_or(0, |(_, time)| time),
            second_hub: second_hub.and_then(|pid| process_times(&pid.to_string())).map(|(_, time)| time),
            server: postmaster.and_then(server_times),
        }
    }

    fn since(self, start: Self, seconds: f64) -> CpuUse {
        let cores = |end: u64, start: u64| end.saturating_sub(start) as f64 / 100.0 / seconds;
        let total = self.total.saturating_sub(start.total).max(1) as f64;
        let idle = self.idle.saturating_sub(start.idle) as f64;
        let iowait = self.iowait.saturating_sub(start.iowait) as f64;
        CpuUse {
            busy_percent: 100.0 * (total - idle - iowait) / total,
            iowait_percent: 100.0 * iowait / total,
            this_process_cores: cores(self.this_process, start.this_process),
            second_hub_cores: self.second_hub.zip(start.second_hub).map(|(end, start)| cores(end, start)),
            server_cores: self.server.zip(start.server).map(|(end, start)| cores(end, start)),
        }
    }
}

impl Load {
    fn per_second(&self) -> f64 {
        f64::from(self.acknowledged) / self.seconds
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    if let Some(dir) = std::env::var_os(CHILD_DATA_DIR) {
        serve_as_second_process(Path::new(&dir)).await;
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    // `cargo bench` passes `--bench`; `cargo test` (a debug build) does not.
    let under_test = !args.iter().any(|arg| arg == "--bench");
    let sizes = if under_test {
        Sizes { queued: 100, per_device: 2 }
    } else if args.iter().any(|arg| arg == "--short") {
        Sizes { queued: 1000, per_device: 5 }
    } else {
        Sizes { queued: 1000, per_device: 200 }
    };
    let postgres = workervoice_hub::testing::on_postgres();
    let mut setups = vec![Setup::SqliteWriterOnly, Setup::SqlitePool];
    if postgres {
        setups.extend([Setup::Postgres, Setup::PostgresTwoProcesses]);
    } else {
        println!("no PostgreSQL (WV_TEST_DATABASE_URL unset): SQLite only; scripts/bench-backends starts a server");
    }
    let started = Instant::now();
    let load_before = load_average();
    let mut columns = Vec::new();
    for setup in &setups {
        let at = Instant::now();
        columns.push(measure(*setup, sizes).await);
        eprintln!("backends: {} measured in {:.0} s", setup.title(), at.elapsed().as_secs_f64());
    }
    print_table(&setups, &columns, sizes);
    println!(
        "load average (1, 5, 15 min) before: {load_before}; after: {}; {:.0} s in all; {} cores",
        load_average(),
        started.elapsed().as_secs_f64(),
        std::thread::available_parallelism().map_or(0, usize::from)
    );
}

/// Runs one configuration from an empty database.
async fn measure(setup: Setup, sizes: Sizes) -> Figures {
    let hub = TestHub::start_with(|config| match setup {
        Setup::SqliteWriterOnly => {
            config.database_url = None;
            config.sqlite_readers = 0;
        }
        Setup::SqlitePool => config.database_url = None,
        // `HubConfig::for_tests` put it on the server, in its own database.
        Setup::Postgres | Setup::PostgresTwoProcesses => assert!(config.database_url.is_some(), "on PostgreSQL"),
    })
    .await;
    let (factory, _, _) = hub.grievance_programme().await;
    let second = if setup == Setup::PostgresTwoProcesses {
        let url = tokio::task::block_in_place(|| workervoice_hub::testing::database_url_for(hub.dir.path()))
            .expect("on PostgreSQL");
        Some(tokio::task::block_in_place(|| SecondProcess::spawn(hub.dir.path(), &url)))
    } else {
        None
    };
    let mut urls = vec![hub.url()];
    urls.extend(second.as_ref().map(|process| process.url.clone()));
    let urls = Arc::new(urls);

    // A kiosk's queue, through a counting proxy (to the last process: the
    // second one when there are two).
    let proxy = FaultProxy::start(urls.last().expect("a hub"), 0, 9).await;
    let counts = proxy.counts.clone();
    let kiosk = TestDevice::grievance_device(&hub, &proxy.url, &factory, DeviceMode::Shared, None).await;
    kiosk.app.sync_now(false).await.expect("directory");
    for i in 0..sizes.queued {
        kiosk.app.submit_grievance(kiosk_draft(i)).expect("submit");
    }
    counts.reset_traffic();
    let report = kiosk.app.sync_now(true).await.expect("sync");
    let (round_trips, bytes_up) = (counts.requests.load(Relaxed), counts.bytes_up.load(Relaxed));

    // The programme's signed directory, as the devices below hold it.
    let key = hub.programme_key().await;
    let pinned = workervoice_protocol::b64::decode(&key).expect("key");
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(DEVICES + QUIET_APPS)
        .timeout(Duration::from_secs(120))
        .build()
        .expect("client");
    let reply: DirectoryResponse =
        http.get(format!("{}/v1/directory?have=0", hub.url())).send().await.expect("dir").json().await.expect("json");
    let directory =
        workervoice_core::directory::verify(&reply.directory.expect("signed"), &pinned, None).expect("verified");

    // What the kiosk's reports weigh sealed, one by one, without HTTP.
    let sealed_bytes = (0..sizes.queued)
        .map(|i| {
            let keys = receipt::keys_of(&receipt::generate().expect("receipt")).expect("keys");
            let draft = core_draft(&format!("{TEXT} ({i})"), true);
            grievance::seal(&draft, &directory, &factory.id, None, &keys, "en", 0).expect("seal").framed.len() as u64
        })
        .sum();

    // Cases for the quiet syncs to follow, then every load's reports,
    // all sealed before any clock starts.
    let mut followed = Vec::new();
    for i in 0..QUIET_APPS * CASES_PER_APP {
        let keys = receipt::keys_of(&receipt::generate().expect("receipt")).expect("keys");
        let framed = grievance::seal(&core_draft(TEXT, false), &directory, &factory.id, None, &keys, "en", 0)
            .expect("seal")
            .framed;
        let response = http
            .post(format!("{}/v1/submissions", urls[i % urls.len()]))
            .header("content-type", SUBMISSION_CONTENT_TYPE)
            .body(framed)
            .send()
            .await
            .expect("post");
        assert!(response.status().is_success(), "a followed case: {}", response.status());
        followed.push(CaseCursor { case_id: keys.case_id.clone(), token: keys.token.to_vec(), since: 1 });
    }
    let first_bodies = seal_reports(&directory, &factory, sizes.per_device);
    let second_bodies = seal_reports(&directory, &factory, sizes.per_device);

    let conflicts_before = postgres_conflicts();
    let second_pid = second.as_ref().map(|process| process.child.id());
    let alone = submit_all(&http, &urls, first_bodies, second_pid).await;

    let stop = Arc::new(AtomicBool::new(false));
    let syncers: Vec<_> = followed
        .chunks(CASES_PER_APP)
        .enumerate()
        .map(|(app, cursors)| {
            let (http, urls, stop) = (http.clone(), Arc::clone(&urls), Arc::clone(&stop));
            let body = CaseSyncRequest { cases: cursors.to_vec() };
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut roll = (app as u64) << 32;
                while !stop.load(Relaxed) {
                    roll += 1;
                    let url = format!("{}/v1/cases/sync", urls[pick(roll, urls.len())]);
                    let start = Instant::now();
                    let answered = http.post(url).json(&body).send().await;
                    if answered.is_ok_and(|response| response.status().is_success()) {
                        latencies.push(start.elapsed());
                    }
                }
                latencies
            })
        })
        .collect();
    let loaded = submit_all(&http, &urls, second_bodies, second_pid).await;
    stop.store(true, Relaxed);
    let mut quiet = Vec::new();
    for task in syncers {
        quiet.extend(task.await.expect("a quiet app"));
    }
    quiet.sort();
    let conflicts = match (conflicts_before, postgres_conflicts()) {
        (Some(before), Some(after)) if setup.on_postgres() => Some(after.saturating_sub(before)),
        _ => None,
    };
    drop(second);
    hub.hub.shutdown().await;
    Figures {
        round_trips,
        delivered: u64::from(report.delivered),
        bytes_up,
        sealed_bytes,
        alone,
        loaded,
        quiet,
        conflicts,
    }
}

/// The `i`th report of the kiosk's queue.
fn kiosk_draft(i: usize) -> GrievanceDraft {
    GrievanceDraft {
        category_id: "wages".into(),
        text: format!("{TEXT} ({i})"),
        anonymous: true,
        routes: vec![GrievanceRoute::FactoryCommittee, GrievanceRoute::IndependentHotline],
        callback: None,
        attachments: vec![],
    }
}

/// A report as the core seals it: for both handlers (as the kiosk's), or
/// for the hotline only (the load's).
fn core_draft(text: &str, both: bool) -> grievance::GrievanceDraft {
    let mut routes = vec![grievance::GrievanceRoute::IndependentHotline];
    if both {
        routes.insert(0, grievance::GrievanceRoute::FactoryCommittee);
    }
    grievance::GrievanceDraft {
        category_id: "wages".into(),
        text: text.into(),
        anonymous: true,
        routes,
        callback: None,
        attachments: vec![],
    }
}

/// `per_device` sealed reports for each of the devices.
fn seal_reports(directory: &Directory, factory: &Factory, per_device: usize) -> Vec<Vec<Vec<u8>>> {
    let draft = core_draft(TEXT, false);
    (0..DEVICES)
        .map(|_| {
            (0..per_device)
                .map(|_| {
                    let keys = receipt::keys_of(&receipt::generate().expect("receipt")).expect("keys");
                    grievance::seal(&draft, directory, &factory.id, None, &keys, "en", 0).expect("seal").framed
                })
                .collect()
        })
        .collect()
}

/// Posts each device's reports in turn, each to one of `urls` at random,
/// the devices at once.
/// `second_hub` is the second hub process, whose CPU time is counted.
async fn submit_all(
    http: &reqwest::Client,
    urls: &Arc<Vec<String>>,
    bodies: Vec<Vec<Vec<u8>>>,
    second_hub: Option<u32>,
) -> Load {
    let cpu = CpuSample::now(second_hub);
    let start = Instant::now();
    let tasks: Vec<_> = bodies
        .into_iter()
        .enumerate()
        .map(|(device, device_bodies)| {
            let (http, urls) = (http.clone(), Arc::clone(urls));
            tokio::spawn(async move {
                let (mut acknowledged, mut refused) = (0u32, 0u32);
                for (i, body) in device_bodies.into_iter().enumerate() {
                    let url = format!("{}/v1/submissions", urls[pick(((device as u64) << 32) + i as u64, urls.len())]);
                    let sent = http.post(url).header("content-type", SUBMISSION_CONTENT_TYPE).body(body).send().await;
                    match sent {
                        Ok(response) if response.status().is_success() => acknowledged += 1,
                        Ok(response) => {
                            refused += 1;
                            eprintln!("backends: a report was answered {}", response.status());
                        }
                        Err(error) => {
                            refused += 1;
                            eprintln!("backends: a report was not answered: {error}");
                        }
                    }
                }
                (acknowledged, refused)
            })
        })
        .collect();
    let (mut acknowledged, mut refused) = (0, 0);
    for task in tasks {
        let (yes, no) = task.await.expect("a device");
        acknowledged += yes;
        refused += no;
    }
    let seconds = start.elapsed().as_secs_f64();
    Load { acknowledged, refused, seconds, cpu: CpuSample::now(second_hub).since(cpu, seconds) }
}

/// An index below `n`, pseudo-random in `seed` (splitmix64).
fn pick(seed: u64, n: usize) -> usize {
    let mut x = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x % n as u64) as usize
}

/// Serialization failures and deadlocks in the PostgreSQL server's log
/// so far (`WV_BENCH_POSTGRES_LOG`); `None` without a log.
fn postgres_conflicts() -> Option<u64> {
    let path = std::env::var_os("WV_BENCH_POSTGRES_LOG")?;
    let text = std::fs::read_to_string(path).ok()?;
    let count = text
        .lines()
        .filter(|line| line.contains("could not serialize access") || line.contains("deadlock detected"))
        .count();
    Some(count as u64)
}

/// The machine's load average, as `/proc/loadavg` gives it.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| text.split_whitespace().take(3).collect::<Vec<_>>().join(", "))
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// `n` with a comma between thousands, as the README writes figures.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The `p`th percentile of sorted latencies, in milliseconds.
fn percentile_ms(sorted: &[Duration], p: usize) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

fn print_table(setups: &[Setup], columns: &[Figures], sizes: Sizes) {
    let rows: Vec<(String, Vec<String>)> = vec![
        (
            format!("{} queued reports: delivered, round trips", thousands(sizes.queued)),
            columns.iter().map(|f| format!("{}, {}", thousands(f.delivered as usize), f.round_trips)).collect(),
        ),
        (
            "  bytes up (HTTP included) / sealed bytes".to_owned(),
            columns
                .iter()
                .map(|f| {
                    format!(
                        "{:.0} / {:.0} KB = {:.3}×",
                        f.bytes_up as f64 / 1024.0,
                        f.sealed_bytes as f64 / 1024.0,
                        f.bytes_up as f64 / f.sealed_bytes as f64
                    )
                })
                .collect(),
        ),
        (
            format!("reports/s, {DEVICES} devices × {}", sizes.per_device),
            columns.iter().map(|f| format!("{:.0}", f.alone.per_second())).collect(),
        ),
        (
            format!("  the same + {QUIET_APPS} apps syncing nothing new"),
            columns.iter().map(|f| format!("{:.0}", f.loaded.per_second())).collect(),
        ),
        (
            "  reports not acknowledged (both loads)".to_owned(),
            columns.iter().map(|f| (f.alone.refused + f.loaded.refused).to_string()).collect(),
        ),
        (
            "  CPU, first load: all cores busy / iowait".to_owned(),
            columns
                .iter()
                .map(|f| format!("{:.0} % / {:.0} %", f.alone.cpu.busy_percent, f.alone.cpu.iowait_percent))
                .collect(),
        ),
        (
            "  cores used: bench + hub / 2nd hub / PostgreSQL".to_owned(),
            columns
                .iter()
                .map(|f| {
                    let cpu = &f.alone.cpu;
                    let or_none =
                        |cores: Option<f64>| cores.map_or_else(|| "–".to_owned(), |cores| format!("{cores:.2}"));
                    format!(
                        "{:.2} / {} / {}",
                        cpu.this_process_cores,
                        or_none(cpu.second_hub_cores),
                        or_none(cpu.server_cores)
                    )
                })
                .collect(),
        ),
        (
            "  CPU ms per acknowledged report (all of the above)".to_owned(),
            columns
                .iter()
                .map(|f| {
                    let cpu = &f.alone.cpu;
                    let cores =
                        cpu.this_process_cores + cpu.second_hub_cores.unwrap_or(0.0) + cpu.server_cores.unwrap_or(0.0);
                    format!("{:.2}", 1000.0 * cores / f.alone.per_second())
                })
                .collect(),
        ),
        (
            "quiet syncs under load: answered/s".to_owned(),
            columns.iter().map(|f| format!("{:.0}", f.quiet.len() as f64 / f.loaded.seconds)).collect(),
        ),
        (
            "  p50 / p99".to_owned(),
            columns
                .iter()
                .map(|f| format!("{:.1} / {:.1} ms", percentile_ms(&f.quiet, 50), percentile_ms(&f.quiet, 99)))
                .collect(),
        ),
        (
            "serialization conflicts + deadlocks (server log)".to_owned(),
            columns.iter().map(|f| f.conflicts.map_or_else(|| "–".to_owned(), |n| n.to_string())).collect(),
        ),
    ];
    let first = rows.iter().map(|(name, _)| name.chars().count()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..setups.len())
        .map(|i| {
            rows.iter()
                .map(|(_, cells)| cells[i].chars().count())
                .chain([setups[i].title().chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |name: &str, cells: Vec<&str>| {
        let mut out = format!("| {name:<first$} |");
        for (cell, width) in cells.iter().zip(&widths) {
            out.push_str(&format!(" {cell:>width$} |"));
        }
        println!("{out}");
    };
    line("", setups.iter().map(|setup| setup.title()).collect());
    let rules: Vec<String> = widths.iter().map(|width| "-".repeat(*width)).collect();
    line(&"-".repeat(first), rules.iter().map(String::as_str).collect());
    for (name, cells) in &rows {
        line(name, cells.iter().map(String::as_str).collect());
    }
}

/// The second hub process, stopped (its stdin closed, then killed) when dropped.
struct SecondProcess {
    child: Child,
    url: String,
}

impl SecondProcess {
    /// This binary again, as a hub on `data_dir` and the database `url`.
    fn spawn(data_dir: &Path, url: &str) -> Self {
        let mut child = Command::new(std::env::current_exe().expect("this binary"))
            .env(CHILD_DATA_DIR, data_dir)
            .env(CHILD_DATABASE_URL, url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the second hub process starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("its URL");
        assert!(line.starts_with("http://"), "the second hub process said {line:?}");
        Self { child, url: line.trim().to_owned() }
    }
}

impl Drop for SecondProcess {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The second process: a hub as `workervoice-hub serve` would run it on
/// the first one's data directory and database, until its stdin closes
/// (the bench ended, however it ended).
async fn serve_as_second_process(data_dir: &Path) {
    let config = HubConfig {
        database_url: std::env::var(CHILD_DATABASE_URL).ok(),
        listen: std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, 0)),
        ..HubConfig::new(data_dir.to_path_buf())
    };
    let hub = workervoice_hub::start(config).await.expect("the second hub starts");
    println!("{}", hub.base_url);
    let _ = tokio::task::spawn_blocking(|| std::io::stdin().read_to_end(&mut Vec::new())).await;
    hub.shutdown().await;
}
