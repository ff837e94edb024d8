/*
 * COMPILE-ONLY STAND-IN, NOT THE ANDROID SDK. There is no android.jar on the
 * Linux build machines, so scripts/test-kotlin type-checks the Android-only
 * Kotlin against these few signatures, copied from the public API. Nothing
 * here runs or ships; every body throws.
 */
package android.os;

public class Build {
    public static class VERSION {
        public static final int SDK_INT = Integer.parseInt("0");
    }

    public static class VERSION_CODES {
        public static final int P = 28;
    }
}
