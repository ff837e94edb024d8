package org.workervoice.app.desktop

import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.remember
import androidx.compose.ui.unit.DpSize
import androidx.compose.ui.unit.dp
import androidx.compose.ui.window.Window
import androidx.compose.ui.window.application
import androidx.compose.ui.window.rememberWindowState
import java.io.File
import java.lang.management.ManagementFactory
import java.util.Locale
import kotlin.system.exitProcess
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.MainScope
import kotlinx.coroutines.runBlocking
import androidx.compose.runtime.withFrameNanos
import org.workervoice.model.DeviceMode
import org.workervoice.WorkerVoice
import org.workervoice.app.AppModel
import org.workervoice.app.ClasspathStrings
import org.workervoice.app.Screen
import org.workervoice.app.WorkerVoiceUi
import org.workervoice.newFileKeyStore

/**
 * The worker app in a desktop window, against the real native library and
 * a hub: for trying the worker's side without a phone, and for development.
 *
 *     --hub URL             the hub (http:// is allowed only on loopback)
 *     --data-dir DIR        where the core keeps this "device" (default: ~/.workervoice-desktop)
 *     --programme-key KEY   the programme's public key (base64), pinned for the directory
 *     --lang TAG            the device language (default: the JVM's)
 *     --enrol CODE          enrol this "device" before the window opens, if it is not yet
 *     --exit-on-pin-pad     quit once the sign-in screen has drawn (for the measurement)
 *
 * Prints `cold start to PIN pad: N ms` (JVM start to the first frame of the
 * sign-in screen) once, for the measurement the README keeps.
 */
fun main(args: Array<String>) {
    val options = parseArgs(args) ?: run {
        System.err.println("usage: run-app --hub URL [--data-dir DIR] [--programme-key KEY] [--lang TAG] [--enrol CODE] [--exit-on-pin-pad]")
        exitProcess(2)
    }
    val hub = options["hub"]
    val loopback = hub != null && Regex("^http://(127\\.0\\.0\\.1|localhost|\\[::1])(:\\d+)?(/.*)?$").matches(hub)
    val dataDir = File(options["data-dir"] ?: File(System.getProperty("user.home"), ".workervoice-desktop").path)
    File(dataDir, "keys").mkdirs()
    val language = options["lang"] ?: Locale.getDefault().toLanguageTag()
    val core = WorkerVoice.open(
        WorkerVoice.options(
            dataDir = File(dataDir, "core").path,
            defaultHubUrl = hub,
            languages = listOf(language),
            allowInsecureHttpForTests = loopback,
            programmePublicKey = options["programme-key"],
        ),
        newFileKeyStore(File(dataDir, "keys").path),
    )
    Runtime.getRuntime().addShutdownHook(Thread { core.close() })
    val code = options["enrol"]
    if (code != null && !core.status().enrolled) {
        runBlocking { core.enrol(code, DeviceMode.PERSONAL) }
    }
    val exitOnPinPad = "exit-on-pin-pad" in options

    application {
        val model = remember { AppModel(core, MainScope(), Dispatchers.IO, ClasspathStrings, listOf(language), DesktopServices()) }
        Window(
            onCloseRequest = { core.lock(); exitApplication() },
            title = model.strings["app-name"],
            state = rememberWindowState(size = DpSize(420.dp, 860.dp)),
        ) {
            WorkerVoiceUi(model)
            val onPinPad = model.screen is Screen.SignIn
            LaunchedEffect(onPinPad) {
                if (onPinPad && !reported) {
                    reported = true
                    val started = ManagementFactory.getRuntimeMXBean().startTime
                    // After the frame that shows the pad, not just its composition.
                    withFrameNanos { }
                    println("cold start to PIN pad: ${System.currentTimeMillis() - started} ms")
                    if (exitOnPinPad) exitApplication()
                }
            }
        }
    }
}

private var reported = false

private fun parseArgs(args: Array<String>): Map<String, String>? {
    val known = setOf("hub", "data-dir", "programme-key", "lang", "enrol")
    val flags = setOf("exit-on-pin-pad")
    val out = mutableMapOf<String, String>()
    var i = 0
    while (i < args.size) {
        val name = args[i].removePrefix("--")
        if (name in flags) {
            out[name] = ""
            i += 1
            continue
        }
        if (name !in known || i + 1 >= args.size) return null
        out[name] = args[i + 1]
        i += 2
    }
    return out
}
