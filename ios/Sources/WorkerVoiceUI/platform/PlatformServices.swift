import AVFoundation
import UIKit

/// What only the platform can do, behind a small interface so the screens
/// stay platform-free (the same interface as Android's `PlatformServices`):
/// speak text aloud, play an audio prompt the core downloaded, and decode a
/// lesson's picture. Every method may do nothing: the screens work without.
public protocol PlatformServices: AnyObject {
    /// Reads `text` aloud in `language` (a BCP 47 tag); false when the platform cannot.
    func speak(_ text: String, language: String) -> Bool

    /// Plays the audio file at `path` (a media blob of the core); false when it cannot.
    func play(path: String) -> Bool

    /// The picture in the file at `path`, or nil when it is not one this platform decodes.
    func image(path: String) -> UIImage?
}

/// iOS's services: `AVSpeechSynthesizer` for text-to-speech, `AVAudioPlayer`
/// for recorded prompts, `UIImage` for lesson pictures.
public final class SystemServices: PlatformServices {
    private let synthesizer = AVSpeechSynthesizer()
    private var player: AVAudioPlayer?

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
}

/// A platform with none of the services (previews).
public final class NoPlatformServices: PlatformServices {
    public init() {}
    public func speak(_ text: String, language: String) -> Bool { false }
    public func play(path: String) -> Bool { false }
    public func image(path: String) -> UIImage? { nil }
}
