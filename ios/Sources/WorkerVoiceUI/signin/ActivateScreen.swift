import SwiftUI

/// First sign-in: the worker card, then a PIN chosen twice. `onScan` reads
/// the card's QR code with the shell's scanner (nil: the code is typed).
@MainActor
struct ActivateScreen: View {
    @Environment(\.strings) var s
    @ObservedObject var state: ActivateState
    let onScan: (() -> Void)?

    var body: some View {
        let ui = state.ui
        let last = ui.step == .repeatPin
        ScreenFrame(title: s["activate-title"], onBack: state.back, bottom: {
            BigButton(last ? s["activate-submit"] : s["common-next"],
                      systemImage: last ? "checkmark" : "arrow.forward",
                      enabled: ui.canContinue, busy: ui.busy, action: state.next)
        }) {
            switch ui.step {
            case .card:
                Hint(s["activate-hint"])
                if let onScan { BigButton(s["activate-scan"], systemImage: "qrcode.viewfinder", outlined: true, action: onScan) }
                WorkerNumberField(label: s["signin-worker-number"], value: ui.workerNumber, onChange: state.workerNumber)
                TextField(s["activate-code"], text: Binding(get: { state.ui.activationCode }, set: state.activationCode))
                    .font(.title2)
                    .textFieldStyle(.roundedBorder)
                    .textInputAutocapitalization(.characters)
                    .disableAutocorrection(true)
                    .accessibilityLabel(s["activate-code"])
                ErrorMessage(text: ui.error)
            case .choosePin, .repeatPin:
                Text(last ? s["activate-repeat-pin"] : s["activate-choose-pin"]).font(.headline)
                PinDots(entered: last ? ui.repeatPin.count : ui.pin.count, length: pinLength)
                ErrorMessage(text: ui.error)
                PinPad(enabled: !ui.busy, onDigit: state.digit, onDelete: state.delete)
            }
        }
    }
}
