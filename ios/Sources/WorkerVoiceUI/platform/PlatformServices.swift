import AVFoundation
import PhotosUI
import UIKit

/// What only the platform can do, behind a small interface so the screens
/// stay platform-free (the same interface as Android's `PlatformServices`):
/// speak text aloud, play an audio prompt the core downloaded, decode a
/// lesson's picture, take or choose a photo and make it small and
/// metadata-free, record a voice note and play it back. Which photo sources
/// a device may offer and how large a capture may be are the core's
/// (`capturePolicy()`); the platform only does what it is asked. Every
/// method may do nothing: the screens work without.
public protocol PlatformServices: AnyObject {
    /// Reads `text` aloud in `language` (a BCP 47 tag); false when the platform cannot.
    func speak(_ text: String, language: String) -> Bool

    /// Stops reading aloud at once: called when a session ends, a kiosk
    /// locks or the device is retired, so nothing of one worker is read out
    /// to the next.
    func stopSpeaking()

    /// Plays the audio file at `path` (a media blob of the core); false when it cannot.
    func play(path: String) -> Bool

    /// The picture in the file at `path`, or nil when it is not one this platform decodes.
    func image(path: String) -> UIImage?

    /// Takes a photo with the camera (`UIImagePickerController`, source
    /// `.camera` only): nothing is saved to the photo library; nil when the
    /// worker cancelled or there is no camera.
    @MainActor func takePhoto() async -> PickedFile?

    /// Lets the worker choose one of the device's photos (`PHPickerViewController`);
    /// offered only where the core's policy names the library (never on a shared tablet).
    @MainActor func choosePhoto() async -> PickedFile?

    /// The photo in `bytes` scaled so its longer side is at most
    /// `maxLongEdge` pixels and re-encoded as JPEG at `quality` (1–100)
    /// with no metadata (no location); nil when it is not a picture.
    func downscalePhoto(_ bytes: Data, maxLongEdge: Int, quality: Int) -> Data?

    /// The microphone, for a voice note; nil when there is none.
    @MainActor func voiceRecorder() -> VoiceRecorder?

    /// Plays a clip held in memory (a voice note not yet sent); false when it cannot.
    func playClip(_ bytes: Data) -> Bool

    /// Stops a clip playing, if any.
    func stopPlaying()

    /// Closes a picker still open (its answer is nil): when a session ends,
    /// the next person must not find the last one's camera or photos open.
    @MainActor func cancelPick()
}

extension PlatformServices {
    /// No camera, picker or microphone (previews, tests).
    @MainActor public func takePhoto() async -> PickedFile? { nil }
    @MainActor public func choosePhoto() async -> PickedFile? { nil }
    public func downscalePhoto(_ bytes: Data, maxLongEdge: Int, quality: Int) -> Data? { nil }
    @MainActor public func voiceRecorder() -> VoiceRecorder? { nil }
    public func playClip(_ bytes: Data) -> Bool { false }
    public func stopPlaying() {}
    public func stopSpeaking() {}
    @MainActor public func cancelPick() {}
}

/// Records one voice note at a time into the app's private storage
/// (`AVAudioRecorder`); it stops by itself at the length it was started with.
@MainActor
public protocol VoiceRecorder: AnyObject {
    /// Starts recording for at most `maxSeconds` (asking for the microphone
    /// first); false when it cannot be used.
    func start(maxSeconds: Int) async -> Bool

    /// Stops; the recording's bytes (its file deleted), or nil when nothing was recorded.
    func stop() -> PickedFile?

    /// Stops and throws the recording away.
    func cancel()
}

/// A file the worker took, chose or recorded: its name (shown) and its
/// bytes (sealed by the core, never kept by the app outside the worker's draft).
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
/// for recorded prompts and voice notes, `UIImage` for pictures, the camera
/// (`UIImagePickerController`, `.camera` only) and the photo picker
/// (`PHPickerViewController`, which needs no photo-library permission),
/// `AVAudioRecorder` for voice notes.
public final class SystemServices: PlatformServices {
    private let synthesizer = AVSpeechSynthesizer()
    private var player: AVAudioPlayer?
    /// The picker showing, kept alive until it answers.
    private var picker: PhotoPicker?
    private var recorder: SystemRecorder?

    public init() {}

    public func speak(_ text: String, language: String) -> Bool {
        // No voice installed for the language (nor for its base language,
        // `zh` for `zh-CN`): say nothing rather than read Vietnamese with an
        // English voice; the screen says read-aloud is not available.
        let base = String(language.prefix { $0 != "-" })
        guard let voice = AVSpeechSynthesisVoice(language: language) ?? AVSpeechSynthesisVoice(language: base) else {
            return false
        }
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

    @MainActor public func takePhoto() async -> PickedFile? {
        guard UIImagePickerController.isSourceTypeAvailable(.camera) else { return nil }
        return await present(.camera)
    }

    @MainActor public func choosePhoto() async -> PickedFile? {
        await present(.library)
    }

    @MainActor private func present(_ source: PhotoPicker.Source) async -> PickedFile? {
        guard picker == nil, let presenter = topViewController() else { return nil }
        return await withCheckedContinuation { continuation in
            let picker = PhotoPicker(source: source) { [weak self] file in
                self?.picker = nil
                continuation.resume(returning: file)
            }
            self.picker = picker
            presenter.present(picker.controller, animated: true)
        }
    }

    public func downscalePhoto(_ bytes: Data, maxLongEdge: Int, quality: Int) -> Data? {
        guard let image = UIImage(data: bytes), image.size.width > 0, image.size.height > 0 else { return nil }
        // `size` is in points, already upright (the orientation is applied when drawn).
        let longEdge = max(image.size.width * image.scale, image.size.height * image.scale)
        let factor = min(1, CGFloat(maxLongEdge) / longEdge)
        let target = CGSize(width: (image.size.width * image.scale * factor).rounded(),
                            height: (image.size.height * image.scale * factor).rounded())
        let format = UIGraphicsImageRendererFormat()
        format.scale = 1
        format.opaque = true
        // Drawn into new pixels: the JPEG is made from them alone, so nothing
        // of the original's metadata (where and when, the camera) is in it.
        let redrawn = UIGraphicsImageRenderer(size: target, format: format).image { _ in
            image.draw(in: CGRect(origin: .zero, size: target))
        }
        return redrawn.jpegData(compressionQuality: CGFloat(min(max(quality, 1), 100)) / 100)
    }

    @MainActor public func voiceRecorder() -> VoiceRecorder? {
        let recorder = SystemRecorder()
        self.recorder = recorder
        return recorder
    }

    public func playClip(_ bytes: Data) -> Bool {
        guard let player = try? AVAudioPlayer(data: bytes) else { return false }
        self.player = player
        return player.play()
    }

    public func stopPlaying() {
        player?.stop()
        player = nil
    }

    public func stopSpeaking() {
        synthesizer.stopSpeaking(at: .immediate)
    }

    @MainActor public func cancelPick() {
        picker?.cancel()
        // A microphone left running would record the next person.
        recorder?.cancel()
        recorder = nil
        stopPlaying()
    }

    /// The view controller on top, to present a picker over the SwiftUI app.
    @MainActor private func topViewController() -> UIViewController? {
        let windows = UIApplication.shared.connectedScenes.compactMap { $0 as? UIWindowScene }.flatMap(\.windows)
        var top = windows.first { $0.isKeyWindow }?.rootViewController
        while let presented = top?.presentedViewController { top = presented }
        return top
    }
}

/// `AVAudioRecorder` into a file in the app's caches (never backed up),
/// read and deleted at `stop`, deleted at `cancel`.
@MainActor
final class SystemRecorder: VoiceRecorder {
    private var recorder: AVAudioRecorder?
    private let file = FileManager.default.temporaryDirectory.appendingPathComponent("voice-note.m4a")

    func start(maxSeconds: Int) async -> Bool {
        let allowed = await withCheckedContinuation { continuation in
            AVAudioSession.sharedInstance().requestRecordPermission { continuation.resume(returning: $0) }
        }
        guard allowed else { return false }
        do {
            try AVAudioSession.sharedInstance().setCategory(.playAndRecord, mode: .spokenAudio, options: [.defaultToSpeaker])
            try AVAudioSession.sharedInstance().setActive(true)
            // Speech, small: mono AAC at 16 kHz, 32 kbit/s (two minutes ~0.5 MB).
            let settings: [String: Any] = [
                AVFormatIDKey: kAudioFormatMPEG4AAC,
                AVSampleRateKey: 16_000,
                AVNumberOfChannelsKey: 1,
                AVEncoderBitRateKey: 32_000,
            ]
            let recorder = try AVAudioRecorder(url: file, settings: settings)
            guard recorder.record(forDuration: TimeInterval(maxSeconds)) else { return false }
            self.recorder = recorder
            return true
        } catch {
            return false
        }
    }

    func stop() -> PickedFile? {
        recorder?.stop()
        recorder = nil
        defer { try? FileManager.default.removeItem(at: file) }
        guard let bytes = try? Data(contentsOf: file), !bytes.isEmpty else { return nil }
        return PickedFile(name: "voice-note.m4a", mimeType: "audio/mp4", bytes: bytes)
    }

    func cancel() {
        recorder?.stop()
        recorder?.deleteRecording()
        recorder = nil
        try? FileManager.default.removeItem(at: file)
    }
}

/// One open photo picker: the camera or the photo library, and the answer
/// it gives once (a photo, or nil when cancelled or unreadable).
@MainActor
private final class PhotoPicker: NSObject, PHPickerViewControllerDelegate, UIImagePickerControllerDelegate, UINavigationControllerDelegate {
    enum Source { case camera, library }

    let controller: UIViewController
    private var finish: ((PickedFile?) -> Void)?

    init(source: Source, finish: @escaping (PickedFile?) -> Void) {
        self.finish = finish
        switch source {
        case .camera:
            // The camera only: no library to browse from here, and nothing
            // taken is written to the library (the app never calls
            // UIImageWriteToSavedPhotosAlbum).
            let camera = UIImagePickerController()
            camera.sourceType = .camera
            camera.cameraCaptureMode = .photo
            camera.allowsEditing = false
            controller = camera
        case .library:
            var configuration = PHPickerConfiguration()
            configuration.filter = .images
            configuration.selectionLimit = 1
            controller = PHPickerViewController(configuration: configuration)
        }
        super.init()
        // Closing is by Cancel only, so that the delegate always answers.
        controller.isModalInPresentation = true
        (controller as? PHPickerViewController)?.delegate = self
        (controller as? UIImagePickerController)?.delegate = self
    }

    /// Closes the picker without a photo.
    func cancel() {
        controller.dismiss(animated: false)
        answer(nil)
    }

    private func answer(_ file: PickedFile?) {
        finish?(file)
        finish = nil
    }

    /// A full-quality JPEG of the image; the report's downscaling follows.
    private static func file(_ image: UIImage?, name: String) -> PickedFile? {
        guard let bytes = image?.jpegData(compressionQuality: 0.95) else { return nil }
        return PickedFile(name: name + ".jpg", mimeType: "image/jpeg", bytes: bytes)
    }

    nonisolated func imagePickerController(_ picker: UIImagePickerController,
                                           didFinishPickingMediaWithInfo info: [UIImagePickerController.InfoKey: Any]) {
        let image = info[.originalImage] as? UIImage
        Task { @MainActor in
            picker.dismiss(animated: true)
            answer(PhotoPicker.file(image, name: "photo"))
        }
    }

    nonisolated func imagePickerControllerDidCancel(_ picker: UIImagePickerController) {
        Task { @MainActor in
            picker.dismiss(animated: true)
            answer(nil)
        }
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
                let image = object as? UIImage
                Task { @MainActor in self.answer(PhotoPicker.file(image, name: name)) }
            }
        }
    }
}

/// A platform with none of the services (previews).
public final class NoPlatformServices: PlatformServices {
    public init() {}
    public func speak(_ text: String, language: String) -> Bool { false }
    public func play(path: String) -> Bool { false }
    public func image(path: String) -> UIImage? { nil }
}
