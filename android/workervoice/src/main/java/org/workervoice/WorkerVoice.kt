package org.workervoice

import java.util.Locale
import java.util.concurrent.atomic.AtomicBoolean
import kotlinx.coroutines.channels.BufferOverflow
import kotlinx.coroutines.flow.MutableSharedFlow
import kotlinx.coroutines.flow.SharedFlow
import kotlinx.coroutines.flow.asSharedFlow
import org.workervoice.model.Event

/**
 * The Worker Voice core for one app process: owns a [WorkerVoiceApp] and
 * releases it in [close].
 *
 * Every call of [WorkerVoiceAppInterface] is available directly on this
 * object. Local calls (`saveNote`, `listNotes`, `status`, `lock`, ...) block
 * for milliseconds and may be made from any thread; network calls (`enrol`,
 * `activate`, `login`, `changePin`, ...) are `suspend` functions that run on
 * the core's own threads and stop when the calling coroutine is cancelled.
 * Failures are [WorkerVoiceException]s with a stable `code` and a `localized`
 * message to show as it is.
 *
 * Keep one instance for the whole process (e.g. in the `Application`), and
 * close it only when the process no longer needs the core: closing ends the
 * worker's session (its keys are zeroized) and frees the native object; any
 * call afterwards throws [IllegalStateException].
 *
 * ```
 * val core = WorkerVoice.open(WorkerVoice.options(dataDir, defaultHubUrl = hub), keyStore)
 * core.enrol(code, DeviceMode.PERSONAL)
 * core.activate(workerNumber, activationCode, newPin)
 * core.saveNote("...")
 * core.close()
 * ```
 */
class WorkerVoice private constructor(
    /** The generated object, for code that needs it directly. */
    val app: WorkerVoiceApp,
) : WorkerVoiceAppInterface by app, AutoCloseable {

    private val closed = AtomicBoolean(false)

    @Volatile
    private var extraListener: WorkerVoiceListener? = null

    private val eventSink = MutableSharedFlow<Event>(
        extraBufferCapacity = EVENT_BUFFER,
        onBufferOverflow = BufferOverflow.DROP_OLDEST,
    )

    /**
     * Events from the core (enrolled, session started/ended), for any number
     * of collectors. Hot: a collector sees the events that happen while it
     * collects. Emitted on a core thread; collect on the UI dispatcher to
     * update screens. If collectors fall far behind, the oldest events are
     * dropped rather than blocking the core.
     */
    val events: SharedFlow<Event> = eventSink.asSharedFlow()

    private val fanOut = object : WorkerVoiceListener {
        override fun onEvent(event: Event) {
            eventSink.tryEmit(event)
            extraListener?.onEvent(event)
        }
    }

    init {
        // The core has one listener slot; this object keeps it and fans out.
        app.setListener(fanOut)
    }

    /**
     * Sets an additional listener (or clears it with `null`). [events] keeps
     * working either way: this object owns the core's listener slot.
     */
    override fun setListener(listener: WorkerVoiceListener?) {
        extraListener = listener
    }

    /** Whether [close] has been called. */
    val isClosed: Boolean get() = closed.get()

    /**
     * Ends the worker's session and frees the native object. Safe to call
     * more than once and from any thread; calls still running finish first.
     */
    override fun close() {
        if (!closed.compareAndSet(false, true)) return
        try {
            app.lock()
            app.setListener(null)
        } finally {
            extraListener = null
            app.destroy()
        }
    }

    companion object {
        private const val EVENT_BUFFER = 64

        /**
         * Opens the core on [options] with the platform's key store (on
         * Android, `AndroidKeyStoreSecrets`). Throws [WorkerVoiceException]
         * (usually `Storage`) if the data directory cannot be opened.
         */
        @JvmStatic
        fun open(options: AppOptions, keyStore: PlatformKeyStore): WorkerVoice =
            WorkerVoice(WorkerVoiceApp.open(options, keyStore))

        /**
         * [AppOptions] with the usual defaults: the JVM's default locale as
         * the device language, the core's default request timeout, no extra
         * root certificates and HTTPS only. [programmePublicKey] is the
         * programme's Ed25519 key (base64) that the recipient directory must
         * be signed with; without it grievances cannot be submitted.
         */
        @JvmStatic
        @JvmOverloads
        fun options(
            dataDir: String,
            defaultHubUrl: String? = null,
            languages: List<String> = listOf(Locale.getDefault().toLanguageTag()),
            requestTimeoutSecs: UInt = 0u,
            extraRootCertsPem: List<String> = emptyList(),
            allowInsecureHttpForTests: Boolean = false,
            programmePublicKey: String? = null,
        ): AppOptions = AppOptions(
            dataDir = dataDir,
            defaultHubUrl = defaultHubUrl,
            languages = languages,
            allowInsecureHttpForTests = allowInsecureHttpForTests,
            extraRootCertsPem = extraRootCertsPem,
            requestTimeoutSecs = requestTimeoutSecs,
            programmePublicKey = programmePublicKey,
        )
    }
}
