import Foundation
import WorkerVoice

/// The app's words in one chain of languages, from the core's Fluent strings
/// (one source with Android, ADR 0011): English is built into the library,
/// the translations ship in this package's bundle (`strings/<tag>.ftl`,
/// copied from `core/src/app_strings` by `ios/scripts/build-xcframework.sh`).
///
/// `strings["id"]`, or `strings("id", ("count", 3))` with arguments (integers
/// select plural forms). A missing id never shows raw: the core gives a
/// neutral mark, and `scripts/check-swift` fails on an id that is not in
/// `en.ftl`. Message ids are always literals in the Swift code, so that
/// check sees every one.
public final class Strings {
    private let native: AppStrings

    /// The language most strings are in (BCP 47).
    public let language: String

    /// Whether layouts mirror (a right-to-left language).
    public let isRightToLeft: Bool

    /// The languages the app offers, in the order of the language screen
    /// (the same list as Android's `APP_LANGUAGES`).
    public static let offered = ["en", "vi", "zh-CN"]

    /// Each language's own name, shown on the language screen in that
    /// language: a worker who cannot read the current one must still find theirs.
    public static let endonyms = ["en": "English", "vi": "Tiếng Việt", "zh-CN": "简体中文"]

    public init(languages: [String], bundle: Bundle = .module) {
        let resources = Strings.offered.filter { $0 != "en" }.compactMap { tag -> StringsResource? in
            guard let url = bundle.url(forResource: tag, withExtension: "ftl", subdirectory: "strings"),
                  let source = try? String(contentsOf: url, encoding: .utf8) else { return nil }
            return StringsResource(language: tag, source: source)
        }
        native = AppStrings(languages: languages, resources: resources)
        language = native.language()
        isRightToLeft = native.isRightToLeft()
    }

    /// The message `id` (or `id.attribute`) without arguments.
    public subscript(_ id: String) -> String {
        native.message(id: id, args: [])
    }

    /// The message `id` with named arguments; integers select plural forms.
    public func callAsFunction(_ id: String, _ args: (String, Any)...) -> String {
        native.message(id: id, args: args.map { name, value -> StringArg in
            if let number = value as? any BinaryInteger { return .number(name: name, value: Int64(clamping: number)) }
            return .text(name: name, value: String(describing: value))
        })
    }

    /// Whether `id` exists (for tests and logs).
    public func has(_ id: String) -> Bool {
        native.has(id: id)
    }

    /// Problems in the shipped translations; empty when all parsed.
    public func problems() -> [String] {
        native.problems()
    }

    /// The locale of the strings, for dates and numbers.
    public var locale: Locale {
        Locale(identifier: language)
    }
}
