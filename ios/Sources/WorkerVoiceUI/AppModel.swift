import Foundation
import SwiftUI
import WorkerVoice

/// Where the worker is (the same screens as the Android app).
public enum Screen: Equatable {
    case enrol
    case language
    case signIn
    case activate
    case home
    case report
    case receipt(Receipt)
}

/// The app's root state: screen, language, and the moves between screens.
/// No business rule lives here: every decision is the core's. Network calls
/// are `async` (on the core's threads); blocking calls run in detached tasks,
/// never on the main actor.
@MainActor
public final class AppModel: ObservableObject {
    public let core: WorkerVoiceApp
    @Published public private(set) var strings: Strings
    @Published public private(set) var screen: Screen
    @Published public var busy = false
    /// The core's message, already localized.
    @Published public var error: String?

    public init(core: WorkerVoiceApp, languages: [String]) {
        self.core = core
        strings = Strings(languages: languages)
        let enrolled = (try? core.status().enrolled) ?? false
        screen = enrolled ? .signIn : .enrol
    }

    public func go(_ next: Screen) {
        error = nil
        screen = next
    }

    public func setLanguage(_ tag: String) {
        core.setLanguages(languages: [tag])
        strings = Strings(languages: [tag])
        go(core.currentWorker() == nil ? .signIn : .home)
    }

    /// Runs a core call, showing its localized error if it fails.
    public func run(_ work: @escaping () async throws -> Void) {
        busy = true
        error = nil
        Task {
            do {
                try await work()
            } catch let failure as WorkerVoiceError {
                error = failure.localized
            } catch {
                self.error = strings["common-retry"]
            }
            busy = false
        }
    }

    public func enrol(code: String, mode: DeviceMode) {
        run { [core] in
            _ = try await core.enrol(codeOrQr: code.trimmingCharacters(in: .whitespaces), mode: mode)
            self.go(.language)
        }
    }

    public func signIn(workerNumber: String, pin: String) {
        run { [core] in
            _ = try await core.login(workerNumber: workerNumber, pin: pin)
            self.go(.home)
        }
    }

    public func activate(workerNumber: String, code: String, pin: String) {
        run { [core] in
            _ = try await core.activate(workerNumber: workerNumber, activationCode: code, newPin: pin)
            self.go(.home)
            _ = try? await core.syncNow(force: false)
        }
    }

    public func send(_ draft: GrievanceDraft) {
        run { [core] in
            // Sealing takes a moment on a slow phone: off the main actor.
            let outcome = try await Task.detached { try core.submitGrievance(draft: draft) }.value
            self.go(.receipt(outcome.receipt))
            _ = try? await core.syncNow(force: false)
        }
    }

    /// "I'm done": end the session; the next person starts from the language screen.
    public func done() {
        core.lock()
        go(.language)
    }
}
