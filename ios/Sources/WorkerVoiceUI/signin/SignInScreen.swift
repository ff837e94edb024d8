import SwiftUI

/// Worker number, then the PIN on a large pad.
@MainActor
struct SignInScreen: View {
    @Environment(\.strings) var s
    @ScaledMetric var target: CGFloat = touchTarget
    @ObservedObject var state: SignInState
    let onFollowUp: () -> Void
    /// Shared tablets only: an anonymous report without signing in.
    let onAnonymousReport: (() -> Void)?
    let onBack: (() -> Void)?

    var body: some View {
        let ui = state.ui
        ScreenFrame(title: s["signin-title"], onBack: onBack, bottom: {
            BigButton(s["signin-submit"], systemImage: "lock", enabled: ui.canSubmit, busy: ui.busy, action: state.submit)
        }) {
            WorkerNumberField(label: s["signin-worker-number"], value: ui.workerNumber, onChange: state.workerNumber)
            Text(s["signin-pin"]).font(.headline)
            PinDots(entered: ui.pin.count, length: pinLength)
            ErrorMessage(text: ui.error.map { error in
                ui.attemptsLeft.map { "\(error) \(s("signin-attempts-left", ("count", $0)))" } ?? error
            })
            PinPad(enabled: !ui.busy, onDigit: state.digit, onDelete: state.delete)
            Button(action: state.activate) {
                Text(s["signin-first-time"]).font(.headline).frame(maxWidth: .infinity, minHeight: target)
            }
            if let onAnonymousReport {
                BigButton(s["signin-anonymous-report"], systemImage: "eye.slash", outlined: true, action: onAnonymousReport)
            }
            Button(action: onFollowUp) {
                Text(s["signin-follow-up"]).font(.headline).frame(maxWidth: .infinity, minHeight: target)
            }
        }
    }
}

/// The worker number, as on the worker card (digits and letters).
struct WorkerNumberField: View {
    @ScaledMetric var target: CGFloat = touchTarget
    let label: String
    let value: String
    let onChange: (String) -> Void

    var body: some View {
        TextField(label, text: Binding(get: { value }, set: onChange))
            .font(.title2)
            .keyboardType(.asciiCapable)
            .textInputAutocapitalization(.never)
            .disableAutocorrection(true)
            .textContentType(.username)
            .textFieldStyle(.roundedBorder)
            .frame(minHeight: target)
            .accessibilityLabel(label)
    }
}
