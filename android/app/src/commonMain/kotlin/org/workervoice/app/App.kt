package org.workervoice.app

import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.input.pointer.PointerEventPass
import androidx.compose.ui.input.pointer.PointerEventType
import androidx.compose.ui.input.pointer.pointerInput
import org.workervoice.app.ui.IdleCountdown
import org.workervoice.app.cases.CaseScreen
import org.workervoice.app.cases.CasesScreen
import org.workervoice.app.enrol.EnrolScreen
import org.workervoice.app.followup.FollowUpScreen
import org.workervoice.app.home.HomeScreen
import org.workervoice.app.home.RetiredScreen
import org.workervoice.app.language.LanguageScreen
import org.workervoice.app.receipt.ReceiptScreen
import org.workervoice.app.report.ReportScreen
import org.workervoice.app.signin.ActivateScreen
import org.workervoice.app.signin.SignInScreen
import org.workervoice.app.signin.ChangePinScreen
import org.workervoice.app.surveys.SurveyScreen
import org.workervoice.app.surveys.SurveysScreen
import org.workervoice.app.training.TrainingScreen
import org.workervoice.app.ui.WorkerVoiceTheme

/**
 * The whole worker app: the current screen of [model], in its language.
 * The platform shells (Android Activity, desktop window) host this and
 * add what only they have. The enrol screen's QR scanner is the
 * platform's (`PlatformServices.scanQr`); a shell may pass its own [onScan].
 */
@Composable
fun WorkerVoiceUi(model: AppModel, onScan: (() -> Unit)? = null) {
    WorkerVoiceTheme(model.strings) {
        // Every tap counts as the worker being there (kiosk idle time-out);
        // observed before the screens see it, never consumed. While the
        // countdown shows, only its own buttons decide: a press on "Sign me
        // out now" must not first hide the warning and lose the tap.
        Box(
            Modifier.fillMaxSize().pointerInput(model) {
                awaitPointerEventScope {
                    while (true) {
                        val event = awaitPointerEvent(PointerEventPass.Initial)
                        if (event.type == PointerEventType.Press && model.idleCountdown == null) model.userActive()
                    }
                }
            },
        ) {
            when (val screen = model.screen) {
                is Screen.Enrol -> {
                    val state = screen.state
                    // The platform's scanner, unless the shell brings its own.
                    val scan = onScan ?: if (model.services.canScanQr) ({ state.scan(model.services::scanQr) }) else null
                    EnrolScreen(state.ui, state::code, state::mode, state::submit, state::cancel, scan)
                }
                is Screen.Language -> LanguageScreen(APP_LANGUAGES, model.strings.language, model::languageChosen)
                is Screen.SignIn -> {
                    val state = screen.state
                    SignInScreen(state.ui, state::workerNumber, state::digit, state::delete, state::submit, state::activate, model::followUp, model.anonymousReportAction(), onBack = { model.chooseLanguage { model.signIn() } })
                }
                is Screen.Activate -> {
                    val state = screen.state
                    val scan = if (model.services.canScanQr) ({ state.scan(model.services::scanQr) }) else null
                    ActivateScreen(state.ui, state::workerNumber, state::activationCode, state::digit, state::delete, state::next, state::back, scan)
                }
                is Screen.Home -> HomeScreen(
                    name = screen.name,
                    // A shared tablet's outbox holds other workers' reports too: no count there.
                    queued = if (screen.shared) 0 else model.activity.queued ?: screen.queued,
                    activity = model.activity,
                    shared = screen.shared,
                    nowSeconds = System.currentTimeMillis() / 1000,
                    notice = model.notice,
                    onReport = { model.report() },
                    onFollowUp = model::followUp,
                    onMyCases = model::myCases,
                    onSurveys = model::surveys,
                    onTraining = model::training,
                    onChangePin = model::changePin,
                    onSyncNow = model::syncNow,
                    onLanguage = { model.chooseLanguage() },
                    onDone = model::done,
                )
                is Screen.Report -> {
                    val state = screen.state
                    ReportScreen(
                    state.ui, state.position, state.anonymousOnly, state::category, state::text, state::anonymous, state::toggleRoute, state::edit, state::next, state::back,
                    onTakePhoto = state::takePhoto, onChoosePhoto = state::choosePhoto, onRecord = state::startRecording,
                    onStopRecording = state::stopRecording, onCancelRecording = state::cancelRecording, onPlay = state::play, onDetach = state::detach, onCallback = state::callback, onPhone = state::phone, onCallTime = state::callTime, onCallLanguage = state::callLanguage,
                )
                }
                is Screen.Receipt -> ReceiptScreen(screen.outcome.receipt, screen.sent, model::receiptNoted, fromSurvey = screen.survey != null, onReadAloud = { model.readReceiptAloud(screen.outcome.receipt) })
                is Screen.FollowUp -> {
                    val state = screen.state
                    FollowUpScreen(state.ui, state::caseId, state::secret, state::open, onBack = { state.cancel(); model.back(screen.back) })
                }
                is Screen.Cases -> CasesScreen(screen.state.ui, model::openCase, onBack = model::goHome)
                is Screen.Case -> {
                    val state = screen.state
                    CaseScreen(state.ui, state.access.caseId, state::reply, state::send, onBack = { model.back(screen.back) })
                }
                is Screen.ChangePin -> {
                    val state = screen.state
                    ChangePinScreen(state.ui, state::digit, state::delete, state::next, state::back)
                }
                is Screen.Training -> TrainingScreen(screen.state, model.activity.download, model.services)
                is Screen.Surveys -> SurveysScreen(screen.state.ui, model::openSurvey, onBack = model::goHome)
                is Screen.Survey -> {
                    val state = screen.state
                    SurveyScreen(state.ui, state::answer, state::typed, model::listen, state::saveAndLeave, state::submit, state::back, onDone = model::surveys)
                }
                Screen.Retired -> RetiredScreen()
            }
            val countdown = model.idleCountdown
            if (countdown != null && model.screen.signedIn) IdleCountdown(countdown, onStay = model::userActive, onLeave = model::done)
        }
    }
}
