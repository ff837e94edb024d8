import SwiftUI

/// How many digits are typed, as dots; never the digits. VoiceOver hears
/// "3 digits entered".
struct PinDots: View {
    @Environment(\.strings) var s
    @ScaledMetric var dot: CGFloat = 20
    let entered: Int
    let length: Int

    var body: some View {
        HStack(spacing: 14) {
            ForEach(0..<length, id: \.self) { index in
                Circle()
                    .strokeBorder(Color.accentColor, lineWidth: 2)
                    .background(Circle().fill(index < entered ? Color.accentColor : Color.clear))
                    .frame(width: dot, height: dot)
            }
        }
        .frame(maxWidth: .infinity)
        .accessibilityElement(children: .ignore)
        .accessibilityLabel(s("pinpad-entered", ("count", entered)))
    }
}

/// A PIN pad of large keys (the system keyboard is small and learns what it
/// is typed). Digits stay in phone order in right-to-left layouts too, as on
/// every phone keypad; the keys grow with Dynamic Type.
struct PinPad: View {
    @Environment(\.strings) var s
    @ScaledMetric var keyWidth: CGFloat = 88
    @ScaledMetric var keyHeight: CGFloat = 68
    var enabled = true
    let onDigit: (Character) -> Void
    let onDelete: () -> Void

    private static let rows: [[Character]] = [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"]]

    var body: some View {
        VStack(spacing: 10) {
            ForEach(PinPad.rows, id: \.self) { row in
                HStack(spacing: 10) {
                    ForEach(row, id: \.self) { digit in key(digit) }
                }
            }
            HStack(spacing: 10) {
                Color.clear.frame(width: keyWidth, height: keyHeight).accessibilityHidden(true)
                key("0")
                Button(action: onDelete) {
                    Image(systemName: "delete.left").font(.title2).frame(width: keyWidth, height: keyHeight)
                }
                .buttonStyle(.bordered)
                .disabled(!enabled)
                .accessibilityLabel(s["pinpad-delete.label"])
            }
        }
        .frame(maxWidth: .infinity)
        // Keypads are not mirrored: 1 stays top left in every language.
        .environment(\.layoutDirection, .leftToRight)
    }

    private func key(_ digit: Character) -> some View {
        Button { onDigit(digit) } label: {
            Text(String(digit)).font(.title.weight(.semibold)).frame(width: keyWidth, height: keyHeight)
        }
        .buttonStyle(.bordered)
        .disabled(!enabled)
    }
}
