import SwiftUI

/// The signed-in worker's start: report, my reports, surveys, training,
/// follow up, language, and "I'm done".
struct HomeScreen: View {
    @Environment(\.strings) var s
    let name: String
    let queued: UInt64
    let notice: String?
    let offline: Bool
    let onReport: () -> Void
    let onFollowUp: () -> Void
    let onMyCases: () -> Void
    let onSurveys: () -> Void
    let onTraining: () -> Void
    let onLanguage: () -> Void
    let onDone: () -> Void

    var body: some View {
        ScreenFrame(title: name.isEmpty ? s["app-name"] : s("home-hello", ("name", name)), bottom: {
            BigButton(s["home-done"], systemImage: "rectangle.portrait.and.arrow.right", outlined: true, action: onDone)
        }) {
            if queued > 0 { Hint(s("home-queued", ("count", queued))) }
            if offline { Label(s["common-offline"], systemImage: "wifi.slash").font(.subheadline).foregroundColor(.secondary) }
            ErrorMessage(text: notice)
            BigButton(s["home-report"], systemImage: "paperplane", action: onReport)
            BigButton(s["home-my-cases"], systemImage: "list.bullet", outlined: true, action: onMyCases)
            BigButton(s["home-surveys"], systemImage: "square.and.pencil", outlined: true, action: onSurveys)
            BigButton(s["home-training"], systemImage: "star", outlined: true, action: onTraining)
            BigButton(s["home-follow-up"], systemImage: "magnifyingglass", outlined: true, action: onFollowUp)
            BigButton(s["home-language"], systemImage: "globe", outlined: true, action: onLanguage)
        }
    }
}
