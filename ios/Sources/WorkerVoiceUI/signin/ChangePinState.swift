import Foundation
import WorkerVoice

/// The steps of changing the PIN.
enum ChangePinStep {
    case current, choose, repeatPin, done
}

/// Changing the signed-in worker's PIN: the current one, then a new one
/// twice (Android's `ChangePinState`). Strength is the core's rule
/// (`checkNewPin`); the hub checks the current PIN and the core re-wraps the
/// vault key (`changePin`, online).
@MainActor
final class ChangePinState: ObservableObject {
    /// What the change-PIN screen shows.
    struct UI {
        var step = ChangePinStep.current
        var current = ""
        var pin = ""
        var repeatPin = ""
        var busy = false
        /// A localized message: the core's, or the app's "PINs differ".
        var error: String?

        /// The digits of the step showing.
        var typed: String {
            switch step {
            case .current: return current
            case .choose: return pin
            case .repeatPin: return repeatPin
            case .done: return ""
            }
        }

        var canContinue: Bool { !busy && (step == .done || typed.count == pinLength) }
    }

    @Published private(set) var ui = UI()
    private let core: WorkerVoiceApp
    private let strings: Strings
    private let onLeave: () -> Void
    private var job: Task<Void, Never>?

    init(core: WorkerVoiceApp, strings: Strings, onLeave: @escaping () -> Void) {
        self.core = core
        self.strings = strings
        self.onLeave = onLeave
    }

    func digit(_ digit: Character) {
        guard ui.typed.count < pinLength, !ui.busy else { return }
        switch ui.step {
        case .current: ui.current.append(digit)
        case .choose: ui.pin.append(digit)
        case .repeatPin: ui.repeatPin.append(digit)
        case .done: return
        }
        ui.error = nil
    }

    func delete() {
        switch ui.step {
        case .current: _ = ui.current.popLast()
        case .choose: _ = ui.pin.popLast()
        case .repeatPin: _ = ui.repeatPin.popLast()
        case .done: break
        }
    }

    func next() {
        guard ui.canContinue else { return }
        switch ui.step {
        case .current:
            ui.step = .choose
        case .choose:
            if let weak = checkNewPin(pin: ui.pin) {
                ui.pin = ""
                ui.error = weakPinMessage(reason: weak, languages: [strings.language])
            } else {
                ui.step = .repeatPin
            }
        case .repeatPin:
            if ui.repeatPin != ui.pin {
                ui.step = .choose
                ui.pin = ""
                ui.repeatPin = ""
                ui.error = strings["activate-pins-differ"]
            } else {
                send()
            }
        case .done:
            onLeave()
        }
    }

    private func send() {
        ui.busy = true
        ui.error = nil
        let current = ui.current
        let pin = ui.pin
        let core = self.core
        job = Task {
            do {
                try await core.changePin(oldPin: current, newPin: pin)
                // The digits leave memory with the step.
                ui = UI(step: .done)
            } catch {
                // A wrong current PIN starts over; a refused new one goes back to choosing it.
                var weakPin = false
                if let failure = error as? WorkerVoiceError, case let .Pin(_, _, _, reason) = failure { weakPin = reason != nil }
                ui = UI(step: weakPin ? .choose : .current, current: weakPin ? current : "", error: failureMessage(error, strings))
            }
        }
    }

    func back() {
        guard !ui.busy else { return }
        switch ui.step {
        case .current, .done:
            onLeave()
        case .choose:
            ui = UI(step: .current)
        case .repeatPin:
            ui.step = .choose
            ui.pin = ""
            ui.repeatPin = ""
            ui.error = nil
        }
    }
}
