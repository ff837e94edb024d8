/*
 * COMPILE-ONLY STAND-IN, NOT THE ANDROID SDK (see Context.java in this tree).
 */
package android.net;

/** Compile-only stand-in for android.net.NetworkCapabilities (constants used by the shell). */
public class NetworkCapabilities {
    public static final int NET_CAPABILITY_INTERNET = 12;
    public static final int NET_CAPABILITY_VALIDATED = 16;
    public static final int NET_CAPABILITY_NOT_METERED = 11;
    public boolean hasCapability(int capability) { throw new RuntimeException("stub"); }
}
