package org.workervoice.app.training

import androidx.compose.foundation.Image
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Check
import androidx.compose.material.icons.filled.Close
import androidx.compose.material.icons.filled.KeyboardArrowDown
import androidx.compose.material.icons.filled.KeyboardArrowUp
import androidx.compose.material.icons.filled.List
import androidx.compose.material.icons.filled.PlayArrow
import androidx.compose.material.icons.filled.Star
import androidx.compose.material.icons.filled.ThumbUp
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.layout.ContentScale
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import java.time.Instant
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import java.util.Locale
import org.workervoice.app.LocalStrings
import org.workervoice.app.PlatformServices
import org.workervoice.app.Strings
import org.workervoice.app.ui.BigButton
import org.workervoice.app.ui.ChoiceCard
import org.workervoice.app.ui.ErrorMessage
import org.workervoice.app.ui.Hint
import org.workervoice.app.ui.LabelledValue
import org.workervoice.app.ui.ScreenFrame
import org.workervoice.app.ui.TOUCH_TARGET
import org.workervoice.model.ActivityOutcome
import org.workervoice.model.LocalizedModule
import org.workervoice.model.LocalizedQuestion
import org.workervoice.model.QuizKind
import org.workervoice.model.QuizResponse

/** Training, one view at a time (overview, module, lesson, quiz, leaderboard). */
@Composable
fun TrainingScreen(
    state: TrainingState,
    download: Pair<Long, Long>?,
    services: PlatformServices,
) {
    val ui = state.ui
    when (val view = ui.view) {
        TrainingView.Overview -> Overview(state, download)
        is TrainingView.Module -> ui.localized[view.moduleId]?.let { ModuleView(state, it) }
        is TrainingView.Lesson -> ui.localized[view.moduleId]?.let { module ->
            module.lessons.firstOrNull { it.id == view.lessonId }?.let { LessonView(state, module, it, services) }
        }
        is TrainingView.Quiz -> ui.localized[view.moduleId]?.let { QuizView(state, it) }
        TrainingView.Leaderboard -> LeaderboardView(state)
    }
}

@Composable
private fun Overview(state: TrainingState, download: Pair<Long, Long>?) {
    val s = LocalStrings.current
    val ui = state.ui
    ScreenFrame(title = s["training-title"], onBack = state::back) {
        if (download != null && download.second > 0) {
            Text(s("training-downloading", "done" to download.first / 1024, "total" to download.second / 1024), style = MaterialTheme.typography.bodyMedium)
            LinearProgressIndicator(progress = { (download.first.toFloat() / download.second).coerceIn(0f, 1f) }, modifier = Modifier.fillMaxWidth().testTag("training-download"))
        } else if (ui.loading) {
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                CircularProgressIndicator(Modifier.size(28.dp))
                Text(s["training-loading"], style = MaterialTheme.typography.bodyLarge)
            }
        }
        ErrorMessage(ui.error)
        ui.progress?.let { progress ->
            Surface(shape = MaterialTheme.shapes.large, color = MaterialTheme.colorScheme.primaryContainer, modifier = Modifier.fillMaxWidth().testTag("training-progress")) {
                Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
                    Row(horizontalArrangement = Arrangement.spacedBy(10.dp), verticalAlignment = Alignment.CenterVertically) {
                        Icon(Icons.Filled.Star, contentDescription = null, modifier = Modifier.size(32.dp), tint = MaterialTheme.colorScheme.primary)
                        Text(s("training-level", "level" to progress.level), style = MaterialTheme.typography.titleLarge, modifier = Modifier.testTag("training-level"))
                    }
                    Text(s("training-points", "points" to progress.points), style = MaterialTheme.typography.titleMedium, modifier = Modifier.testTag("training-points"))
                    Text(s("training-streak", "count" to progress.currentStreakDays), style = MaterialTheme.typography.bodyLarge, modifier = Modifier.testTag("training-streak"))
                }
            }
            Text(s["training-badges"], style = MaterialTheme.typography.titleMedium)
            if (progress.badges.isEmpty()) Hint(s["training-no-badges"])
            for (badge in progress.badges) {
                Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(10.dp), modifier = Modifier.testTag("badge-$badge")) {
                    Icon(Icons.Filled.ThumbUp, contentDescription = null, tint = MaterialTheme.colorScheme.primary)
                    Text(ui.badgeTitle(badge), style = MaterialTheme.typography.bodyLarge)
                }
            }
        }
        if (ui.certificates.isNotEmpty()) {
            Text(s["training-certificates"], style = MaterialTheme.typography.titleMedium)
            for (certificate in ui.certificates) {
                val title = certificate.moduleTitle[s.language] ?: certificate.moduleTitle["en"] ?: certificate.moduleTitle.values.firstOrNull() ?: certificate.moduleId
                LabelledValue(certificate.workerName, s("training-certificate", "title" to title, "date" to date(s, certificate.passedAt)), Modifier.testTag("certificate-${certificate.moduleId}"))
            }
        }
        Text(s["training-lessons"], style = MaterialTheme.typography.titleMedium)
        if (!ui.loading && ui.modules.isEmpty()) Hint(s["training-empty"])
        for (module in ui.modules) {
            ChoiceCard(
                title = ui.localized[module.id]?.title ?: module.title,
                selected = false,
                onClick = { state.openModule(module.id) },
                icon = Icons.Filled.List,
                modifier = Modifier.testTag("module-${module.id}"),
            )
        }
        BigButton(s["training-leaderboard"], { state.leaderboard() }, outlined = true, icon = Icons.Filled.Star, modifier = Modifier.testTag("training-leaderboard"))
    }
}

@Composable
private fun ModuleView(state: TrainingState, module: LocalizedModule) {
    val s = LocalStrings.current
    ScreenFrame(
        title = module.title,
        onBack = state::back,
        bottom = {
            if (module.questions.isNotEmpty()) BigButton(s["training-take-quiz"], { state.openQuiz(module.id) }, icon = Icons.Filled.Check, modifier = Modifier.testTag("training-take-quiz"))
        },
    ) {
        Text(s["training-lessons"], style = MaterialTheme.typography.titleMedium)
        for (lesson in module.lessons) {
            ChoiceCard(lesson.title, false, { state.openLesson(module.id, lesson.id) }, icon = Icons.Filled.PlayArrow, hint = s["training-lesson-open"], modifier = Modifier.testTag("lesson-${lesson.id}"))
        }
    }
}

@Composable
private fun LessonView(
    state: TrainingState,
    module: LocalizedModule,
    lesson: org.workervoice.model.LocalizedLesson,
    services: PlatformServices,
) {
    val s = LocalStrings.current
    val ui = state.ui
    ScreenFrame(
        title = lesson.title,
        onBack = state::back,
        bottom = {
            if (ui.outcome == null) {
                BigButton(s["training-complete-lesson"], { state.completeLesson(module.id, lesson.id) }, icon = Icons.Filled.Check, busy = ui.busy, modifier = Modifier.testTag("lesson-complete"))
            } else {
                BigButton(s["common-continue"], state::back, icon = Icons.Filled.Check, modifier = Modifier.testTag("lesson-continue"))
            }
        },
    ) {
        for (sha in lesson.media) {
            val medium = ui.media[sha] ?: continue
            val picture = medium.picture
            if (picture != null) {
                Image(picture, contentDescription = lesson.title, contentScale = ContentScale.FillWidth, modifier = Modifier.fillMaxWidth().testTag("lesson-media-$sha"))
            } else {
                OutlinedButton(onClick = { services.play(medium.path) }, modifier = Modifier.fillMaxWidth().heightIn(min = TOUCH_TARGET).testTag("lesson-media-$sha")) {
                    Icon(Icons.Filled.PlayArrow, contentDescription = null)
                    Text(s["training-media-play"], modifier = Modifier.padding(start = 8.dp))
                }
            }
        }
        Text(lesson.text, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.testTag("lesson-text"))
        ErrorMessage(ui.error)
        ui.outcome?.let { Outcome(it, ui, s, quiz = false) }
    }
}

@Composable
private fun Outcome(outcome: ActivityOutcome, ui: TrainingUi, s: Strings, quiz: Boolean) {
    Surface(shape = MaterialTheme.shapes.large, color = MaterialTheme.colorScheme.primaryContainer, modifier = Modifier.fillMaxWidth().testTag("training-outcome")) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            if (quiz) {
                Text(s("training-quiz-result", "count" to outcome.correct, "total" to outcome.questions), style = MaterialTheme.typography.titleLarge)
                Text(
                    if (outcome.passed) s("training-quiz-passed", "points" to outcome.pointsEarned) else s["training-quiz-failed"],
                    style = MaterialTheme.typography.bodyLarge,
                    modifier = Modifier.testTag(if (outcome.passed) "quiz-passed" else "quiz-failed"),
                )
            } else {
                Text(s("training-lesson-points", "points" to outcome.pointsEarned), style = MaterialTheme.typography.titleMedium)
            }
            for (badge in outcome.newBadges) {
                Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(10.dp), modifier = Modifier.testTag("new-badge-$badge")) {
                    Icon(Icons.Filled.ThumbUp, contentDescription = null, modifier = Modifier.size(36.dp), tint = MaterialTheme.colorScheme.primary)
                    Text(s("training-new-badge", "title" to ui.badgeTitle(badge)), style = MaterialTheme.typography.titleMedium)
                }
            }
            Text(s("training-points", "points" to outcome.progress.points) + " · " + s("training-level", "level" to outcome.progress.level), style = MaterialTheme.typography.bodyLarge)
        }
    }
}

@Composable
private fun QuizView(state: TrainingState, module: LocalizedModule) {
    val s = LocalStrings.current
    val ui = state.ui
    ScreenFrame(
        title = s["training-quiz-title"],
        onBack = if (ui.busy) null else state::back,
        bottom = {
            if (ui.outcome == null) {
                BigButton(s["training-quiz-submit"], state::submitQuiz, icon = Icons.Filled.Check, busy = ui.busy, modifier = Modifier.testTag("quiz-submit"))
            } else {
                BigButton(s["common-continue"], state::back, icon = Icons.Filled.Check, modifier = Modifier.testTag("quiz-continue"))
            }
        },
    ) {
        Text(module.title, style = MaterialTheme.typography.titleMedium)
        ui.outcome?.let { Outcome(it, ui, s, quiz = true) }
        ErrorMessage(ui.error)
        for (question in module.questions) QuizQuestion(question, ui.answers[question.id], state::answer)
    }
}

@Composable
private fun QuizQuestion(q: LocalizedQuestion, answer: QuizResponse?, onAnswer: (String, QuizResponse?) -> Unit) {
    val s = LocalStrings.current
    Surface(shape = MaterialTheme.shapes.large, color = MaterialTheme.colorScheme.surfaceVariant, modifier = Modifier.fillMaxWidth().testTag("quiz-${q.id}")) {
        Column(Modifier.padding(14.dp), verticalArrangement = Arrangement.spacedBy(10.dp)) {
            Text(q.prompt, style = MaterialTheme.typography.titleMedium)
            when (q.kind) {
                QuizKind.TRUE_FALSE -> {
                    val value = (answer as? QuizResponse.TrueFalse)?.value
                    ChoiceCard(s["training-quiz-true"], value == true, { onAnswer(q.id, QuizResponse.TrueFalse(true)) }, icon = Icons.Filled.Check, modifier = Modifier.testTag("quiz-${q.id}-true"))
                    ChoiceCard(s["training-quiz-false"], value == false, { onAnswer(q.id, QuizResponse.TrueFalse(false)) }, icon = Icons.Filled.Close, modifier = Modifier.testTag("quiz-${q.id}-false"))
                }
                QuizKind.SINGLE_CHOICE -> for (option in q.options) {
                    ChoiceCard(option.text, (answer as? QuizResponse.Choice)?.optionId == option.id, { onAnswer(q.id, QuizResponse.Choice(option.id)) }, modifier = Modifier.testTag("quiz-${q.id}-${option.id}"))
                }
                QuizKind.MULTIPLE_CHOICE -> {
                    val chosen = (answer as? QuizResponse.Choices)?.optionIds.orEmpty()
                    for (option in q.options) {
                        ChoiceCard(
                            option.text,
                            option.id in chosen,
                            {
                                val next = if (option.id in chosen) chosen - option.id else chosen + option.id
                                onAnswer(q.id, if (next.isEmpty()) null else QuizResponse.Choices(next))
                            },
                            multiple = true,
                            modifier = Modifier.testTag("quiz-${q.id}-${option.id}"),
                        )
                    }
                }
                QuizKind.ORDERING -> {
                    val order = (answer as? QuizResponse.Order)?.itemIds ?: q.options.map { it.id }
                    val texts = q.options.associate { it.id to it.text }
                    order.forEachIndexed { index, id ->
                        val text = texts[id] ?: id
                        Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.fillMaxWidth().testTag("quiz-${q.id}-$id")) {
                            Text("${index + 1}. $text", style = MaterialTheme.typography.bodyLarge, modifier = Modifier.weight(1f))
                            IconButton(onClick = { onAnswer(q.id, QuizResponse.Order(move(order, index, -1))) }, enabled = index > 0, modifier = Modifier.size(TOUCH_TARGET).testTag("quiz-${q.id}-$id-up")) {
                                Icon(Icons.Filled.KeyboardArrowUp, contentDescription = s("training-quiz-up", "what" to text))
                            }
                            IconButton(onClick = { onAnswer(q.id, QuizResponse.Order(move(order, index, 1))) }, enabled = index < order.size - 1, modifier = Modifier.size(TOUCH_TARGET).testTag("quiz-${q.id}-$id-down")) {
                                Icon(Icons.Filled.KeyboardArrowDown, contentDescription = s("training-quiz-down", "what" to text))
                            }
                        }
                    }
                }
            }
        }
    }
}

private fun move(order: List<String>, index: Int, by: Int): List<String> =
    order.toMutableList().also { list -> val item = list.removeAt(index); list.add(index + by, item) }

@Composable
private fun LeaderboardView(state: TrainingState) {
    val s = LocalStrings.current
    val ui = state.ui
    val board = ui.leaderboard
    ScreenFrame(
        title = s["training-leaderboard"],
        onBack = state::back,
        bottom = {
            if (board != null) {
                if (board.optedIn) {
                    BigButton(s["training-leaderboard-leave"], { state.leaderboard(false) }, outlined = true, busy = ui.busy, modifier = Modifier.testTag("leaderboard-leave"))
                } else {
                    BigButton(s["training-leaderboard-join"], { state.leaderboard(true) }, busy = ui.busy, modifier = Modifier.testTag("leaderboard-join"))
                }
            }
        },
    ) {
        Hint(s["training-leaderboard-hint"])
        if (ui.busy && board == null) CircularProgressIndicator(Modifier.size(28.dp))
        ErrorMessage(ui.error)
        if (board == null) return@ScreenFrame
        board.pseudonym?.takeIf { board.optedIn }?.let { Text(s("training-leaderboard-you", "name" to it), style = MaterialTheme.typography.titleMedium, modifier = Modifier.testTag("leaderboard-you")) }
        if (board.suppressed) Hint(s["training-leaderboard-hidden"])
        for (line in board.entries) {
            val mine = board.ownRank == line.rank
            Text(
                s("training-leaderboard-line", "rank" to line.rank, "name" to line.pseudonym, "points" to line.points),
                style = if (mine) MaterialTheme.typography.titleMedium else MaterialTheme.typography.bodyLarge,
                modifier = Modifier.testTag("leaderboard-${line.rank}"),
            )
        }
    }
}

private fun date(strings: Strings, unixSeconds: Long): String =
    DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM)
        .withLocale(Locale.forLanguageTag(strings.language))
        .withZone(ZoneId.systemDefault())
        .format(Instant.ofEpochSecond(unixSeconds))
