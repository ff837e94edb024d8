//! Training progress: an append-only log of events, merged across a
//! worker's devices, from which every total is derived.
//!
//! Devices record what the worker *did* (a lesson completed, a quiz attempt
//! with its answers), never what it is worth. What an event earns is worked
//! out from the module version it names ([`ScoringRules`]) as a set of
//! *activities* — "lesson L of module M", "question Q of M answered right",
//! "M passed" — each with its points. Totals are a function of the set of
//! distinct activities, so:
//!
//! - merging logs is a set union keyed by event id: any order, any
//!   duplication, the same totals;
//! - adding events can only add activities: a sync never lowers a total;
//! - repeating a lesson or a quiz earns nothing twice, and nothing is earned
//!   for an activity not completed (a quiz attempt counts only when every
//!   question was answered).
//!
//! Days (for streaks) are counted in the worker's time zone, from times the
//! hub has corrected for the device's clock ([`corrected_time`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// Longest event id a device may send.
pub const MAX_EVENT_ID_LEN: usize = 64;
/// Most events in one upload.
pub const MAX_EVENTS_PER_UPLOAD: usize = 500;
/// Most answers in one quiz attempt.
pub const MAX_ANSWERS: usize = 200;

/// An answer as the worker gave it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum AnswerGiven {
    /// One option chosen (single choice).
    Choice(String),
    /// Several options chosen (multiple choice).
    Choices(Vec<String>),
    /// True or false.
    Bool(bool),
    /// Items in the order the worker put them.
    Order(Vec<String>),
}

/// The right answer of a question, from the module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CorrectAnswer {
    /// This option.
    Choice(String),
    /// Exactly these options, in any order.
    Choices(BTreeSet<String>),
    /// True or false.
    Bool(bool),
    /// These items in this order.
    Order(Vec<String>),
}

impl CorrectAnswer {
    /// Whether `given` is right.
    pub fn accepts(&self, given: &AnswerGiven) -> bool {
        match (self, given) {
            (Self::Choice(right), AnswerGiven::Choice(given)) => right == given,
            (Self::Choices(right), AnswerGiven::Choices(given)) => {
                let given: BTreeSet<&String> = given.iter().collect();
                given.len() == right.len() && right.iter().all(|option| given.contains(option))
            }
            (Self::Bool(right), AnswerGiven::Bool(given)) => right == given,
            (Self::Order(right), AnswerGiven::Order(given)) => right == given,
            _ => false,
        }
    }
}

/// What happened, as the device recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The worker reached the end of a lesson.
    LessonCompleted {
        /// The lesson's id in the module.
        lesson_id: String,
    },
    /// The worker submitted the quiz with these answers (question id → answer).
    QuizAttempt {
        /// The answers given.
        answers: BTreeMap<String, AnswerGiven>,
    },
}

/// One event of a worker's progress log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressEvent {
    /// Random id given on the device (a UUID); the merge key.
    pub id: String,
    /// The module.
    pub module_id: String,
    /// The module version the worker took.
    pub module_version: u64,
    /// When, unix seconds: the device's clock in an upload, the hub's
    /// corrected time once merged.
    pub at: i64,
    /// What happened.
    pub kind: EventKind,
}

impl ProgressEvent {
    /// Whether the fields are within the protocol's limits.
    pub fn is_well_formed(&self) -> bool {
        let id_ok = |id: &str| !id.is_empty() && id.len() <= MAX_EVENT_ID_LEN;
        id_ok(&self.id)
            && id_ok(&self.module_id)
            && match &self.kind {
                EventKind::LessonCompleted { lesson_id } => id_ok(lesson_id),
                EventKind::QuizAttempt { answers } => {
                    answers.len() <= MAX_ANSWERS && answers.keys().all(|question| id_ok(question))
                }
            }
    }
}

/// A badge and the rule that earns it, defined in a training pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BadgeRule {
    /// Stable id (unique across the programme's packs).
    pub id: String,
    /// What earns it.
    pub rule: BadgeCondition,
}

/// Conditions a badge can have. Every one is monotone in the log (once true,
/// more events keep it true), so a badge once earned is never lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BadgeCondition {
    /// The module that defines the badge was passed.
    ModulePassed,
    /// Every question of the module answered right in one attempt.
    PerfectQuiz,
    /// At least this many points in total.
    PointsAtLeast {
        /// The threshold.
        points: u64,
    },
    /// Learning on this many consecutive days (the longest run counts).
    StreakDays {
        /// The run length.
        days: u32,
    },
    /// At least this many lessons completed in total.
    LessonsAtLeast {
        /// The threshold.
        lessons: u32,
    },
}

/// What one module version awards, taken from its pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoringRules {
    /// The module.
    pub module_id: String,
    /// Its version.
    pub version: u64,
    /// Lesson ids.
    pub lessons: BTreeSet<String>,
    /// Question id → right answer.
    pub questions: BTreeMap<String, CorrectAnswer>,
    /// Percentage of right answers needed to pass.
    pub pass_mark_percent: u8,
    /// Points for each lesson completed (once).
    pub points_per_lesson: u32,
    /// Points for each question answered right (once, in any attempt).
    pub points_per_correct_answer: u32,
    /// Points for passing the quiz (once).
    pub points_for_passing: u32,
    /// Badges the pack defines.
    pub badges: Vec<BadgeRule>,
}

/// Kinds of activity an event can earn.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Activity {
    /// A lesson completed.
    Lesson {
        /// The module.
        module_id: String,
        /// The lesson.
        lesson_id: String,
    },
    /// A question answered right.
    Correct {
        /// The module.
        module_id: String,
        /// The question.
        question_id: String,
    },
    /// A module's quiz passed.
    Passed {
        /// The module.
        module_id: String,
    },
    /// A module's quiz answered without a mistake.
    Perfect {
        /// The module.
        module_id: String,
    },
}

/// What one event earned: its activities and their points, plus whether
/// it counts as learning on its day (for streaks).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Earned {
    /// Activity → points (a list of pairs in JSON: the keys are not strings).
    #[serde(with = "activity_list")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<activity_list::Entry>))]
    pub activities: BTreeMap<Activity, u32>,
    /// A completed lesson or a complete quiz attempt (not an empty one).
    pub counts_for_streak: bool,
}

mod activity_list {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Activity;

    #[derive(Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ActivityPoints))]
    pub(super) struct Entry {
        activity: Activity,
        points: u32,
    }

    pub(super) fn serialize<S: Serializer>(map: &BTreeMap<Activity, u32>, serializer: S) -> Result<S::Ok, S::Error> {
        let entries: Vec<Entry> =
            map.iter().map(|(activity, points)| Entry { activity: activity.clone(), points: *points }).collect();
        entries.serialize(serializer)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<BTreeMap<Activity, u32>, D::Error> {
        Ok(Vec::<Entry>::deserialize(deserializer)?.into_iter().map(|entry| (entry.activity, entry.points)).collect())
    }
}

/// What `event` earns under `rules` (the rules of the version it names).
/// Unknown lessons and incomplete quiz attempts earn nothing.
pub fn earned(event: &ProgressEvent, rules: &ScoringRules) -> Earned {
    let mut earned = Earned::default();
    if event.module_id != rules.module_id || event.module_version != rules.version {
        return earned;
    }
    let module_id = || rules.module_id.clone();
    match &event.kind {
        EventKind::LessonCompleted { lesson_id } => {
            if rules.lessons.contains(lesson_id) {
                earned.activities.insert(
                    Activity::Lesson { module_id: module_id(), lesson_id: lesson_id.clone() },
                    rules.points_per_lesson,
                );
                earned.counts_for_streak = true;
            }
        }
        EventKind::QuizAttempt { answers } => {
            let complete = !rules.questions.is_empty()
                && rules.questions.keys().all(|question| answers.contains_key(question))
                && answers.keys().all(|question| rules.questions.contains_key(question));
            if !complete {
                return earned;
            }
            earned.counts_for_streak = true;
            let mut right = 0usize;
            for (question_id, correct) in &rules.questions {
                if answers.get(question_id).is_some_and(|given| correct.accepts(given)) {
                    right += 1;
                    earned.activities.insert(
                        Activity::Correct { module_id: module_id(), question_id: question_id.clone() },
                        rules.points_per_correct_answer,
                    );
                }
            }
            let total = rules.questions.len();
            if right * 100 >= usize::from(rules.pass_mark_percent) * total {
                earned.activities.insert(Activity::Passed { module_id: module_id() }, rules.points_for_passing);
            }
            if right == total {
                earned.activities.insert(Activity::Perfect { module_id: module_id() }, 0);
            }
        }
    }
    earned
}

/// The day (days since 1970-01-01 in the worker's zone) of a time.
pub fn local_day(at: i64, utc_offset_minutes: i32) -> i64 {
    (at + i64::from(utc_offset_minutes) * 60).div_euclid(86_400)
}

/// An event time on the hub's clock: the device's time shifted by how far
/// the device's clock was from the hub's when it sent the upload. A device
/// clock set wrong by a day (or a month) is corrected, as long as it was
/// not changed between the event and the upload.
pub fn corrected_time(device_at: i64, device_sent_at: i64, hub_received_at: i64) -> i64 {
    device_at.saturating_add(hub_received_at.saturating_sub(device_sent_at))
}

/// Points needed for each level: level n needs `LEVELS[n - 1]` points.
pub const LEVELS: [u64; 10] = [0, 50, 150, 300, 500, 800, 1_200, 1_700, 2_300, 3_000];

/// The level for a points total (1 to 10).
pub fn level_for(points: u64) -> u32 {
    u32::try_from(LEVELS.iter().filter(|&&needed| points >= needed).count()).unwrap_or(1).max(1)
}

/// A worker's totals, derived from the merged log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Totals {
    /// Points: the sum over distinct activities.
    pub points: u64,
    /// Level, from the points.
    pub level: u32,
    /// Distinct lessons completed.
    pub lessons_completed: u32,
    /// Modules whose quiz was passed.
    pub modules_passed: BTreeSet<String>,
    /// Badges earned.
    pub badges: BTreeSet<String>,
    /// Longest run of consecutive learning days.
    pub longest_streak_days: u32,
    /// The run that ends today or yesterday (0 if the last learning day is older).
    pub current_streak_days: u32,
}

/// Derives the totals from what each event of the merged log earned, with
/// `badges` the badge rules of every module (`module id → rules`).
/// `today` is the current day in the worker's zone ([`local_day`]).
pub fn totals<'a>(
    log: impl IntoIterator<Item = (&'a Earned, i64)>,
    badges: &BTreeMap<String, Vec<BadgeRule>>,
    utc_offset_minutes: i32,
    today: i64,
) -> Totals {
    let mut activities: BTreeMap<&Activity, u32> = BTreeMap::new();
    let mut days = BTreeSet::new();
    for (earned, at) in log {
        for (activity, points) in &earned.activities {
            let entry = activities.entry(activity).or_insert(0);
            *entry = (*entry).max(*points);
        }
        if earned.counts_for_streak {
            days.insert(local_day(at, utc_offset_minutes));
        }
    }
    let mut totals = Totals { points: activities.values().map(|&points| u64::from(points)).sum(), ..Totals::default() };
    totals.level = level_for(totals.points);
    let mut perfect = BTreeSet::new();
    for activity in activities.keys() {
        match activity {
            Activity::Lesson { .. } => totals.lessons_completed += 1,
            Activity::Passed { module_id } => {
                totals.modules_passed.insert(module_id.clone());
            }
            Activity::Perfect { module_id } => {
                perfect.insert(module_id.clone());
            }
            Activity::Correct { .. } => {}
        }
    }
    let (longest, current) = streaks(&days, today);
    totals.longest_streak_days = longest;
    totals.current_streak_days = current;
    for (module_id, rules) in badges {
        for badge in rules {
            let earned = match &badge.rule {
                BadgeCondition::ModulePassed => totals.modules_passed.contains(module_id),
                BadgeCondition::PerfectQuiz => perfect.contains(module_id),
                BadgeCondition::PointsAtLeast { points } => totals.points >= *points,
                BadgeCondition::StreakDays { days } => totals.longest_streak_days >= *days,
                BadgeCondition::LessonsAtLeast { lessons } => totals.lessons_completed >= *lessons,
            };
            if earned {
                totals.badges.insert(badge.id.clone());
            }
        }
    }
    totals
}

/// (longest run, run ending today or yesterday) of consecutive days.
fn streaks(days: &BTreeSet<i64>, today: i64) -> (u32, u32) {
    let (mut longest, mut run, mut previous) = (0u32, 0u32, None::<i64>);
    for &day in days {
        run = if previous == Some(day - 1) { run + 1 } else { 1 };
        longest = longest.max(run);
        previous = Some(day);
    }
    let current = match previous {
        Some(last) if last == today || last == today - 1 => run,
        _ => 0,
    };
    (longest, current)
}

/// HKDF label of the key that authenticates a worker's progress, derived
/// from the hub share of that (worker, device) pair.
pub const PROGRESS_MAC_LABEL: &[u8] = b"workervoice/progress-mac/v1";
/// Longest upload id.
pub const MAX_UPLOAD_ID_LEN: usize = 64;
/// Largest sealed upload, bytes.
pub const MAX_SEALED_UPLOAD: usize = 256 * 1024;
/// Most events in one pull reply.
pub const MAX_PULL_EVENTS: usize = 500;

/// What a device seals to the hub for one upload: whose events they are and
/// the proof of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressBatch {
    /// The hub's id of the worker.
    pub worker_id: String,
    /// The events, with the device's clock in `at`.
    pub events: Vec<ProgressEvent>,
    /// HMAC-SHA256 under the key from [`PROGRESS_MAC_LABEL`] over
    /// [`batch_mac_input`], when the worker's vault was open.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::b64::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub mac: Option<Vec<u8>>,
    /// Instead of a MAC, from a kiosk session signed in offline: the sign-in
    /// the hub must have confirmed for this worker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_in_id: Option<String>,
}

/// The bytes a batch MAC covers.
pub fn batch_mac_input(upload_id: &str, worker_id: &str, events: &[ProgressEvent]) -> Vec<u8> {
    let mut input = format!("workervoice/progress-batch/v1\n{upload_id}\n{worker_id}\n").into_bytes();
    // Serialising the same values always gives the same bytes (no maps with
    // random order, no floats), on the device and on the hub.
    input.extend_from_slice(&serde_json::to_vec(events).unwrap_or_default());
    input
}

/// The bytes a pull MAC covers.
pub fn pull_mac_input(worker_id: &str, cursor: u64) -> Vec<u8> {
    format!("workervoice/progress-pull/v1\n{worker_id}\n{cursor}").into_bytes()
}

/// HPKE `info` of an upload: binds it to the device and the upload id.
pub fn upload_info(device_id: &str, upload_id: &str) -> Vec<u8> {
    format!("workervoice/progress-upload/v1\n{device_id}\n{upload_id}").into_bytes()
}

/// `POST /v1/progress/upload` (signed): a sealed [`ProgressBatch`].
/// Idempotent per (device, `upload_id`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressUpload {
    /// Random id (the outbox item's client id).
    pub upload_id: String,
    /// HPKE encapsulated key.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub enc: Vec<u8>,
    /// The sealed batch (associated data: the upload id).
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub sealed: Vec<u8>,
    /// When the device sent this, unix seconds, on the same clock its events
    /// were stamped with (its own clock plus the hub-clock offset it knew
    /// then), so the hub can correct the events' times ([`corrected_time`]).
    pub device_sent_at: i64,
}

/// Reply to [`ProgressUpload`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressUploadResponse {
    /// Events new to the hub (0 for a replay).
    pub merged: u32,
}

/// `POST /v1/progress/pull` (signed): the worker's merged events after `cursor`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressPullRequest {
    /// The worker.
    pub worker_id: String,
    /// The last sequence number the device holds (0 at first).
    pub cursor: u64,
    /// HMAC over [`pull_mac_input`] (see [`ProgressBatch::mac`]).
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub mac: Vec<u8>,
}

/// An event of the merged log with what the hub says it earned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MergedEvent {
    /// The event, its time on the hub's clock.
    pub event: ProgressEvent,
    /// What it earned under its module version's rules.
    pub earned: Earned,
}

/// Reply to [`ProgressPullRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressPullResponse {
    /// Events after the cursor, in merge order (at most [`MAX_PULL_EVENTS`]).
    pub events: Vec<MergedEvent>,
    /// The cursor to send next time.
    pub cursor: u64,
    /// Whether more events wait after this page.
    pub more: bool,
    /// The totals of the whole merged log.
    pub totals: Totals,
    /// The factory's offset from UTC (streak days).
    pub utc_offset_minutes: i32,
    /// Badge rules of the modules in the log.
    pub badges: BTreeMap<String, Vec<BadgeRule>>,
    /// The worker's certificates (one per module passed).
    #[serde(default)]
    pub certificates: Vec<SignedCertificate>,
    /// True when the worker passed a module but no certificate could be
    /// issued yet: the programme's key holder has not signed the hub's
    /// certificate delegation. The certificates come with a later pull.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub certificates_waiting: bool,
}

/// Fewest people a breakdown may show: a count of 1 to 4 is suppressed.
pub const MIN_GROUP: u32 = 5;

/// A certificate: the hub's statement, signed with the programme key, that
/// a worker passed a module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Certificate {
    /// Stable id (one per worker and module).
    pub certificate_id: String,
    /// The programme that signs it ([`crate::content::programme_id`]).
    pub programme_id: String,
    /// The worker's name as on the roster.
    pub worker_name: String,
    /// The worker number.
    pub worker_number: String,
    /// The factory.
    pub factory_name: String,
    /// The module.
    pub module_id: String,
    /// The version passed.
    pub module_version: u64,
    /// The module's title per language.
    pub module_title: BTreeMap<String, String>,
    /// When the passing attempt was made (hub clock, unix seconds).
    pub passed_at: i64,
    /// The programme's delegation to the key that signed this certificate
    /// (the hub's certificate key). Without one, the certificate must be
    /// signed by the programme key itself (certificates issued before the
    /// programme key left the hub). Inside the signed bytes, so a QR code of
    /// body and signature stays enough to check it offline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegation: Option<crate::delegation::SignedDelegation>,
}

/// A certificate as issued: the exact JSON bytes signed, and the signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedCertificate {
    /// The [`Certificate`] as JSON.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub body: Vec<u8>,
    /// Ed25519 over [`certificate_signing_input`].
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub signature: Vec<u8>,
}

/// What the programme key signs for a certificate (domain-separated from
/// directories and manifests).
pub fn certificate_signing_input(body: &[u8]) -> Vec<u8> {
    let mut input = b"workervoice/certificate/v1\n".to_vec();
    input.extend_from_slice(body);
    input
}

/// The certificate, if `signed` verifies under `programme_key` and is one:
/// signed by the key its delegation names, the delegation signed by the
/// programme key for certificates; or, without a delegation, signed by the
/// programme key itself.
pub fn verify_certificate(signed: &SignedCertificate, programme_key: &[u8]) -> Option<Certificate> {
    // Parsing before the signature check is safe: nothing parsed is trusted
    // until both signatures verify, and the signer's key comes from the
    // delegation only after the programme's signature on it verifies.
    let certificate: Certificate = serde_json::from_slice(&signed.body).ok()?;
    let signer = match &certificate.delegation {
        Some(delegation) => crate::delegation::verify_delegation(
            delegation,
            programme_key,
            crate::delegation::PURPOSE_TRAINING_CERTIFICATES,
        )?,
        None => programme_key.to_vec(),
    };
    let key = ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, signer);
    key.verify(&certificate_signing_input(&signed.body), &signed.signature).ok()?;
    (certificate.programme_id == crate::content::programme_id(programme_key)).then_some(certificate)
}

/// `POST /v1/progress/leaderboard` (signed, with the worker's MAC): opt in or
/// out (`opt_in`), or only look (`None`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaderboardRequest {
    /// The worker.
    pub worker_id: String,
    /// Join (`true`), leave (`false`) or only look.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opt_in: Option<bool>,
    /// HMAC over [`leaderboard_mac_input`].
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub mac: Vec<u8>,
}

/// The bytes a leaderboard MAC covers.
pub fn leaderboard_mac_input(worker_id: &str, opt_in: Option<bool>) -> Vec<u8> {
    let choice = match opt_in {
        Some(true) => "in",
        Some(false) => "out",
        None => "look",
    };
    format!("workervoice/leaderboard/v1\n{worker_id}\n{choice}").into_bytes()
}

/// One line of a factory's leaderboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaderboardEntry {
    /// 1 for the most points.
    pub rank: u32,
    /// The pseudonym (never a name or number).
    pub pseudonym: String,
    /// Points.
    pub points: u64,
    /// Level.
    pub level: u32,
}

/// Reply to [`LeaderboardRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaderboardResponse {
    /// Whether this worker takes part.
    pub opted_in: bool,
    /// Their pseudonym while they take part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pseudonym: Option<String>,
    /// Fewer than [`MIN_GROUP`] take part: nothing is shown.
    pub suppressed: bool,
    /// The top of the board (empty when suppressed).
    pub entries: Vec<LeaderboardEntry>,
    /// This worker's rank, when they take part and the board is shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub own_rank: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> ScoringRules {
        ScoringRules {
            module_id: "fire".into(),
            version: 1,
            lessons: ["exits".into(), "extinguisher".into()].into(),
            questions: [
                ("q1".to_owned(), CorrectAnswer::Choice("b".into())),
                ("q2".to_owned(), CorrectAnswer::Bool(true)),
                ("q3".to_owned(), CorrectAnswer::Order(vec!["x".into(), "y".into(), "z".into()])),
                ("q4".to_owned(), CorrectAnswer::Choices(["a".to_owned(), "c".to_owned()].into())),
            ]
            .into(),
            pass_mark_percent: 75,
            points_per_lesson: 10,
            points_per_correct_answer: 5,
            points_for_passing: 20,
            badges: vec![
                BadgeRule { id: "fire-safe".into(), rule: BadgeCondition::ModulePassed },
                BadgeRule { id: "flawless".into(), rule: BadgeCondition::PerfectQuiz },
                BadgeRule { id: "three-days".into(), rule: BadgeCondition::StreakDays { days: 3 } },
            ],
        }
    }

    fn event(id: &str, at: i64, kind: EventKind) -> ProgressEvent {
        ProgressEvent { id: id.into(), module_id: "fire".into(), module_version: 1, at, kind }
    }

    fn lesson(id: &str, at: i64, lesson: &str) -> ProgressEvent {
        event(id, at, EventKind::LessonCompleted { lesson_id: lesson.into() })
    }

    fn attempt(id: &str, at: i64, answers: &[(&str, AnswerGiven)]) -> ProgressEvent {
        let answers = answers.iter().map(|(q, a)| ((*q).to_owned(), a.clone())).collect();
        event(id, at, EventKind::QuizAttempt { answers })
    }

    fn all_right() -> Vec<(&'static str, AnswerGiven)> {
        vec![
            ("q1", AnswerGiven::Choice("b".into())),
            ("q2", AnswerGiven::Bool(true)),
            ("q3", AnswerGiven::Order(vec!["x".into(), "y".into(), "z".into()])),
            ("q4", AnswerGiven::Choices(vec!["c".into(), "a".into()])),
        ]
    }

    fn totals_of(events: &[ProgressEvent], offset: i32, today: i64) -> Totals {
        let rules = rules();
        let earned: Vec<(Earned, i64)> = events.iter().map(|e| (earned(e, &rules), e.at)).collect();
        let badges = [("fire".to_owned(), rules.badges.clone())].into();
        totals(earned.iter().map(|(e, at)| (e, *at)), &badges, offset, today)
    }

    #[test]
    fn each_activity_earns_once_and_an_incomplete_quiz_earns_nothing() {
        let day = 20_000 * 86_400;
        let mut log = vec![lesson("1", day, "exits"), lesson("2", day, "exits"), lesson("3", day, "no-such-lesson")];
        assert_eq!(totals_of(&log, 0, 20_000).points, 10);
        log.push(attempt("4", day, &all_right()[..3]));
        assert_eq!(totals_of(&log, 0, 20_000).points, 10, "three of four questions is not a finished quiz");
        let mut one_wrong = all_right();
        one_wrong[1].1 = AnswerGiven::Bool(false);
        log.push(attempt("5", day, &one_wrong));
        let totals = totals_of(&log, 0, 20_000);
        assert_eq!(totals.points, 10 + 3 * 5 + 20, "3 of 4 right passes a 75 % mark");
        assert!(totals.badges.contains("fire-safe") && !totals.badges.contains("flawless"));
        log.push(attempt("6", day, &all_right()));
        let totals = totals_of(&log, 0, 20_000);
        assert_eq!(totals.points, 10 + 4 * 5 + 20, "the fourth question now, the pass not again");
        assert!(totals.badges.contains("flawless"));
        assert_eq!(totals.level, 2, "50 points reach level 2");
    }

    #[test]
    fn multiple_choice_needs_exactly_the_right_options_in_any_order() {
        let right = CorrectAnswer::Choices(["a".to_owned(), "c".to_owned()].into());
        assert!(right.accepts(&AnswerGiven::Choices(vec!["c".into(), "a".into()])));
        assert!(!right.accepts(&AnswerGiven::Choices(vec!["a".into()])));
        assert!(!right.accepts(&AnswerGiven::Choices(vec!["a".into(), "c".into(), "d".into()])));
        assert!(!right.accepts(&AnswerGiven::Choices(vec!["a".into(), "a".into()])));
        assert!(!right.accepts(&AnswerGiven::Choice("a".into())));
    }

    #[test]
    fn streak_days_follow_the_workers_zone_not_utc() {
        // 23:30 and 00:30 the next day in UTC+7 are 16:30 and 17:30 UTC of one day.
        let base = 20_000 * 86_400 + 16 * 3600 + 30 * 60;
        let log = vec![lesson("1", base, "exits"), lesson("2", base + 3600, "extinguisher")];
        assert_eq!(totals_of(&log, 0, 20_000).longest_streak_days, 1, "one day in UTC");
        let plus_seven = totals_of(&log, 7 * 60, 20_001);
        assert_eq!((plus_seven.longest_streak_days, plus_seven.current_streak_days), (2, 2), "two days in UTC+7");
        assert_eq!(totals_of(&log, 7 * 60, 20_003).current_streak_days, 0, "a missed day ends the current run");
        assert_eq!(totals_of(&log, 7 * 60, 20_003).longest_streak_days, 2, "but not the longest");
    }

    #[test]
    fn a_device_clock_set_wrong_is_corrected_by_the_upload_time() {
        let day = 86_400;
        // The device's clock runs a day ahead; it records and uploads with it.
        let real_event = 20_000 * day + 3600;
        let (device_event, device_sent) = (real_event + day, real_event + day + 600);
        let hub_received = real_event + 600;
        assert_eq!(corrected_time(device_event, device_sent, hub_received), real_event);
    }

    #[test]
    fn what_an_event_earned_round_trips_through_json() {
        let earned = earned(&attempt("1", 0, &all_right()), &rules());
        assert_eq!(earned.activities.len(), 6);
        let json = serde_json::to_string(&earned).unwrap();
        assert_eq!(serde_json::from_str::<Earned>(&json).unwrap(), earned);
    }

    #[test]
    fn levels_rise_with_points() {
        assert_eq!(level_for(0), 1);
        assert_eq!(level_for(49), 1);
        assert_eq!(level_for(50), 2);
        assert_eq!(level_for(3_000), 10);
        assert_eq!(level_for(u64::MAX), 10);
    }

    mod merge {
        use super::*;
        use proptest::prelude::*;

        fn any_event() -> impl Strategy<Value = ProgressEvent> {
            let day = 20_000i64 * 86_400;
            let lesson = prop_oneof![Just("exits"), Just("extinguisher"), Just("unknown")]
                .prop_map(|lesson| EventKind::LessonCompleted { lesson_id: lesson.into() });
            let answer = |right: AnswerGiven, wrong: AnswerGiven| prop_oneof![Just(right), Just(wrong)];
            let quiz = (
                answer(AnswerGiven::Choice("b".into()), AnswerGiven::Choice("a".into())),
                answer(AnswerGiven::Bool(true), AnswerGiven::Bool(false)),
                answer(
                    AnswerGiven::Order(vec!["x".into(), "y".into(), "z".into()]),
                    AnswerGiven::Order(vec!["z".into(), "y".into(), "x".into()]),
                ),
                answer(AnswerGiven::Choices(vec!["a".into(), "c".into()]), AnswerGiven::Choices(vec!["a".into()])),
                any::<bool>(),
            )
                .prop_map(|(q1, q2, q3, q4, finished)| {
                    let mut answers: BTreeMap<String, AnswerGiven> =
                        [("q1".into(), q1), ("q2".into(), q2), ("q3".into(), q3)].into();
                    if finished {
                        answers.insert("q4".into(), q4);
                    }
                    EventKind::QuizAttempt { answers }
                });
            (prop_oneof![lesson, quiz], 0..6i64, 0..86_400i64, any::<u64>())
                .prop_map(move |(kind, d, s, id)| event(&format!("{id:016x}"), day + d * 86_400 + s, kind))
        }

        proptest! {
            #[test]
            fn any_interleaving_with_duplicates_merges_to_the_same_totals_and_never_lowers_them(
                phone in prop::collection::vec(any_event(), 0..20),
                kiosk in prop::collection::vec(any_event(), 0..20),
                order in prop::collection::vec(any::<prop::sample::Index>(), 0..80),
            ) {
                let rules = rules();
                let badges: BTreeMap<String, Vec<BadgeRule>> = [("fire".to_owned(), rules.badges.clone())].into();
                let all: Vec<&ProgressEvent> = phone.iter().chain(kiosk.iter()).collect();
                let derive = |log: &BTreeMap<String, &ProgressEvent>| {
                    let earned: Vec<(Earned, i64)> = log.values().map(|e| (earned(e, &rules), e.at)).collect();
                    totals(earned.iter().map(|(e, at)| (e, *at)), &badges, 7 * 60, 20_010)
                };
                // The hub receives the events in a random order, with
                // duplicates (retries), then every event once more.
                let mut merged: BTreeMap<String, &ProgressEvent> = BTreeMap::new();
                let mut last = derive(&merged);
                let deliveries = order.iter().filter(|_| !all.is_empty()).map(|index| *index.get(&all));
                for event in deliveries.chain(all.iter().copied()) {
                    merged.entry(event.id.clone()).or_insert(event);
                    let now = derive(&merged);
                    prop_assert!(now.points >= last.points && now.level >= last.level);
                    prop_assert!(now.lessons_completed >= last.lessons_completed);
                    prop_assert!(now.badges.is_superset(&last.badges));
                    prop_assert!(now.longest_streak_days >= last.longest_streak_days);
                    last = now;
                }
                let in_order: BTreeMap<String, &ProgressEvent> = all.iter().rev().map(|e| (e.id.clone(), *e)).collect();
                let reversed: BTreeMap<String, &ProgressEvent> = all.iter().map(|e| (e.id.clone(), *e)).collect();
                prop_assert_eq!(&last, &derive(&in_order));
                prop_assert_eq!(&last, &derive(&reversed));
            }
        }
    }
}
