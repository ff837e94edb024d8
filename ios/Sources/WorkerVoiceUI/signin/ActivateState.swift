import Foundation
import WorkerVoice

/// The steps of a first sign-in.
enum ActivateStep {
    case card, choosePin, repeatPin
}

/// First sign-in: worker number and activation code from the worker card,
/// then a new PIN twice. Whether a PIN is strong enough is the core's rule
/// (`checkNewPin`); the message is the core's, in the screen's language.
@MainActor
final class ActivateState: ObservableObject {
    /// What the activation screen shows.
    struct UI {
        var step = ActivateStep.card
        var workerNumber = ""
        var activationCode = ""
        var pin = ""
        var repeatPin = ""
        var busy = false
        /// A localized message: the core's, or the app's "PINs differ".
        var error: String?

        var canContinue: Bool {
            guard !busy else { return false }
            switch step {
            case .card: return !workerNumber.isEmpty && !activationCode.trimmingCharacters(in: .whitespaces).isEmpty
            case .choosePin: return pin.count == pinLength
            case .repeatPin: return repeatPin.count == pinLength
            }
        }
    }

    @Published private(set) var ui = UI()
    private let core: WorkerVoiceApp
    private let strings: Strings
    private let onActivated: () -> Void
    private let onBack: () -> Void
    private var job: Task<Void, Never>?

    init(core: WorkerVoiceApp, strings: Strings, onActivated: @escaping () -> Void, onBack: @escaping () -> Void) {
        self.core = core
        self.strings = strings
        self.onActivated = onActivated
        self.onBack = onBack
    }

    func workerNumber(_ text: String) {
        ui.workerNumber = text.trimmingCharacters(in: .whitespacesAndNewlines)
        ui.error = nil
    }

    func activationCode(_ text: String) {
        ui.activationCode = text
        ui.error = nil
    }

    /// A worker card's QR payload from the shell's scanner: the core reads
    /// it for this device's hub and the card's two fields are filled in; a
    /// code that is not a card, or another programme's card, says so.
    func scanned(_ payload: String) {
        guard !ui.busy, ui.step == .card else { return }
        do {
            let card = try core.readWorkerCard(payload: payload)
            ui.workerNumber = card.workerNumber
            ui.activationCode = card.activationCode
            ui.error = nil
        } catch {
            ui.error = failureMessage(error, strings)
        }
    }

    func digit(_ digit: Character) {
        switch ui.step {
        case .choosePin where ui.pin.count < pinLength:
            ui.pin.append(digit)
            ui.error = nil
        case .repeatPin where ui.repeatPin.count < pinLength:
            ui.repeatPin.append(digit)
            ui.error = nil
        default:
            break
        }
    }

    func delete() {
        switch ui.step {
        case .choosePin: _ = ui.pin.popLast()
        case .repeatPin: _ = ui.repeatPin.popLast()
        case .card: break
        }
    }

    func back() {
        switch ui.step {
        case .card:
            onBack()
        case .choosePin:
            ui.step = .card
            ui.pin = ""
            ui.error = nil
        case .repeatPin:
            ui.step = .choosePin
            ui.pin = ""
            ui.repeatPin = ""
            ui.error = nil
        }
    }

    func next() {
        guard ui.canContinue else { return }
        switch ui.step {
        case .card:
            ui.step = .choosePin
        case .choosePin:
            if let weak = checkNewPin(pin: ui.pin) {
                ui.pin = ""
                ui.error = weakPinMessage(reason: weak, languages: [strings.language])
            } else {
                ui.step = .repeatPin
            }
        case .repeatPin:
            if ui.repeatPin != ui.pin {
                ui.step = .choosePin
                ui.pin = ""
                ui.repeatPin = ""
                ui.error = strings["activate-pins-differ"]
            } else {
                send()
            }
        }
    }

    private func send() {
        ui.busy = true
        ui.error = nil
        let number = ui.workerNumber
        let code = ui.activationCode.trimmingCharacters(in: .whitespacesAndNewlines)
        let pin = ui.pin
        let core = self.core
        job = Task {
            do {
                _ = try await core.activate(workerNumber: number, activationCode: code, newPin: pin)
                ui = UI()
                onActivated()
            } catch {
                // A wrong card goes back to the card; a refused PIN to choosing one.
                var weakPin = false
                if let failure = error as? WorkerVoiceError, case let .Pin(_, _, _, reason) = failure { weakPin = reason != nil }
                ui.busy = false
                ui.step = weakPin ? .choosePin : .card
                ui.pin = ""
                ui.repeatPin = ""
                ui.error = failureMessage(error, strings)
            }
        }
    }

    func cancel() {
        job?.cancel()
        ui.busy = false
    }
}
