package org.workervoice.testing

import java.security.SecureRandom
import java.util.concurrent.ConcurrentHashMap
import org.workervoice.PlatformKeyStore
import org.workervoice.PlatformKeyStoreException

/**
 * A [PlatformKeyStore] written in Kotlin, as an app's would be, keeping
 * secrets in memory: exercises the foreign-trait path (Rust calling Kotlin)
 * that the Rust `newMemoryKeyStore()` skips.
 */
class KotlinMemoryKeyStore : PlatformKeyStore {
    private val random = SecureRandom()
    private val secrets = ConcurrentHashMap<String, ByteArray>()

    /** Calls made, for assertions. */
    val calls = java.util.concurrent.atomic.AtomicInteger()

    /** The aliases the core has created. */
    val aliases: Set<String> get() = secrets.keys.toSet()

    override fun createSecret(alias: String): ByteArray {
        calls.incrementAndGet()
        val secret = ByteArray(32).also(random::nextBytes)
        secrets[alias] = secret
        return secret.copyOf()
    }

    override fun loadSecret(alias: String): ByteArray? {
        calls.incrementAndGet()
        return secrets[alias]?.copyOf()
    }

    override fun deleteSecret(alias: String) {
        calls.incrementAndGet()
        secrets.remove(alias)
    }
}

/** A key store whose every method throws [failure] (a platform bug or outage). */
class ThrowingKeyStore(private val failure: () -> Exception) : PlatformKeyStore {
    override fun createSecret(alias: String): ByteArray = throw failure()

    override fun loadSecret(alias: String): ByteArray? = throw failure()

    override fun deleteSecret(alias: String) = throw failure()

    companion object {
        /** Throws an unexpected RuntimeException, as buggy platform code would. */
        fun unexpected() = ThrowingKeyStore { IllegalStateException("keystore exploded") }

        /** Reports the declared `Unavailable` error, as a locked device would. */
        fun unavailable() = ThrowingKeyStore { PlatformKeyStoreException.Unavailable("device locked since boot") }
    }
}
