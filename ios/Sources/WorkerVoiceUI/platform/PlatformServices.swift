import AVFoundation
import PhotosUI
import UIKit
import UniformTypeIdentifiers

/// What only the platform can do, behind a small interface so the screens
/// stay platform-free (the same interface as Android's `PlatformServices`):
/// speak text aloud, play an audio prompt the core downloaded, decode a
/// lesson's picture, and let the worker pick a photo or a voice note to
/// attach. Every method may do nothing: the screens work without.
public protocol PlatformServices: AnyObject {
    /// Reads `text` aloud in `language` (a BCP 47 tag); false when the platform cannot.
    func speak(_ text: String, language: String) -> Bool

    /// Plays the audio file at `path` (a media blob of the core); false when it cannot.
    func play(path: String) -> Bool

    /// The picture in the file at `path`, or nil when it is not one this platform decodes.
    func image(path: String) -> UIImage?

    /// Lets the worker choose a `kind` of attachment; the chosen file's bytes
    /// and a name, or nil when they cancelled or the platform cannot.
    @MainActor func pickAttachment(_ kind: AttachmentKind) async -> PickedFile?

    /// Closes a picker still open (its answer is nil): when a session ends,
    /// the next person must not find the last one's photo library open.
    @MainActor func cancelPick()
}

extension PlatformServices {
    /// No picker (previews, tests).
    @MainActor public func pickAttachment(_ kind: AttachmentKind) async -> PickedFile? { nil }

    @MainActor public func cancelPick() {}
}

/// A photo or a voice note (Android's `AttachmentKind`).
public enum AttachmentKind {
    case photo, voiceNote
}

/// A file the worker picked: its name (shown) and its bytes (sealed by the
/// core at Send, never kept by the app).
public struct PickedFile {
    public let name: String
    public let mimeType: String
    public let bytes: Data

    public init(name: String, mimeType: String, bytes: Data) {
        self.name = name
        self.mimeType = mimeType
        self.bytes = bytes
    }
}

/// iOS's services: `AVSpeechSynthesizer` for text-to-speech, `AVAudioPlayer`
/// for recorded prompts, `UIImage` for lesson pictures, the system's photo
/// picker (`PHPickerViewController`, which needs no photo-library
/// permission) and the Files picker for an audio file (a memo recorded with
/// Voice Memos or any recorder).
public final class SystemServices: PlatformServices {
    private let synthesizer = AVSpeechSynthesizer()
    private var player: AVAudioPlayer?
    /// The picker showing, kept alive until it answers.
    private var picker: AttachmentPicker?

    public init() {}

    public func speak(_ text: String, language: String) -> Bool {
        // No voice installed for the language: say nothing rather than read
        // Vietnamese with an English voice.
        guard let voice = AVSpeechSynthesisVoice(language: language) else { return false }
        let utterance = AVSpeechUtterance(string: text)
        utterance.voice = voice
        synthesizer.stopSpeaking(at: .immediate)
        synthesizer.speak(utterance)
        return true
    }

    public func play(path: String) -> Bool {
        guard let player = try? AVAudioPlayer(contentsOf: URL(fileURLWithPath: path)) else { return false }
        self.player = player
        return player.play()
    }

    public func image(path: String) -> UIImage? {
        UIImage(contentsOfFile: path)
    }

    @MainActor public func pickAttachment(_ kind: AttachmentKind) async -> PickedFile? {
        guard picker == nil, let presenter = topViewController() else { return nil }
        return await withCheckedContinuation { continuation in
            let picker = AttachmentPicker(kind: kind) { [weak self] file in
                self?.picker = nil
                continuation.resume(returning: file)
            }
            self.picker = picker
            presenter.present(picker.controller, animated: true)
        }
    }

    @MainActor public func cancelPick() {
        picker?.cancel()
    }

    /// The view controller on top, to present a picker over the SwiftUI app.
    @MainActor private func topViewController() -> UIViewController? {
        let windows = UIApplication.shared.connectedScenes.compactMap { $0 as? UIWindowScene }.flatMap(\.windows)
        var top = windows.first { $0.isKeyWindow }?.rootViewController
        while let presented = top?.presentedViewController { top = presented }
        return top
    }
}

/// One open picker: the photo picker or the Files picker for audio, and the
/// answer it gives once (a file, or nil when cancelled or unreadable).
@MainActor
private final class AttachmentPicker: NSObject, PHPickerViewControllerDelegate, UIDocumentPickerDelegate {
    let controller: UIViewController
    private var finish: ((PickedFile?) -> Void)?

    init(kind: AttachmentKind, finish: @escaping (PickedFile?) -> Void) {
        self.finish = finish
        switch kind {
        case .photo:
            var configuration = PHPickerConfiguration()
            configuration.filter = .images
            configuration.selectionLimit = 1
            controller = PHPickerViewController(configuration: configuration)
        case .voiceNote:
            controller = UIDocumentPickerViewController(forOpeningContentTypes: [.audio], asCopy: true)
        }
        super.init()
        // Closing is by Cancel only, so that the delegate always answers.
        controller.isModalInPresentation = true
        (controller as? PHPickerViewController)?.delegate = self
        (controller as? UIDocumentPickerViewController)?.delegate = self
    }

    /// Closes the picker without a file.
    func cancel() {
        controller.dismiss(animated: false)
        answer(nil)
    }

    private func answer(_ file: PickedFile?) {
        finish?(file)
        finish = nil
    }

    nonisolated func picker(_ picker: PHPickerViewController, didFinishPicking results: [PHPickerResult]) {
        Task { @MainActor in
            picker.dismiss(animated: true)
            guard let provider = results.first?.itemProvider, provider.canLoadObject(ofClass: UIImage.self) else {
                answer(nil)
                return
            }
            let name = provider.suggestedName ?? "photo"
            provider.loadObject(ofClass: UIImage.self) { object, _ in
                // Re-encoded as JPEG: the photo's metadata (where and when it
                // was taken, the camera) does not travel with the report.
                let bytes = (object as? UIImage)?.jpegData(compressionQuality: 0.85)
                Task { @MainActor in
                    self.answer(bytes.map { PickedFile(name: name + ".jpg", mimeType: "image/jpeg", bytes: $0) })
                }
            }
        }
    }

    nonisolated func documentPicker(_ controller: UIDocumentPickerViewController, didPickDocumentsAt urls: [URL]) {
        let file: PickedFile? = urls.first.flatMap { (url: URL) -> PickedFile? in
            defer { try? FileManager.default.removeItem(at: url) } // the picker's copy: the app keeps nothing
            guard let bytes = try? Data(contentsOf: url) else { return nil }
            let mime = UTType(filenameExtension: url.pathExtension)?.preferredMIMEType ?? "audio/mp4"
            return PickedFile(name: url.lastPathComponent, mimeType: mime, bytes: bytes)
        }
        Task { @MainActor in answer(file) }
    }

    nonisolated func documentPickerWasCancelled(_ controller: UIDocumentPickerViewController) {
        Task { @MainActor in answer(nil) }
    }
}

/// A platform with none of the services (previews).
public final class NoPlatformServices: PlatformServices {
    public init() {}
    public func speak(_ text: String, language: String) -> Bool { false }
    public func play(path: String) -> Bool { false }
    public func image(path: String) -> UIImage? { nil }
}
