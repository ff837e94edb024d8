import UIKit

/// Kiosk mode for shared tablets on iOS (Android's `Kiosk`).
///
/// iOS lets an app pin itself only on a supervised device whose MDM profile
/// lists it for Autonomous Single App Mode (the `autonomousSingleAppModePermittedAppIDs`
/// restriction): then `requestGuidedAccessSession` starts the session
/// without anyone at the tablet, and Home, the app switcher and the
/// Control Centre are gone until the app ends it. Anywhere else the
/// request fails, and pinning is Guided Access, started by staff with a
/// triple-click and a passcode (see ios/README.md). Single App Mode, set
/// by MDM, pins the app with no request at all.
@MainActor
enum Kiosk {
    /// Whether the app is pinned now (Guided Access, or either single-app mode).
    static var isPinned: Bool {
        UIAccessibility.isGuidedAccessEnabled
    }

    /// Pins the app when the device allows it; `done` says whether it is pinned.
    static func enter(done: @escaping (Bool) -> Void = { _ in }) {
        guard !isPinned else {
            done(true)
            return
        }
        UIAccessibility.requestGuidedAccessSession(enabled: true) { pinned in
            done(pinned)
        }
    }
}
