import Foundation
import WorkerVoice

/// Enrolment: the typed (or scanned) code goes to the core, which checks it
/// with the hub. The QR scanner is the platform shell's: it calls `scanned`.
@MainActor
final class EnrolState: ObservableObject {
    /// What the enrol screen shows.
    struct UI {
        var code = ""
        var mode = DeviceMode.personal
        var busy = false
        /// The core's message, already localized.
        var error: String?

        var canSubmit: Bool { !code.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && !busy }
    }

    @Published private(set) var ui = UI()
    private let core: WorkerVoiceApp
    private let strings: Strings
    private let onEnrolled: () -> Void
    private var job: Task<Void, Never>?

    init(core: WorkerVoiceApp, strings: Strings, onEnrolled: @escaping () -> Void) {
        self.core = core
        self.strings = strings
        self.onEnrolled = onEnrolled
    }

    func code(_ text: String) {
        ui.code = text
        ui.error = nil
    }

    func mode(_ mode: DeviceMode) {
        ui.mode = mode
    }

    /// A QR payload from the platform's scanner: enrols at once.
    func scanned(_ payload: String) {
        code(payload)
        submit()
    }

    func submit() {
        guard ui.canSubmit else { return }
        ui.busy = true
        ui.error = nil
        let code = ui.code.trimmingCharacters(in: .whitespacesAndNewlines)
        let mode = ui.mode
        let core = self.core
        job = Task {
            do {
                _ = try await core.enrol(codeOrQr: code, mode: mode)
                ui.busy = false
                onEnrolled()
            } catch {
                ui.busy = false
                ui.error = failureMessage(error, strings)
            }
        }
    }

    /// Stops waiting for the hub (the screen's Cancel while busy).
    func cancel() {
        job?.cancel()
        ui.busy = false
    }
}
