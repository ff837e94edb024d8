package org.workervoice.android

import android.content.Context
import android.content.SharedPreferences
import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import android.security.keystore.UserNotAuthenticatedException
import android.util.Base64
import java.security.GeneralSecurityException
import java.security.KeyStore
import java.security.ProviderException
import java.security.SecureRandom
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import org.workervoice.PlatformKeyStore
import org.workervoice.PlatformKeyStoreException

/**
 * The core's [PlatformKeyStore] on Android.
 *
 * Each secret the core asks for is 32 random bytes from [SecureRandom],
 * stored in app-private [SharedPreferences] only in wrapped form: sealed with
 * AES-256-GCM under one key that lives in the Android Keystore (hardware-
 * backed where the device has it, StrongBox when available), is never
 * exportable, and never leaves the device. The secret's alias is bound to the
 * ciphertext as associated data, so wrapped values cannot be swapped.
 *
 * What this protects: a copy of the app's files (an adb backup, a rooted
 * dump, a cloud backup restored elsewhere) holds only wrapped secrets that
 * open on this device's Keystore alone. What it does not: code running as
 * this app on this device can ask for the secrets, as the core does.
 *
 * Backups: the Keystore key is never backed up, so restored preferences are
 * useless on another device, and the core reports `DEVICE_KEYS_MISSING` and
 * re-enrolment is needed. Exclude the preferences file from backups anyway
 * with `@xml/workervoice_backup_rules` and
 * `@xml/workervoice_data_extraction_rules` (see the README), and keep the
 * core's data directory under `Context.getNoBackupFilesDir()`.
 *
 * Thread-safe. Calls block on Keystore I/O for milliseconds; the core makes
 * them off the UI thread.
 */
class AndroidKeyStoreSecrets @JvmOverloads constructor(
    context: Context,
    /** Name of the SharedPreferences file that holds the wrapped secrets. */
    preferencesName: String = DEFAULT_PREFERENCES,
    /** Alias of the AES key in the Android Keystore. */
    private val wrappingKeyAlias: String = DEFAULT_WRAPPING_KEY_ALIAS,
) : PlatformKeyStore {

    private val preferences: SharedPreferences =
        context.applicationContext.getSharedPreferences(preferencesName, Context.MODE_PRIVATE)
    private val random = SecureRandom()
    private val lock = Any()

    override fun createSecret(alias: String): ByteArray = guarded("create") {
        val secret = ByteArray(SECRET_BYTES).also(random::nextBytes)
        val cipher = Cipher.getInstance(TRANSFORMATION)
        // The Keystore chooses the IV (randomized encryption is required).
        cipher.init(Cipher.ENCRYPT_MODE, wrappingKey(createIfMissing = true))
        cipher.updateAAD(associatedData(alias))
        val iv = cipher.iv
        if (iv == null || iv.size != IV_BYTES) {
            throw PlatformKeyStoreException.Failed("unexpected GCM IV from the Keystore")
        }
        val wrapped = iv + cipher.doFinal(secret)
        val stored = FORMAT_V1 + Base64.encodeToString(wrapped, Base64.NO_WRAP)
        // commit(), not apply(): the core relies on the secret being durable
        // once this returns.
        if (!preferences.edit().putString(preferenceKey(alias), stored).commit()) {
            throw PlatformKeyStoreException.Failed("could not write the wrapped secret")
        }
        secret
    }

    override fun loadSecret(alias: String): ByteArray? = guarded("load") {
        val stored = preferences.getString(preferenceKey(alias), null) ?: return@guarded null
        if (!stored.startsWith(FORMAT_V1)) {
            throw PlatformKeyStoreException.Failed("unknown wrapped-secret format")
        }
        val wrapped = Base64.decode(stored.substring(FORMAT_V1.length), Base64.NO_WRAP)
        if (wrapped.size != IV_BYTES + SECRET_BYTES + TAG_BYTES) {
            throw PlatformKeyStoreException.Failed("wrapped secret has the wrong length")
        }
        val key = wrappingKey(createIfMissing = false)
            ?: throw PlatformKeyStoreException.Failed("wrapping key missing (Keystore reset or data restored)")
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(TAG_BYTES * 8, wrapped, 0, IV_BYTES))
        cipher.updateAAD(associatedData(alias))
        cipher.doFinal(wrapped, IV_BYTES, wrapped.size - IV_BYTES)
    }

    override fun deleteSecret(alias: String) = guarded("delete") {
        if (!preferences.edit().remove(preferenceKey(alias)).commit()) {
            throw PlatformKeyStoreException.Failed("could not delete the wrapped secret")
        }
    }

    /** The AES key in the Android Keystore; generated on first use when [createIfMissing]. */
    private fun wrappingKey(createIfMissing: Boolean): SecretKey? {
        val keyStore = KeyStore.getInstance(ANDROID_KEYSTORE).apply { load(null) }
        (keyStore.getKey(wrappingKeyAlias, null) as? SecretKey)?.let { return it }
        if (!createIfMissing) return null
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) {
            try {
                return generateKey(strongBox = true)
            } catch (unavailable: StrongBoxUnavailableException) {
                // Most phones have no StrongBox: the TEE-backed key below is the norm.
            }
        }
        return generateKey(strongBox = false)
    }

    private fun generateKey(strongBox: Boolean): SecretKey {
        val spec = KeyGenParameterSpec.Builder(
            wrappingKeyAlias,
            KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT,
        )
            .setKeySize(KEY_BITS)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setRandomizedEncryptionRequired(true)
            // No user authentication: the core needs the secrets to show the
            // PIN screen at all; the worker's PIN protects their data.
            .setUserAuthenticationRequired(false)
        if (strongBox) spec.setIsStrongBoxBacked(true)
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, ANDROID_KEYSTORE)
        generator.init(spec.build())
        return generator.generateKey()
    }

    /**
     * Runs [block] under the lock and turns every failure into a
     * [PlatformKeyStoreException], which the core maps to a typed error
     * (`KEY_STORE_UNAVAILABLE`). The reasons are for logs: they name the
     * failure, never a secret.
     */
    private inline fun <T> guarded(operation: String, block: () -> T): T {
        try {
            return synchronized(lock) { block() }
        } catch (error: PlatformKeyStoreException) {
            throw error
        } catch (error: UserNotAuthenticatedException) {
            throw PlatformKeyStoreException.Unavailable("$operation: user authentication required")
        } catch (error: KeyPermanentlyInvalidatedException) {
            throw PlatformKeyStoreException.Failed("$operation: wrapping key permanently invalidated")
        } catch (error: AEADBadTagException) {
            throw PlatformKeyStoreException.Failed("$operation: wrapped secret does not open with this device's key")
        } catch (error: GeneralSecurityException) {
            throw PlatformKeyStoreException.Failed("$operation: ${error.javaClass.simpleName}")
        } catch (error: ProviderException) {
            // The Keystore daemon can be briefly unavailable (e.g. right after boot).
            throw PlatformKeyStoreException.Unavailable("$operation: ${error.javaClass.simpleName}")
        } catch (error: java.io.IOException) {
            throw PlatformKeyStoreException.Unavailable("$operation: ${error.javaClass.simpleName}")
        } catch (error: IllegalArgumentException) {
            // Base64 that does not decode: the preferences file was altered.
            throw PlatformKeyStoreException.Failed("$operation: malformed wrapped secret")
        }
    }

    private fun preferenceKey(alias: String) = "secret.$alias"

    private fun associatedData(alias: String) = "workervoice/wrapped-secret/v1/$alias".toByteArray(Charsets.UTF_8)

    companion object {
        /** Default name of the SharedPreferences file with the wrapped secrets. */
        const val DEFAULT_PREFERENCES = "workervoice_secrets"

        /** Default alias of the wrapping key in the Android Keystore. */
        const val DEFAULT_WRAPPING_KEY_ALIAS = "org.workervoice.wrapping-key.v1"

        private const val ANDROID_KEYSTORE = "AndroidKeyStore"
        private const val TRANSFORMATION = "AES/GCM/NoPadding"
        private const val FORMAT_V1 = "v1:"
        private const val KEY_BITS = 256
        private const val SECRET_BYTES = 32
        private const val IV_BYTES = 12
        private const val TAG_BYTES = 16
    }
}
