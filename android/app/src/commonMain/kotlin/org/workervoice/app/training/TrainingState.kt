package org.workervoice.app.training

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import androidx.compose.ui.graphics.ImageBitmap
import kotlinx.coroutines.CoroutineDispatcher
import org.workervoice.app.PlatformServices
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.workervoice.WorkerVoice
import org.workervoice.WorkerVoiceException
import org.workervoice.localized
import org.workervoice.model.ActivityOutcome
import org.workervoice.model.CertificateView
import org.workervoice.model.ContentEntry
import org.workervoice.model.Leaderboard
import org.workervoice.model.LocalizedModule
import org.workervoice.model.QuizAnswerInput
import org.workervoice.model.QuizKind
import org.workervoice.model.QuizResponse
import org.workervoice.model.TrainingProgress

/** Where the worker is inside training. */
sealed interface TrainingView {
    /** Progress, badges, certificates and the modules. */
    data object Overview : TrainingView

    /** One module: its lessons and its quiz. */
    data class Module(val moduleId: String) : TrainingView

    /** One lesson, with its media. */
    data class Lesson(val moduleId: String, val lessonId: String) : TrainingView

    /** A module's quiz. */
    data class Quiz(val moduleId: String) : TrainingView

    /** The factory's opt-in leaderboard. */
    data object Leaderboard : TrainingView
}

/** A lesson's medium: the file the core keeps, and the picture in it if it is one. */
class LessonMedia(val path: String, val picture: ImageBitmap?)

/** What the training screens show. */
data class TrainingUi(
    val view: TrainingView = TrainingView.Overview,
    val loading: Boolean = true,
    val progress: TrainingProgress? = null,
    /** The training modules of the catalog held on this device. */
    val modules: List<ContentEntry> = emptyList(),
    /** Each held module in the worker's language (the core picks texts and media). */
    val localized: Map<String, LocalizedModule> = emptyMap(),
    val certificates: List<CertificateView> = emptyList(),
    /** What the last lesson or quiz gave (points, badges, the quiz's result). */
    val outcome: ActivityOutcome? = null,
    /** The quiz's answers so far, by question. */
    val answers: Map<String, QuizResponse> = emptyMap(),
    val leaderboard: Leaderboard? = null,
    /** Each lesson medium on the device, by SHA-256: its file, and its picture when it is one (decoded off the UI thread). */
    val media: Map<String, LessonMedia> = emptyMap(),
    val busy: Boolean = false,
    val error: String? = null,
) {
    /** A badge's name in the worker's language, from the module that defines it. */
    fun badgeTitle(id: String): String =
        localized.values.asSequence().flatMap { it.badges }.firstOrNull { it.id == id }?.text ?: id
}

/**
 * Training: lessons with their media, quizzes, points, level, badges,
 * streak, certificates and the leaderboard, all the core's — it grades the
 * quiz, counts points once, decides badges and signs nothing itself (the
 * programme signs certificates). The app renders what it returns.
 */
class TrainingState(
    private val core: WorkerVoice,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
    private val services: PlatformServices,
    private val onLeave: () -> Unit,
) {
    var ui: TrainingUi by mutableStateOf(TrainingUi())
        private set

    init {
        scope.launch {
            // New and changed modules arrive with the content sync (progress shows on screen); offline, what is here.
            runCatching { core.syncContent() }
            reload()
        }
    }

    private suspend fun reload() {
        ui = try {
            withContext(io) {
                val modules = core.contentCatalog().filter { it.kind == MODULE_KIND && it.complete }
                val localized = modules.mapNotNull { entry -> runCatching { core.localizedTrainingModule(entry.id) }.getOrNull()?.let { entry.id to it } }.toMap()
                val media = localized.values.flatMap { module -> module.lessons.flatMap { it.media } }.distinct().mapNotNull { sha ->
                    runCatching { core.mediaPath(sha) }.getOrNull()?.let { path -> sha to LessonMedia(path, services.image(path)) }
                }.toMap()
                ui.copy(loading = false, progress = core.trainingProgress(), modules = modules, localized = localized, certificates = core.certificates(), media = media, error = null)
            }
        } catch (e: WorkerVoiceException) {
            ui.copy(loading = false, error = e.localized)
        }
    }

    fun openModule(id: String) {
        ui = ui.copy(view = TrainingView.Module(id), outcome = null, error = null)
    }

    fun openLesson(moduleId: String, lessonId: String) {
        ui = ui.copy(view = TrainingView.Lesson(moduleId, lessonId), outcome = null, error = null)
    }

    /** The worker finished a lesson: the core counts it (once) and may award points and badges. */
    fun completeLesson(moduleId: String, lessonId: String) = act { core.completeLesson(moduleId, lessonId) }

    /** Opens the quiz with the answers the worker saved, if any. */
    fun openQuiz(moduleId: String) {
        scope.launch {
            val saved = withContext(io) { runCatching { core.quizInProgress(moduleId) }.getOrDefault(emptyList()) }
            val module = ui.localized[moduleId]
            // Ordering questions start in the order shown: that is already an answer.
            val initial = module?.questions.orEmpty().filter { it.kind == QuizKind.ORDERING }
                .associate { q -> q.id to (QuizResponse.Order(q.options.map { it.id }) as QuizResponse) }
            ui = ui.copy(view = TrainingView.Quiz(moduleId), answers = initial + saved.associate { it.questionId to it.response }, outcome = null, error = null)
        }
    }

    /** An answer to a quiz question; kept by the core so a half-done quiz comes back. */
    fun answer(questionId: String, response: QuizResponse?) {
        val moduleId = (ui.view as? TrainingView.Quiz)?.moduleId ?: return
        val answers = if (response == null) ui.answers - questionId else ui.answers + (questionId to response)
        ui = ui.copy(answers = answers, error = null)
        scope.launch { withContext(io) { runCatching { core.saveQuizAnswers(moduleId, answers.map { (q, r) -> QuizAnswerInput(q, r) }) } } }
    }

    /** Sends the quiz to the core for grading. */
    fun submitQuiz() {
        val moduleId = (ui.view as? TrainingView.Quiz)?.moduleId ?: return
        val answers = ui.answers.map { (q, r) -> QuizAnswerInput(q, r) }
        act { core.submitQuiz(moduleId, answers) }
    }

    private fun act(call: () -> ActivityOutcome) {
        if (ui.busy) return
        ui = ui.copy(busy = true, error = null)
        scope.launch {
            ui = try {
                val outcome = withContext(io) { call() }
                val certificates = withContext(io) { runCatching { core.certificates() }.getOrDefault(ui.certificates) }
                ui.copy(busy = false, outcome = outcome, progress = outcome.progress, certificates = certificates)
            } catch (e: WorkerVoiceException) {
                ui.copy(busy = false, error = e.localized)
            }
            // Progress goes to the hub with a sync; a passed quiz comes back as a
            // certificate the programme signed. Offline, both wait for the next sync.
            if (runCatching { core.syncNow(false) }.isSuccess) {
                val (progress, certificates) = withContext(io) { runCatching { core.trainingProgress() to core.certificates() }.getOrNull() } ?: return@launch
                ui = ui.copy(progress = progress, certificates = certificates)
            }
        }
    }

    /** The leaderboard; [optIn] joins (true) or leaves (false) it first, null only reads it. */
    fun leaderboard(optIn: Boolean? = null) {
        ui = ui.copy(view = TrainingView.Leaderboard, busy = true, error = null)
        scope.launch {
            ui = try {
                ui.copy(leaderboard = core.leaderboard(optIn), busy = false)
            } catch (e: WorkerVoiceException) {
                ui.copy(busy = false, error = e.localized)
            }
        }
    }

    fun back() {
        ui = when (val view = ui.view) {
            TrainingView.Overview -> return onLeave()
            is TrainingView.Module, TrainingView.Leaderboard -> ui.copy(view = TrainingView.Overview, outcome = null, error = null)
            is TrainingView.Lesson -> ui.copy(view = TrainingView.Module(view.moduleId), outcome = null, error = null)
            is TrainingView.Quiz -> ui.copy(view = TrainingView.Module(view.moduleId), outcome = null, error = null)
        }
    }

    companion object {
        /** The catalog's kind for training modules. */
        const val MODULE_KIND = "training_module"
    }
}
