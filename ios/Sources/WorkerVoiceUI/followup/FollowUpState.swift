import Foundation
import WorkerVoice

/// Follow-up with only a receipt, on any device and without signing in: the
/// core checks the receipt with the hub (`followUp`) and opens the
/// conversation; a wrong receipt gives the core's message.
@MainActor
final class FollowUpState: ObservableObject {
    /// What the follow-up screen shows.
    struct UI {
        var caseId = ""
        var secret = ""
        var busy = false
        var error: String?

        var canOpen: Bool {
            !caseId.trimmingCharacters(in: .whitespaces).isEmpty && !secret.trimmingCharacters(in: .whitespaces).isEmpty && !busy
        }
    }

    @Published private(set) var ui = UI()
    private let core: WorkerVoiceApp
    private let strings: Strings
    private let onOpened: (String, String, CaseThread) -> Void
    private var job: Task<Void, Never>?

    init(core: WorkerVoiceApp, strings: Strings, onOpened: @escaping (_ caseId: String, _ secret: String, _ thread: CaseThread) -> Void) {
        self.core = core
        self.strings = strings
        self.onOpened = onOpened
    }

    func caseId(_ text: String) {
        ui.caseId = text.uppercased()
        ui.error = nil
    }

    func secret(_ text: String) {
        ui.secret = text
        ui.error = nil
    }

    func open() {
        guard ui.canOpen else { return }
        let caseId = ui.caseId.trimmingCharacters(in: .whitespaces)
        let secret = ui.secret.trimmingCharacters(in: .whitespaces)
        ui.busy = true
        ui.error = nil
        let core = self.core
        job = Task {
            do {
                let thread = try await core.followUp(caseId: caseId, secret: secret)
                // The secret leaves this screen's state once the case is open.
                ui = UI()
                onOpened(caseId, secret, thread)
            } catch {
                ui.busy = false
                ui.error = failureMessage(error, strings)
            }
        }
    }

    func cancel() {
        job?.cancel()
        ui.busy = false
    }
}
