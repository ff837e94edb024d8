package org.workervoice.testing

import java.io.File
import java.util.concurrent.atomic.AtomicInteger
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue
import kotlin.test.fail
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Rule
import org.junit.rules.TemporaryFolder
import org.junit.rules.Timeout
import org.workervoice.AppOptions
import org.workervoice.PlatformKeyStore
import org.workervoice.WorkerVoiceApp
import org.workervoice.WorkerVoiceException
import org.workervoice.model.DeviceMode
import org.workervoice.model.WorkerProfile

/** A PIN the policy accepts. */
const val PIN = "482913"

/** Another acceptable PIN. */
const val OTHER_PIN = "739164"

/** The password of test case handlers. */
const val HANDLER_PASSWORD = "correct horse battery staple"

/** A third acceptable PIN, wrong for everyone. */
const val WRONG_PIN = "605281"

/** An enrolled device in a test: the app, its factory and its key store. */
class TestDevice(val app: WorkerVoiceApp, val factory: Factory, val keyStore: PlatformKeyStore, val dataDir: File)

/** A worker on a factory's roster. */
data class TestWorker(val number: String, val activationCode: String, val language: String, val pin: String = PIN)

/**
 * Base of the Kotlin tests: temporary data directories, a bounded time per
 * test, the shared hub, and helpers to reach a state (enrolled, activated)
 * in one line. Apps opened through [openApp] are destroyed after each test.
 */
abstract class WorkerVoiceTest {
    @get:Rule
    val timeout: Timeout = Timeout.seconds(120)

    @get:Rule
    val temp = TemporaryFolder()

    private val opened = mutableListOf<WorkerVoiceApp>()

    /** The hub shared by all tests (started on first use). */
    val hub: TestHub get() = TestHub.shared()

    @After
    fun destroyApps() {
        opened.forEach { runCatching { it.destroy() } }
        opened.clear()
    }

    fun newDataDir(): File = temp.newFolder()

    fun options(
        dataDir: File = newDataDir(),
        languages: List<String> = listOf("en"),
        defaultHubUrl: String? = null,
        programmeKey: String? = null,
    ) = AppOptions(
        dataDir = dataDir.path,
        defaultHubUrl = defaultHubUrl,
        languages = languages,
        allowInsecureHttpForTests = true,
        extraRootCertsPem = emptyList(),
        requestTimeoutSecs = HARNESS_TIMEOUT.seconds.toUInt(),
        programmePublicKey = programmeKey,
    )

    fun openApp(
        keyStore: PlatformKeyStore = KotlinMemoryKeyStore(),
        dataDir: File = newDataDir(),
        languages: List<String> = listOf("en"),
        defaultHubUrl: String? = null,
        programmeKey: String? = null,
    ): WorkerVoiceApp =
        WorkerVoiceApp.open(options(dataDir, languages, defaultHubUrl, programmeKey), keyStore).also {
            // The unsigned phase's random pauses only slow these tests down.
            it.setUnsignedSendSpacing(0u)
            opened += it
        }

    fun newFactory(selfRegistration: Boolean = true): Factory =
        hub.admin.createFactory("Factory ${factoryCounter.incrementAndGet()}", selfRegistration)

    /** A device enrolled (with a typed code) in a new factory. */
    fun enrolledDevice(
        mode: DeviceMode = DeviceMode.PERSONAL,
        languages: List<String> = listOf("en"),
        keyStore: PlatformKeyStore = KotlinMemoryKeyStore(),
        factory: Factory = newFactory(),
    ): TestDevice {
        val code = hub.admin.issueCodes(factory.id, mode.name.lowercase(), 1).single()
        val dataDir = newDataDir()
        val app = openApp(keyStore, dataDir, languages, hub.url)
        runBlocking { app.enrol(code.code, mode) }
        return TestDevice(app, factory, keyStore, dataDir)
    }

    /** Adds a worker to the device's factory roster. */
    fun TestDevice.rosterWorker(language: String = "en", name: String = "Test Worker"): TestWorker {
        val number = "W%04d".format(workerCounter.incrementAndGet())
        val codes = hub.admin.importRoster(factory.id, listOf(RosterWorker(number, name, language)))
        return TestWorker(number, codes.getValue(number), language)
    }

    /** Adds a worker to the roster and activates them on this device with [pin]; they stay logged in. */
    fun TestDevice.activatedWorker(language: String = "en", pin: String = PIN): Pair<TestWorker, WorkerProfile> {
        val worker = rosterWorker(language).copy(pin = pin)
        val profile = runBlocking { app.activate(worker.number, worker.activationCode, pin) }
        return worker to profile
    }

    /**
     * On [hub]: a factory, a committee and a hotline handler (their ids, with
     * [HANDLER_PASSWORD]) and a published recipient directory.
     */
    fun grievanceProgramme(hub: TestHub): Triple<Factory, String, String> {
        val factory = hub.admin.createFactory("Grievance Factory ${factoryCounter.incrementAndGet()}", false)
        val committee = hub.admin.createHandler("factory_committee", factory.id, HANDLER_PASSWORD)
        val hotline = hub.admin.createHandler("independent_hotline", null, HANDLER_PASSWORD)
        hub.admin.publishDirectory()
        return Triple(factory, committee, hotline)
    }

    companion object {
        private val factoryCounter = AtomicInteger()
        private val workerCounter = AtomicInteger()
    }
}

/** Asserts that [block] throws the [WorkerVoiceException] subclass [T] and returns it. */
inline fun <reified T : WorkerVoiceException> assertWorkerVoiceError(block: () -> Unit): T {
    val error = assertFailsWith<WorkerVoiceException> { block() }
    if (error !is T) fail("expected WorkerVoiceException.${T::class.simpleName}, got ${error::class.simpleName}: ${error.message}")
    return error
}

/** Whether [text] has letters only Vietnamese uses (ă, ơ, ư, đ or a stacked tone mark). */
fun looksVietnamese(text: String): Boolean =
    text.any { it in "ăâđêôơưĂÂĐÊÔƠƯ" || it in '\u1EA0'..'\u1EF9' }

/** Whether [text] has CJK ideographs. */
fun looksChinese(text: String): Boolean = text.any { it in '\u4E00'..'\u9FFF' }

/** Asserts a user-facing message is present and not a raw message id. */
fun assertReadableMessage(text: String) {
    assertTrue(text.isNotBlank(), "empty localized message")
    assertTrue(!text.startsWith("error-") && !text.contains("{ $"), "untranslated message: $text")
}
