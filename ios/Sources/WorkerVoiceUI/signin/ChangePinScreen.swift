import SwiftUI

/// Change my PIN: the current PIN, then a new one twice, on the PIN pad.
@MainActor
struct ChangePinScreen: View {
    @Environment(\.strings) var s
    @ObservedObject var state: ChangePinState

    var body: some View {
        let ui = state.ui
        let done = ui.step == .done
        let last = ui.step == .repeatPin
        ScreenFrame(title: s["changepin-title"], onBack: ui.busy || done ? nil : state.back, bottom: {
            BigButton(done ? s["common-continue"] : (last ? s["changepin-submit"] : s["common-next"]),
                      systemImage: last || done ? "checkmark" : "arrow.forward",
                      enabled: ui.canContinue, busy: ui.busy, action: state.next)
        }) {
            if done {
                Text(s["changepin-done"]).font(.headline)
            } else {
                Text(prompt(ui.step)).font(.headline)
                PinDots(entered: ui.typed.count, length: pinLength)
                ErrorMessage(text: ui.error)
                PinPad(enabled: !ui.busy, onDigit: state.digit, onDelete: state.delete)
            }
        }
    }

    private func prompt(_ step: ChangePinStep) -> String {
        switch step {
        case .current: return s["changepin-current"]
        case .choose: return s["changepin-new"]
        case .repeatPin, .done: return s["changepin-repeat"]
        }
    }
}
