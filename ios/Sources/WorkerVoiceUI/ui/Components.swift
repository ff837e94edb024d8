import SwiftUI
import UIKit
import WorkerVoice

/// Large touch targets: no control a worker taps is smaller than this
/// (Android's `TOUCH_TARGET`, 64 dp). It grows with Dynamic Type.
let touchTarget: CGFloat = 64

/// The strings of the screen being drawn (Compose's `LocalStrings`): the
/// root view sets them from `AppModel.strings`.
private struct StringsKey: EnvironmentKey {
    static let defaultValue = Strings(languages: ["en"])
}

extension EnvironmentValues {
    /// The app's words in the current language.
    var strings: Strings {
        get { self[StringsKey.self] }
        set { self[StringsKey.self] = newValue }
    }
}

/// A screen: a title (a heading for VoiceOver), an optional back button,
/// scrolling content, and a bottom bar for the main action — the layout of
/// every Compose screen (`ScreenFrame`).
struct ScreenFrame<Content: View, Bottom: View>: View {
    @Environment(\.strings) var s
    @ScaledMetric var target: CGFloat = touchTarget
    private let title: String
    private let onBack: (() -> Void)?
    private let bottom: Bottom
    private let content: Content

    init(title: String, onBack: (() -> Void)? = nil, @ViewBuilder bottom: () -> Bottom, @ViewBuilder content: () -> Content) {
        self.title = title
        self.onBack = onBack
        self.bottom = bottom()
        self.content = content()
    }

    var body: some View {
        VStack(spacing: 0) {
            HStack(spacing: 8) {
                if let onBack {
                    Button(action: onBack) {
                        // chevron.backward mirrors itself in right-to-left layouts.
                        Image(systemName: "chevron.backward").font(.title2.weight(.semibold))
                            .frame(minWidth: target, minHeight: target)
                    }
                    .accessibilityLabel(s["common-back"])
                } else {
                    Spacer().frame(width: 12)
                }
                Text(title)
                    .font(.title.weight(.semibold))
                    .accessibilityAddTraits(.isHeader)
                    .frame(maxWidth: .infinity, alignment: .leading)
            }
            .padding(8)
            ScrollView {
                VStack(alignment: .leading, spacing: 14) { content }
                    .padding(.horizontal, 20)
                    .padding(.bottom, 12)
                    .frame(maxWidth: .infinity, alignment: .leading)
            }
            if Bottom.self != EmptyView.self {
                VStack(spacing: 10) { bottom }
                    .padding(.horizontal, 20)
                    .padding(.vertical, 12)
            }
        }
    }
}

extension ScreenFrame where Bottom == EmptyView {
    init(title: String, onBack: (() -> Void)? = nil, @ViewBuilder content: () -> Content) {
        self.init(title: title, onBack: onBack, bottom: { EmptyView() }, content: content)
    }
}

/// The main action of a screen: full width, tall, an icon beside the words.
struct BigButton: View {
    @ScaledMetric var target: CGFloat = touchTarget
    let title: String
    var systemImage: String?
    var enabled = true
    var busy = false
    var outlined = false
    let action: () -> Void

    init(_ title: String, systemImage: String? = nil, enabled: Bool = true, busy: Bool = false, outlined: Bool = false, action: @escaping () -> Void) {
        self.title = title
        self.systemImage = systemImage
        self.enabled = enabled
        self.busy = busy
        self.outlined = outlined
        self.action = action
    }

    var body: some View {
        let button = Button(action: action) {
            HStack(spacing: 12) {
                if busy {
                    ProgressView()
                } else if let systemImage {
                    Image(systemName: systemImage).accessibilityHidden(true)
                }
                Text(title).font(.title3.weight(.semibold)).multilineTextAlignment(.center)
            }
            .frame(maxWidth: .infinity, minHeight: target)
        }
        .disabled(!enabled || busy)
        return Group {
            if outlined { button.buttonStyle(.bordered) } else { button.buttonStyle(.borderedProminent) }
        }
    }
}

/// One choice among several (or a toggle when `multiple`): an icon, a title
/// and a line of explanation, the whole card tappable. VoiceOver hears it
/// as a button that is selected or not.
struct ChoiceCard<Details: View>: View {
    @ScaledMetric var target: CGFloat = touchTarget
    @ScaledMetric var iconSize: CGFloat = 30
    let title: String
    let selected: Bool
    var hint: String?
    var systemImage: String?
    var multiple = false
    let action: () -> Void
    let details: Details

    init(_ title: String, selected: Bool, hint: String? = nil, systemImage: String? = nil, multiple: Bool = false,
         action: @escaping () -> Void, @ViewBuilder details: () -> Details) {
        self.title = title
        self.selected = selected
        self.hint = hint
        self.systemImage = systemImage
        self.multiple = multiple
        self.action = action
        self.details = details()
    }

    var body: some View {
        Button(action: action) {
            HStack(spacing: 16) {
                if let systemImage {
                    Image(systemName: systemImage)
                        .font(.system(size: iconSize))
                        .foregroundColor(.accentColor)
                        .accessibilityHidden(true)
                }
                VStack(alignment: .leading, spacing: 4) {
                    Text(title).font(.headline).foregroundColor(.primary)
                    if let hint { Text(hint).font(.subheadline).foregroundColor(.secondary) }
                    details
                }
                .frame(maxWidth: .infinity, alignment: .leading)
                if multiple {
                    Image(systemName: selected ? "checkmark.square.fill" : "square")
                        .font(.title2).foregroundColor(.accentColor).accessibilityHidden(true)
                }
            }
            .padding(16)
            .frame(maxWidth: .infinity, minHeight: target, alignment: .leading)
            .background(
                RoundedRectangle(cornerRadius: 16)
                    .fill(selected ? Color.accentColor.opacity(0.15) : Color(uiColor: .secondarySystemBackground))
            )
            .overlay(
                RoundedRectangle(cornerRadius: 16)
                    .strokeBorder(selected ? Color.accentColor : Color(uiColor: .separator), lineWidth: selected ? 3 : 1)
            )
            .contentShape(RoundedRectangle(cornerRadius: 16))
        }
        .buttonStyle(.plain)
        .accessibilityElement(children: .combine)
        .accessibilityAddTraits(selected ? .isSelected : [])
    }
}

extension ChoiceCard where Details == EmptyView {
    init(_ title: String, selected: Bool, hint: String? = nil, systemImage: String? = nil, multiple: Bool = false,
         action: @escaping () -> Void) {
        self.init(title, selected: selected, hint: hint, systemImage: systemImage, multiple: multiple, action: action) { EmptyView() }
    }
}

/// A caution inside a card or a screen (icon and words), e.g. a route with a single reader.
struct Warning: View {
    let text: String

    var body: some View {
        Label(text, systemImage: "exclamationmark.triangle.fill")
            .font(.subheadline)
            .foregroundColor(.red)
            .accessibilityElement(children: .combine)
    }
}

/// A message the worker must notice (an error from the core, already
/// localized); VoiceOver reads it out when it appears.
struct ErrorMessage: View {
    let text: String?

    var body: some View {
        if let text {
            Label(text, systemImage: "exclamationmark.triangle.fill")
                .font(.body)
                .foregroundColor(.red)
                .padding(14)
                .frame(maxWidth: .infinity, alignment: .leading)
                .background(RoundedRectangle(cornerRadius: 12).fill(Color.red.opacity(0.1)))
                .accessibilityElement(children: .combine)
                .onAppear { UIAccessibility.post(notification: .announcement, argument: text) }
        }
    }
}

/// A paragraph of explanation under a title.
struct Hint: View {
    let text: String

    init(_ text: String) {
        self.text = text
    }

    var body: some View {
        Text(text).font(.body).foregroundColor(.secondary).fixedSize(horizontal: false, vertical: true)
    }
}

/// A label read together with its value by VoiceOver.
struct LabelledValue: View {
    let label: String
    let value: String

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            Text(label).font(.subheadline).foregroundColor(.secondary)
            Text(value).font(.headline)
        }
        .accessibilityElement(children: .ignore)
        .accessibilityLabel("\(label): \(value)")
    }
}

/// A spinner with words beside it (loading lists, getting content).
struct Loading: View {
    let text: String?

    var body: some View {
        HStack(spacing: 12) {
            ProgressView()
            if let text { Text(text).font(.body) }
        }
        .accessibilityElement(children: .combine)
    }
}

/// An icon beside each category's words, for workers who read little. The
/// categories are the directory's (ids are stable); one the app does not
/// know gets the generic "write" icon (the same ids as Android's `categoryIcon`).
func categoryIcon(_ id: String) -> String {
    switch id {
    case "wages": return "banknote"
    case "hours": return "clock"
    case "safety": return "exclamationmark.triangle"
    case "harassment": return "hand.raised"
    case "discrimination": return "person.2"
    case "retaliation": return "bell"
    default: return "square.and.pencil"
    }
}

/// A time in the screen's language, e.g. "5 Dec 2026, 21:30".
func formatTime(_ unixSeconds: Int64, _ strings: Strings) -> String {
    let formatter = DateFormatter()
    formatter.locale = strings.locale
    formatter.dateStyle = .medium
    formatter.timeStyle = .short
    return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(unixSeconds)))
}

/// A date in the screen's language, e.g. "5 Dec 2026".
func formatDate(_ unixSeconds: Int64, _ strings: Strings) -> String {
    let formatter = DateFormatter()
    formatter.locale = strings.locale
    formatter.dateStyle = .medium
    formatter.timeStyle = .none
    return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(unixSeconds)))
}
