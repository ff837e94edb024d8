/*
 * COMPILE-ONLY STAND-IN, NOT THE ANDROID SDK (see Context.java in this tree).
 */
package android.net;

/** Compile-only stand-in for android.net.ConnectivityManager (API 24+ subset used by the shell). */
public class ConnectivityManager {
    public static class NetworkCallback {
        public void onAvailable(Network network) {}
        public void onLost(Network network) {}
        public void onCapabilitiesChanged(Network network, NetworkCapabilities capabilities) {}
    }
    public Network getActiveNetwork() { throw new RuntimeException("stub"); }
    public NetworkCapabilities getNetworkCapabilities(Network network) { throw new RuntimeException("stub"); }
    public void registerDefaultNetworkCallback(NetworkCallback callback) { throw new RuntimeException("stub"); }
    public void unregisterNetworkCallback(NetworkCallback callback) { throw new RuntimeException("stub"); }
}
