//! Staff passwords: Argon2id (RustCrypto's `argon2`) at OWASP's parameters,
//! stored as a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`), so
//! the parameters travel with each hash and can be raised later.
//!
//! Protects against: a copy of `hub.db` being used to recover passwords
//! cheaply (each guess costs 19 MiB of memory and two passes). Does not
//! protect against: a weak password guessed online (the login back-off in
//! `accounts` bounds that), or a compromised running hub reading passwords
//! as they arrive.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use zeroize::Zeroizing;

use crate::error::ApiError;
use crate::keys::HubKeys;

/// Memory cost in KiB (OWASP 2023 Argon2id: 19 MiB).
pub(crate) const MEMORY_KIB: u32 = 19_456;
/// Passes.
pub(crate) const ITERATIONS: u32 = 2;
/// Lanes.
pub(crate) const PARALLELISM: u32 = 1;

fn hasher() -> Result<Argon2<'static>, ApiError> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .map_err(|_| ApiError::internal("invalid Argon2 parameters"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password with a fresh 16-byte salt from the hub's RNG.
pub(crate) fn hash_password(keys: &HubKeys, password: &str) -> Result<String, ApiError> {
    let salt_bytes: [u8; 16] = keys.random()?;
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|_| ApiError::internal("salt encoding failed"))?;
    let hash = hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|_| ApiError::internal("password hashing failed"))?;
    Ok(hash.to_string())
}

/// Whether `password` matches the stored PHC string. A stored string that
/// does not parse never matches (and is logged: it means a damaged row).
pub(crate) fn verify_password(stored: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        tracing::error!("a stored staff password hash does not parse");
        return false;
    };
    // The verifier takes the algorithm and parameters from the PHC string.
    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
}

/// A hash of a random password, made once at start: logins for unknown
/// accounts are checked against it, so they cost the same time as real ones.
pub(crate) fn dummy_hash(keys: &HubKeys) -> Result<String, ApiError> {
    let random: [u8; 24] = keys.random()?;
    let password = Zeroizing::new(workervoice_protocol::b64::encode(&random));
    hash_password(keys, &password)
}

/// Whether a new password is long enough (counted in characters, not bytes).
pub(crate) fn acceptable_password(password: &str) -> bool {
    password.chars().count() >= workervoice_protocol::staff::MIN_STAFF_PASSWORD_CHARS && password.len() <= 1024
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_own_password_only_and_records_owasp_parameters() {
        let keys = HubKeys::for_tests();
        let hash = hash_password(&keys, "correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "correct horse battery!"));
        assert!(!verify_password("not a phc string", "correct horse battery"));
    }

    #[test]
    fn short_passwords_are_refused_by_character_count() {
        assert!(!acceptable_password("elevenchars"));
        assert!(acceptable_password("twelve chars"));
        assert!(acceptable_password("密码密码密码密码密码密码"));
    }
}
