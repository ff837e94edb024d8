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
        /// Photos and voice notes the worker picked (sealed by the core at
        /// Send, never kept by the app, not in the saved draft).
        var attachments: [Attached] = []
        /// Whether the worker asks to be called back (named reports only).
        var callback = false
        /// The phone number to call.
        var phone = ""
        /// When to call, in the worker's words.
        var callTime = ""
        /// The language to call in (a BCP 47 tag; the screen's language by default).
        var callLanguage = ""
        /// A picker is open (the platform's photo picker or file chooser).
        var picking = false

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

    /// A picked photo or voice note, held in memory until Send.
    struct Attached {
        let name: String
        let kind: AttachmentType
        let mime: String
        let bytes: Data
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

    init(core: WorkerVoiceApp, strings: Strings, onSent: @escaping (SubmitOutcome) -> Void, onCancel: @escaping () -> Void,
         services: PlatformServices = NoPlatformServices(), anonymousOnly: Bool = false, restored: ReportDraft? = nil) {
        self.core = core
        self.services = services
        self.strings = strings
        self.onSent = onSent
        self.onCancel = onCancel
        self.anonymousOnly = anonymousOnly
        steps = anonymousOnly ? ReportStep.allCases.filter { $0 != .identity } : ReportStep.allCases
        var initial = UI()
        if let restored { restored.apply(to: &initial) } else if anonymousOnly { initial.anonymous = true }
        ui = initial
        load()
    }

    private func load() {
        let core = self.core
        Task {
            do {
                let (categories, worker, readers) = try await offMain {
                    // Who can read it: shown on the route step before the worker sends.
                    (try core.categories(), core.currentWorker(), try core.routeReaders())
                }
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

    /// Opens the platform's picker for a photo or a voice note and attaches
    /// what the worker chose, if the core's limits (how many, how many bytes
    /// together) take it; else the core's message says why, in the worker's
    /// language.
    func attach(_ kind: AttachmentKind) {
        guard !ui.picking, !ui.busy else { return }
        ui.picking = true
        ui.error = nil
        Task {
            let picked = await services.pickAttachment(kind)
            ui.picking = false
            guard let picked else { return }
            let sizes = (ui.attachments.map(\.bytes.count) + [picked.bytes.count]).map { UInt64($0) }
            do {
                // Arithmetic on the sizes only: no reason to leave the main actor.
                try core.checkAttachments(sizes: sizes)
            } catch {
                ui.error = failureMessage(error, strings)
                return
            }
            ui.attachments.append(Attached(name: picked.name, kind: kind == .photo ? .photo : .voice, mime: picked.mimeType, bytes: picked.bytes))
        }
    }

    /// Takes the attachment at `index` off the report.
    func detach(_ index: Int) {
        guard !ui.busy, ui.attachments.indices.contains(index) else { return }
        ui.attachments.remove(at: index)
        ui.error = nil
    }

    /// Asks (or stops asking) to be called back.
    func callback(_ wanted: Bool) {
        ui.callback = wanted
        if ui.callLanguage.isEmpty { ui.callLanguage = strings.language }
    }

    func phone(_ text: String) {
        ui.phone = text
        ui.error = nil
    }

    func callTime(_ text: String) {
        ui.callTime = text
        ui.error = nil
    }

    func callLanguage(_ tag: String) {
        ui.callLanguage = tag
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
        guard !anonymousOnly else { return }
        let core = self.core
        Task { _ = try? await offMain { try core.deleteDraft(name: reportDraftName) } }
    }

    func next() {
        guard ui.canContinue else { return }
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

/// A report in progress, as the core keeps it (opaque bytes to the core).
/// Lines: format version, step, category, anonymous, routes, then the text
/// — the same format as Android's `ReportDraft`.
struct ReportDraft: Equatable {
    var step: ReportStep
    var categoryId: String?
    var anonymous: Bool?
    var routes: Set<GrievanceRoute>
    var text: String

    private static let version = "report-draft/1"

    init(step: ReportStep, categoryId: String?, anonymous: Bool?, routes: Set<GrievanceRoute>, text: String) {
        self.step = step
        self.categoryId = categoryId
        self.anonymous = anonymous
        self.routes = routes
        self.text = text
    }

    init(of ui: ReportState.UI) {
        self.init(step: ui.step, categoryId: ui.categoryId, anonymous: ui.anonymous, routes: ui.routes, text: ui.text)
    }

    func encode() -> Data {
        let lines = [
            ReportDraft.version,
            step.rawValue,
            categoryId ?? "",
            anonymous.map { $0 ? "true" : "false" } ?? "",
            allRoutes.filter { routes.contains($0) }.map(routeName).joined(separator: ","),
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
    }

    /// Nil for bytes this version did not write (the draft is then ignored, not guessed at).
    static func decode(_ bytes: Data) -> ReportDraft? {
        guard let source = String(data: bytes, encoding: .utf8) else { return nil }
        let parts = source.split(separator: "\n", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == version, let step = ReportStep(rawValue: parts[1]) else { return nil }
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
        return ReportDraft(step: step, categoryId: parts[2].isEmpty ? nil : parts[2], anonymous: anonymous, routes: routes, text: parts[5])
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
