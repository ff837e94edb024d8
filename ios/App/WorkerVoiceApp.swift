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
    @Environment(\.scenePhase) private var phase

    init() {
        let info = Bundle.main.infoDictionary ?? [:]
        do {
            let core = try WorkerVoiceApp.openOnIOS(
                defaultHubUrl: info["WorkerVoiceHubURL"] as? String,
                programmePublicKey: info["WorkerVoiceProgrammeKey"] as? String
            )
            _model = StateObject(wrappedValue: AppModel(core: core, languages: Locale.preferredLanguages))
        } catch {
            // The data directory could not be opened: nothing works without it.
            fatalError("Worker Voice could not open its data: \(error)")
        }
    }

    var body: some Scene {
        WindowGroup {
            WorkerVoiceRootView(model: model)
                // Nothing of the screen in the app switcher's snapshot: it is
                // taken while the scene is inactive, so cover it then.
                .overlay { if phase != .active { Color(uiColor: .systemBackground).ignoresSafeArea() } }
        }
    }
}
