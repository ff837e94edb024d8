package org.workervoice.app.android

import android.content.Intent
import android.os.Build
import android.os.Bundle
import android.view.WindowManager
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import org.workervoice.app.WorkerVoiceUi
import org.workervoice.model.DeviceMode

/**
 * The one Activity: hosts the shared Compose UI. Every screen is secure
 * (no screenshots, no recent-apps thumbnail: a report half-written on a
 * shared tablet must not show in the task switcher). On a device enrolled
 * as a shared tablet it pins itself ([Kiosk]).
 */
class MainActivity : ComponentActivity() {
    private val app: WorkerVoiceApplication get() = application as WorkerVoiceApplication

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        window.setFlags(WindowManager.LayoutParams.FLAG_SECURE, WindowManager.LayoutParams.FLAG_SECURE)
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU) setRecentsScreenshotEnabled(false)
        // The enrol screen's QR scanner is AndroidServices.scanQr (the system
        // camera's picture, decoded with ZXing's core).
        app.services.activity = this
        setContent { WorkerVoiceUi(app.model) }
    }

    override fun onDestroy() {
        if (app.services.activity === this) app.services.activity = null
        super.onDestroy()
    }

    @Deprecated("The framework's own result path: AndroidX's result API is not used here")
    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        @Suppress("DEPRECATION")
        super.onActivityResult(requestCode, resultCode, data)
        app.services.onActivityResult(requestCode, resultCode, data)
    }

    override fun onRequestPermissionsResult(requestCode: Int, permissions: Array<out String>, grantResults: IntArray) {
        super.onRequestPermissionsResult(requestCode, permissions, grantResults)
        app.services.onPermissionResult(requestCode, grantResults)
    }

    override fun onResume() {
        super.onResume()
        if (app.core.status().mode == DeviceMode.SHARED) Kiosk.enter(this)
    }
}
