import SwiftUI

/// The languages the app offers, each in its own words, so a worker finds
/// theirs whatever the screen's language is now.
struct LanguageScreen: View {
    @Environment(\.strings) var s
    let languages: [String]
    let current: String
    let onChoose: (String) -> Void

    var body: some View {
        ScreenFrame(title: s["language-title"]) {
            ForEach(languages, id: \.self) { tag in
                ChoiceCard(Strings.endonyms[tag] ?? tag,
                           selected: tag == current,
                           hint: tag == current ? s["language-current"] : nil,
                           systemImage: "globe") { onChoose(tag) }
            }
        }
    }
}
