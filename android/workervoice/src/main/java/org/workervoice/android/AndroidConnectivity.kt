package org.workervoice.android

import android.content.Context
import android.net.ConnectivityManager
import android.net.Network
import android.net.NetworkCapabilities
import org.workervoice.ConnectivityMonitor

/**
 * The core's [ConnectivityMonitor] on Android, over [ConnectivityManager]'s
 * default-network callback.
 *
 * The core asks from its own threads and must get an answer at once, so this
 * keeps the last state the system reported in volatile fields instead of
 * querying on each call. "Online" means a network that has internet and was
 * validated by the system (not a captive portal); "metered" is the system's
 * own judgement (mobile data, or a Wi-Fi the user marked metered).
 *
 * Call [start] when the app starts and [stop] when it is destroyed; pass the
 * monitor to `WorkerVoiceApp.setConnectivity`.
 */
class AndroidConnectivity(context: Context) : ConnectivityMonitor {
    private val manager = context.getSystemService(ConnectivityManager::class.java)

    @Volatile private var online = false
    @Volatile private var metered = true

    private val callback = object : ConnectivityManager.NetworkCallback() {
        override fun onCapabilitiesChanged(network: Network, capabilities: NetworkCapabilities) {
            update(capabilities)
        }

        override fun onLost(network: Network) {
            online = false
        }
    }

    /** Starts following the default network (and reads its current state). */
    fun start() {
        manager.activeNetwork?.let { network -> manager.getNetworkCapabilities(network)?.let(::update) }
        manager.registerDefaultNetworkCallback(callback)
    }

    /** Stops following the network. */
    fun stop() {
        runCatching { manager.unregisterNetworkCallback(callback) }
    }

    private fun update(capabilities: NetworkCapabilities) {
        online = capabilities.hasCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET) &&
            capabilities.hasCapability(NetworkCapabilities.NET_CAPABILITY_VALIDATED)
        metered = !capabilities.hasCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED)
    }

    override fun isOnline(): Boolean = online

    override fun isMetered(): Boolean = metered
}
