import Foundation
import WorkerVoice

/// The length of a PIN the pad collects (the core's policy asks for 6 digits).
let pinLength = 6

/// Sign-in with worker number and PIN; the core decides (online, or offline unlock).
@MainActor
final class SignInState: ObservableObject {
    /// What the sign-in screen shows.
    struct UI {
        var workerNumber = ""
        var pin = ""
        var busy = false
        var error: String?
        /// Tries left after a wrong PIN, when the core says.
        var attemptsLeft: UInt32?

        var canSubmit: Bool { !workerNumber.isEmpty && pin.count == pinLength && !busy }
    }

    @Published private(set) var ui = UI()
    private let core: WorkerVoiceApp
    private let strings: Strings
    private let onSignedIn: () -> Void
    private let onActivate: () -> Void
    private var job: Task<Void, Never>?

    init(core: WorkerVoiceApp, strings: Strings, onSignedIn: @escaping () -> Void, onActivate: @escaping () -> Void) {
        self.core = core
        self.strings = strings
        self.onSignedIn = onSignedIn
        self.onActivate = onActivate
    }

    func workerNumber(_ text: String) {
        ui.workerNumber = text.trimmingCharacters(in: .whitespacesAndNewlines)
        ui.error = nil
    }

    func digit(_ digit: Character) {
        guard ui.pin.count < pinLength, !ui.busy else { return }
        ui.pin.append(digit)
        ui.error = nil
    }

    func delete() {
        if !ui.busy { _ = ui.pin.popLast() }
    }

    func activate() {
        onActivate()
    }

    func submit() {
        guard ui.canSubmit else { return }
        ui.busy = true
        ui.error = nil
        ui.attemptsLeft = nil
        let (number, pin, core) = (ui.workerNumber, ui.pin, self.core)
        job = Task {
            do {
                _ = try await core.login(workerNumber: number, pin: pin)
                ui = UI()
                onSignedIn()
            } catch {
                var attempts: UInt32?
                if let failure = error as? WorkerVoiceError, case let .Pin(_, _, attemptsLeft, _) = failure { attempts = attemptsLeft }
                // The PIN is cleared after every failure: it is never kept longer than needed.
                ui.busy = false
                ui.pin = ""
                ui.error = failureMessage(error, strings)
                ui.attemptsLeft = attempts
            }
        }
    }

    func cancel() {
        job?.cancel()
        ui.busy = false
        ui.pin = ""
    }
}
