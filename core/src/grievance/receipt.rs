//! Anonymous-follow-up receipts: a public case id plus a secret of 66 bits,
//! shown once, to read aloud or write down. From it the worker derives, on
//! any device, a token that proves the receipt to the hub (the hub stores only
//! SHA-256 of it) and the key that opens and seals the case's replies.

use ring::digest::{SHA256, digest};
use workervoice_protocol::codes::{
    CASE_ID_SYMBOLS, RECEIPT_SECRET_DIGITS, format_case_id, format_receipt_secret, normalize_code,
};
use zeroize::Zeroizing;

use crate::crypto::{self, Key32, labels};

/// A receipt as shown to the worker. (Not zeroized on drop: it is handed to
/// the app to show, and uniffi records cannot have a destructor; the core
/// keeps it only sealed, in a personal device's vault.)
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Receipt {
    /// Public case id, `XXXXX-XXXXX`.
    pub case_id: String,
    /// The secret, `1234 5678 9012 3456 7890`. Shown once; never logged.
    pub secret: String,
}

impl std::fmt::Debug for Receipt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receipt").field("case_id", &self.case_id).field("secret", &"<redacted>").finish()
    }
}

/// What a receipt unlocks.
pub struct ReceiptKeys {
    /// The normalized case id.
    pub case_id: String,
    /// Sent to the hub to follow up.
    pub token: Zeroizing<Vec<u8>>,
    /// Opens and seals replies.
    pub reply_key: Key32,
}

impl ReceiptKeys {
    /// SHA-256 of the token: what the hub stores.
    pub fn verifier(&self) -> Vec<u8> {
        digest(&SHA256, &self.token).as_ref().to_vec()
    }
}

/// Draws a new receipt.
pub fn generate() -> Result<Receipt, crate::crypto::CryptoError> {
    Ok(Receipt {
        case_id: format_case_id(crypto::random_bytes::<8>()?),
        secret: format_receipt_secret(crypto::random_bytes::<16>()?),
    })
}

/// Parses a typed receipt (`case id` and `secret`, any spacing) and derives
/// its keys; `None` if either part has the wrong shape.
pub fn derive(case_id: &str, secret: &str) -> Option<ReceiptKeys> {
    let case_id = normalize_code(case_id);
    let secret = Zeroizing::new(normalize_code(secret));
    if case_id.len() != CASE_ID_SYMBOLS
        || !case_id.bytes().all(|b| b.is_ascii_alphanumeric()) // bytes, not chars: the split below is at byte 5
        || secret.len() != RECEIPT_SECRET_DIGITS
        || !secret.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let canonical_case = format!("{}-{}", &case_id[..5], &case_id[5..]);
    let ikm = crypto::derive_salted(secret.as_bytes(), canonical_case.as_bytes());
    let token = crypto::derive_key(&ikm, labels::RECEIPT_AUTH);
    Some(ReceiptKeys {
        case_id: canonical_case,
        token: Zeroizing::new(token.expose().to_vec()),
        reply_key: crypto::derive_key(&ikm, labels::RECEIPT_REPLY),
    })
}

/// Keys for a receipt just generated.
pub fn keys_of(receipt: &Receipt) -> Option<ReceiptKeys> {
    derive(&receipt.case_id, &receipt.secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_typed_differently_derives_the_same_keys() {
        let receipt = generate().unwrap();
        let a = keys_of(&receipt).unwrap();
        let sloppy_case = receipt.case_id.to_lowercase().replace('-', " ");
        let sloppy_secret = receipt.secret.replace(' ', "-");
        let b = derive(&sloppy_case, &sloppy_secret).unwrap();
        assert_eq!(*a.token, *b.token);
        assert_eq!(a.reply_key.expose(), b.reply_key.expose());
        assert_ne!(&a.token[..], &a.reply_key.expose()[..]);
    }

    #[test]
    fn malformed_receipts_derive_nothing() {
        assert!(derive("K7Q2M-9XD4R", "1234").is_none());
        assert!(derive("K7Q2", "1234 5678 9012 3456 7890").is_none());
        assert!(derive("K7Q2M-9XD4R", "1234 5678 9012 3456 789a").is_none());
    }

    #[test]
    fn a_case_id_of_non_ascii_letters_derives_nothing_instead_of_panicking() {
        // Found by fuzz/fuzz_targets/enrol_codes.rs: ten bytes of two-byte
        // letters passed the length check and the split at byte 5 panicked.
        assert!(derive("ééééé", "1234 5678 9012 3456 7890").is_none());
        assert!(derive("K7Q2M-9XD4é", "1234 5678 9012 3456 7890").is_none());
    }

    #[test]
    fn receipts_never_print_their_secret() {
        let receipt = generate().unwrap();
        assert!(!format!("{receipt:?}").contains(&receipt.secret));
    }
}
