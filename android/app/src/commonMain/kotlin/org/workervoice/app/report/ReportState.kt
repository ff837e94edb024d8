package org.workervoice.app.report

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.workervoice.WorkerVoice
import org.workervoice.WorkerVoiceException
import org.workervoice.app.NoPlatformServices
import org.workervoice.app.PickedFile
import org.workervoice.app.PlatformServices
import org.workervoice.app.VoiceRecorder
import org.workervoice.app.Strings
import org.workervoice.attachmentLimits
import org.workervoice.localized
import org.workervoice.model.AttachmentLimits
import org.workervoice.model.AttachmentDraft
import org.workervoice.model.AttachmentType
import org.workervoice.model.CallbackRequest
import org.workervoice.model.CategoryOption
import org.workervoice.model.DraftAttachment
import org.workervoice.CapturePolicy
import org.workervoice.PhotoSource
import org.workervoice.model.GrievanceDraft
import org.workervoice.model.GrievanceRoute
import org.workervoice.model.RouteReaders
import org.workervoice.model.SubmitOutcome

/** The steps of a report, in order. */
enum class ReportStep { CATEGORY, TEXT, IDENTITY, ROUTE, REVIEW }

/** What the report screen shows. */
data class ReportUi(
    val step: ReportStep = ReportStep.CATEGORY,
    val categories: List<CategoryOption> = emptyList(),
    val categoryId: String? = null,
    val text: String = "",
    val anonymous: Boolean? = null,
    val routes: Set<GrievanceRoute> = emptySet(),
    val busy: Boolean = false,
    val error: String? = null,
    /** The signed-in worker's name, shown on the review when the report is named. */
    val workerName: String = "",
    /**
     * Who can read a report on each route this device offers, from the
     * core's verified directory (organisation, number of readers, single
     * reader); empty until the directory is on the device.
     */
    val readers: List<RouteReaders> = emptyList(),
    /** Photos and voice notes the worker picked (sealed by the core at Send, never kept by the app). */
    val attachments: List<Attached> = emptyList(),
    /** Whether the worker asks to be called back (named reports only). */
    val callback: Boolean = false,
    /** The phone number to call. */
    val phone: String = "",
    /** When to call, in the worker's words. */
    val callTime: String = "",
    /** The language to call in (a BCP 47 tag; the screen's language by default). */
    val callLanguage: String = "",
    /** A picker is open (the platform's photo picker, recorder or file chooser). */
    val picking: Boolean = false,
    /** What one report may carry (the core's [attachmentLimits]), shown where the worker attaches. */
    val limits: AttachmentLimits? = null,
    /** The core's refusal of the last picked file (too many, too large), in the worker's language. */
    val attachmentError: String? = null,
    /**
     * What this device may offer and how large a capture may be (the core's
     * `capturePolicy()`: camera only on a shared tablet); null until read.
     */
    val capture: CapturePolicy? = null,
    /** Seconds recorded so far while a voice note is being recorded; null when not recording. */
    val recordingSeconds: Int? = null,
) {
    /** Whether "Choose a photo" is offered: only where the core's policy names the photo library. */
    val canChoosePhoto: Boolean
        get() = capture?.photoSources?.contains(PhotoSource.LIBRARY) == true

    /** Whether "Take a photo" is offered. */
    val canTakePhoto: Boolean
        get() = capture?.photoSources?.contains(PhotoSource.CAMERA) == true

    /** Whether "Add a photo" and "Add a voice note" are offered: not once the core's count is reached. */
    val canAttach: Boolean
        get() = limits == null || attachments.size.toUInt() < limits.maxCount

    val category: CategoryOption? get() = categories.firstOrNull { it.id == categoryId }

    /**
     * The routes to offer: those the signed directory names for this
     * factory, in the core's order; all of them while the directory has not
     * arrived yet (the core refuses a route it cannot seal to).
     */
    val offeredRoutes: List<GrievanceRoute>
        get() = if (readers.isEmpty()) ROUTES else readers.map { it.route }

    /** The readers of [route], or null when the directory does not say. */
    fun readersOf(route: GrievanceRoute): RouteReaders? = readers.firstOrNull { it.route == route }

    val canContinue: Boolean
        get() = !busy && when (step) {
            ReportStep.CATEGORY -> categoryId != null
            ReportStep.TEXT -> text.isNotBlank()
            // A callback needs a number and a time; the core checks nothing more of them.
            ReportStep.IDENTITY -> anonymous != null && (anonymous || !callback || (phone.isNotBlank() && callTime.isNotBlank()))
            ReportStep.ROUTE -> routes.isNotEmpty()
            ReportStep.REVIEW -> true
        }
}

/** A photo or voice note, held in memory until Send (and sealed in the worker's draft by the core). */
class Attached(val name: String, val kind: AttachmentType, val mime: String, val bytes: ByteArray) {
    fun toDraft() = DraftAttachment(name, kind, mime, bytes)

    companion object {
        fun of(draft: DraftAttachment) = Attached(draft.name, draft.kind, draft.mime, draft.bytes)
    }
}

/** The routes a worker can choose, in the order shown. */
val ROUTES: List<GrievanceRoute> = listOf(GrievanceRoute.FACTORY_COMMITTEE, GrievanceRoute.INDEPENDENT_HOTLINE, GrievanceRoute.BRAND)

/**
 * A grievance from category to send. The categories (labelled in the
 * worker's language) come from the core's signed directory; sealing,
 * queueing and the receipt are the core's ([WorkerVoice.submitGrievance]),
 * run on [io] because sealing takes a moment on a slow phone.
 */
class ReportState(
    private val core: WorkerVoice,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
    private val strings: Strings,
    private val onSent: (SubmitOutcome) -> Unit,
    private val onCancel: () -> Unit,
    /** The platform's pickers (photo, voice note). */
    private val services: PlatformServices = NoPlatformServices,
    /**
     * Nobody signed in (a shared tablet): the report can only be anonymous,
     * so the identity step is skipped; the core keeps nothing of it.
     */
    val anonymousOnly: Boolean = false,
    /** A draft the signed-in worker left (e.g. when a shared tablet timed out), to resume. */
    restored: ReportDraft? = null,
    /** The photos and voice notes kept with [restored] (the core's sealed draft attachments). */
    restoredAttachments: List<DraftAttachment> = emptyList(),
) {
    var ui: ReportUi by mutableStateOf(
        restored?.applyTo(ReportUi(attachments = restoredAttachments.map(Attached::of)))
            ?: ReportUi(anonymous = if (anonymousOnly) true else null),
    )
        private set

    private var saving: Job? = null
    private var savingAttachments: Job? = null
    private var recorder: VoiceRecorder? = null
    private var recordingClock: Job? = null

    /** The steps this report goes through. */
    private val steps: List<ReportStep> =
        if (anonymousOnly) ReportStep.entries - ReportStep.IDENTITY else ReportStep.entries

    init {
        scope.launch {
            ui = try {
                val (categories, worker) = withContext(io) { core.categories() to core.currentWorker() }
                // Who can read it: shown on the route step before the worker sends.
                val readers = withContext(io) { core.routeReaders() }
                val capture = withContext(io) { core.capturePolicy() }
                ui.copy(categories = categories, workerName = worker?.displayName.orEmpty(), readers = readers, limits = attachmentLimits(), capture = capture)
            } catch (e: WorkerVoiceException) {
                ui.copy(error = e.localized)
            }
        }
    }

    fun category(id: String) {
        ui = ui.copy(categoryId = id, error = null)
        saveDraft()
    }

    fun text(text: String) {
        ui = ui.copy(text = text, error = null)
        saveDraft()
    }

    fun anonymous(anonymous: Boolean) {
        ui = ui.copy(anonymous = anonymous)
        saveDraft()
    }

    /** "Take a photo": the camera, into app-private storage only. */
    fun takePhoto() = photo { services.takePhoto() }

    /** "Choose a photo": the device's photos; only where the core's policy offers them (never on a shared tablet). */
    fun choosePhoto() {
        if (ui.canChoosePhoto) photo { services.choosePhoto() }
    }

    /**
     * A photo from [source], made small and stripped of its metadata by the
     * platform to the core's bounds before it is attached: a photo the
     * platform cannot read is refused rather than sent as it came (it could
     * carry the place it was taken).
     */
    private fun photo(source: suspend () -> PickedFile?) {
        if (ui.picking || ui.busy || ui.recordingSeconds != null) return
        ui = ui.copy(picking = true, attachmentError = null)
        scope.launch {
            val picked = runCatching { source() }.getOrNull()
            if (picked == null) {
                ui = ui.copy(picking = false)
                return@launch
            }
            val policy = ui.capture ?: withContext(io) { core.capturePolicy() }
            val small = runCatching {
                services.downscalePhoto(picked.bytes, policy.photoMaxLongEdge.toInt(), policy.photoJpegQuality.toInt())
            }.getOrNull()
            if (small == null) {
                ui = ui.copy(picking = false, attachmentError = strings["report-photo-unreadable"])
                return@launch
            }
            add(Attached(picked.name.substringBeforeLast('.') + ".jpg", AttachmentType.PHOTO, "image/jpeg", small))
        }
    }

    /** "Record a voice note": starts the microphone, for at most the core's length. */
    fun startRecording() {
        if (ui.picking || ui.busy || ui.recordingSeconds != null) return
        val limit = (ui.capture?.voiceMaxSeconds ?: return).toInt()
        val mic = services.voiceRecorder()
        if (mic == null) {
            ui = ui.copy(attachmentError = strings["report-voice-unavailable"])
            return
        }
        ui = ui.copy(picking = true, attachmentError = null)
        scope.launch {
            // The platform may ask the worker for the microphone first.
            if (!runCatching { mic.start(limit) }.getOrDefault(false)) {
                ui = ui.copy(picking = false, attachmentError = strings["report-voice-unavailable"])
                return@launch
            }
            recorder = mic
            ui = ui.copy(picking = false, recordingSeconds = 0)
            recordingClock = scope.launch {
                var seconds = 0
                while (seconds < limit) {
                    delay(1_000)
                    seconds++
                    ui = ui.copy(recordingSeconds = seconds)
                }
                // At the core's length the recording ends as if the worker had tapped Stop.
                stopRecording()
            }
        }
    }

    /** "Stop": the voice note becomes an attachment, if the core accepts it. */
    fun stopRecording() {
        val mic = recorder ?: return
        recorder = null
        recordingClock?.cancel()
        ui = ui.copy(recordingSeconds = null, picking = true)
        scope.launch {
            val clip = runCatching { mic.stop() }.getOrNull()
            if (clip == null) {
                ui = ui.copy(picking = false)
                return@launch
            }
            add(Attached(clip.name, AttachmentType.VOICE, clip.mimeType, clip.bytes))
        }
    }

    /** "Cancel" while recording: nothing is kept. */
    fun cancelRecording() {
        recordingClock?.cancel()
        recorder?.cancel()
        recorder = null
        ui = ui.copy(recordingSeconds = null)
    }

    /** Plays a voice note before it is sent (the platform's player). */
    fun play(index: Int) {
        val attached = ui.attachments.getOrNull(index) ?: return
        services.playClip(attached.bytes, attached.mime)
    }

    /**
     * Attaches [attached] if the core accepts it with what is already
     * attached ([WorkerVoice.checkAttachments]: how many, how large); else
     * the core's refusal shows and the report keeps what it had.
     */
    private suspend fun add(attached: Attached) {
        // Not guarded by [ReportUi.canAttach]: the screen hides the buttons at
        // the count, and the core's check below is the one rule.
        val sizes = (ui.attachments.map { it.bytes.size } + attached.bytes.size).map { it.toULong() }
        val refusal = withContext(io) {
            try {
                core.checkAttachments(sizes)
                null
            } catch (e: WorkerVoiceException) {
                e.localized
            }
        }
        ui = if (refusal != null) {
            ui.copy(picking = false, attachmentError = refusal)
        } else {
            ui.copy(picking = false, attachments = ui.attachments + attached)
        }
        if (refusal == null) saveAttachments()
    }

    /** Takes the attachment at [index] off the report. */
    fun detach(index: Int) {
        if (ui.busy) return
        services.stopPlaying()
        ui = ui.copy(attachments = ui.attachments.filterIndexed { i, _ -> i != index }, attachmentError = null)
        saveAttachments()
    }

    /**
     * Keeps the report's photos and voice notes with the worker's draft,
     * sealed under their key by the core (not with every keystroke: only
     * when one is added or removed).
     */
    private fun saveAttachments() {
        if (anonymousOnly) return
        val attachments = ui.attachments.map(Attached::toDraft)
        val previous = savingAttachments
        savingAttachments = scope.launch {
            previous?.join()
            withContext(io) { runCatching { core.saveDraftAttachments(DRAFT_NAME, attachments) } }
        }
        // The words and choices go with them, so the draft is there to resume.
        saveDraft()
    }

    /** Asks (or stops asking) to be called back. */
    fun callback(wanted: Boolean) {
        ui = ui.copy(callback = wanted, callLanguage = ui.callLanguage.ifEmpty { strings.language })
        saveDraft()
    }

    fun phone(text: String) {
        ui = ui.copy(phone = text, error = null)
        saveDraft()
    }

    fun callTime(text: String) {
        ui = ui.copy(callTime = text, error = null)
        saveDraft()
    }

    fun callLanguage(tag: String) {
        ui = ui.copy(callLanguage = tag)
        saveDraft()
    }

    fun toggleRoute(route: GrievanceRoute) {
        ui = ui.copy(routes = if (route in ui.routes) ui.routes - route else ui.routes + route)
        saveDraft()
    }

    /**
     * Keeps the report as the signed-in worker's draft, sealed under their
     * key by the core: if a shared tablet times out, it comes back to them
     * only. Debounced; with nobody signed in there is no draft at all.
     */
    private fun saveDraft() {
        if (anonymousOnly) return
        val draft = ReportDraft.of(ui)
        saving?.cancel()
        saving = scope.launch {
            delay(DRAFT_DEBOUNCE_MS)
            withContext(io) { runCatching { core.saveDraft(DRAFT_NAME, draft.encode()) } }
        }
    }

    private fun discardDraft() {
        saving?.cancel()
        cancelRecording()
        val attachments = savingAttachments
        if (!anonymousOnly) {
            scope.launch {
                // After any attachment save under way, so none outlives the draft.
                attachments?.join()
                withContext(io) { runCatching { core.deleteDraft(DRAFT_NAME) } }
            }
        }
    }

    /** The position of the current step (1-based) and how many there are. */
    val position: Pair<Int, Int> get() = steps.indexOf(ui.step) + 1 to steps.size

    fun next() {
        if (!ui.canContinue) return
        // Leaving the words step keeps a voice note being recorded, as "Stop and keep" would.
        stopRecording()
        if (ui.step == ReportStep.REVIEW) {
            send()
        } else {
            ui = ui.copy(step = steps[steps.indexOf(ui.step) + 1], error = null)
            saveDraft()
        }
    }

    fun back() {
        if (ui.busy) return
        stopRecording()
        if (ui.step == steps.first()) {
            discardDraft()
            onCancel()
        } else ui = ui.copy(step = steps[steps.indexOf(ui.step) - 1], error = null)
    }

    /** Jumps back to a step from the review (its "Change" buttons). */
    fun edit(step: ReportStep) {
        if (!ui.busy && step in steps) ui = ui.copy(step = step)
    }

    private fun send() {
        val draft = GrievanceDraft(
            categoryId = ui.categoryId ?: return,
            text = ui.text.trim(),
            anonymous = ui.anonymous ?: return,
            routes = ui.offeredRoutes.filter { it in ui.routes },
            callback = if (ui.callback && ui.anonymous == false) {
                CallbackRequest(ui.phone.trim(), ui.callTime.trim(), ui.callLanguage.ifEmpty { strings.language })
            } else {
                null
            },
            attachments = ui.attachments.map { AttachmentDraft(it.kind, it.mime, it.bytes) },
        )
        ui = ui.copy(busy = true, error = null)
        scope.launch {
            try {
                val outcome = withContext(io) { core.submitGrievance(draft) }
                discardDraft()
                // The words leave memory with the screen: the core has them sealed.
                ui = ReportUi(categories = ui.categories, anonymous = if (anonymousOnly) true else null)
                onSent(outcome)
            } catch (e: WorkerVoiceException) {
                ui = ui.copy(busy = false, error = e.localized)
            }
        }
    }
}

/** The name of the report's draft in the core (one per worker). */
const val DRAFT_NAME = "grievance"

private const val DRAFT_DEBOUNCE_MS = 400L

/**
 * A report in progress, as the core keeps it (opaque bytes to the core;
 * its photos and voice notes are the core's draft attachments).
 * Lines: format version, step, category, anonymous, routes, call-back
 * (wanted, phone, time, language), then the text.
 */
data class ReportDraft(
    val step: ReportStep,
    val categoryId: String?,
    val anonymous: Boolean?,
    val routes: Set<GrievanceRoute>,
    val text: String,
    val callback: Boolean = false,
    val phone: String = "",
    val callTime: String = "",
    val callLanguage: String = "",
) {
    fun encode(): ByteArray = listOf(
        VERSION,
        step.name,
        categoryId.orEmpty(),
        anonymous?.toString().orEmpty(),
        routes.joinToString(",") { it.name },
        callback.toString(),
        oneLine(phone),
        oneLine(callTime),
        oneLine(callLanguage),
        text,
    ).joinToString("\n").toByteArray(Charsets.UTF_8)

    /** The screen state with this draft in it (categories come from the core). */
    fun applyTo(ui: ReportUi): ReportUi = ui.copy(
        step = step, categoryId = categoryId, anonymous = anonymous, routes = routes, text = text,
        callback = callback, phone = phone, callTime = callTime, callLanguage = callLanguage,
    )

    companion object {
        private const val VERSION = "report-draft/2"
        private const val VERSION_1 = "report-draft/1"

        fun of(ui: ReportUi) =
            ReportDraft(ui.step, ui.categoryId, ui.anonymous, ui.routes, ui.text, ui.callback, ui.phone, ui.callTime, ui.callLanguage)

        /** A field kept on one line (a pasted line break would shift the fields after it). */
        private fun oneLine(text: String) = text.replace('\n', ' ').replace('\r', ' ')

        /** Null for bytes no version wrote (the draft is then ignored, not guessed at); reads version 1 drafts too. */
        fun decode(bytes: ByteArray): ReportDraft? {
            val all = bytes.toString(Charsets.UTF_8)
            val version = all.substringBefore('\n')
            val fields = when (version) {
                VERSION -> 10
                VERSION_1 -> 6
                else -> return null
            }
            val parts = all.split("\n", limit = fields)
            if (parts.size != fields) return null
            val step = ReportStep.entries.firstOrNull { it.name == parts[1] } ?: return null
            val routes = parts[4].split(",").filter { it.isNotEmpty() }
                .map { name -> GrievanceRoute.entries.firstOrNull { it.name == name } ?: return null }.toSet()
            val base = ReportDraft(step, parts[2].ifEmpty { null }, parts[3].toBooleanStrictOrNull(), routes, parts[fields - 1])
            if (version == VERSION_1) return base
            return base.copy(callback = parts[5] == "true", phone = parts[6], callTime = parts[7], callLanguage = parts[8])
        }
    }
}
