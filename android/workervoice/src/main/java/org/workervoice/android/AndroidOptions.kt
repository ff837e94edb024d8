package org.workervoice.android

import android.content.Context
import android.os.LocaleList
import java.io.File
import org.workervoice.AppOptions
import org.workervoice.WorkerVoice

/**
 * [AppOptions] for an Android app: the core's database under
 * `noBackupFilesDir/workervoice` (app-private, never in a cloud backup) and
 * the user's languages in their order of preference.
 *
 * Call [org.workervoice.WorkerVoiceApp.setLanguages] (or `WorkerVoice.setLanguages`)
 * with [deviceLanguages] again when the configuration changes.
 */
fun WorkerVoice.Companion.androidOptions(
    context: Context,
    defaultHubUrl: String? = null,
    requestTimeoutSecs: UInt = 0u,
    extraRootCertsPem: List<String> = emptyList(),
    programmePublicKey: String? = null,
): AppOptions = options(
    dataDir = File(context.noBackupFilesDir, "workervoice").path,
    defaultHubUrl = defaultHubUrl,
    languages = deviceLanguages(),
    requestTimeoutSecs = requestTimeoutSecs,
    extraRootCertsPem = extraRootCertsPem,
    programmePublicKey = programmePublicKey,
)

/**
 * Opens the core for an Android app with [AndroidKeyStoreSecrets] and
 * [androidOptions]. Keep the result for the life of the process.
 */
fun WorkerVoice.Companion.openOnAndroid(
    context: Context,
    defaultHubUrl: String? = null,
    programmePublicKey: String? = null,
): WorkerVoice = open(
    androidOptions(context, defaultHubUrl, programmePublicKey = programmePublicKey),
    AndroidKeyStoreSecrets(context),
)

/** The user's languages, most preferred first (BCP 47 tags). */
fun deviceLanguages(): List<String> {
    val locales = LocaleList.getDefault()
    return (0 until locales.size()).map { locales.get(it).toLanguageTag() }
}
