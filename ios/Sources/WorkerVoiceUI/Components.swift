import SwiftUI

/// Large touch targets: no control a worker taps is smaller than this.
let touchTarget: CGFloat = 64

/// The main action of a screen: full width, tall, icon beside the words.
struct BigButton: View {
    let title: String
    let systemImage: String
    var enabled = true
    var busy = false
    let action: () -> Void

    var body: some View {
        Button(action: action) {
            HStack(spacing: 12) {
                if busy { ProgressView() } else { Image(systemName: systemImage) }
                Text(title).font(.title3.weight(.semibold))
            }
            .frame(maxWidth: .infinity, minHeight: touchTarget)
        }
        .buttonStyle(.borderedProminent)
        .disabled(!enabled || busy)
    }
}

/// How many digits are typed, as dots; VoiceOver hears "3 digits entered".
struct PinDots: View {
    let entered: Int
    let length: Int
    let strings: Strings

    var body: some View {
        HStack(spacing: 14) {
            ForEach(0..<length, id: \.self) { index in
                Circle()
                    .strokeBorder(Color.accentColor, lineWidth: 2)
                    .background(Circle().fill(index < entered ? Color.accentColor : Color.clear))
                    .frame(width: 20, height: 20)
            }
        }
        .accessibilityElement(children: .ignore)
        .accessibilityLabel(strings("pinpad-entered", ("count", entered)))
    }
}

/// A PIN pad of large keys, in phone order in every language.
struct PinPad: View {
    let strings: Strings
    let onDigit: (Character) -> Void
    let onDelete: () -> Void

    private let rows: [[Character]] = [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"]]

    var body: some View {
        VStack(spacing: 10) {
            ForEach(rows, id: \.self) { row in
                HStack(spacing: 10) {
                    ForEach(row, id: \.self) { digit in key(digit) }
                }
            }
            HStack(spacing: 10) {
                Color.clear.frame(width: 88, height: 68)
                key("0")
                Button(action: onDelete) {
                    Image(systemName: "delete.left").font(.title2).frame(width: 88, height: 68)
                }
                .buttonStyle(.bordered)
                .accessibilityLabel(strings["pinpad-delete.label"])
            }
        }
        .environment(\.layoutDirection, .leftToRight)
    }

    private func key(_ digit: Character) -> some View {
        Button { onDigit(digit) } label: {
            Text(String(digit)).font(.title.weight(.semibold)).frame(width: 88, height: 68)
        }
        .buttonStyle(.bordered)
    }
}

/// A message the worker must notice, read out by VoiceOver when it appears.
struct ErrorMessage: View {
    let text: String?

    var body: some View {
        if let text {
            Label(text, systemImage: "exclamationmark.triangle.fill")
                .foregroundStyle(.red)
                .accessibilityAddTraits(.updatesFrequently)
        }
    }
}
