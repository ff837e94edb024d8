import SwiftUI
import UIKit
import WorkerVoice

/// The name of a case's state, in the worker's language.
func statusName(_ state: CaseState, _ s: Strings) -> String {
    switch state {
    case .notSent: return s["case-state-not_sent"]
    case .received: return s["case-state-received"]
    case .acknowledged: return s["case-state-acknowledged"]
    case .investigating: return s["case-state-investigating"]
    case .resolved: return s["case-state-resolved"]
    case .closed: return s["case-state-closed"]
    case .escalated: return s["case-state-escalated"]
    }
}

/// The signed-in worker's reports, each with its state.
@MainActor
struct CasesScreen: View {
    @Environment(\.strings) var s
    @ScaledMetric var target: CGFloat = touchTarget
    @ObservedObject var state: CasesState
    let onOpen: (String) -> Void
    let onBack: () -> Void

    var body: some View {
        let ui = state.ui
        ScreenFrame(title: s["cases-title"], onBack: onBack) {
            if ui.loading { Loading(text: nil) }
            ErrorMessage(text: ui.error)
            if !ui.loading && ui.cases.isEmpty && ui.error == nil { Hint(s["cases-empty"]) }
            ForEach(ui.cases, id: \.caseId) { summary in
                let date = formatTime(summary.createdAt, s)
                Button { onOpen(summary.caseId) } label: {
                    HStack(spacing: 16) {
                        Image(systemName: categoryIcon(summary.categoryId)).font(.title).accessibilityHidden(true)
                        VStack(alignment: .leading, spacing: 4) {
                            Text(date).font(.subheadline).foregroundColor(.secondary)
                            Text(String((summary.text ?? "").prefix(80))).font(.headline).foregroundColor(.primary).lineLimit(2)
                            Text(statusName(summary.state, s)).font(.subheadline).foregroundColor(.accentColor)
                        }
                        .frame(maxWidth: .infinity, alignment: .leading)
                    }
                    .padding(16)
                    .frame(maxWidth: .infinity, minHeight: target)
                    .background(RoundedRectangle(cornerRadius: 16).fill(Color(uiColor: .secondarySystemBackground)))
                }
                .buttonStyle(.plain)
                .accessibilityElement(children: .ignore)
                .accessibilityLabel("\(s("cases-open", ("date", date))). \(statusName(summary.state, s))")
                .accessibilityAddTraits(.isButton)
            }
        }
    }
}

/// A case's conversation and the worker's answer.
@MainActor
struct CaseScreen: View {
    @Environment(\.strings) var s
    @ObservedObject var state: CaseThreadState
    let onBack: () -> Void

    var body: some View {
        let ui = state.ui
        ScreenFrame(title: s("case-title", ("case", state.access.caseId)), onBack: onBack, bottom: {
            TextField(s["case-reply-label"], text: Binding(get: { state.ui.reply }, set: state.reply))
                .font(.body)
                .textFieldStyle(.roundedBorder)
                .accessibilityLabel(s["case-reply-label"])
            BigButton(s["case-reply-send"], systemImage: "paperplane", enabled: ui.canSend, busy: ui.busy, action: state.send)
        }) {
            if let thread = ui.thread {
                Text(s("case-status", ("status", statusName(thread.state, s)))).font(.headline)
                if !thread.messages.contains(where: { $0.text != nil && $0.author == .handler }) {
                    Hint(s["case-no-replies"])
                }
                ForEach(thread.messages, id: \.seq) { message in
                    if let text = message.text {
                        bubble(text, mine: message.author == .worker, at: message.at)
                    } else if let status = message.status {
                        Label("\(formatTime(message.at, s)) · \(statusName(status, s))", systemImage: "info.circle")
                            .font(.subheadline)
                    }
                }
            } else if ui.error == nil {
                Loading(text: nil)
            }
            ErrorMessage(text: ui.error)
        }
    }

    private func bubble(_ text: String, mine: Bool, at: Int64) -> some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack(spacing: 6) {
                if mine { Image(systemName: "person.fill").accessibilityHidden(true) }
                Text("\(mine ? s["case-you"] : s["case-reply-from"]) · \(formatTime(at, s))").font(.subheadline)
            }
            Text(text).font(.body).fixedSize(horizontal: false, vertical: true)
        }
        .padding(14)
        .frame(maxWidth: .infinity, alignment: .leading)
        .background(RoundedRectangle(cornerRadius: 16).fill(mine ? Color.accentColor.opacity(0.15) : Color(uiColor: .secondarySystemBackground)))
        .padding(mine ? .leading : .trailing, 40)
        .accessibilityElement(children: .combine)
    }
}
