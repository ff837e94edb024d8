package org.workervoice.app.android

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
        // QR scanning needs a camera library from Google's repository (not
        // reachable from the build machines): the enrol screen offers typing
        // the code until a scanner is wired here.
        setContent { WorkerVoiceUi(app.model, onScan = null) }
    }

    override fun onResume() {
        super.onResume()
        if (app.core.status().mode == DeviceMode.SHARED) Kiosk.enter(this)
    }
}
