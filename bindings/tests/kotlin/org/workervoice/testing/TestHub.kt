package org.workervoice.testing

import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.time.Duration
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException
import kotlin.concurrent.thread

/** Bound on every wait in the harness: hub start-up, HTTP calls, shutdown. */
val HARNESS_TIMEOUT: Duration = Duration.ofSeconds(30)

/**
 * A real `workervoice-hub` in a child process, on a random loopback port, with
 * its own temporary data directory.
 *
 * Started with `serve --listen 127.0.0.1:0 --ready-json --demo-admin
 * --demo-keyholder-dir DIR` (a demo key holder beside the data): the first
 * line on its stdout is `{"url":...,"admin_token":...,"staff_token":...}` once it
 * listens; `staff_token` is a session of the demo programme admin (the admin token
 * itself only bootstraps). Sessions live in the hub's database, so the token
 * still works after [restart]. Its stderr
 * (logs) goes to `hub.log` in the data directory, which is printed if start-up
 * fails. [close] stops it (SIGTERM, then SIGKILL) and deletes the directory.
 */
class TestHub private constructor(
    private var process: Process,
    private val dataDir: File,
    /** Base URL, e.g. `http://127.0.0.1:41234`. */
    val url: String,
    private val staffToken: String,
) : AutoCloseable {

    /** The staff API of this hub, as its demo programme admin. */
    val admin = AdminClient(url, staffToken)

    /** Whether the hub process is still running. */
    val isRunning: Boolean get() = process.isAlive

    /** Stops the hub process but keeps its data: devices see "no network". */
    fun stop() {
        if (process.isAlive) {
            process.destroy()
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly()
                process.waitFor(10, TimeUnit.SECONDS)
            }
        }
    }

    /** Starts the hub again on the same port with the same data. */
    fun restart() {
        stop()
        val port = URI.create(url).port
        process = launch(dataDir, "127.0.0.1:$port").first
    }

    override fun close() {
        stop()
        dataDir.deleteRecursively()
    }

    /**
     * Publishes the content pack in [folder] (`pack.json` and its media) to
     * every factory, with the hub's own `publish-pack` command on its data
     * directory (the hub keeps running), then signs the proposal as the
     * programme's key holder with `wv-keyholder sign` — the hub holds no
     * programme key.
     */
    fun publishPack(folder: File) {
        val output = run(binary.absolutePath, "publish-pack", "--data-dir", File(dataDir, "data").path, folder.path)
        val proposal = (Json.parse(output.lineSequence().first { it.startsWith("{") }) as Map<*, *>)["proposal_id"] as String?
        if (proposal != null) {
            run(
                keyHolderBinary.absolutePath, "sign", "--hub", url, "--key-dir", keyHolderDir(dataDir).path, "--yes", proposal,
                env = mapOf("WV_STAFF_TOKEN" to staffToken),
            )
        }
    }

    /**
     * Rewrites the hub's directory history, as a coerced operator could: the
     * published directories are dropped (with the `sqlite3` tool, hub
     * stopped), so what it publishes next — signed with the right key — does
     * not extend what devices hold.
     */
    fun forgetDirectoryHistory() {
        stop()
        run("sqlite3", File(File(dataDir, "data"), "hub.db").path, "DELETE FROM directories; DELETE FROM proposals WHERE kind = 'directory';")
        val port = URI.create(url).port
        process = launch(dataDir, "127.0.0.1:$port").first
    }

    /** Runs a command to completion within the harness bound; returns its output. */
    private fun run(vararg command: String, env: Map<String, String> = emptyMap()): String {
        val process = ProcessBuilder(*command).redirectErrorStream(true).apply { environment().putAll(env) }.start()
        process.outputStream.close()
        val finished = process.waitFor(HARNESS_TIMEOUT.seconds, TimeUnit.SECONDS)
        val output = process.inputStream.bufferedReader().readText()
        check(finished && process.exitValue() == 0) { "${command.take(2)} failed: $output" }
        return output
    }

    companion object {
        /** The hub binary: `-Dworkervoice.hub=PATH`, else `target/debug/workervoice-hub`. */
        val binary: File
            get() = File(System.getProperty("workervoice.hub") ?: "target/debug/workervoice-hub")

        /** The key holder's tool: beside the hub binary (`cargo build -p workervoice-keyholder`). */
        val keyHolderBinary: File
            get() = File(binary.absoluteFile.parentFile, "wv-keyholder")

        /** The programme key holder's folder: beside the hub's data, never inside it. */
        private fun keyHolderDir(dataDir: File) = File(dataDir, "keyholder")

        fun start(): TestHub {
            val dataDir = Files.createTempDirectory("workervoice-hub-").toFile()
            val (process, line) = launch(dataDir, "127.0.0.1:0")
            val ready = Json.parse(line)
            return TestHub(process, dataDir, ready.str("url"), ready.str("staff_token"))
        }

        /** Starts the hub process on [listen]; returns it with its ready line. */
        private fun launch(dataDir: File, listen: String): Pair<Process, String> {
            val binary = binary
            check(binary.canExecute()) {
                "hub binary not found at ${binary.absolutePath} (cargo build -p workervoice-hub, or -Dworkervoice.hub=PATH)"
            }
            val log = File(dataDir, "hub.log")
            val process = ProcessBuilder(
                binary.absolutePath, "serve",
                "--data-dir", File(dataDir, "data").path,
                "--listen", listen,
                "--ready-json",
                "--demo-admin",
                // The hub signs its own proposals (directories) as a demo
                // key holder whose key lives in a separate folder.
                "--demo-keyholder-dir", keyHolderDir(dataDir).path,
            )
                .redirectError(ProcessBuilder.Redirect.appendTo(log))
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .apply { environment()["RUST_LOG"] = System.getenv("RUST_LOG") ?: "warn" }
                .start()
            process.outputStream.close()

            // Read the ready line on a separate thread so the wait is bounded;
            // then keep draining stdout so the hub never blocks on a full pipe.
            val ready = CompletableFuture<String?>()
            thread(isDaemon = true, name = "hub-stdout") {
                process.inputStream.bufferedReader().use { reader ->
                    ready.complete(reader.readLine())
                    while (reader.readLine() != null) { /* drain */ }
                }
            }
            val line = try {
                ready.get(HARNESS_TIMEOUT.seconds, TimeUnit.SECONDS)
            } catch (timeout: TimeoutException) {
                null
            }
            if (line == null) {
                process.destroyForcibly()
                val logText = log.takeIf { it.exists() }?.readText().orEmpty()
                dataDir.deleteRecursively()
                error("hub did not report ready within ${HARNESS_TIMEOUT.seconds} s; its log:\n$logText")
            }
            return process to line
        }

        private val sharedLock = Any()
        private var shared: TestHub? = null

        /** One hub for the whole test run, started on first use; see [stopShared]. */
        fun shared(): TestHub = synchronized(sharedLock) {
            shared?.takeIf { it.isRunning } ?: start().also { shared = it }
        }

        /** Stops the shared hub, if it was started. */
        fun stopShared() = synchronized(sharedLock) {
            shared?.close()
            shared = null
        }
    }
}

/** One factory with enrolment codes issued through the admin API. */
data class Factory(val id: String, val name: String, val joinCode: String?)

/** An enrolment code as staff print it: typed form and QR payload. */
data class EnrolmentCode(val code: String, val qrPayload: String)

/** A worker on the roster, for [AdminClient.importRoster]. */
data class RosterWorker(val workerNumber: String, val displayName: String, val language: String)

/** What staff print on a worker's card: the activation code and the card's QR payload. */
data class WorkerCardCodes(val activationCode: String, val qrPayload: String)

/** The hub's staff API (`/admin/v1/...`), with a bearer token and bounded waits. */
class AdminClient(private val baseUrl: String, private val token: String) {
    private val http = HttpClient.newBuilder().connectTimeout(HARNESS_TIMEOUT).build()

    fun createFactory(name: String, selfRegistration: Boolean = true): Factory {
        val reply = post("/admin/v1/factories", """{"name":${Json.quote(name)},"self_registration":$selfRegistration}""")
        return Factory(reply.str("id"), reply.str("name"), (reply as Map<*, *>)["join_code"] as String?)
    }

    fun issueCodes(factoryId: String, mode: String, count: Int): List<EnrolmentCode> {
        val reply = post("/admin/v1/factories/$factoryId/enrolment-codes", """{"mode":"$mode","count":$count}""")
        return reply.list("codes").map { EnrolmentCode(it.str("code"), it.str("qr_payload")) }
    }

    /** Adds workers; returns their activation codes by worker number. */
    fun importRoster(factoryId: String, workers: List<RosterWorker>): Map<String, String> =
        importRosterCards(factoryId, workers).mapValues { it.value.activationCode }

    /** Adds workers; returns each one's activation code and card QR payload by worker number. */
    fun importRosterCards(factoryId: String, workers: List<RosterWorker>): Map<String, WorkerCardCodes> {
        val rows = workers.joinToString(",") {
            """{"worker_number":${Json.quote(it.workerNumber)},"display_name":${Json.quote(it.displayName)},"language":${Json.quote(it.language)}}"""
        }
        val reply = post("/admin/v1/factories/$factoryId/roster", """{"workers":[$rows]}""")
        return reply.list("activation_codes").associate {
            it.str("worker_number") to WorkerCardCodes(it.str("activation_code"), it.str("qr_payload"))
        }
    }

    /** Retires a device: at its next sync it pushes its queue and crypto-shreds itself. */
    fun retireDevice(deviceId: String) {
        post("/admin/v1/devices/$deviceId/retire", "{}")
    }

    /** Asks a shared device to wipe its workers' data at its next sync and stay in service. */
    fun wipeDevice(deviceId: String) {
        post("/admin/v1/devices/$deviceId/wipe", "{}")
    }

    /** The factory's devices as staff see them: id → (queued, needs attention, last sync). */
    fun deviceCounts(factoryId: String): Map<String, Triple<Long?, Long?, Long?>> =
        (get("/admin/v1/factories/$factoryId/devices") as List<*>).associate {
            val device = it as Map<*, *>
            device["device_id"] as String to Triple(
                (device["queued"] as Number?)?.toLong(),
                (device["needs_attention"] as Number?)?.toLong(),
                (device["last_sync_at"] as Number?)?.toLong(),
            )
        }

    fun unlockWorker(factoryId: String, workerNumber: String) {
        post("/admin/v1/factories/$factoryId/workers/$workerNumber/unlock", "{}")
    }

    /** The programme's public key (base64), to pin in apps. */
    fun programmeKey(): String = get("/admin/v1/programme").str("public_key")

    /**
     * Creates a case handler; returns its id. Staff invite; the reader's own
     * client (`wv-handler accept`, beside the hub binary) makes the key pair
     * and wraps it under [password]: the hub never sees the password (ADR 0015).
     */
    fun createHandler(route: String, factoryId: String?, password: String): String {
        val factory = factoryId?.let { ""","factory_id":${Json.quote(it)}""" }.orEmpty()
        return invite("""{"name":"$route handler","route":"$route"$factory}""", password)
    }

    /** Creates a survey analyst (reads survey results, no cases); returns its id. */
    fun createAnalyst(password: String): String =
        invite("""{"name":"Survey analyst","route":"independent_hotline","analyst":true}""", password)

    private fun invite(body: String, password: String): String {
        val invitation = post("/admin/v1/readers/invitations", body)
        val handlerId = invitation.str("handler_id")
        ReaderCli.run(baseUrl, handlerId, password, "accept", "--token=" + invitation.str("invitation_token"))
        return handlerId
    }

    /**
     * Proposes the recipient directory from the current handlers; the hub's
     * demo key holder (`--demo-keyholder-dir`) signs it at once, so it is
     * published when this returns.
     */
    fun publishDirectory() {
        post("/admin/v1/directory/propose", "{}")
    }

    private fun get(path: String): Any? {
        val request = HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(HARNESS_TIMEOUT)
            .header("Authorization", "Bearer $token")
            .GET()
            .build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() in 200..299) { "GET $path: HTTP ${response.statusCode()}: ${response.body()}" }
        return Json.parse(response.body())
    }

    private fun post(path: String, body: String): Any? {
        val request = HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(HARNESS_TIMEOUT)
            .header("Authorization", "Bearer $token")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() in 200..299) { "POST $path: HTTP ${response.statusCode()}: ${response.body()}" }
        return Json.parse(response.body().ifBlank { "null" })
    }
}

/**
 * The reader's client, `wv-handler` (beside the hub binary: `cargo build -p
 * wv-reader`): it keeps the reader's key, opens cases and seals replies on
 * this side; the hub serves only sealed bytes (ADR 0015).
 */
object ReaderCli {
    val binary: File
        get() = File(TestHub.binary.absoluteFile.parentFile, "wv-handler")

    /** Runs `wv-handler --json` for [handlerId]; returns its standard output. */
    fun run(baseUrl: String, handlerId: String, password: String, vararg command: String): String {
        check(binary.canExecute()) { "wv-handler not found at ${binary.absolutePath} (cargo build -p wv-reader)" }
        val process = ProcessBuilder(binary.absolutePath, "--hub", baseUrl, "--handler", handlerId, "--json", *command)
            .apply { environment()["WV_HANDLER_PASSWORD"] = password }
            .start()
        process.outputStream.close()
        // Both streams are drained while the process runs: a long answer
        // (hundreds of cases) would otherwise fill the pipe and stall it.
        var output = ""
        var errors = ""
        val readers = listOf(
            thread { output = process.inputStream.bufferedReader().readText() },
            thread { errors = process.errorStream.bufferedReader().readText() },
        )
        val finished = process.waitFor(HARNESS_TIMEOUT.seconds, TimeUnit.SECONDS)
        if (!finished) process.destroyForcibly()
        readers.forEach { it.join(HARNESS_TIMEOUT.toMillis()) }
        check(finished && process.exitValue() == 0) { "wv-handler ${command.firstOrNull()} failed: $errors" }
        return output
    }
}

/** A case handler, through the reader's client (each call signs in anew). */
class HandlerClient(private val baseUrl: String, private val handlerId: String, private val password: String) {
    /** Ids of the cases on the handler's route. */
    fun caseIds(): List<String> = (Json.parse(cli("cases")) as List<*>).map { it.str("case_id") }

    /** The opened report: its text and the conversation's texts. */
    fun open(caseId: String): Pair<String, List<String>> {
        val view = Json.parse(cli("open", caseId))
        val text = ((view as Map<*, *>)["content"] as Map<*, *>)["text"] as String
        val replies = view.list("replies").map { it.str("text") }
        return text to replies
    }

    fun reply(caseId: String, text: String) {
        cli("reply", caseId, text)
    }

    fun setStatus(caseId: String, status: String) {
        cli("status", caseId, status)
    }

    private fun cli(vararg command: String): String = ReaderCli.run(baseUrl, handlerId, password, *command).trim()
}
