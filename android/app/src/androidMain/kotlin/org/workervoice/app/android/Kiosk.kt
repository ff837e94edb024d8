package org.workervoice.app.android

import android.app.Activity
import android.app.ActivityManager
import android.app.admin.DeviceAdminReceiver
import android.app.admin.DevicePolicyManager
import android.content.ComponentName
import android.content.Context
import android.content.Intent
import android.content.IntentFilter
import android.content.pm.PackageManager
import android.provider.MediaStore

/**
 * Kiosk mode for shared tablets.
 *
 * On a tablet provisioned with this app as device owner
 * (`adb shell dpm set-device-owner org.workervoice.app/.android.KioskAdminReceiver`
 * on a freshly reset tablet, or QR provisioning), the app is the HOME
 * launcher and runs in lock-task mode: no status bar, no Home or Recents,
 * no other app. Without device owner, [enter] falls back to screen pinning,
 * which Android asks the person at the tablet to confirm.
 */
object Kiosk {
    fun isDeviceOwner(context: Context): Boolean =
        context.getSystemService(DevicePolicyManager::class.java)?.isDeviceOwnerApp(context.packageName) == true

    /** Pins [activity]: lock task as device owner, else screen pinning. Safe to call repeatedly. */
    fun enter(activity: Activity) {
        val activityManager = activity.getSystemService(ActivityManager::class.java)
        if (activityManager?.lockTaskModeState != ActivityManager.LOCK_TASK_MODE_NONE) return
        if (isDeviceOwner(activity)) becomeLauncher(activity)
        activity.startLockTask()
    }

    /** As device owner: allow lock task for this app and make it the HOME launcher. */
    fun becomeLauncher(context: Context) {
        val policy = context.getSystemService(DevicePolicyManager::class.java) ?: return
        val admin = ComponentName(context, KioskAdminReceiver::class.java)
        // The system camera too, for a report's photo (the camera only: a shared
        // tablet offers no photo library, as the core's capture policy says).
        val camera = Intent(MediaStore.ACTION_IMAGE_CAPTURE).resolveActivity(context.packageManager)?.packageName
        policy.setLockTaskPackages(admin, listOfNotNull(context.packageName, camera).distinct().toTypedArray())
        val launcher = ComponentName(context, "${context.packageName}.android.KioskLauncher")
        context.packageManager.setComponentEnabledSetting(
            launcher,
            PackageManager.COMPONENT_ENABLED_STATE_ENABLED,
            PackageManager.DONT_KILL_APP,
        )
        val home = IntentFilter(Intent.ACTION_MAIN).apply {
            addCategory(Intent.CATEGORY_HOME)
            addCategory(Intent.CATEGORY_DEFAULT)
        }
        policy.addPersistentPreferredActivity(admin, home, ComponentName(context, MainActivity::class.java))
    }
}

/** The device-admin receiver that makes the app a device owner on shared tablets. */
class KioskAdminReceiver : DeviceAdminReceiver() {
    override fun onProfileProvisioningComplete(context: Context, intent: Intent) {
        Kiosk.becomeLauncher(context)
    }
}
