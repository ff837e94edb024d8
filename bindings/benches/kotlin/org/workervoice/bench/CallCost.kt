package org.workervoice.bench

import java.nio.file.Files
import kotlinx.coroutines.runBlocking
import org.workervoice.WorkerVoice
import org.workervoice.WorkerVoiceApp
import org.workervoice.checkNewPin
import org.workervoice.coreVersion
import org.workervoice.model.DeviceMode
import org.workervoice.testing.KotlinMemoryKeyStore
import org.workervoice.testing.RosterWorker
import org.workervoice.testing.TestHub

/**
 * What a call across the JNA boundary costs, from Kotlin on the JVM: a
 * trivial call, and one `listNotes` call that returns 1,000 notes (the
 * "few, coarse calls" rule of the FFI edge). Run by scripts/budgets against
 * the release library; prints medians, not a pass/fail.
 *
 * Arguments: [trivial calls, default 100000] [listNotes calls, default 50]
 */
fun main(args: Array<String>) {
    val trivialCalls = args.getOrNull(0)?.toInt() ?: 100_000
    val listCalls = args.getOrNull(1)?.toInt() ?: 50

    println("library: ${System.getProperty("jna.library.path")}/libworkervoice.so (core ${coreVersion()})")

    val version = medianNanos(trivialCalls) { coreVersion() }
    report("coreVersion()", version, trivialCalls)
    val pinCheck = medianNanos(trivialCalls) { checkNewPin("482913") }
    report("checkNewPin(\"482913\")", pinCheck, trivialCalls)

    TestHub.start().use { hub ->
        val app = loggedInApp(hub)
        try {
            app.saveNotes((1..1000).map { "Benchmark note $it: đã ghi 已记录, about sixty characters long." })
            check(app.listNotes(1000u, 0u).size == 1000)
            val list = medianNanos(listCalls, warmUp = 5) { app.listNotes(1000u, 0u) }
            report("listNotes(1000, 0)", list, listCalls)
            val perNote = list / 1000.0
            println(
                "  per note: %.2f µs = %.2f× a trivial call (1,000 trivial calls alone: %.1f ms)"
                    .format(perNote / 1000.0, perNote / version, version * 1000.0 / 1e6),
            )
        } finally {
            app.destroy()
        }
    }
}

private fun loggedInApp(hub: TestHub): WorkerVoiceApp {
    val dataDir = Files.createTempDirectory("workervoice-bench-").toFile().apply { deleteOnExit() }
    val options = WorkerVoice.options(
        dataDir = dataDir.path,
        defaultHubUrl = hub.url,
        languages = listOf("en"),
        requestTimeoutSecs = 30u,
        allowInsecureHttpForTests = true,
    )
    val app = WorkerVoiceApp.open(options, KotlinMemoryKeyStore())
    val factory = hub.admin.createFactory("Benchmark factory")
    val code = hub.admin.issueCodes(factory.id, "personal", 1).single()
    val activation = hub.admin.importRoster(factory.id, listOf(RosterWorker("B-1", "Bench Worker", "en")))
    runBlocking {
        app.enrol(code.code, DeviceMode.PERSONAL)
        app.activate("B-1", activation.getValue("B-1"), "482913")
    }
    return app
}

/** Median wall time of [block] in nanoseconds over [calls] timed calls, after a warm-up. */
private inline fun medianNanos(calls: Int, warmUp: Int = calls / 5, block: () -> Unit): Double {
    repeat(warmUp) { block() }
    val samples = LongArray(calls)
    for (i in 0 until calls) {
        val start = System.nanoTime()
        block()
        samples[i] = System.nanoTime() - start
    }
    samples.sort()
    return if (calls % 2 == 1) samples[calls / 2].toDouble() else (samples[calls / 2 - 1] + samples[calls / 2]) / 2.0
}

private fun report(what: String, medianNanos: Double, calls: Int) {
    val shown = if (medianNanos >= 1e6) "%.2f ms".format(medianNanos / 1e6) else "%.2f µs".format(medianNanos / 1e3)
    println("%-24s median %s per call (%,d calls)".format(what, shown, calls))
}
