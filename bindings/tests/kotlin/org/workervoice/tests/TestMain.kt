package org.workervoice.tests

import kotlin.system.exitProcess
import org.junit.runner.Description
import org.junit.runner.JUnitCore
import org.junit.runner.Request
import org.junit.runner.notification.Failure
import org.junit.runner.notification.RunListener
import org.workervoice.testing.TestHub

/** Every test class, in the order they run (cheap local checks first). */
val ALL_TESTS: List<Class<*>> = listOf(
    LocalApiTest::class.java,
    EnrolmentTest::class.java,
    SessionTest::class.java,
    RegistrationTest::class.java,
    TwoPhonesTest::class.java,
    NotesTest::class.java,
    KeyStoreTest::class.java,
    CancellationTest::class.java,
    EventsTest::class.java,
    GrievanceTest::class.java,
    SyncTest::class.java,
    DirectoryTest::class.java,
    KioskTest::class.java,
    ContentTest::class.java,
    TrainingTest::class.java,
    SurveyTest::class.java,
)

/**
 * Runs the Kotlin tests with JUnit 4 and prints one line per test, the
 * failures in full, and a closing line `N passed, M failed`. Exits non-zero
 * if anything failed.
 *
 * Arguments, optional: substrings of `Class.method` names to run only some
 * tests (e.g. `SessionTest` or `wrongPin`).
 */
fun main(args: Array<String>) {
    val core = JUnitCore()
    var passed = 0
    var failed = 0
    core.addListener(object : RunListener() {
        private var started = 0L
        private var failedThis = false

        override fun testStarted(description: Description) {
            started = System.nanoTime()
            failedThis = false
        }

        override fun testFailure(failure: Failure) {
            failedThis = true
        }

        override fun testAssumptionFailure(failure: Failure) {
            failedThis = true
        }

        override fun testFinished(description: Description) {
            val ms = (System.nanoTime() - started) / 1_000_000
            if (failedThis) failed++ else passed++
            val mark = if (failedThis) "FAIL" else "ok  "
            println("$mark ${description.testClass.simpleName}.${description.methodName} ($ms ms)")
        }
    })

    var request = Request.classes(*ALL_TESTS.toTypedArray())
    if (args.isNotEmpty()) {
        request = request.filterWith(object : org.junit.runner.manipulation.Filter() {
            override fun shouldRun(description: Description): Boolean =
                description.isSuite || args.any { "${description.testClass?.simpleName}.${description.methodName}".contains(it) }

            override fun describe() = "tests matching ${args.joinToString()}"
        })
    }

    val result = try {
        core.run(request)
    } finally {
        TestHub.stopShared()
    }
    // Failures outside a test method (a class that cannot start) count too.
    failed += result.failures.count { it.description.methodName == null }
    for (failure in result.failures) {
        println()
        println("---- ${failure.testHeader}")
        println(failure.trace.lines().take(40).joinToString("\n"))
    }
    println()
    println("$passed passed, $failed failed")
    exitProcess(if (failed == 0 && result.runCount > 0) 0 else 1)
}
