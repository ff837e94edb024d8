import SwiftUI

/// The signed-in worker's start: what the core is doing in the background
/// (sending, no connection, what waits, when it last reached the hub), then
/// report, my reports, surveys, training, follow up, change PIN, language,
/// and "I'm done". Every state shown is the core's (`activity`, from its
/// events); the screen only words it (Android's `HomeScreen`).
struct HomeScreen: View {
    @Environment(\.strings) var s
    let name: String
    let queued: UInt64
    let activity: Activity
    /// A shared tablet: the outbox is everyone's, so no count of it is shown.
    let shared: Bool
    /// Now, in unix seconds, for "last in touch … ago" (the caller's clock).
    let nowSeconds: Int64
    let notice: String?
    let onReport: () -> Void
    let onFollowUp: () -> Void
    let onMyCases: () -> Void
    let onSurveys: () -> Void
    let onTraining: () -> Void
    let onChangePin: () -> Void
    let onSyncNow: () -> Void
    let onLanguage: () -> Void
    let onDone: () -> Void

    var body: some View {
        ScreenFrame(title: name.isEmpty ? s["app-name"] : s("home-hello", ("name", name)), bottom: {
            BigButton(s["home-done"], systemImage: "rectangle.portrait.and.arrow.right", outlined: true, action: onDone)
        }) {
            BackgroundActivity(activity: activity, queued: queued, shared: shared, nowSeconds: nowSeconds, onSyncNow: onSyncNow)
            ErrorMessage(text: notice)
            BigButton(s["home-report"], systemImage: "paperplane", action: onReport)
            BigButton(s["home-my-cases"], systemImage: "list.bullet", outlined: true, action: onMyCases)
            BigButton(s["home-surveys"], systemImage: "square.and.pencil", outlined: true, action: onSurveys)
            BigButton(s["home-training"], systemImage: "star", outlined: true, action: onTraining)
            BigButton(s["home-follow-up"], systemImage: "magnifyingglass", outlined: true, action: onFollowUp)
            BigButton(s["home-change-pin"], systemImage: "lock", outlined: true, action: onChangePin)
            BigButton(s["home-language"], systemImage: "globe", outlined: true, action: onLanguage)
        }
    }
}

/// One status block: a sync under way (with its progress), or no
/// connection, or everything sent; what waits and "Send now"; reports the
/// hub refused; when the device last reached the hub. No spinning
/// indicator: the bar moves only when the core reports progress.
private struct BackgroundActivity: View {
    @Environment(\.strings) var s
    let activity: Activity
    let queued: UInt64
    let shared: Bool
    let nowSeconds: Int64
    let onSyncNow: () -> Void

    var body: some View {
        if let syncing = activity.syncing {
            statusLine(syncing.total > 0 ? s("home-syncing", ("done", syncing.done), ("total", syncing.total)) : s["home-sync-started"],
                       systemImage: "arrow.triangle.2.circlepath")
            if syncing.total > 0 {
                ProgressView(value: Double(syncing.done), total: Double(syncing.total))
                    .accessibilityHidden(true)
            }
        } else if activity.offline {
            statusLine(s["home-offline"], systemImage: "wifi.slash", error: true)
        } else if activity.queued == 0 && queued == 0 {
            // Nothing waits (the core said so): everything this device wrote has reached the hub.
            statusLine(s["home-all-sent"], systemImage: "checkmark.circle")
        }
        if queued > 0 && !shared {
            Text(s("home-queued", ("count", queued))).font(.headline)
        }
        if (queued > 0 || activity.offline) && activity.syncing == nil {
            BigButton(s["home-sync-now"], systemImage: "arrow.clockwise", outlined: true, action: onSyncNow)
        }
        if activity.needsAttention > 0 && !shared {
            ErrorMessage(text: s("home-needs-attention", ("count", activity.needsAttention)))
        }
        Text(lastSync).font(.subheadline).foregroundColor(.secondary)
    }

    private func statusLine(_ text: String, systemImage: String, error: Bool = false) -> some View {
        HStack(spacing: 12) {
            Image(systemName: systemImage)
                .foregroundColor(error ? .red : .accentColor)
                .accessibilityHidden(true)
            Text(text).font(.body)
        }
        .frame(maxWidth: .infinity, alignment: .leading)
        .accessibilityElement(children: .combine)
        // VoiceOver users hear the new state when it changes, as Android's polite live region.
        .accessibilityAddTraits(.updatesFrequently)
    }

    /// "Last in touch with the hub: N minutes/hours/days ago", or "not yet".
    private var lastSync: String {
        guard let at = activity.lastSyncAt else { return s["home-never-synced"] }
        // A clock set back shows "just now", never a negative age.
        let minutes = max(0, (nowSeconds - at) / 60)
        if minutes < 60 { return s("home-last-sync-minutes", ("count", minutes)) }
        if minutes < 48 * 60 { return s("home-last-sync-hours", ("count", minutes / 60)) }
        return s("home-last-sync-days", ("count", minutes / (24 * 60)))
    }
}
