import SwiftUI

/// The kiosk's idle warning over the worker's screen: the seconds left
/// before the core ends the session, "I'm still here" and "Sign me out now"
/// (Android's `IdleCountdown`). Drawn inside the window over a dimmed
/// screen that takes every tap, so that only its two buttons decide; a
/// modal for VoiceOver, which hears the count as it changes.
struct IdleCountdown: View {
    @Environment(\.strings) var s
    let seconds: Int
    let onStay: () -> Void
    let onLeave: () -> Void

    var body: some View {
        ZStack {
            Color.black.opacity(0.5)
                .ignoresSafeArea()
                .contentShape(Rectangle())
                .onTapGesture {}
                .accessibilityHidden(true)
            VStack(alignment: .leading, spacing: 16) {
                Text(s["idle-title"])
                    .font(.title2.weight(.semibold))
                    .accessibilityAddTraits(.isHeader)
                Text(s("idle-countdown", ("seconds", seconds)))
                    .font(.headline)
                    .accessibilityAddTraits(.updatesFrequently)
                BigButton(s["idle-stay"], action: onStay)
                BigButton(s["idle-leave"], systemImage: "rectangle.portrait.and.arrow.right", outlined: true, action: onLeave)
            }
            .padding(24)
            .background(RoundedRectangle(cornerRadius: 28).fill(Color(uiColor: .systemBackground)))
            .padding(24)
            .accessibilityElement(children: .contain)
            .accessibilityAddTraits(.isModal)
        }
    }
}
