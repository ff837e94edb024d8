//! Delegations: the programme key lends one narrow power to another key.
//!
//! The programme's private key stays with its key holder, off the hub. The
//! hub still has to sign some things on the spot — a training certificate
//! is issued the moment a worker passes, and must verify away from the hub,
//! from a QR code. So the key holder signs, once, a [`Delegation`] naming the
//! hub's own certificate key and the one purpose it may be used for; every
//! certificate carries that signed delegation, and a device checks both
//! signatures against the programme key it pins.
//!
//! What it protects against: a hub (or anyone who copies its data) issuing
//! directories or packs — a delegation for certificates is useless for
//! those. What it does not: a hub that issues false certificates with the
//! delegated key; the key holder withdraws trust by no longer signing
//! delegations for that key (devices cannot learn of a withdrawal offline).

use ring::signature::{ED25519, UnparsedPublicKey};
use serde::{Deserialize, Serialize};

/// The one purpose delegations exist for today.
pub const PURPOSE_TRAINING_CERTIFICATES: &str = "training_certificates";

/// What the key holder signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delegation {
    /// The programme delegating ([`crate::content::programme_id`]).
    pub programme_id: String,
    /// What the delegated key may sign, e.g. [`PURPOSE_TRAINING_CERTIFICATES`].
    pub purpose: String,
    /// The delegated Ed25519 public key (32 bytes).
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub public_key: Vec<u8>,
    /// When the hub asked for it, unix seconds.
    pub issued_at: i64,
}

/// A delegation with the programme's signature over its exact bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedDelegation {
    /// The JSON of a [`Delegation`], as signed.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub body: Vec<u8>,
    /// Ed25519 over [`delegation_signing_input`]`(body)` by the programme key.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub signature: Vec<u8>,
}

/// The bytes the programme key signs for a delegation (domain-separated
/// from directories, manifests and certificates).
pub fn delegation_signing_input(body: &[u8]) -> Vec<u8> {
    let mut input = b"workervoice/delegation/v1\n".to_vec();
    input.extend_from_slice(body);
    input
}

/// The delegated public key, if `signed` verifies under `programme_key`,
/// belongs to that programme and is for `purpose`.
pub fn verify_delegation(signed: &SignedDelegation, programme_key: &[u8], purpose: &str) -> Option<Vec<u8>> {
    UnparsedPublicKey::new(&ED25519, programme_key)
        .verify(&delegation_signing_input(&signed.body), &signed.signature)
        .ok()?;
    let delegation: Delegation = serde_json::from_slice(&signed.body).ok()?;
    let ours = delegation.programme_id == crate::content::programme_id(programme_key);
    (ours && delegation.purpose == purpose && delegation.public_key.len() == 32).then_some(delegation.public_key)
}

#[cfg(test)]
mod tests {
    use ring::rand::SystemRandom;
    use ring::signature::{Ed25519KeyPair, KeyPair};

    use super::*;

    fn key() -> Ed25519KeyPair {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
        Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap()
    }

    fn delegate(programme: &Ed25519KeyPair, purpose: &str, delegated: &[u8]) -> SignedDelegation {
        let body = serde_json::to_vec(&Delegation {
            programme_id: crate::content::programme_id(programme.public_key().as_ref()),
            purpose: purpose.into(),
            public_key: delegated.to_vec(),
            issued_at: 1,
        })
        .unwrap();
        SignedDelegation { signature: programme.sign(&delegation_signing_input(&body)).as_ref().to_vec(), body }
    }

    #[test]
    fn a_delegation_verifies_only_for_its_programme_and_purpose() {
        let programme = key();
        let hub = key();
        let signed = delegate(&programme, PURPOSE_TRAINING_CERTIFICATES, hub.public_key().as_ref());
        let public = programme.public_key().as_ref();
        assert_eq!(
            verify_delegation(&signed, public, PURPOSE_TRAINING_CERTIFICATES).as_deref(),
            Some(hub.public_key().as_ref())
        );
        assert_eq!(verify_delegation(&signed, public, "directories"), None);
        assert_eq!(verify_delegation(&signed, key().public_key().as_ref(), PURPOSE_TRAINING_CERTIFICATES), None);
        let self_signed = delegate(&hub, PURPOSE_TRAINING_CERTIFICATES, hub.public_key().as_ref());
        assert_eq!(verify_delegation(&self_signed, public, PURPOSE_TRAINING_CERTIFICATES), None);
    }
}
