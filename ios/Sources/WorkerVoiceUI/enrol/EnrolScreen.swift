import SwiftUI
import WorkerVoice

/// Set up the device with the code from programme staff. `onScan` is nil
/// where the shell has no QR scanner; the code can always be typed.
@MainActor
struct EnrolScreen: View {
    @Environment(\.strings) var s
    @ObservedObject var state: EnrolState
    let onScan: (() -> Void)?

    var body: some View {
        let ui = state.ui
        ScreenFrame(title: s["enrol-title"], bottom: {
            BigButton(s["enrol-submit"], systemImage: "checkmark", enabled: ui.canSubmit, busy: ui.busy, action: state.submit)
            if ui.busy { BigButton(s["common-cancel"], outlined: true, action: state.cancel) }
        }) {
            Hint(s["enrol-hint"])
            if let onScan { BigButton(s["enrol-scan"], systemImage: "qrcode.viewfinder", outlined: true, action: onScan) }
            TextField(s["enrol-code-label"], text: Binding(get: { state.ui.code }, set: state.code))
                .font(.title2)
                .textFieldStyle(.roundedBorder)
                .textInputAutocapitalization(.characters)
                .disableAutocorrection(true)
                .accessibilityLabel(s["enrol-code-label"])
            Text(s["enrol-mode-title"]).font(.headline)
            ChoiceCard(s["enrol-mode-personal"], selected: ui.mode == .personal, systemImage: "person") { state.mode(.personal) }
            ChoiceCard(s["enrol-mode-shared"], selected: ui.mode == .shared, systemImage: "house") { state.mode(.shared) }
            ErrorMessage(text: ui.error)
        }
    }
}
