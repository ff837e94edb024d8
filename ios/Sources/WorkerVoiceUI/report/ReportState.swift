import Foundation
import WorkerVoice

/// The steps of a report, in order (raw values as in Android's draft format).
enum ReportStep: String, CaseIterable {
    case category = "CATEGORY"
    case text = "TEXT"
    case identity = "IDENTITY"
    case route = "ROUTE"
    case review = "REVIEW"
}

/// The routes a worker can choose, in the order shown.
let allRoutes: [GrievanceRoute] = [.factoryCommittee, .independentHotline, .brand]

/// A grievance from category to send. The categories (labelled in the
/// worker's language) and who can read each route come from the core's
/// signed directory; sealing, queueing and the receipt are the core's
/// (`submitGrievance`, run off the main actor: sealing takes a moment on a
/// slow phone).
@MainActor
final class ReportState: ObservableObject {
    /// What the report screen shows.
    struct UI {
        var step = ReportStep.category
        var categories: [CategoryOption] = []
        var categoryId: String?
        var text = ""
        var anonymous: Bool?
        var routes: Set<GrievanceRoute> = []
        var busy = false
        var error: String?
        /// The signed-in worker's name, shown on the review when the report is named.
        var workerName = ""
        /// Who can read a report on each route this device offers (organisation,
        /// number of readers, single reader); empty until the directory is here.
        var readers: [RouteReaders] = []
        /// Photos and voice notes the worker took, chose or recorded (sealed
        /// by the core at Send; kept with the worker's sealed draft by the
        /// core until then).
        var attachments: [Attached] = []
        /// Whether the worker asks to be called back (named reports only).
        var callback = false
        /// The phone number to call.
        var phone = ""
        /// When to call, in the worker's words.
        var callTime = ""
        /// The language to call in (a BCP 47 tag; the screen's language by default).
        var callLanguage = ""
        /// A picker is open (the camera, the photo picker) or the microphone is starting.
        var picking = false
        /// What this device may offer and how large a capture may be (the
        /// core's `capturePolicy()`: the camera only on a shared tablet); nil until read.
        var capture: CapturePolicy?
        /// Seconds recorded so far while a voice note is being recorded; nil when not recording.
        var recordingSeconds: Int?
        /// What one report may carry (the core's `attachmentLimits()`).
        var limits: AttachmentLimits?

        /// Whether "Choose a photo" is offered: only where the core's policy names the photo library.
        var canChoosePhoto: Bool { capture?.photoSources.contains(.library) ?? false }
        /// Whether "Take a photo" is offered.
        var canTakePhoto: Bool { capture?.photoSources.contains(.camera) ?? false }
        /// Whether the add buttons show: not once the core's count is reached.
        var canAttach: Bool { limits.map { UInt32(attachments.count) < $0.maxCount } ?? true }

        var category: CategoryOption? { categories.first { $0.id == categoryId } }

        /// The routes the signed directory names for this factory, in the
        /// core's order; all of them while the directory has not arrived
        /// (the core refuses a route it cannot seal to).
        var offeredRoutes: [GrievanceRoute] { readers.isEmpty ? allRoutes : readers.map(\.route) }

        /// The readers of `route`, or nil when the directory does not say.
        func readersOf(_ route: GrievanceRoute) -> RouteReaders? { readers.first { $0.route == route } }

        var canContinue: Bool {
            guard !busy else { return false }
            switch step {
            case .category: return categoryId != nil
            case .text: return !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            // A call-back needs a number and a time; the core checks nothing more of them.
            case .identity:
                guard let anonymous else { return false }
                return anonymous || !callback || (!phone.trimmingCharacters(in: .whitespaces).isEmpty
                    && !callTime.trimmingCharacters(in: .whitespaces).isEmpty)
            case .route: return !routes.isEmpty
            case .review: return true
            }
        }
    }

    /// A photo or voice note, held in memory until Send (and sealed in the worker's draft by the core).
    struct Attached {
        let name: String
        let kind: AttachmentType
        let mime: String
        let bytes: Data

        var draft: DraftAttachment { DraftAttachment(name: name, kind: kind, mime: mime, bytes: bytes) }

        init(name: String, kind: AttachmentType, mime: String, bytes: Data) {
            self.name = name
            self.kind = kind
            self.mime = mime
            self.bytes = bytes
        }

        init(_ draft: DraftAttachment) {
            self.init(name: draft.name, kind: draft.kind, mime: draft.mime, bytes: draft.bytes)
        }
    }

    @Published private(set) var ui: UI
    /// Nobody signed in (a shared tablet): the report can only be anonymous,
    /// so the identity step is skipped; the core keeps nothing of it.
    let anonymousOnly: Bool
    private let core: WorkerVoiceApp
    private let strings: Strings
    private let onSent: (SubmitOutcome) -> Void
    private let onCancel: () -> Void
    /// The platform's pickers (photo, voice note).
    private let services: PlatformServices
    private let steps: [ReportStep]
    private var saving: Task<Void, Never>?
    private var savingAttachments: Task<Void, Never>?
    private var recorder: VoiceRecorder?
    private var recordingClock: Task<Void, Never>?

    init(core: WorkerVoiceApp, strings: Strings, onSent: @escaping (SubmitOutcome) -> Void, onCancel: @escaping () -> Void,
         services: PlatformServices = NoPlatformServices(), anonymousOnly: Bool = false, restored: ReportDraft? = nil,
         restoredAttachments: [DraftAttachment] = []) {
        self.core = core
        self.services = services
        self.strings = strings
        self.onSent = onSent
        self.onCancel = onCancel
        self.anonymousOnly = anonymousOnly
        steps = anonymousOnly ? ReportStep.allCases.filter { $0 != .identity } : ReportStep.allCases
        var initial = UI()
        if let restored {
            restored.apply(to: &initial)
            initial.attachments = restoredAttachments.map(Attached.init)
        } else if anonymousOnly {
            initial.anonymous = true
        }
        ui = initial
        load()
    }

    private func load() {
        let core = self.core
        Task {
            do {
                let (categories, worker, readers, capture) = try await offMain {
                    // Who can read it: shown on the route step before the worker sends.
                    (try core.categories(), core.currentWorker(), try core.routeReaders(), core.capturePolicy())
                }
                ui.capture = capture
                ui.limits = attachmentLimits()
                ui.categories = categories
                ui.workerName = worker?.displayName ?? ""
                ui.readers = readers
            } catch {
                ui.error = failureMessage(error, strings)
            }
        }
    }

    /// The position of the current step (1-based) and how many there are.
    var position: (step: Int, count: Int) {
        ((steps.firstIndex(of: ui.step) ?? 0) + 1, steps.count)
    }

    func category(_ id: String) {
        ui.categoryId = id
        ui.error = nil
        saveDraft()
    }

    func text(_ text: String) {
        ui.text = text
        ui.error = nil
        saveDraft()
    }

    func anonymous(_ anonymous: Bool) {
        ui.anonymous = anonymous
        saveDraft()
    }

    /// "Take a photo": the camera only, nothing saved to the photo library.
    func takePhoto() {
        photo { await $0.takePhoto() }
    }

    /// "Choose a photo": the device's photos; only where the core's policy
    /// offers them (never on a shared tablet).
    func choosePhoto() {
        guard ui.canChoosePhoto else { return }
        photo { await $0.choosePhoto() }
    }

    /// A photo made small and stripped of its metadata by the platform to
    /// the core's bounds before it is attached; one the platform cannot
    /// read is refused rather than sent as it came (it could carry where it
    /// was taken).
    private func photo(_ source: @escaping @MainActor (PlatformServices) async -> PickedFile?) {
        guard !ui.picking, !ui.busy, ui.recordingSeconds == nil, let policy = ui.capture else { return }
        ui.picking = true
        ui.error = nil
        let services = self.services
        Task {
            guard let picked = await source(services) else {
                ui.picking = false
                return
            }
            let edge = Int(policy.photoMaxLongEdge)
            let quality = Int(policy.photoJpegQuality)
            let small = await offMainNoThrow { services.downscalePhoto(picked.bytes, maxLongEdge: edge, quality: quality) }
            ui.picking = false
            guard let small else {
                ui.error = strings["report-photo-unreadable"]
                return
            }
            let base = (picked.name as NSString).deletingPathExtension
            add(Attached(name: base + ".jpg", kind: .photo, mime: "image/jpeg", bytes: small))
        }
    }

    /// "Record a voice note": the microphone, for at most the core's length.
    func startRecording() {
        guard !ui.picking, !ui.busy, ui.recordingSeconds == nil, let policy = ui.capture else { return }
        guard let mic = services.voiceRecorder() else {
            ui.error = strings["report-voice-unavailable"]
            return
        }
        let limit = Int(policy.voiceMaxSeconds)
        ui.picking = true
        ui.error = nil
        Task {
            // The platform asks the worker for the microphone first.
            let started = await mic.start(maxSeconds: limit)
            ui.picking = false
            guard started else {
                ui.error = strings["report-voice-unavailable"]
                return
            }
            recorder = mic
            ui.recordingSeconds = 0
            recordingClock = Task {
                var seconds = 0
                while seconds < limit {
                    do { try await Task.sleep(nanoseconds: 1_000_000_000) } catch { return }
                    seconds += 1
                    ui.recordingSeconds = seconds
                }
                // At the core's length the recording ends as if the worker had tapped Stop.
                stopRecording()
            }
        }
    }

    /// "Stop and keep": the voice note becomes an attachment, if the core accepts it.
    func stopRecording() {
        guard let mic = recorder else { return }
        recorder = nil
        recordingClock?.cancel()
        ui.recordingSeconds = nil
        if let clip = mic.stop() {
            add(Attached(name: clip.name, kind: .voice, mime: clip.mimeType, bytes: clip.bytes))
        }
    }

    /// "Cancel" while recording (or the session ending): nothing is kept.
    func cancelRecording() {
        recordingClock?.cancel()
        recorder?.cancel()
        recorder = nil
        ui.recordingSeconds = nil
    }

    /// Plays a voice note before it is sent.
    func play(_ index: Int) {
        guard ui.attachments.indices.contains(index) else { return }
        _ = services.playClip(ui.attachments[index].bytes)
    }

    /// Attaches `attached` if the core's limits (how many, how many bytes
    /// together) take it with what is attached; else the core's message
    /// says why, in the worker's language.
    private func add(_ attached: Attached) {
        let sizes = (ui.attachments.map(\.bytes.count) + [attached.bytes.count]).map { UInt64($0) }
        do {
            // Arithmetic on the sizes only: no reason to leave the main actor.
            try core.checkAttachments(sizes: sizes)
        } catch {
            ui.error = failureMessage(error, strings)
            return
        }
        ui.attachments.append(attached)
        saveAttachments()
    }

    /// Takes the attachment at `index` off the report.
    func detach(_ index: Int) {
        guard !ui.busy, ui.attachments.indices.contains(index) else { return }
        services.stopPlaying()
        ui.attachments.remove(at: index)
        ui.error = nil
        saveAttachments()
    }

    /// Keeps the report's photos and voice notes with the worker's draft,
    /// sealed under their key by the core (only when one is added or
    /// removed, not with every keystroke).
    private func saveAttachments() {
        guard !anonymousOnly else { return }
        let attachments = ui.attachments.map(\.draft)
        let core = self.core
        let previous = savingAttachments
        savingAttachments = Task {
            await previous?.value
            _ = try? await offMain { try core.saveDraftAttachments(name: reportDraftName, attachments: attachments) }
        }
        // The words and choices go with them, so the draft is there to resume.
        saveDraft()
    }

    /// Asks (or stops asking) to be called back.
    func callback(_ wanted: Bool) {
        ui.callback = wanted
        if ui.callLanguage.isEmpty { ui.callLanguage = strings.language }
        saveDraft()
    }

    func phone(_ text: String) {
        ui.phone = text
        ui.error = nil
        saveDraft()
    }

    func callTime(_ text: String) {
        ui.callTime = text
        ui.error = nil
        saveDraft()
    }

    func callLanguage(_ tag: String) {
        ui.callLanguage = tag
        saveDraft()
    }

    func toggleRoute(_ route: GrievanceRoute) {
        if ui.routes.contains(route) { ui.routes.remove(route) } else { ui.routes.insert(route) }
        saveDraft()
    }

    /// Keeps the report as the signed-in worker's draft, sealed under their
    /// key by the core: if a shared tablet times out, it comes back to them
    /// only. Debounced; with nobody signed in there is no draft at all.
    private func saveDraft() {
        guard !anonymousOnly else { return }
        let bytes = ReportDraft(of: ui).encode()
        let core = self.core
        saving?.cancel()
        saving = Task {
            do { try await Task.sleep(nanoseconds: draftDebounceNanoseconds) } catch { return }
            _ = try? await offMain { try core.saveDraft(name: reportDraftName, content: bytes) }
        }
    }

    private func discardDraft() {
        saving?.cancel()
        cancelRecording()
        guard !anonymousOnly else { return }
        let core = self.core
        let attachments = savingAttachments
        Task {
            // After any attachment save under way, so none outlives the draft.
            await attachments?.value
            _ = try? await offMain { try core.deleteDraft(name: reportDraftName) }
        }
    }

    func next() {
        guard ui.canContinue else { return }
        // Leaving the words step keeps a voice note being recorded, as "Stop and keep" would.
        stopRecording()
        if ui.step == .review {
            send()
        } else if let index = steps.firstIndex(of: ui.step), index + 1 < steps.count {
            ui.step = steps[index + 1]
            ui.error = nil
            saveDraft()
        }
    }

    func back() {
        guard !ui.busy else { return }
        stopRecording()
        guard let index = steps.firstIndex(of: ui.step), index > 0 else {
            discardDraft()
            onCancel()
            return
        }
        ui.step = steps[index - 1]
        ui.error = nil
    }

    /// Jumps back to a step from the review (its "Change" buttons).
    func edit(_ step: ReportStep) {
        if !ui.busy && steps.contains(step) { ui.step = step }
    }

    private func send() {
        guard let categoryId = ui.categoryId, let anonymous = ui.anonymous else { return }
        let draft = GrievanceDraft(
            categoryId: categoryId,
            text: ui.text.trimmingCharacters(in: .whitespacesAndNewlines),
            anonymous: anonymous,
            routes: ui.offeredRoutes.filter { ui.routes.contains($0) },
            callback: ui.callback && !anonymous
                ? CallbackRequest(phone: ui.phone.trimmingCharacters(in: .whitespaces),
                                  preferredTime: ui.callTime.trimmingCharacters(in: .whitespaces),
                                  language: ui.callLanguage.isEmpty ? strings.language : ui.callLanguage)
                : nil,
            attachments: ui.attachments.map { AttachmentDraft(kind: $0.kind, mime: $0.mime, bytes: $0.bytes) }
        )
        ui.busy = true
        ui.error = nil
        let core = self.core
        Task {
            do {
                let outcome = try await offMain { try core.submitGrievance(draft: draft) }
                discardDraft()
                // The words leave memory with the screen: the core has them sealed.
                var cleared = UI()
                cleared.categories = ui.categories
                cleared.anonymous = anonymousOnly ? true : nil
                ui = cleared
                onSent(outcome)
            } catch {
                ui.busy = false
                ui.error = failureMessage(error, strings)
            }
        }
    }
}

/// The name of the report's draft in the core (one per worker).
let reportDraftName = "grievance"

/// How long typing pauses before the draft is saved (0.4 s).
private let draftDebounceNanoseconds: UInt64 = 400_000_000

/// A report in progress, as the core keeps it (opaque bytes to the core;
/// its photos and voice notes are the core's draft attachments).
/// Lines: format version, step, category, anonymous, routes, call-back
/// (wanted, phone, time, language), then the text — the same format as
/// Android's `ReportDraft` (version 1, without the call-back, is still read).
struct ReportDraft: Equatable {
    var step: ReportStep
    var categoryId: String?
    var anonymous: Bool?
    var routes: Set<GrievanceRoute>
    var text: String
    var callback = false
    var phone = ""
    var callTime = ""
    var callLanguage = ""

    private static let version = "report-draft/2"
    private static let version1 = "report-draft/1"

    init(step: ReportStep, categoryId: String?, anonymous: Bool?, routes: Set<GrievanceRoute>, text: String) {
        self.step = step
        self.categoryId = categoryId
        self.anonymous = anonymous
        self.routes = routes
        self.text = text
    }

    init(of ui: ReportState.UI) {
        self.init(step: ui.step, categoryId: ui.categoryId, anonymous: ui.anonymous, routes: ui.routes, text: ui.text)
        callback = ui.callback
        phone = ui.phone
        callTime = ui.callTime
        callLanguage = ui.callLanguage
    }

    /// A field kept on one line (a pasted line break would shift the fields after it).
    private static func oneLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
    }

    func encode() -> Data {
        let lines = [
            ReportDraft.version,
            step.rawValue,
            categoryId ?? "",
            anonymous.map { $0 ? "true" : "false" } ?? "",
            allRoutes.filter { routes.contains($0) }.map(routeName).joined(separator: ","),
            callback ? "true" : "false",
            ReportDraft.oneLine(phone),
            ReportDraft.oneLine(callTime),
            ReportDraft.oneLine(callLanguage),
            text,
        ]
        return Data(lines.joined(separator: "\n").utf8)
    }

    /// The screen state with this draft in it (categories come from the core).
    func apply(to ui: inout ReportState.UI) {
        ui.step = step
        ui.categoryId = categoryId
        ui.anonymous = anonymous
        ui.routes = routes
        ui.text = text
        ui.callback = callback
        ui.phone = phone
        ui.callTime = callTime
        ui.callLanguage = callLanguage
    }

    /// Nil for bytes no version wrote (the draft is then ignored, not guessed at).
    static func decode(_ bytes: Data) -> ReportDraft? {
        guard let source = String(data: bytes, encoding: .utf8) else { return nil }
        let head = source.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
        let fields: Int
        switch head {
        case version: fields = 10
        case version1: fields = 6
        default: return nil
        }
        let parts = source.split(separator: "\n", maxSplits: fields - 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == fields, let step = ReportStep(rawValue: parts[1]) else { return nil }
        var routes = Set<GrievanceRoute>()
        for name in parts[4].split(separator: ",") {
            guard let route = allRoutes.first(where: { routeName($0) == name }) else { return nil }
            routes.insert(route)
        }
        let anonymous: Bool?
        switch parts[3] {
        case "true": anonymous = true
        case "false": anonymous = false
        default: anonymous = nil
        }
        var draft = ReportDraft(step: step, categoryId: parts[2].isEmpty ? nil : parts[2], anonymous: anonymous, routes: routes,
                                text: parts[fields - 1])
        if fields == 10 {
            draft.callback = parts[5] == "true"
            draft.phone = parts[6]
            draft.callTime = parts[7]
            draft.callLanguage = parts[8]
        }
        return draft
    }
}

/// A route's name in the draft format (Android's enum names).
private func routeName(_ route: GrievanceRoute) -> String {
    switch route {
    case .factoryCommittee: return "FACTORY_COMMITTEE"
    case .independentHotline: return "INDEPENDENT_HOTLINE"
    case .brand: return "BRAND"
    }
}
