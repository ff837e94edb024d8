/*
 * COMPILE-ONLY STAND-IN, NOT THE ANDROID SDK. There is no android.jar on the
 * Linux build machines, so scripts/test-kotlin type-checks the Android-only
 * Kotlin against these few signatures, copied from the public API. Nothing
 * here runs or ships; every body throws.
 */
package android.security.keystore;

import java.security.ProviderException;

public class StrongBoxUnavailableException extends ProviderException {
}
