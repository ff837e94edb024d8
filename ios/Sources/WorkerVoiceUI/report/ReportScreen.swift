import SwiftUI
import UIKit
import WorkerVoice

/// One report, one step at a time, ending with a review and Send.
@MainActor
struct ReportScreen: View {
    @Environment(\.strings) var s
    @Environment(\.dynamicTypeSize) var dynamicTypeSize
    @ScaledMetric var target: CGFloat = touchTarget
    @ObservedObject var state: ReportState

    var body: some View {
        let ui = state.ui
        let review = ui.step == .review
        let position = state.position
        ScreenFrame(title: s["report-title"], onBack: ui.busy ? nil : state.back, bottom: {
            BigButton(review ? (ui.busy ? s["report-sending"] : s["report-send"]) : s["common-next"],
                      systemImage: review ? "paperplane.fill" : "arrow.forward",
                      enabled: ui.canContinue, busy: ui.busy, action: state.next)
        }) {
            Text(s("report-step", ("step", position.step), ("count", position.count))).font(.subheadline)
            if state.anonymousOnly && ui.step == .category { Hint(s["report-kiosk-anonymous"]) }
            switch ui.step {
            case .category:
                Text(s["report-category-title"]).font(.title2.weight(.semibold))
                ForEach(ui.categories, id: \.id) { category in
                    ChoiceCard(category.label, selected: category.id == ui.categoryId, systemImage: categoryIcon(category.id)) {
                        state.category(category.id)
                    }
                }
            case .text:
                Text(s["report-text-title"]).font(.title2.weight(.semibold))
                Hint(s["report-text-hint"])
                TextEditor(text: Binding(get: { state.ui.text }, set: state.text))
                    .font(.body)
                    .frame(minHeight: 180)
                    .overlay(RoundedRectangle(cornerRadius: 8).strokeBorder(Color(uiColor: .separator)))
                    .accessibilityLabel(s["report-text-label"])
                attachments(ui)
            case .identity:
                Text(s["report-identity-title"]).font(.title2.weight(.semibold))
                ChoiceCard(s["report-anonymous"], selected: ui.anonymous == true, hint: s["report-anonymous-hint"], systemImage: "lock") {
                    state.anonymous(true)
                }
                ChoiceCard(s["report-named"], selected: ui.anonymous == false, hint: s["report-named-hint"], systemImage: "person") {
                    state.anonymous(false)
                }
                // A call-back gives a phone number: offered on named reports only.
                if ui.anonymous == false { callbackRequest(ui) }
            case .route:
                Text(s["report-route-title"]).font(.title2.weight(.semibold))
                if ui.readers.isEmpty { Hint(s["report-route-readers-unknown"]) }
                ForEach(ui.offeredRoutes, id: \.self) { route in
                    let readers = ui.readersOf(route)
                    ChoiceCard(routeTitle(route, s), selected: ui.routes.contains(route), hint: routeHint(route, s),
                               systemImage: routeIcon(route), multiple: true, action: { state.toggleRoute(route) }) {
                        if let readers {
                            Text(s("report-route-readers",
                                   ("organisation", readers.organisation.isEmpty ? s["report-route-unnamed"] : readers.organisation),
                                   ("count", readers.readers)))
                                .font(.subheadline)
                            if readers.singleReader { Warning(text: s["report-route-single"]) }
                        }
                    }
                }
                if ui.routes.isEmpty { Hint(s["report-route-none"]) }
            case .review:
                Text(s["report-review-title"]).font(.title2.weight(.semibold))
                reviewRow(s["report-review-category"], ui.category?.label ?? "") { state.edit(.category) }
                reviewRow(s["report-review-text"], ui.text) { state.edit(.text) }
                reviewRow(s["report-review-identity"],
                          ui.anonymous == true ? s["report-anonymous"] : s("report-review-named", ("name", ui.workerName)),
                          onEdit: state.anonymousOnly ? nil : { state.edit(.identity) })
                if !ui.attachments.isEmpty {
                    reviewRow(s["report-review-attachments"], ui.attachments.map(\.name).joined(separator: ", ")) { state.edit(.text) }
                }
                if ui.callback && ui.anonymous == false {
                    reviewRow(s["report-review-callback"],
                              s("report-review-callback-value",
                                ("phone", ui.phone.trimmingCharacters(in: .whitespaces)),
                                ("time", ui.callTime.trimmingCharacters(in: .whitespaces)),
                                ("language", Strings.endonyms[ui.callLanguage] ?? ui.callLanguage))) {
                        state.edit(.identity)
                    }
                }
                reviewRow(s["report-review-route"],
                          ui.offeredRoutes.filter { ui.routes.contains($0) }.map { routeTitle($0, s) }.joined(separator: ", ")) {
                    state.edit(.route)
                }
            }
            ErrorMessage(text: ui.error)
        }
    }

    /// "Take a photo", "Choose a photo" (only where the core's policy offers
    /// the photo library: never on a shared tablet), "Record a voice note"
    /// with its recording panel, and what is attached, each removable, voice
    /// notes playable.
    @ViewBuilder private func attachments(_ ui: ReportState.UI) -> some View {
        Hint(s["report-attachments-hint"])
        if let limits = ui.limits {
            Hint(s("report-attachments-limits", ("count", limits.maxCount), ("max", limits.maxTotalBytes / 1_048_576)))
        }
        if let recording = ui.recordingSeconds {
            Warning(text: s("report-recording", ("elapsed", clock(recording)), ("max", clock(Int(ui.capture?.voiceMaxSeconds ?? 0)))))
            BigButton(s["report-recording-stop"], systemImage: "stop.circle") { state.stopRecording() }
            BigButton(s["report-recording-cancel"], systemImage: "xmark", outlined: true) { state.cancelRecording() }
        } else if ui.canAttach && ui.capture != nil {
            // At the core's count the buttons go: a worker is not offered what the core would refuse.
            if ui.canTakePhoto {
                BigButton(s["report-take-photo"], systemImage: "camera", busy: ui.picking, outlined: true) { state.takePhoto() }
            }
            if ui.canChoosePhoto {
                BigButton(s["report-choose-photo"], systemImage: "photo.on.rectangle", busy: ui.picking, outlined: true) { state.choosePhoto() }
            }
            BigButton(s["report-record-voice"], systemImage: "mic", busy: ui.picking, outlined: true) { state.startRecording() }
        }
        ForEach(Array(ui.attachments.enumerated()), id: \.offset) { index, attached in
            HStack(spacing: 8) {
                Image(systemName: attached.kind == .photo ? "photo" : "mic").accessibilityHidden(true)
                Text(attached.name).font(.body).frame(maxWidth: .infinity, alignment: .leading)
                if attached.kind == .voice {
                    Button { state.play(index) } label: {
                        Image(systemName: "play.fill").font(.title2).frame(minWidth: target, minHeight: target)
                    }
                    .accessibilityLabel(s("report-attachment-play", ("what", attached.name)))
                }
                Button { state.detach(index) } label: {
                    Image(systemName: "trash").font(.title2).frame(minWidth: target, minHeight: target)
                }
                .accessibilityLabel(s("report-attachment-remove", ("what", attached.name)))
            }
        }
    }

    /// Seconds as m:ss (a recording's length, read the same in every language).
    private func clock(_ seconds: Int) -> String {
        String(format: "%d:%02d", seconds / 60, seconds % 60)
    }

    /// "Ask to be called back": phone, when, and the language of the call.
    @ViewBuilder private func callbackRequest(_ ui: ReportState.UI) -> some View {
        ChoiceCard(s["report-callback"], selected: ui.callback, hint: s["report-callback-hint"], systemImage: "phone", multiple: true) {
            state.callback(!ui.callback)
        }
        if ui.callback {
            field(s["report-callback-phone"], text: Binding(get: { state.ui.phone }, set: state.phone), keyboard: .phonePad)
            field(s["report-callback-time"], text: Binding(get: { state.ui.callTime }, set: state.callTime))
            Text(s["report-callback-language"]).font(.headline)
            ForEach(Strings.offered, id: \.self) { tag in
                ChoiceCard(Strings.endonyms[tag] ?? tag, selected: ui.callLanguage == tag) { state.callLanguage(tag) }
            }
        }
    }

    /// A text field with its label above it (a placeholder alone vanishes as the worker types).
    private func field(_ label: String, text: Binding<String>, keyboard: UIKeyboardType = .default) -> some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(label).font(.subheadline).foregroundColor(.secondary).accessibilityHidden(true)
            TextField(label, text: text)
                .font(.title3)
                .textFieldStyle(.roundedBorder)
                .keyboardType(keyboard)
                .disableAutocorrection(true)
                .frame(minHeight: target)
                .accessibilityLabel(label)
        }
    }

    private func reviewRow(_ label: String, _ value: String, onEdit: (() -> Void)?) -> some View {
        HStack(spacing: 8) {
            LabelledValue(label: label, value: value).frame(maxWidth: .infinity, alignment: .leading)
            if let onEdit {
                Button(action: onEdit) {
                    Image(systemName: "pencil").font(.title2).frame(minWidth: target, minHeight: target)
                }
                .accessibilityLabel(s("report-change", ("what", label)))
            }
        }
    }
}

/// A route's name in the worker's language.
func routeTitle(_ route: GrievanceRoute, _ s: Strings) -> String {
    switch route {
    case .factoryCommittee: return s["report-route-factory_committee"]
    case .independentHotline: return s["report-route-independent_hotline"]
    case .brand: return s["report-route-brand"]
    }
}

/// Who reads a route, in a line.
private func routeHint(_ route: GrievanceRoute, _ s: Strings) -> String {
    switch route {
    case .factoryCommittee: return s["report-route-factory_committee-hint"]
    case .independentHotline: return s["report-route-independent_hotline-hint"]
    case .brand: return s["report-route-brand-hint"]
    }
}

private func routeIcon(_ route: GrievanceRoute) -> String {
    switch route {
    case .factoryCommittee: return "building.2"
    case .independentHotline: return "phone"
    case .brand: return "cart"
    }
}
