import SwiftUI

/// Case number and secret from a receipt.
@MainActor
struct FollowUpScreen: View {
    @Environment(\.strings) var s
    @ObservedObject var state: FollowUpState
    let onBack: () -> Void

    var body: some View {
        let ui = state.ui
        ScreenFrame(title: s["followup-title"], onBack: { state.cancel(); onBack() }, bottom: {
            BigButton(s["followup-open"], systemImage: "magnifyingglass", enabled: ui.canOpen, busy: ui.busy, action: state.open)
        }) {
            Hint(s["followup-hint"])
            TextField(s["followup-case"], text: Binding(get: { state.ui.caseId }, set: state.caseId))
                .font(.title2)
                .keyboardType(.asciiCapable)
                .textInputAutocapitalization(.characters)
                .disableAutocorrection(true)
                .textFieldStyle(.roundedBorder)
                .accessibilityLabel(s["followup-case"])
            // Not a SecureField: the worker copies it from paper and must see
            // what they typed; it is never kept after the case opens.
            TextField(s["followup-secret"], text: Binding(get: { state.ui.secret }, set: state.secret))
                .font(.title2)
                .keyboardType(.numberPad)
                .disableAutocorrection(true)
                .textFieldStyle(.roundedBorder)
                .accessibilityLabel(s["followup-secret"])
            ErrorMessage(text: ui.error)
        }
    }
}
