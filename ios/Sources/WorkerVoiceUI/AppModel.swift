import Foundation
import SwiftUI
import WorkerVoice

/// Where the worker is. Each screen's state holder lives in its value (the
/// same screens as Android's `Screen`).
enum Screen {
    /// Set up an unenrolled device.
    case enrol(EnrolState)
    /// Choose the language; `next` is where to go after.
    case language(next: () -> Screen)
    /// Worker number and PIN.
    case signIn(SignInState)
    /// First sign-in with the activation code, choosing a PIN.
    case activate(ActivateState)
    /// The signed-in worker's start screen; `shared` hides the device-wide
    /// outbox count on a shared tablet.
    case home(name: String, queued: UInt64, shared: Bool)
    /// The hub retired this device: the core crypto-shredded everything on it
    /// and refuses sign-ins. Nothing of any worker is shown, only what to do.
    case retired
    /// Reporting a grievance, step by step.
    case report(ReportState)
    /// The receipt, shown once; `sent` once the hub has it.
    case receipt(SubmitOutcome, sent: Bool)
    /// Case number and secret from a receipt; `back` is where Back goes.
    case followUp(FollowUpState, back: () -> Screen)
    /// The signed-in worker's reports.
    case cases(CasesState)
    /// One case's conversation; `back` is where Back goes.
    case caseThread(CaseThreadState, back: () -> Screen)
    /// The surveys open to the signed-in worker.
    case surveys(SurveysState)
    /// Answering one survey.
    case survey(SurveyState)
    /// Lessons, quizzes, progress, certificates, leaderboard.
    case training(TrainingState)
    /// Changing the signed-in worker's PIN.
    case changePin(ChangePinState)

    /// Whether the screen belongs to a signed-in worker's session (what an
    /// idle time-out takes away).
    @MainActor var signedIn: Bool {
        switch self {
        case .home, .cases, .caseThread, .receipt, .surveys, .survey, .training, .changePin: return true
        case let .report(state): return !state.anonymousOnly
        default: return false
        }
    }
}

/// What the core is doing in the background, from its events: a sync's
/// progress, whether the hub was out of reach, what waits in the outbox, a
/// content download's progress.
public struct Activity {
    /// Items tried and due in the sync under way; nil when none runs.
    public var syncing: (done: UInt32, total: UInt32)?
    /// The last sync could not reach the hub.
    public var offline = false
    /// Items waiting to be sent (nil until the core said).
    public var queued: UInt64?
    /// Items the hub refused, kept for attention.
    public var needsAttention: UInt64 = 0
    /// Bytes held and needed of the content download under way; nil when none runs.
    public var download: (done: UInt64, total: UInt64)?
    /// When a sync last reached the hub (unix seconds, the core's record);
    /// nil when never or not yet read.
    public var lastSyncAt: Int64?
}

/// The app's root state holder: which screen shows, in which language, and
/// the moves between screens (Android's `AppModel`, move for move). It holds
/// no business rule: every decision is the core's. Network calls are the
/// core's `async` calls; blocking calls run through `offMain`, never on the
/// main actor.
@MainActor
public final class AppModel: ObservableObject {
    /// The core, opened once for the app.
    public let core: WorkerVoiceApp
    /// Text-to-speech, audio prompts, pictures: the platform's.
    public let services: PlatformServices
    private let deviceLanguages: [String]

    /// The strings of the current language.
    @Published public private(set) var strings: Strings
    /// The screen showing.
    @Published private(set) var screen: Screen
    /// A message for the whole app (e.g. background sync failed), already localized.
    @Published public private(set) var notice: String?
    /// What the core does in the background (sync, outbox, downloads), from its events.
    @Published public private(set) var activity = Activity()
    /// Seconds before an idle kiosk session ends, once it is close enough to
    /// warn the worker (`idleWarningSeconds`); nil otherwise. From the core.
    @Published public private(set) var idleCountdown: Int?
    /// The device's mode, read at start and after enrolment (not at every use).
    @Published private var shared = false

    public init(core: WorkerVoiceApp, languages: [String], services: PlatformServices = SystemServices()) {
        self.core = core
        self.services = services
        deviceLanguages = languages
        strings = Strings(languages: languages)
        // A placeholder until `self` exists: the first screen's state holder
        // needs callbacks into this model.
        screen = .home(name: "", queued: 0, shared: false)
        screen = initialScreen()
        observeCore()
        readMode()
        readLastSync()
    }

    // MARK: Events and the kiosk's idle time-out

    private func observeCore() {
        // When the core ends the session (idle time-out on a shared tablet,
        // or "I'm done"), nothing of that worker may stay on screen.
        let core = self.core
        Task { [weak self] in
            for await event in core.events() {
                self?.handle(event)
            }
        }
        // The idle time-out of shared tablets is the core's rule; the shell
        // asks it once a second (a no-op on personal phones), and how long
        // is left, for the warning in the last seconds.
        Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: idleCheckNanoseconds)
                let left = await offMainNoThrow { () -> UInt32? in
                    _ = core.checkIdle()
                    return core.idleSecondsLeft()
                }
                guard let self else { return }
                let countdown = left.map { Int($0) }.flatMap { $0 <= idleWarningSeconds ? $0 : nil }
                // Only a change is published: the whole app redraws on each.
                if countdown != self.idleCountdown { self.idleCountdown = countdown }
            }
        }
    }

    private func handle(_ event: Event) {
        switch event {
        case .sessionEnded, .sessionTimedOut:
            sessionEnded()
        case .deviceRetired:
            retired()
        case .syncStarted:
            activity.syncing = (0, 0)
        case let .syncProgress(done, total):
            activity.syncing = (done, total)
        case let .syncFinished(_, pending, offline):
            activity.syncing = nil
            activity.offline = offline
            activity.queued = UInt64(pending)
            readLastSync()
        case let .outboxChanged(queued, needsAttention):
            activity.queued = queued
            activity.needsAttention = needsAttention
        case let .contentProgress(_, doneBytes, totalBytes):
            activity.download = (doneBytes, totalBytes)
        case .contentUpdated:
            activity.download = nil
        default:
            break
        }
    }

    private func sessionEnded() {
        if case .retired = screen { return }
        idleCountdown = nil
        services.cancelPick()
        // Nothing one worker asked to hear goes on being read to the next.
        services.stopSpeaking()
        // A microphone left running would record the next person.
        if case let .report(state) = screen { state.cancelRecording() }
        // A shared tablet starts the next session in the device's language,
        // not in the last worker's.
        if shared {
            core.setLanguages(languages: deviceLanguages)
            strings = Strings(languages: deviceLanguages)
        }
        // An anonymous report on a kiosk belongs to no session.
        if screen.signedIn { go(.language(next: toSignIn)) }
    }

    private func initialScreen() -> Screen {
        let status = try? core.status()
        // A device the hub retired before this start stays retired.
        if status?.retired == true { return .retired }
        let enrolled = status?.enrolled ?? false
        // An enrolled device opens on sign-in; its language is one tap away.
        return enrolled ? signIn() : .enrol(EnrolState(core: core, strings: strings) { [unowned self] in self.afterEnrol() })
    }

    private func afterEnrol() {
        readMode()
        go(.language(next: toSignIn))
        // The recipient directory, for reports made before anyone signs in (shared tablets).
        syncInBackground()
    }

    private func readMode() {
        let core = self.core
        Task {
            shared = (try? await offMain { try core.status().mode }) == .shared
            // A shared tablet pins itself where its MDM allows (Autonomous
            // Single App Mode); elsewhere staff start Guided Access.
            if shared { Kiosk.enter() }
        }
    }

    // MARK: Moves between screens

    private var toSignIn: () -> Screen {
        { [unowned self] in self.signIn() }
    }

    /// Shows the language screen, then `next` (by default, where the worker was).
    func chooseLanguage(next: (() -> Screen)? = nil) {
        go(.language(next: next ?? { [unowned self] in self.currentOrHome() }))
    }

    private func currentOrHome() -> Screen {
        core.currentWorker() != nil ? home() : signIn()
    }

    /// Sets the language of the core's messages and of the app's strings.
    public func setLanguage(_ tag: String) {
        core.setLanguages(languages: [tag])
        strings = Strings(languages: [tag])
    }

    /// Called by the language screen when a language is chosen.
    public func languageChosen(_ tag: String) {
        setLanguage(tag)
        if case let .language(next) = screen { go(next()) } else { go(signIn()) }
    }

    func signIn() -> Screen {
        .signIn(SignInState(core: core, strings: strings,
                            onSignedIn: { [unowned self] in self.afterSignIn() },
                            onActivate: { [unowned self] in self.go(self.activate()) }))
    }

    /// Home, or straight back into the report this worker left unfinished.
    private func afterSignIn() {
        let core = self.core
        Task {
            let saved = try? await offMain { try core.loadDraft(name: reportDraftName) }
            if let bytes = saved, let draft = ReportDraft.decode(bytes) {
                // Its photos and voice notes, sealed with it under the worker's key.
                let attachments = (try? await offMain { try core.loadDraftAttachments(name: reportDraftName) }) ?? []
                report(restored: draft, restoredAttachments: attachments)
            } else {
                goHome()
            }
        }
    }

    func activate() -> Screen {
        .activate(ActivateState(core: core, strings: strings,
                                onActivated: { [unowned self] in self.afterActivation() },
                                onBack: { [unowned self] in self.go(self.signIn()) }))
    }

    private func afterActivation() {
        goHome()
        // The recipient directory (categories, routes) comes with the first sync.
        syncInBackground()
    }

    func home() -> Screen {
        let worker = core.currentWorker()
        let queued = (try? core.outboxSummary().queued) ?? 0
        return .home(name: worker?.displayName ?? "", queued: queued, shared: shared)
    }

    /// The signed-in worker's home screen.
    public func goHome() {
        go(home())
    }

    /// A new report, or the worker's unfinished one.
    func report(restored: ReportDraft? = nil, restoredAttachments: [DraftAttachment] = []) {
        go(.report(ReportState(core: core, strings: strings,
                               onSent: { [unowned self] outcome in self.receipt(outcome) },
                               onCancel: { [unowned self] in self.goHome() },
                               services: services,
                               restored: restored,
                               restoredAttachments: restoredAttachments)))
    }

    /// On a shared tablet, the sign-in screen's "Report without signing in"; nil elsewhere.
    var anonymousReportAction: (() -> Void)? {
        shared ? { [unowned self] in self.anonymousReport() } : nil
    }

    /// An anonymous report with nobody signed in; the core keeps nothing of it on the tablet.
    public func anonymousReport() {
        go(.report(ReportState(core: core, strings: strings,
                               onSent: { [unowned self] outcome in self.receipt(outcome) },
                               onCancel: { [unowned self] in self.go(self.signIn()) },
                               services: services,
                               anonymousOnly: true)))
    }

    private func receipt(_ outcome: SubmitOutcome) {
        go(.receipt(outcome, sent: false))
        // Delivery goes on behind the receipt; the receipt is already valid.
        let core = self.core
        Task {
            var delivered = false
            do {
                _ = try await core.syncNow(force: false)
                delivered = try await offMain { try core.submissionStatus(clientId: outcome.clientId) }?.state == .delivered
            } catch {
                delivered = false
            }
            if case let .receipt(current, _) = screen, current.clientId == outcome.clientId {
                go(.receipt(current, sent: delivered))
            }
        }
    }

    /// Follow-up with a receipt, from sign-in (no account needed) or home.
    public func followUp() {
        let back: () -> Screen = core.currentWorker() != nil ? { [unowned self] in self.home() } : toSignIn
        let core = self.core
        go(.followUp(FollowUpState(core: core, strings: strings) { [unowned self] caseId, secret, thread in
            self.go(.caseThread(CaseThreadState(core: core, strings: self.strings, access: .byReceipt(caseId: caseId, secret: secret), initial: thread), back: back))
        }, back: back))
    }

    /// The signed-in worker's reports.
    public func myCases() {
        go(.cases(CasesState(core: core, strings: strings)))
    }

    /// One of the worker's own cases.
    public func openCase(_ caseId: String) {
        go(.caseThread(CaseThreadState(core: core, strings: strings, access: .mine(caseId: caseId), initial: nil), back: { [unowned self] in
            .cases(CasesState(core: self.core, strings: self.strings))
        }))
    }

    /// The surveys open to the signed-in worker.
    public func surveys() {
        go(.surveys(SurveysState(core: core, strings: strings)))
    }

    /// Answering a survey (resuming the worker's saved answers, if any).
    public func openSurvey(_ id: String) {
        go(.survey(SurveyState(core: core, strings: strings, surveyId: id) { [unowned self] in self.surveys() }))
    }

    /// "Read aloud" on the receipt: the case number and the secret in the
    /// worker's language, character by character (so "A7K2" is four sounds,
    /// not a word); false when the platform has no voice for the language.
    public func readReceiptAloud(_ receipt: Receipt) -> Bool {
        let spelled = { (value: String) in value.map(String.init).joined(separator: " ") }
        let text = strings("receipt-spoken", ("case", spelled(receipt.caseId)), ("secret", spelled(receipt.secret)))
        return services.speak(text, language: strings.language)
    }

    /// Reads a survey question aloud: its recorded prompt when it has one, else the platform's voice.
    public func listen(_ question: SurveyQuestionView) {
        let core = self.core
        Task {
            var audio: String?
            if let sha = question.audioSha256 {
                audio = try? await offMain { try core.mediaPath(sha256: sha) }
            }
            if let audio, services.play(path: audio) { return }
            _ = services.speak(question.label, language: strings.language)
        }
    }

    /// Training: lessons, quizzes and the worker's progress.
    public func training() {
        go(.training(TrainingState(core: core, strings: strings, services: services) { [unowned self] in self.goHome() }))
    }

    /// Change my PIN.
    public func changePin() {
        go(.changePin(ChangePinState(core: core, strings: strings) { [unowned self] in self.goHome() }))
    }

    /// "Send now": a sync the worker asked for, past the retry delays
    /// (progress and result show on home).
    public func syncNow() {
        syncInBackground(force: true)
    }

    /// The worker touched the screen: on a shared tablet the idle time-out
    /// counts from now (the core's rule; a session past its time ends instead).
    public func userActive() {
        guard shared else { return }
        idleCountdown = nil
        let core = self.core
        Task { await offMainNoThrow { core.keepSessionAlive() } }
    }

    /// Where a screen's Back leads.
    func back(_ to: () -> Screen) {
        go(to())
    }

    /// After "I have written it down": home, or sign-in when nobody is signed in.
    public func receiptNoted() {
        // An anonymous report on a kiosk goes on to the next person's sign-in:
        // the receipt is not read on past its screen.
        services.stopSpeaking()
        if core.currentWorker() != nil { goHome() } else { go(signIn()) }
    }

    /// "I'm done": end the session; the next person starts from the language screen.
    public func done() {
        idleCountdown = nil
        services.cancelPick()
        services.stopSpeaking()
        go(.language(next: toSignIn))
        core.lock()
    }

    /// A sync in the background; its failure shows as the home screen's notice.
    public func syncInBackground(force: Bool = false) {
        let core = self.core
        Task {
            do {
                _ = try await core.syncNow(force: force)
                notice = nil
            } catch {
                notice = failureMessage(error, strings)
            }
        }
    }

    /// The hub retired the device (the core has already shredded what it
    /// held): whatever showed, only the retired screen remains, in the
    /// device's language, with no way back into a worker's screens.
    private func retired() {
        idleCountdown = nil
        services.cancelPick()
        services.stopSpeaking()
        notice = nil
        core.setLanguages(languages: deviceLanguages)
        strings = Strings(languages: deviceLanguages)
        screen = .retired
    }

    /// The core's record of the last sync that reached the hub, for home's "last in touch".
    private func readLastSync() {
        let core = self.core
        Task {
            activity.lastSyncAt = (try? await offMain { try core.deviceHealth() })?.lastSyncAt
        }
    }

    private func go(_ next: Screen) {
        // A retired device stays on its screen: nothing may lead back to a worker's.
        if case .retired = screen { return }
        screen = next
    }
}

/// How often the shell asks the core whether a kiosk session has been idle too long (1 s).
private let idleCheckNanoseconds: UInt64 = 1_000_000_000

/// How close to the kiosk's idle time-out the warning shows, in seconds.
let idleWarningSeconds = 20
