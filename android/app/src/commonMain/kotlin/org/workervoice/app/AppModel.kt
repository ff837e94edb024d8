package org.workervoice.app

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.workervoice.WorkerVoice
import org.workervoice.WorkerVoiceException
import org.workervoice.app.cases.CaseAccess
import org.workervoice.app.cases.CaseState
import org.workervoice.app.cases.CasesState
import org.workervoice.app.enrol.EnrolState
import org.workervoice.app.followup.FollowUpState
import org.workervoice.app.report.DRAFT_NAME
import org.workervoice.app.report.ReportDraft
import org.workervoice.app.report.ReportState
import org.workervoice.app.signin.ActivateState
import org.workervoice.app.signin.SignInState
import org.workervoice.app.signin.ChangePinState
import org.workervoice.app.surveys.SurveyState
import org.workervoice.app.surveys.SurveysState
import org.workervoice.app.training.TrainingState
import org.workervoice.model.SurveyQuestionView
import org.workervoice.localized
import org.workervoice.model.Event
import org.workervoice.model.SubmitOutcome
import org.workervoice.model.Receipt

/** Where the worker is. Each screen's state holder lives in its value. */
sealed interface Screen {
    /** Whether the screen belongs to a signed-in worker's session (what an idle time-out takes away). */
    val signedIn: Boolean
        get() = when (this) {
            is Home, is Cases, is Case, is Receipt, is Surveys, is Survey, is Training, is ChangePin -> true
            is Report -> !state.anonymousOnly
            else -> false
        }

    /** Set up an unenrolled device. */
    data class Enrol(val state: EnrolState) : Screen

    /** Choose the language; [next] is where to go after. */
    data class Language(val next: () -> Screen) : Screen

    /** Worker number and PIN. */
    data class SignIn(val state: SignInState) : Screen

    /** First sign-in with the activation code, choosing a PIN. */
    data class Activate(val state: ActivateState) : Screen

    /** The signed-in worker's start screen; [shared] hides the device-wide outbox count on a shared tablet. */
    data class Home(val name: String, val queued: Long, val shared: Boolean) : Screen

    /**
     * The hub retired this device: the core crypto-shredded everything on it
     * and refuses sign-ins. Nothing of any worker is shown, only what to do.
     */
    data object Retired : Screen

    /** Reporting a grievance, step by step. */
    data class Report(val state: ReportState) : Screen

    /**
     * The receipt, shown once. [survey]: the survey whose answers opened
     * this case (its thanks follow the receipt); null for a report.
     */
    data class Receipt(val outcome: SubmitOutcome, val sent: Boolean, val survey: Survey? = null) : Screen

    /** Case number and secret from a receipt; [back] is where Back goes. */
    data class FollowUp(val state: FollowUpState, val back: () -> Screen) : Screen

    /** The signed-in worker's reports. */
    data class Cases(val state: CasesState) : Screen

    /** One case's conversation; [back] is where Back goes. */
    data class Case(val state: CaseState, val back: () -> Screen) : Screen

    /** The surveys open to the signed-in worker. */
    data class Surveys(val state: SurveysState) : Screen

    /** Answering one survey. */
    data class Survey(val state: SurveyState) : Screen

    /** Lessons, quizzes, progress, certificates, leaderboard. */
    data class Training(val state: TrainingState) : Screen

    /** Changing the signed-in worker's PIN. */
    data class ChangePin(val state: ChangePinState) : Screen
}

/**
 * What the core is doing in the background, from its events, for the
 * screens to show: a sync's progress, whether the hub was out of reach,
 * what waits in the outbox, a content download's progress.
 */
data class Activity(
    /** Items tried and due in the sync under way; null when none runs. */
    val syncing: Pair<Int, Int>? = null,
    /** The last sync could not reach the hub. */
    val offline: Boolean = false,
    /** Items waiting to be sent (null until the core said). */
    val queued: Long? = null,
    /** Items the hub refused, kept for attention. */
    val needsAttention: Long = 0,
    /** Bytes held and needed of the content download under way; null when none runs. */
    val download: Pair<Long, Long>? = null,
    /** When a sync last reached the hub (unix seconds, the core's record); null when never or not yet read. */
    val lastSyncAt: Long? = null,
)

/**
 * The app's root state holder: which screen shows, in which language, and
 * the moves between screens. It holds no business rule: every decision is
 * the core's, reached through [core]. Blocking core calls run on [io], never
 * on the UI thread; [scope] is the UI's (its dispatcher updates state).
 */
class AppModel(
    val core: WorkerVoice,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
    private val shipped: ShippedStrings,
    private val deviceLanguages: List<String>,
    /** Text-to-speech, audio prompts, photo and voice-note pickers: the platform's. */
    val services: PlatformServices = NoPlatformServices,
) {
    /** The strings of the current language. */
    var strings: Strings by mutableStateOf(Strings.load(deviceLanguages, shipped))
        private set

    /** The screen showing. */
    var screen: Screen by mutableStateOf(initialScreen())
        private set

    /** A message for the whole app (e.g. background sync failed), already localized; null when none. */
    var notice: String? by mutableStateOf(null)
        private set

    /** What the core does in the background (sync, outbox, downloads), from its events. */
    var activity: Activity by mutableStateOf(Activity())
        private set

    /**
     * Seconds before an idle kiosk session ends, once it is close enough to
     * warn the worker ([IDLE_WARNING_SECS]); null otherwise. From the core.
     */
    var idleCountdown: Int? by mutableStateOf(null)
        private set

    /** The device's mode, read once at start and after enrolment (not from the UI thread at every use). */
    private var shared: Boolean by mutableStateOf(false)

    init {
        // When the core ends the session (idle time-out on a shared tablet, or
        // "I'm done"), nothing of that worker may stay on screen.
        scope.launch {
            core.events.collect { event ->
                if (event is Event.SessionEnded || event is Event.SessionTimedOut) sessionEnded()
                if (event is Event.DeviceRetired) retired()
                if (event is Event.SyncFinished) readLastSync()
                activity = when (event) {
                    is Event.SyncStarted -> activity.copy(syncing = 0 to 0)
                    is Event.SyncProgress -> activity.copy(syncing = event.done.toInt() to event.total.toInt())
                    is Event.SyncFinished -> activity.copy(syncing = null, offline = event.offline, queued = event.pending.toLong())
                    is Event.OutboxChanged -> activity.copy(queued = event.queued.toLong(), needsAttention = event.needsAttention.toLong())
                    is Event.ContentProgress -> activity.copy(download = event.doneBytes.toLong() to event.totalBytes.toLong())
                    is Event.ContentUpdated -> activity.copy(download = null)
                    else -> activity
                }
            }
        }
        readMode()
        readLastSync()
        // The idle time-out of shared tablets is the core's rule; the shell's
        // timer asks it once a second (a no-op on personal phones).
        scope.launch {
            while (isActive) {
                delay(IDLE_CHECK_MS)
                val left = withContext(io) { runCatching { core.checkIdle(); core.idleSecondsLeft() }.getOrNull() }
                idleCountdown = left?.toInt()?.takeIf { it <= IDLE_WARNING_SECS }
            }
        }
    }

    private fun sessionEnded() {
        if (screen is Screen.Retired) return
        idleCountdown = null
        // Nothing one worker asked to hear goes on being read to the next.
        services.stopSpeaking()
        services.stopPlaying()
        // A microphone left running would record the next person.
        (screen as? Screen.Report)?.state?.cancelRecording()
        // A shared tablet starts the next session in the device's language,
        // not in the last worker's.
        if (isShared()) {
            core.setLanguages(deviceLanguages)
            strings = Strings.load(deviceLanguages, shipped)
        }
        when (screen) {
            is Screen.Home, is Screen.Cases, is Screen.Case, is Screen.Receipt, is Screen.Surveys, is Screen.Survey, is Screen.Training, is Screen.ChangePin -> go(Screen.Language { signIn() })
            is Screen.Report -> if (!(screen as Screen.Report).state.anonymousOnly) go(Screen.Language { signIn() })
            else -> Unit
        }
    }

    private fun initialScreen(): Screen {
        val status = core.status()
        return when {
            status.retired -> Screen.Retired
            !status.enrolled -> Screen.Enrol(EnrolState(core, scope, strings) { afterEnrol() })
            // An enrolled device opens on sign-in; its language is one tap away.
            else -> signIn()
        }
    }

    private fun afterEnrol() {
        readMode()
        go(Screen.Language { signIn() })
        // The recipient directory, for reports made before anyone signs in (shared tablets).
        syncInBackground()
    }

    /** Shows the language screen, then [next]. */
    fun chooseLanguage(next: () -> Screen = { currentOrHome() }) = go(Screen.Language(next))

    private fun currentOrHome(): Screen = if (core.currentWorker() != null) home() else signIn()

    /** Sets the language for the core's messages and the app's strings. */
    fun setLanguage(tag: String) {
        core.setLanguages(listOf(tag))
        strings = Strings.load(listOf(tag), shipped)
    }

    /** Called by the language screen when a language is chosen. */
    fun languageChosen(tag: String) {
        setLanguage(tag)
        val next = (screen as? Screen.Language)?.next ?: { signIn() }
        go(next())
    }

    fun signIn(): Screen = Screen.SignIn(SignInState(core, scope, strings, onSignedIn = { afterSignIn() }, onActivate = { go(activate()) }))

    /** Home, or straight back into the report this worker left unfinished. */
    private fun afterSignIn() {
        scope.launch {
            val draft = withContext(io) { runCatching { core.loadDraft(DRAFT_NAME) }.getOrNull() }?.let(ReportDraft::decode)
            // Its photos and voice notes, sealed with it under the worker's key.
            val attachments = if (draft == null) emptyList() else withContext(io) { runCatching { core.loadDraftAttachments(DRAFT_NAME) }.getOrDefault(emptyList()) }
            if (draft != null) report(draft, attachments) else goHome()
        }
    }

    fun activate(): Screen = Screen.Activate(ActivateState(core, scope, strings, onActivated = { afterActivation() }, onBack = { go(signIn()) }))

    private fun afterActivation() {
        go(home())
        // The recipient directory (categories, routes) comes with the first sync.
        syncInBackground()
    }

    fun home(): Screen {
        val worker = core.currentWorker()
        val queued = runCatching { core.outboxSummary().queued.toLong() }.getOrDefault(0)
        return Screen.Home(worker?.displayName.orEmpty(), queued, isShared())
    }

    fun goHome() = go(home())

    fun report(restored: ReportDraft? = null, restoredAttachments: List<org.workervoice.model.DraftAttachment> = emptyList()) = go(
        Screen.Report(
            ReportState(
                core, scope, io, strings, onSent = { outcome -> receipt(outcome) }, onCancel = { goHome() }, services = services,
                restored = restored, restoredAttachments = restoredAttachments,
            ),
        ),
    )

    private fun isShared(): Boolean = shared

    private fun readMode() {
        scope.launch { shared = withContext(io) { runCatching { core.status().mode }.getOrNull() } == org.workervoice.model.DeviceMode.SHARED }
    }

    /** On a shared tablet, the sign-in screen's "Report without signing in"; null elsewhere. */
    fun anonymousReportAction(): (() -> Unit)? =
        if (isShared()) ({ anonymousReport() }) else null

    /** An anonymous report with nobody signed in; the core keeps nothing of it on the tablet. */
    fun anonymousReport() = go(
        Screen.Report(
            ReportState(core, scope, io, strings, onSent = { outcome -> receipt(outcome) }, onCancel = { go(signIn()) }, services = services, anonymousOnly = true),
        ),
    )

    private fun receipt(outcome: SubmitOutcome) {
        go(Screen.Receipt(outcome, sent = false))
        // Delivery goes on behind the receipt; the receipt is already valid.
        scope.launch {
            val delivered = try {
                core.syncNow(false)
                core.submissionStatus(outcome.clientId)?.state == org.workervoice.model.OutboxState.DELIVERED
            } catch (e: WorkerVoiceException) {
                false
            }
            val current = screen
            if (current is Screen.Receipt && current.outcome.clientId == outcome.clientId) go(current.copy(sent = delivered))
        }
    }

    /** Follow-up with a receipt, from sign-in (no account needed) or home. */
    fun followUp() {
        val back: () -> Screen = if (core.currentWorker() != null) ({ home() }) else ({ signIn() })
        go(
            Screen.FollowUp(
                FollowUpState(core, scope) { caseId, secret, thread ->
                    go(Screen.Case(CaseState(core, scope, io, CaseAccess.ByReceipt(caseId, secret), thread), back))
                },
                back,
            ),
        )
    }

    /** The signed-in worker's reports. */
    fun myCases() = go(Screen.Cases(CasesState(core, scope, io)))

    /** One of the worker's own cases. */
    fun openCase(caseId: String) = go(Screen.Case(CaseState(core, scope, io, CaseAccess.Mine(caseId))) { Screen.Cases(CasesState(core, scope, io)) })

    /** The surveys open to the signed-in worker. */
    fun surveys() = go(Screen.Surveys(SurveysState(core, scope, io)))

    /** Answering a survey (resuming the worker's saved answers, if any). */
    fun openSurvey(id: String) {
        lateinit var survey: Screen.Survey
        // Answers that open a case (e.g. retaliation reported) bring its
        // receipt, shown once like a report's, before the survey's thanks.
        survey = Screen.Survey(SurveyState(core, scope, io, id, onLeave = { surveys() }, onCase = { outcome -> go(Screen.Receipt(outcome, sent = false, survey = survey)) }))
        go(survey)
    }

    /** Reads a survey question aloud: its recorded prompt when it has one, else the platform's voice. */
    fun listen(question: SurveyQuestionView) {
        scope.launch {
            val audio = question.audioSha256?.let { sha -> withContext(io) { runCatching { core.mediaPath(sha) }.getOrNull() } }
            if (audio == null || !services.play(audio)) services.speak(question.label, strings.language)
        }
    }

    /**
     * "Read aloud" on the receipt: the case number and the secret in the
     * worker's language, character by character (so "A7K2" is four sounds,
     * not a word); false when the platform has no voice for the language.
     */
    fun readReceiptAloud(receipt: Receipt): Boolean =
        services.speak(
            strings("receipt-spoken", "case" to spelledOut(receipt.caseId), "secret" to spelledOut(receipt.secret)),
            strings.language,
        )

    /** Change my PIN. */
    fun changePin() = go(Screen.ChangePin(ChangePinState(core, scope, strings, onLeave = { goHome() })))

    /** "Send now": a sync the worker asked for, past the retry delays (progress and result show on home). */
    fun syncNow() = syncInBackground(force = true)

    /**
     * The worker touched the screen: on a shared tablet the idle time-out
     * counts from now (the core's rule; a session past its time ends instead).
     */
    fun userActive() {
        if (!isShared()) return
        idleCountdown = null
        scope.launch { withContext(io) { runCatching { core.keepSessionAlive() } } }
    }

    /** Training: lessons, quizzes and the worker's progress. */
    fun training() = go(Screen.Training(TrainingState(core, scope, io, services, onLeave = { goHome() })))

    /** Where a screen's Back leads. */
    fun back(to: () -> Screen) = go(to())

    /** After "I have written it down": home, or the sign-in screen when nobody is signed in. */
    fun receiptNoted() {
        // An anonymous report on a kiosk goes on to the next person's sign-in:
        // the receipt is not read on past its screen.
        services.stopSpeaking()
        val survey = (screen as? Screen.Receipt)?.survey
        when {
            survey != null -> go(survey)
            core.currentWorker() != null -> goHome()
            else -> go(signIn())
        }
    }

    /** "I'm done": end the session; the next person starts from the language screen. */
    fun done() {
        idleCountdown = null
        services.stopSpeaking()
        services.stopPlaying()
        go(Screen.Language { signIn() })
        core.lock()
    }

    fun syncInBackground(force: Boolean = false) {
        scope.launch {
            notice = try {
                withContext(io) { core.syncNow(force) }
                null
            } catch (e: WorkerVoiceException) {
                e.localized
            }
        }
    }

    /**
     * The hub retired the device (the core has already shredded what it
     * held): whatever showed, only the retired screen remains, in the
     * device's language, with no way back into a worker's screens.
     */
    private fun retired() {
        idleCountdown = null
        services.stopSpeaking()
        services.stopPlaying()
        notice = null
        core.setLanguages(deviceLanguages)
        strings = Strings.load(deviceLanguages, shipped)
        screen = Screen.Retired
    }

    /** The core's record of the last sync that reached the hub, for home's "last in touch". */
    private fun readLastSync() {
        scope.launch {
            val at = withContext(io) { runCatching { core.deviceHealth().lastSyncAt }.getOrNull() }
            activity = activity.copy(lastSyncAt = at)
        }
    }

    private fun go(next: Screen) {
        // A retired device stays on its screen: nothing may lead back to a worker's.
        if (screen is Screen.Retired) return
        screen = next
    }
}

/** How often the shell asks the core whether a kiosk session has been idle too long. */
private const val IDLE_CHECK_MS = 1_000L

/** How close to the kiosk's idle time-out the countdown shows, in seconds. */
const val IDLE_WARNING_SECS = 20

/** [value] with a space between its characters, so a voice reads them one by one. */
internal fun spelledOut(value: String): String = value.toList().joinToString(" ")
