import Foundation
import WorkerVoice

/// The app's words in one chain of languages, from the core's Fluent strings
/// (one source with Android, ADR 0011): English is built into the library,
/// the translations ship in this package's bundle (`strings/<tag>.ftl`,
/// copied from `core/src/app_strings` by `ios/scripts/build-xcframework.sh`).
public final class Strings {
    private let native: AppStrings

    /// The language most strings are in (BCP 47).
    public let language: String

    /// Whether layouts mirror.
    public let isRightToLeft: Bool

    /// The languages the app offers, in the order of the language screen.
    public static let offered = ["en", "vi", "zh-CN"]

    /// Each language's own name.
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

    public subscript(_ id: String) -> String {
        native.message(id: id, args: [])
    }

    /// A string with arguments; integers select plural forms.
    public func callAsFunction(_ id: String, _ args: (String, Any)...) -> String {
        native.message(id: id, args: args.map { name, value in
            if let number = value as? Int { return .number(name: name, value: Int64(number)) }
            if let number = value as? UInt64 { return .number(name: name, value: Int64(number)) }
            return .text(name: name, value: String(describing: value))
        })
    }
}
