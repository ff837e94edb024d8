/*
 * COMPILE-ONLY STAND-IN, NOT THE ANDROID SDK. There is no android.jar on the
 * Linux build machines, so scripts/test-kotlin type-checks the Android-only
 * Kotlin against these few signatures, copied from the public API. Nothing
 * here runs or ships; every body throws.
 */
package android.util;

public class Base64 {
    public static final int NO_WRAP = 2;

    public static String encodeToString(byte[] input, int flags) {
        throw new UnsupportedOperationException("stub");
    }

    public static byte[] decode(String str, int flags) {
        throw new UnsupportedOperationException("stub");
    }
}
