import SwiftUI
import WorkerVoice

/// The whole worker app: the current screen of `model`, in its language,
/// mirrored for right-to-left languages (Android's `WorkerVoiceUi`). The
/// shell hosts it and adds what only it has: `scanCode` presents the
/// camera's QR scanner and hands the payload back (nil: the code is typed).
@MainActor
public struct WorkerVoiceRootView: View {
    @ObservedObject private var model: AppModel
    private let scanCode: ((@escaping (String) -> Void) -> Void)?

    public init(model: AppModel, scanCode: ((@escaping (String) -> Void) -> Void)? = nil) {
        self.model = model
        self.scanCode = scanCode
    }

    public var body: some View {
        screen
            .environment(\.strings, model.strings)
            .environment(\.locale, model.strings.locale)
            .environment(\.layoutDirection, model.strings.isRightToLeft ? .rightToLeft : .leftToRight)
    }

    // Each screen is keyed by its state holder, so nothing a view keeps for
    // itself (a ticked box, a scroll position) passes to the next holder.
    @ViewBuilder private var screen: some View {
        switch model.screen {
        case let .enrol(state):
            EnrolScreen(state: state, onScan: scanCode.map { scan in { scan { payload in state.scanned(payload) } } })
                .id(ObjectIdentifier(state))
        case .language:
            LanguageScreen(languages: Strings.offered, current: model.strings.language, onChoose: model.languageChosen)
        case let .signIn(state):
            SignInScreen(state: state,
                         onFollowUp: model.followUp,
                         onAnonymousReport: model.anonymousReportAction,
                         onBack: { model.chooseLanguage(next: { model.signIn() }) })
                .id(ObjectIdentifier(state))
        case let .activate(state):
            ActivateScreen(state: state).id(ObjectIdentifier(state))
        case let .home(name, queued):
            HomeScreen(name: name,
                       queued: model.activity.queued ?? queued,
                       notice: model.notice,
                       offline: model.activity.offline,
                       onReport: { model.report() },
                       onFollowUp: model.followUp,
                       onMyCases: model.myCases,
                       onSurveys: model.surveys,
                       onTraining: model.training,
                       onLanguage: { model.chooseLanguage() },
                       onDone: model.done)
        case let .report(state):
            ReportScreen(state: state).id(ObjectIdentifier(state))
        case let .receipt(outcome, sent):
            ReceiptScreen(receipt: outcome.receipt, sent: sent, onNoted: model.receiptNoted).id(outcome.clientId)
        case let .followUp(state, back):
            FollowUpScreen(state: state, onBack: { model.back(back) }).id(ObjectIdentifier(state))
        case let .cases(state):
            CasesScreen(state: state, onOpen: model.openCase, onBack: model.goHome).id(ObjectIdentifier(state))
        case let .caseThread(state, back):
            CaseScreen(state: state, onBack: { model.back(back) }).id(ObjectIdentifier(state))
        case let .surveys(state):
            SurveysScreen(state: state, onOpen: model.openSurvey, onBack: model.goHome).id(ObjectIdentifier(state))
        case let .survey(state):
            SurveyScreen(state: state, onListen: model.listen, onDone: model.surveys).id(ObjectIdentifier(state))
        case let .training(state):
            TrainingScreen(state: state, download: model.activity.download).id(ObjectIdentifier(state))
        }
    }
}
