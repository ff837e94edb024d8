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
        let countdown = model.screen.signedIn ? model.idleCountdown : nil
        ZStack {
            screen
                // Every tap counts as the worker being there (kiosk idle
                // time-out), seen alongside the screen's own gestures, never
                // taken from them. While the warning shows, the screen takes
                // no tap at all: only the warning's two buttons decide.
                .simultaneousGesture(TapGesture().onEnded { if model.idleCountdown == nil { model.userActive() } })
                .allowsHitTesting(countdown == nil)
                .accessibilityHidden(countdown != nil)
            if let countdown {
                IdleCountdown(seconds: countdown, onStay: model.userActive, onLeave: model.done)
            }
        }
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
            ActivateScreen(state: state, onScan: scanCode.map { scan in { scan { payload in state.scanned(payload) } } })
                .id(ObjectIdentifier(state))
        case let .home(name, queued, shared):
            HomeScreen(name: name,
                       // A shared tablet's outbox holds other workers' reports too: no count there.
                       queued: shared ? 0 : model.activity.queued ?? queued,
                       activity: model.activity,
                       shared: shared,
                       nowSeconds: Int64(Date().timeIntervalSince1970),
                       notice: model.notice,
                       onReport: { model.report() },
                       onFollowUp: model.followUp,
                       onMyCases: model.myCases,
                       onSurveys: model.surveys,
                       onTraining: model.training,
                       onChangePin: model.changePin,
                       onSyncNow: model.syncNow,
                       onLanguage: { model.chooseLanguage() },
                       onDone: model.done)
        case .retired:
            RetiredScreen()
        case let .changePin(state):
            ChangePinScreen(state: state).id(ObjectIdentifier(state))
        case let .report(state):
            ReportScreen(state: state).id(ObjectIdentifier(state))
        case let .receipt(outcome, sent):
            ReceiptScreen(receipt: outcome.receipt, sent: sent, onNoted: model.receiptNoted,
                          onReadAloud: { model.readReceiptAloud(outcome.receipt) }).id(outcome.clientId)
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
