import SwiftUI
import UIKit
import WorkerVoice
import WorkerVoiceUI

/// The iOS app's entry point: opens the core once and shows the shared
/// screens. Add this file to an Xcode iOS App target that depends on the
/// local package in `ios/` (products WorkerVoice and WorkerVoiceUI); see
/// ios/README.md. The hub URL and programme key come from Info.plist
/// (`WorkerVoiceHubURL`, `WorkerVoiceProgrammeKey`).
@main
struct WorkerVoiceApp_iOS: App {
    @StateObject private var model: AppModel
    @StateObject private var privacy = ScreenPrivacy()
    @Environment(\.scenePhase) private var phase
    private let connectivity = PathConnectivity()

    init() {
        let info = Bundle.main.infoDictionary ?? [:]
        do {
            let core = try WorkerVoiceApp.openOnIOS(
                defaultHubUrl: info["WorkerVoiceHubURL"] as? String,
                programmePublicKey: info["WorkerVoiceProgrammeKey"] as? String
            )
            connectivity.start()
            core.setConnectivity(monitor: connectivity)
            _model = StateObject(wrappedValue: AppModel(core: core, languages: Locale.preferredLanguages))
        } catch {
            // The data directory could not be opened: nothing works without it.
            fatalError("Worker Voice could not open its data: \(error)")
        }
    }

    var body: some Scene {
        WindowGroup {
            WorkerVoiceRootView(model: model)
                // Nothing of the screen in the app switcher's snapshot (taken
                // while the scene is inactive) or in a screen recording or
                // AirPlay mirror: cover it then. iOS has no FLAG_SECURE: a
                // screenshot of a visible screen cannot be prevented.
                .overlay {
                    if phase != .active || privacy.captured {
                        Color(uiColor: .systemBackground).ignoresSafeArea()
                    }
                }
        }
    }
}

/// Whether the screen is being recorded or mirrored (`UIScreen.isCaptured`).
@MainActor
final class ScreenPrivacy: ObservableObject {
    @Published private(set) var captured = UIScreen.main.isCaptured
    private var observer: NSObjectProtocol?

    init() {
        observer = NotificationCenter.default.addObserver(
            forName: UIScreen.capturedDidChangeNotification, object: nil, queue: .main
        ) { [weak self] _ in
            Task { @MainActor in self?.captured = UIScreen.main.isCaptured }
        }
    }
}
