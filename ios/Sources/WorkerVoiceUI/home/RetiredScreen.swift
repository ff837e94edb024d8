import SwiftUI

/// A device the hub retired: what happened and what to do, nothing else. No
/// button leads anywhere (the core refuses sign-ins and holds nothing any
/// more), no name, number or report of any worker (Android's `RetiredScreen`).
struct RetiredScreen: View {
    @Environment(\.strings) var s
    @ScaledMetric var icon: CGFloat = 64

    var body: some View {
        ScreenFrame(title: s["retired-title"]) {
            Image(systemName: "lock")
                .font(.system(size: icon * 0.7))
                .foregroundColor(.accentColor)
                .frame(width: icon, height: icon)
                .accessibilityHidden(true)
            Text(s["retired-body"]).font(.headline)
            Hint(s["retired-hint"])
        }
    }
}
