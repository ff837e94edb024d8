import SwiftUI
import UIKit
import WorkerVoice

/// The receipt, shown once: the case number and the secret, large, with
/// "I have written it down" before the worker can move on. VoiceOver reads
/// each character on its own; "Read aloud" has the platform's voice read
/// both (and says so when there is no voice for the worker's language). The secret cannot be selected or copied: on a
/// shared tablet the pasteboard would keep it for the next person.
struct ReceiptScreen: View {
    @Environment(\.strings) var s
    @ScaledMetric var target: CGFloat = touchTarget
    let receipt: Receipt
    let sent: Bool
    let onNoted: () -> Void
    /// Has the platform's voice read both; false when it has no voice for the language.
    var onReadAloud: () -> Bool = { false }
    @State var written = false
    @State var noVoice = false

    var body: some View {
        ScreenFrame(title: s["receipt-title"], bottom: {
            Toggle(isOn: $written) {
                Text(s["receipt-written"]).font(.headline)
            }
            .frame(minHeight: target)
            BigButton(s["receipt-continue"], systemImage: "checkmark", enabled: written, action: onNoted)
        }) {
            Hint(s["receipt-hint"])
            part(s["receipt-case"], receipt.caseId)
            part(s["receipt-secret"], receipt.secret)
            BigButton(s["receipt-read-aloud"], systemImage: "speaker.wave.2.fill", outlined: true) {
                noVoice = !onReadAloud()
            }
            if noVoice { Hint(s["read-aloud-unavailable"]) }
            Text(sent ? s["receipt-sent"] : s["receipt-queued"]).font(.body)
        }
    }

    private func part(_ label: String, _ value: String) -> some View {
        VStack(alignment: .leading, spacing: 6) {
            Text(label).font(.headline)
            Text(value)
                .font(.system(.largeTitle, design: .monospaced).weight(.bold))
                .fixedSize(horizontal: false, vertical: true)
        }
        .padding(18)
        .frame(maxWidth: .infinity, alignment: .leading)
        .background(RoundedRectangle(cornerRadius: 16).fill(Color.accentColor.opacity(0.15)))
        .accessibilityElement(children: .ignore)
        // Spelled out, so "ABCDE" is read as letters and digits one by one.
        .accessibilityLabel("\(label): \(value.map(String.init).joined(separator: " "))")
    }
}
