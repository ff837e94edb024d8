package org.workervoice.app.android

import android.app.Application
import android.content.pm.PackageManager
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.MainScope
import org.workervoice.WorkerVoice
import org.workervoice.android.AndroidConnectivity
import org.workervoice.android.deviceLanguages
import org.workervoice.android.openOnAndroid
import org.workervoice.app.AppModel

/**
 * Opens the core once per process and keeps the app's state holder, so a
 * rotated or recreated Activity finds the worker where they were.
 *
 * The hub URL and the programme key the directory must be signed with come
 * from the manifest's `<meta-data>` (set per build by Gradle's
 * `manifestPlaceholders`): the key is pinned in the APK, never fetched.
 */
class WorkerVoiceApplication : Application() {
    /** The core, for this process. */
    lateinit var core: WorkerVoice
        private set

    /** The app's root state holder. */
    lateinit var model: AppModel
        private set

    /** Camera, photo picker, recorder and player, for the Activity on screen. */
    lateinit var services: AndroidServices
        private set

    private lateinit var connectivity: AndroidConnectivity

    override fun onCreate() {
        super.onCreate()
        val meta = packageManager.getApplicationInfo(packageName, PackageManager.GET_META_DATA).metaData
        core = WorkerVoice.openOnAndroid(
            this,
            defaultHubUrl = meta?.getString(META_HUB_URL)?.takeIf { it.isNotBlank() },
            programmePublicKey = meta?.getString(META_PROGRAMME_KEY)?.takeIf { it.isNotBlank() },
        )
        connectivity = AndroidConnectivity(this).also {
            it.start()
            core.setConnectivity(it)
        }
        services = AndroidServices(this)
        model = AppModel(core, MainScope(), Dispatchers.IO, AssetStrings(assets), deviceLanguages(), services)
    }

    companion object {
        /** Manifest meta-data: the default hub URL (enrolment QR codes carry their own). */
        const val META_HUB_URL = "org.workervoice.HUB_URL"

        /** Manifest meta-data: the programme's Ed25519 public key, base64. */
        const val META_PROGRAMME_KEY = "org.workervoice.PROGRAMME_KEY"
    }
}
