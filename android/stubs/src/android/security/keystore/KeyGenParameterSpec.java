/*
 * COMPILE-ONLY STAND-IN, NOT THE ANDROID SDK. There is no android.jar on the
 * Linux build machines, so scripts/test-kotlin type-checks the Android-only
 * Kotlin against these few signatures, copied from the public API. Nothing
 * here runs or ships; every body throws.
 */
package android.security.keystore;

import java.security.spec.AlgorithmParameterSpec;

public final class KeyGenParameterSpec implements AlgorithmParameterSpec {
    public static final class Builder {
        public Builder(String keystoreAlias, int purposes) {
            throw new UnsupportedOperationException("stub");
        }

        public Builder setKeySize(int keySize) {
            throw new UnsupportedOperationException("stub");
        }

        public Builder setBlockModes(String... blockModes) {
            throw new UnsupportedOperationException("stub");
        }

        public Builder setEncryptionPaddings(String... paddings) {
            throw new UnsupportedOperationException("stub");
        }

        public Builder setRandomizedEncryptionRequired(boolean required) {
            throw new UnsupportedOperationException("stub");
        }

        public Builder setUserAuthenticationRequired(boolean required) {
            throw new UnsupportedOperationException("stub");
        }

        public Builder setIsStrongBoxBacked(boolean isStrongBoxBacked) {
            throw new UnsupportedOperationException("stub");
        }

        public KeyGenParameterSpec build() {
            throw new UnsupportedOperationException("stub");
        }
    }
}
