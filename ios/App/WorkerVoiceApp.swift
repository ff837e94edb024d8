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
    /// The enrol screen asked for the QR scanner; its answer goes to `deliver`.
    @State private var scan: ScanRequest?

    init() {
        let info = Bundle.main.infoDictionary ?? [:]
        do {
            let core = try WorkerVoiceApp.openOnIOS(
                defaultHubUrl: (info["WorkerVoiceHubURL"] as? String).flatMap { $0.isEmpty ? nil : $0 },
                programmePublicKey: (info["WorkerVoiceProgrammeKey"] as? String).flatMap { $0.isEmpty ? nil : $0 },
                allowLoopbackHttp: allowLoopbackHttp
            )
            // The core keeps the monitor for as long as it runs.
            let connectivity = PathConnectivity()
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
            WorkerVoiceRootView(model: model, scanCode: { deliver in scan = ScanRequest(deliver: deliver) })
                // The enrolment QR scanner (AVCaptureSession, enrol/QRScanner.swift).
                .sheet(item: $scan) { request in
                    QRScannerSheet(strings: model.strings,
                                   onCode: { code in
                                       scan = nil
                                       request.deliver(code)
                                   },
                                   onCancel: { scan = nil })
                }
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

/// A debug build in the simulator may use a demo hub on the Mac's loopback
/// over plain HTTP (`scripts/serve-demo`); the core allows that on loopback
/// addresses only. Never in a release build or on a device.
#if DEBUG && targetEnvironment(simulator)
private let allowLoopbackHttp = true
#else
private let allowLoopbackHttp = false
#endif

/// One request for the QR scanner, from the enrol screen.
struct ScanRequest: Identifiable {
    let id = UUID()
    let deliver: (String) -> Void
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
