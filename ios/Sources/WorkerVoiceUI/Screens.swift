import SwiftUI
import WorkerVoice

/// The whole worker app: the current screen, in its language, mirrored for
/// right-to-left languages.
public struct WorkerVoiceRootView: View {
    @ObservedObject var model: AppModel

    public init(model: AppModel) {
        self.model = model
    }

    public var body: some View {
        NavigationView {
            Group {
                switch model.screen {
                case .enrol: EnrolView(model: model)
                case .language: LanguageView(model: model)
                case .signIn: SignInView(model: model)
                case .activate: ActivateView(model: model)
                case .home: HomeView(model: model)
                case .report: ReportView(model: model)
                case let .receipt(receipt): ReceiptView(model: model, receipt: receipt)
                }
            }
            .padding(20)
        }
        .navigationViewStyle(.stack)
        .environment(\.layoutDirection, model.strings.isRightToLeft ? .rightToLeft : .leftToRight)
    }
}

struct EnrolView: View {
    @ObservedObject var model: AppModel
    @State private var code = ""
    @State private var mode = DeviceMode.personal

    var body: some View {
        let s = model.strings
        Form {
            Text(s["enrol-hint"])
            TextField(s["enrol-code-label"], text: $code).font(.title2)
            Picker(s["enrol-mode-title"], selection: $mode) {
                Label(s["enrol-mode-personal"], systemImage: "person").tag(DeviceMode.personal)
                Label(s["enrol-mode-shared"], systemImage: "house").tag(DeviceMode.shared)
            }
            .pickerStyle(.inline)
            ErrorMessage(text: model.error)
            BigButton(title: s["enrol-submit"], systemImage: "checkmark", enabled: !code.isEmpty, busy: model.busy) {
                model.enrol(code: code, mode: mode)
            }
        }
        .navigationTitle(s["enrol-title"])
    }
}

struct LanguageView: View {
    @ObservedObject var model: AppModel

    var body: some View {
        List(Strings.offered, id: \.self) { tag in
            Button { model.setLanguage(tag) } label: {
                Text(Strings.endonyms[tag] ?? tag).font(.title2).frame(minHeight: touchTarget)
            }
            .accessibilityAddTraits(tag == model.strings.language ? .isSelected : [])
        }
        .navigationTitle(model.strings["language-title"])
    }
}

struct SignInView: View {
    @ObservedObject var model: AppModel
    @State private var workerNumber = ""
    @State private var pin = ""

    var body: some View {
        let s = model.strings
        ScrollView {
            VStack(spacing: 16) {
                TextField(s["signin-worker-number"], text: $workerNumber).font(.title2).textFieldStyle(.roundedBorder)
                Text(s["signin-pin"]).font(.headline)
                PinDots(entered: pin.count, length: 6, strings: s)
                ErrorMessage(text: model.error)
                PinPad(strings: s, onDigit: { if pin.count < 6 { pin.append($0) } }, onDelete: { _ = pin.popLast() })
                BigButton(title: s["signin-submit"], systemImage: "lock", enabled: pin.count == 6 && !workerNumber.isEmpty, busy: model.busy) {
                    model.signIn(workerNumber: workerNumber, pin: pin)
                    pin = ""
                }
                Button(s["signin-first-time"]) { model.go(.activate) }.frame(minHeight: touchTarget)
            }
        }
        .navigationTitle(s["signin-title"])
        .toolbar { Button(s["home-language"]) { model.go(.language) } }
    }
}

struct ActivateView: View {
    @ObservedObject var model: AppModel
    @State private var workerNumber = ""
    @State private var code = ""
    @State private var pin = ""
    @State private var repeatPin = ""
    @State private var choosing = false
    @State private var localError: String?

    var body: some View {
        let s = model.strings
        ScrollView {
            VStack(spacing: 16) {
                if !choosing {
                    Text(s["activate-hint"])
                    TextField(s["signin-worker-number"], text: $workerNumber).font(.title2).textFieldStyle(.roundedBorder)
                    TextField(s["activate-code"], text: $code).font(.title2).textFieldStyle(.roundedBorder)
                    BigButton(title: s["common-next"], systemImage: "arrow.forward", enabled: !workerNumber.isEmpty && !code.isEmpty) { choosing = true }
                } else {
                    let repeating = pin.count == 6
                    Text(repeating ? s["activate-repeat-pin"] : s["activate-choose-pin"]).font(.headline)
                    PinDots(entered: repeating ? repeatPin.count : pin.count, length: 6, strings: s)
                    ErrorMessage(text: localError ?? model.error)
                    PinPad(strings: s, onDigit: { digit in
                        if pin.count < 6 {
                            pin.append(digit)
                            // The core's rule decides whether a PIN is strong enough.
                            if pin.count == 6, let weak = checkNewPin(pin: pin) {
                                localError = weakPinMessage(reason: weak, languages: [s.language])
                                pin = ""
                            }
                        } else if repeatPin.count < 6 {
                            repeatPin.append(digit)
                        }
                    }, onDelete: { if repeatPin.isEmpty { _ = pin.popLast() } else { _ = repeatPin.popLast() } })
                    BigButton(title: s["activate-submit"], systemImage: "checkmark", enabled: repeatPin.count == 6, busy: model.busy) {
                        if repeatPin == pin {
                            localError = nil
                            model.activate(workerNumber: workerNumber, code: code, pin: pin)
                        } else {
                            localError = s["activate-pins-differ"]
                        }
                        pin = ""
                        repeatPin = ""
                    }
                }
            }
        }
        .navigationTitle(s["activate-title"])
    }
}

struct HomeView: View {
    @ObservedObject var model: AppModel

    var body: some View {
        let s = model.strings
        VStack(spacing: 14) {
            BigButton(title: s["home-report"], systemImage: "paperplane") { model.go(.report) }
            Button { model.go(.language) } label: {
                Label(s["home-language"], systemImage: "globe").frame(maxWidth: .infinity, minHeight: touchTarget)
            }
            .buttonStyle(.bordered)
            Spacer()
            Button { model.done() } label: {
                Label(s["home-done"], systemImage: "rectangle.portrait.and.arrow.right").frame(maxWidth: .infinity, minHeight: touchTarget)
            }
            .buttonStyle(.bordered)
        }
        .navigationTitle(s("home-hello", ("name", model.core.currentWorker()?.displayName ?? "")))
    }
}

struct ReportView: View {
    @ObservedObject var model: AppModel
    @State private var categoryId: String?
    @State private var text = ""
    @State private var anonymous = true
    @State private var hotline = true
    @State private var committee = false

    var body: some View {
        let s = model.strings
        let categories = (try? model.core.categories()) ?? []
        Form {
            Section(s["report-category-title"]) {
                ForEach(categories, id: \.id) { category in
                    Button { categoryId = category.id } label: {
                        Label(category.label, systemImage: categoryId == category.id ? "checkmark.circle.fill" : "circle")
                            .frame(minHeight: touchTarget)
                    }
                }
            }
            Section(s["report-text-title"]) {
                Text(s["report-text-hint"]).font(.footnote)
                TextEditor(text: $text).frame(minHeight: 140).accessibilityLabel(s["report-text-label"])
            }
            Section(s["report-identity-title"]) {
                Picker(s["report-identity-title"], selection: $anonymous) {
                    Text(s["report-anonymous"]).tag(true)
                    Text(s["report-named"]).tag(false)
                }
                .pickerStyle(.inline)
            }
            Section(s["report-route-title"]) {
                Toggle(s["report-route-factory_committee"], isOn: $committee)
                Toggle(s["report-route-independent_hotline"], isOn: $hotline)
            }
            ErrorMessage(text: model.error)
            BigButton(title: s["report-send"], systemImage: "paperplane.fill",
                      enabled: categoryId != nil && !text.isEmpty && (hotline || committee), busy: model.busy) {
                guard let categoryId else { return }
                var routes: [GrievanceRoute] = []
                if committee { routes.append(.factoryCommittee) }
                if hotline { routes.append(.independentHotline) }
                model.send(GrievanceDraft(categoryId: categoryId, text: text, anonymous: anonymous,
                                          routes: routes, callback: nil, attachments: []))
            }
        }
        .navigationTitle(s["report-title"])
    }
}

struct ReceiptView: View {
    @ObservedObject var model: AppModel
    let receipt: Receipt
    @State private var written = false

    var body: some View {
        let s = model.strings
        VStack(alignment: .leading, spacing: 18) {
            Text(s["receipt-hint"])
            part(s["receipt-case"], receipt.caseId)
            part(s["receipt-secret"], receipt.secret)
            Spacer()
            Toggle(s["receipt-written"], isOn: $written).frame(minHeight: touchTarget)
            BigButton(title: s["receipt-continue"], systemImage: "checkmark", enabled: written) { model.go(.home) }
        }
        .navigationTitle(s["receipt-title"])
    }

    private func part(_ label: String, _ value: String) -> some View {
        VStack(alignment: .leading) {
            Text(label).font(.headline)
            Text(value).font(.system(.title, design: .monospaced).weight(.bold))
        }
        .accessibilityElement(children: .ignore)
        // Spelled out, character by character.
        .accessibilityLabel("\(label): \(value.map(String.init).joined(separator: " "))")
    }
}
