package org.workervoice.app.tests

import kotlin.system.exitProcess
import org.junit.runner.Description
import org.junit.runner.JUnitCore
import org.junit.runner.Request
import org.junit.runner.notification.Failure
import org.junit.runner.notification.RunListener
import org.workervoice.testing.TestHub

/** Every UI test class, in the order they run. */
val ALL_APP_TESTS: List<Class<*>> = listOf(
    StringsTest::class.java,
    PhotoDownscaleTest::class.java,
    FirstReportTest::class.java,
    SurveyUiTest::class.java,
    TrainingUiTest::class.java,
    HomeTest::class.java,
    ReportExtrasTest::class.java,
    KioskTest::class.java,
    EnrolQrTest::class.java,
)

/**
 * Runs the app's UI tests with JUnit 4: one line per test, failures in
 * full, then `N passed, M failed`. Arguments, optional: substrings of
 * `Class.method` to run only some tests.
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
            println("${if (failedThis) "FAIL" else "ok  "} ${description.testClass.simpleName}.${description.methodName} ($ms ms)")
        }
    })
    var request = Request.classes(*ALL_APP_TESTS.toTypedArray())
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
    failed += result.failures.count { it.description.methodName == null }
    for (failure in result.failures) {
        println()
        println("---- ${failure.testHeader}")
        println(failure.trace.lines().take(60).joinToString("\n"))
    }
    println()
    println("$passed passed, $failed failed")
    exitProcess(if (failed == 0 && result.runCount > 0) 0 else 1)
}
