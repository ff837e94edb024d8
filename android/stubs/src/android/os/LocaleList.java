/*
 * COMPILE-ONLY STAND-IN, NOT THE ANDROID SDK. There is no android.jar on the
 * Linux build machines, so scripts/test-kotlin type-checks the Android-only
 * Kotlin against these few signatures, copied from the public API. Nothing
 * here runs or ships; every body throws.
 */
package android.os;

import java.util.Locale;

public final class LocaleList {
    public static LocaleList getDefault() {
        throw new UnsupportedOperationException("stub");
    }

    public int size() {
        throw new UnsupportedOperationException("stub");
    }

    public Locale get(int index) {
        throw new UnsupportedOperationException("stub");
    }
}
