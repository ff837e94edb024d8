//! One-time anonymous survey tokens: a verifiable oblivious PRF (RFC 9497,
//! VOPRF mode, ciphersuite ristretto255-SHA512).
//!
//! A worker's device draws a random token input, [`blind`]s it and sends the
//! blinded element to the hub; the hub evaluates it with the survey's secret
//! key ([`SecretKey::blind_evaluate`]) and returns a proof that it used the key
//! whose public key the programme signed into the survey definition; the
//! device checks that proof and unblinds ([`finalize`]). Later it presents
//! `(input, output)` with its anonymous response, and the hub checks it
//! ([`SecretKey::verify_token`]) and records the input as spent.
//!
//! What this protects against:
//! - linking a response to its issuance: the hub sees a uniformly random
//!   group element when it issues and `(input, output)` when it redeems, and
//!   nothing ties the two (the blind is never sent);
//! - the hub tagging workers: [`finalize`] refuses an evaluation unless the
//!   DLEQ proof shows it was made with the published key, so a key of the
//!   hub's own per worker (or per group of workers) is detected, not trusted;
//! - forged tokens: without the secret key nobody can compute the output for
//!   an input the hub did not evaluate (one-more Gap Diffie-Hellman), and the
//!   hub compares outputs in constant time.
//!
//! What it does not protect against:
//! - the hub knowing *who* asked for a token and when: issuance is meant to be
//!   authenticated (one token per worker per survey), so timing, network
//!   metadata and the answers themselves can still single someone out;
//! - a public key that is not the programme's: the device must take it from
//!   the signed survey definition, never from the hub's reply;
//! - double spending: the hub must record spent inputs, and the device must
//!   draw a fresh random input (32 bytes or more) for every token;
//! - a hub that refuses to issue or to accept tokens, and quantum computers.

use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::IsIdentity;
use ring::digest::{Context, SHA512};
use ring::rand::{SecureRandom, SystemRandom};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Bytes of an encoded group element (blinded and evaluated elements, public keys).
pub const ELEMENT_LEN: usize = 32;
/// Bytes of an encoded scalar (secret keys).
pub const SCALAR_LEN: usize = 32;
/// Bytes of a DLEQ proof: the challenge and the response scalars.
pub const PROOF_LEN: usize = 2 * SCALAR_LEN;
/// Bytes of a token output (SHA-512).
pub const OUTPUT_LEN: usize = 64;
/// Longest token input (and `DeriveKeyPair` info): the RFC prefixes them with
/// a two-byte length.
pub const MAX_INPUT_LEN: usize = u16::MAX as usize;

/// The RFC's domain separation strings: `contextString` is
/// `"OPRFV1-" || I2OSP(0x01, 1) || "-" || "ristretto255-SHA512"`, mode 0x01 being VOPRF.
macro_rules! with_context {
    ($prefix:literal) => {
        concat!($prefix, "OPRFV1-\x01-ristretto255-SHA512").as_bytes()
    };
    ($prefix:literal, partial) => {
        concat!($prefix, "OPRFV1-\x02-ristretto255-SHA512").as_bytes()
    };
}
const DST_DERIVE_KEY_PAIR: &[u8] = with_context!("DeriveKeyPair");
// expand_message_xmd appends the DST's length as one byte.
const _: () = assert!(DST_DERIVE_KEY_PAIR.len() <= 255);

/// The domain separation strings of one mode: VOPRF (0x01) for tokens that
/// carry nothing public, POPRF (0x02) for tokens bound to a public `info`
/// (RFC 9497 §3.3.3) — the factory of a survey answer.
struct Mode {
    hash_to_group: &'static [u8],
    hash_to_scalar: &'static [u8],
    seed: &'static [u8],
}

const VERIFIABLE: Mode = Mode {
    hash_to_group: with_context!("HashToGroup-"),
    hash_to_scalar: with_context!("HashToScalar-"),
    seed: with_context!("Seed-"),
};
const PARTIAL: Mode = Mode {
    hash_to_group: with_context!("HashToGroup-", partial),
    hash_to_scalar: with_context!("HashToScalar-", partial),
    seed: with_context!("Seed-", partial),
};
const _: () = assert!(VERIFIABLE.hash_to_group.len() <= 255 && VERIFIABLE.hash_to_scalar.len() <= 255);
const _: () = assert!(PARTIAL.hash_to_group.len() <= 255 && PARTIAL.hash_to_scalar.len() <= 255);

/// `I2OSP(len, 2)` of the fixed-length values in the transcripts.
const ELEMENT_LEN_PREFIX: [u8; 2] = (ELEMENT_LEN as u16).to_be_bytes();
const SEED_LEN_PREFIX: [u8; 2] = (OUTPUT_LEN as u16).to_be_bytes();

/// Why a token could not be issued, finalized or checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OprfError {
    /// Bytes that are not a valid ristretto255 element, or are the identity
    /// (which would reveal or fix the result).
    #[error("not a valid group element")]
    InvalidElement,
    /// Bytes that are not a canonical scalar (or a zero secret key).
    #[error("not a valid scalar")]
    InvalidScalar,
    /// The evaluation was not made with the published key.
    #[error("the evaluation proof does not verify")]
    ProofInvalid,
    /// Token input (or key info) longer than [`MAX_INPUT_LEN`].
    #[error("input longer than 65535 bytes")]
    InputTooLong,
    /// The system random source failed.
    #[error("the random source failed")]
    Random,
    /// `DeriveKeyPair` found no non-zero scalar in 256 tries (never happens
    /// with SHA-512; here so that it is an error, not a panic).
    #[error("key derivation failed")]
    KeyDerivation,
}

// ---------------------------------------------------------------------------
// Client (device)

/// What the device keeps between [`blind`] and [`finalize`]: the blind, which
/// must stay secret (it is all that unlinks the token from its issuance), the
/// input, and for a token bound to public info (POPRF) that info. Zeroized on drop.
pub struct BlindState {
    blind: Zeroizing<Scalar>,
    input: Zeroizing<Vec<u8>>,
    blinded: RistrettoPoint,
    /// `Some(info)` for a POPRF token bound to `info`; `None` for VOPRF.
    info: Option<Vec<u8>>,
}

impl std::fmt::Debug for BlindState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlindState").finish_non_exhaustive()
    }
}

/// Blinds a token input with a fresh random scalar: returns the state to keep
/// and the blinded element to send to the hub.
pub fn blind(input: &[u8]) -> Result<(BlindState, [u8; ELEMENT_LEN]), OprfError> {
    blind_with(input, random_scalar()?, None)
}

/// A fresh random blind, to keep (secret) until [`BlindState::restore`]
/// finishes the token: a device stores it before asking the hub, so a
/// lost reply can be asked again with the same blinded element.
pub fn random_blind() -> Result<Zeroizing<[u8; SCALAR_LEN]>, OprfError> {
    Ok(Zeroizing::new(random_scalar()?.to_bytes()))
}

impl BlindState {
    /// The state for `input` blinded with a stored `blind` (from
    /// [`random_blind`]), and the blinded element to send.
    pub fn restore(input: &[u8], blind: &[u8]) -> Result<(Self, [u8; ELEMENT_LEN]), OprfError> {
        blind_with(input, decode_blind(blind)?, None)
    }

    /// [`BlindState::restore`] for a token bound to the public `info` (RFC
    /// 9497 POPRF mode): the hub evaluates it with a key tweaked by `info`,
    /// so the token is a token only together with that info — a survey
    /// answer's factory, which the answer then cannot change.
    pub fn restore_bound(input: &[u8], info: &[u8], blind: &[u8]) -> Result<(Self, [u8; ELEMENT_LEN]), OprfError> {
        check_input_len(info)?;
        blind_with(input, decode_blind(blind)?, Some(info.to_vec()))
    }
}

/// A stored blind: a canonical, non-zero scalar.
fn decode_blind(blind: &[u8]) -> Result<Zeroizing<Scalar>, OprfError> {
    let bytes: [u8; SCALAR_LEN] = blind.try_into().map_err(|_| OprfError::InvalidScalar)?;
    let scalar = Option::<Scalar>::from(Scalar::from_canonical_bytes(bytes)).ok_or(OprfError::InvalidScalar)?;
    if scalar == Scalar::ZERO {
        return Err(OprfError::InvalidScalar);
    }
    Ok(Zeroizing::new(scalar))
}

/// [`blind`] with a given blind (the RFC test vectors fix it).
fn blind_with(
    input: &[u8],
    blind: Zeroizing<Scalar>,
    info: Option<Vec<u8>>,
) -> Result<(BlindState, [u8; ELEMENT_LEN]), OprfError> {
    check_input_len(input)?;
    let mode = if info.is_some() { &PARTIAL } else { &VERIFIABLE };
    let blinded = *blind * hash_to_group(input, mode)?;
    let blinded_bytes = blinded.compress().to_bytes();
    Ok((BlindState { blind, input: Zeroizing::new(input.to_vec()), blinded, info }, blinded_bytes))
}

/// Checks the hub's proof that `evaluated` is the blinded element raised to
/// the secret key of `public_key` (taken from the signed survey definition;
/// for a bound token, that key tweaked by the state's info), then unblinds it
/// into the token output.
///
/// Fails with [`OprfError::ProofInvalid`] if the hub used any other key, and
/// with [`OprfError::InvalidElement`] / [`OprfError::InvalidScalar`] if the
/// bytes do not decode.
pub fn finalize(
    state: BlindState,
    evaluated: &[u8],
    proof: &[u8],
    public_key: &[u8],
) -> Result<[u8; OUTPUT_LEN], OprfError> {
    let public_key = decode_element(public_key)?;
    let evaluated_point = decode_element(evaluated)?;
    let (c, s) = decode_proof(proof)?;
    let inverse = Zeroizing::new(state.blind.invert());
    match &state.info {
        None => {
            // log_G(pk) == log_blinded(evaluated)
            verify_proof(&VERIFIABLE, &public_key, &state.blinded, &evaluated_point, &c, &s)?;
            finalize_hash(&state.input, None, &(*inverse * evaluated_point))
        }
        Some(info) => {
            // POPRF: the tweaked key T = pk + m·G, and log_G(T) == log_evaluated(blinded).
            let tweaked = public_key + RistrettoPoint::mul_base(&info_scalar(info)?);
            if tweaked.is_identity() {
                return Err(OprfError::InvalidElement);
            }
            verify_proof(&PARTIAL, &tweaked, &evaluated_point, &state.blinded, &c, &s)?;
            finalize_hash(&state.input, Some(info), &(*inverse * evaluated_point))
        }
    }
}

// ---------------------------------------------------------------------------
// Server (hub)

/// A survey's OPRF secret key, held by the hub. Zeroized on drop; its
/// `Debug` shows no bytes.
pub struct SecretKey {
    scalar: Zeroizing<Scalar>,
    public_bytes: [u8; ELEMENT_LEN],
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretKey").finish_non_exhaustive()
    }
}

impl SecretKey {
    /// Draws a new random key.
    pub fn generate() -> Result<Self, OprfError> {
        Ok(Self::from_scalar(random_scalar()?))
    }

    /// Derives a key from a 32-byte seed and an info string (RFC 9497
    /// §3.2.1 `DeriveKeyPair`, VOPRF context); the same seed and info give
    /// the same key. The same key serves bound tokens (POPRF).
    pub fn derive(seed: &[u8; SCALAR_LEN], info: &[u8]) -> Result<Self, OprfError> {
        let info_len = check_input_len(info)?;
        for counter in 0..=u8::MAX {
            let scalar = Zeroizing::new(hash_to_scalar(&[seed, &info_len, info, &[counter]], DST_DERIVE_KEY_PAIR));
            if *scalar != Scalar::ZERO {
                return Ok(Self::from_scalar(scalar));
            }
        }
        Err(OprfError::KeyDerivation)
    }

    /// Reads a key stored with [`SecretKey::to_bytes`]: a canonical, non-zero
    /// scalar (RFC 9497 `SerializeScalar`, little-endian).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, OprfError> {
        let scalar = Zeroizing::new(decode_scalar(bytes)?);
        if *scalar == Scalar::ZERO {
            return Err(OprfError::InvalidScalar);
        }
        Ok(Self::from_scalar(scalar))
    }

    /// The key's bytes, for the hub to store (wrapped) with the survey.
    pub fn to_bytes(&self) -> Zeroizing<[u8; SCALAR_LEN]> {
        Zeroizing::new(self.scalar.to_bytes())
    }

    /// The public key to publish in the signed survey definition.
    pub fn public_key(&self) -> [u8; ELEMENT_LEN] {
        self.public_bytes
    }

    /// Evaluates a device's blinded element and proves (DLEQ) that it used
    /// this key: returns the evaluated element and the proof.
    pub fn blind_evaluate(&self, blinded: &[u8]) -> Result<([u8; ELEMENT_LEN], [u8; PROOF_LEN]), OprfError> {
        self.blind_evaluate_with(blinded, random_scalar()?)
    }

    /// [`SecretKey::blind_evaluate`] with given proof randomness (the RFC test
    /// vectors fix it).
    fn blind_evaluate_with(
        &self,
        blinded: &[u8],
        r: Zeroizing<Scalar>,
    ) -> Result<([u8; ELEMENT_LEN], [u8; PROOF_LEN]), OprfError> {
        let blinded_point = decode_element(blinded)?;
        let evaluated = *self.scalar * blinded_point;
        let proof = generate_proof(&VERIFIABLE, &self.scalar, &self.public_bytes, &blinded_point, &evaluated, &r);
        Ok((evaluated.compress().to_bytes(), proof))
    }

    /// Evaluates a device's blinded element bound to the public `info` (RFC
    /// 9497 POPRF `BlindEvaluate`: the key tweaked to `t = k + m`, the
    /// element raised to `1/t`) and proves it used the published key so
    /// tweaked. A token so made verifies only with the same `info`
    /// ([`SecretKey::evaluate_bound`]).
    pub fn blind_evaluate_bound(
        &self,
        blinded: &[u8],
        info: &[u8],
    ) -> Result<([u8; ELEMENT_LEN], [u8; PROOF_LEN]), OprfError> {
        self.blind_evaluate_bound_with(blinded, info, random_scalar()?)
    }

    fn blind_evaluate_bound_with(
        &self,
        blinded: &[u8],
        info: &[u8],
        r: Zeroizing<Scalar>,
    ) -> Result<([u8; ELEMENT_LEN], [u8; PROOF_LEN]), OprfError> {
        let blinded_point = decode_element(blinded)?;
        let tweaked = self.tweaked(info)?;
        let evaluated = *Zeroizing::new(tweaked.invert()) * blinded_point;
        let tweaked_public = RistrettoPoint::mul_base(&tweaked).compress().to_bytes();
        // GenerateProof(t, G, T, [evaluated], [blinded]): C and D swap places
        // against VOPRF, since blinded = t·evaluated.
        let proof = generate_proof(&PARTIAL, &tweaked, &tweaked_public, &evaluated, &blinded_point, &r);
        Ok((evaluated.compress().to_bytes(), proof))
    }

    /// The token output for `input`, computed directly with the key (RFC
    /// 9497 `Evaluate`): what a device's [`finalize`] returns for it.
    pub fn evaluate(&self, input: &[u8]) -> Result<[u8; OUTPUT_LEN], OprfError> {
        check_input_len(input)?; // before hashing all of an oversized input
        finalize_hash(input, None, &(*self.scalar * hash_to_group(input, &VERIFIABLE)?))
    }

    /// The output of a token bound to `info` (POPRF `Evaluate`).
    pub fn evaluate_bound(&self, input: &[u8], info: &[u8]) -> Result<[u8; OUTPUT_LEN], OprfError> {
        check_input_len(input)?;
        let tweaked = self.tweaked(info)?;
        let inverse = Zeroizing::new(tweaked.invert());
        finalize_hash(input, Some(info), &(*inverse * hash_to_group(input, &PARTIAL)?))
    }

    /// Whether `output` is the token output for `input` under this key,
    /// compared in constant time. Recording the input as spent is the caller's job.
    pub fn verify_token(&self, input: &[u8], output: &[u8]) -> bool {
        match self.evaluate(input) {
            Ok(expected) => bool::from(expected.as_slice().ct_eq(output)),
            Err(_) => false,
        }
    }

    /// `t = k + HashToScalar("Info" || len || info)`, refused if zero (the
    /// RFC's `InverseError`: it would need someone to know the key).
    fn tweaked(&self, info: &[u8]) -> Result<Zeroizing<Scalar>, OprfError> {
        let tweaked = Zeroizing::new(*self.scalar + info_scalar(info)?);
        if *tweaked == Scalar::ZERO { Err(OprfError::InvalidScalar) } else { Ok(tweaked) }
    }

    fn from_scalar(scalar: Zeroizing<Scalar>) -> Self {
        Self { public_bytes: RistrettoPoint::mul_base(&scalar).compress().to_bytes(), scalar }
    }
}

/// POPRF's `m = HashToScalar("Info" || I2OSP(len(info), 2) || info)`.
fn info_scalar(info: &[u8]) -> Result<Scalar, OprfError> {
    let info_len = check_input_len(info)?;
    Ok(hash_to_scalar(&[b"Info", &info_len, info], PARTIAL.hash_to_scalar))
}

// ---------------------------------------------------------------------------
// The proof (RFC 9497 §2.2)

/// `GenerateProof(k, G, B, [C], [D])` with `ComputeCompositesFast` (the
/// server knows `k`, so `Z = k·M`), where `B = k·G` and `D = k·C`.
fn generate_proof(
    mode: &Mode,
    k: &Scalar,
    b: &[u8; ELEMENT_LEN],
    c: &RistrettoPoint,
    d: &RistrettoPoint,
    r: &Scalar,
) -> [u8; PROOF_LEN] {
    let weight = composite_weight(mode, b, &c.compress(), d.compress().as_bytes());
    let m = weight * c;
    let z = k * m;
    let t2 = RistrettoPoint::mul_base(r);
    let t3 = r * m;
    let challenge = challenge(mode, b, &m, &z, &t2, &t3);
    let s = r - challenge * k;
    let mut proof = [0u8; PROOF_LEN];
    proof[..SCALAR_LEN].copy_from_slice(challenge.as_bytes());
    proof[SCALAR_LEN..].copy_from_slice(s.as_bytes());
    proof
}

/// Checks a DLEQ proof `(c, s)` that `log_G(B) == log_C(D)` for one element
/// pair (`VerifyProof` with `ComputeComposites`).
fn verify_proof(
    mode: &Mode,
    b: &RistrettoPoint,
    c_point: &RistrettoPoint,
    d_point: &RistrettoPoint,
    c: &Scalar,
    s: &Scalar,
) -> Result<(), OprfError> {
    let b_bytes = b.compress().to_bytes();
    let weight = composite_weight(mode, &b_bytes, &c_point.compress(), d_point.compress().as_bytes());
    let m = weight * c_point;
    let z = weight * d_point;
    // Everything here is public, so variable time is fine.
    let t2 = RistrettoPoint::vartime_double_scalar_mul_basepoint(c, b, s);
    let t3 = s * m + c * z;
    if challenge(mode, &b_bytes, &m, &z, &t2, &t3) == *c { Ok(()) } else { Err(OprfError::ProofInvalid) }
}

/// The weight `d_0` of `ComputeComposites` for a batch of one pair `(C, D)`.
fn composite_weight(mode: &Mode, b: &[u8; ELEMENT_LEN], c: &CompressedRistretto, d: &[u8]) -> Scalar {
    let seed_dst_len = (mode.seed.len() as u16).to_be_bytes();
    let seed = sha512(&[&ELEMENT_LEN_PREFIX, b, &seed_dst_len, mode.seed]);
    hash_to_scalar(
        &[
            &SEED_LEN_PREFIX,
            &seed,
            &0u16.to_be_bytes(),
            &ELEMENT_LEN_PREFIX,
            c.as_bytes(),
            &ELEMENT_LEN_PREFIX,
            d,
            b"Composite",
        ],
        mode.hash_to_scalar,
    )
}

/// The Fiat-Shamir challenge of `GenerateProof` / `VerifyProof`.
fn challenge(
    mode: &Mode,
    b: &[u8; ELEMENT_LEN],
    m: &RistrettoPoint,
    z: &RistrettoPoint,
    t2: &RistrettoPoint,
    t3: &RistrettoPoint,
) -> Scalar {
    let [m, z, t2, t3] = [m, z, t2, t3].map(|point| point.compress().to_bytes());
    hash_to_scalar(
        &[
            &ELEMENT_LEN_PREFIX,
            b,
            &ELEMENT_LEN_PREFIX,
            &m,
            &ELEMENT_LEN_PREFIX,
            &z,
            &ELEMENT_LEN_PREFIX,
            &t2,
            &ELEMENT_LEN_PREFIX,
            &t3,
            b"Challenge",
        ],
        mode.hash_to_scalar,
    )
}

// ---------------------------------------------------------------------------
// The ciphersuite (RFC 9497 §4.1) and encodings (§2.1)

/// `Hash(I2OSP(len(input), 2) || input || I2OSP(len(element), 2) || element || "Finalize")`,
/// with `I2OSP(len(info), 2) || info` after the input for a bound token (POPRF).
fn finalize_hash(input: &[u8], info: Option<&[u8]>, element: &RistrettoPoint) -> Result<[u8; OUTPUT_LEN], OprfError> {
    let input_len = check_input_len(input)?;
    let element = element.compress();
    match info {
        None => Ok(sha512(&[&input_len, input, &ELEMENT_LEN_PREFIX, element.as_bytes(), b"Finalize"])),
        Some(info) => {
            let info_len = check_input_len(info)?;
            Ok(sha512(&[&input_len, input, &info_len, info, &ELEMENT_LEN_PREFIX, element.as_bytes(), b"Finalize"]))
        }
    }
}

/// `HashToGroup`: ristretto255's one-way map of 64 uniform bytes. The
/// identity is refused (the RFC's `InvalidInputError`; it has negligible odds).
fn hash_to_group(input: &[u8], mode: &Mode) -> Result<RistrettoPoint, OprfError> {
    let point = RistrettoPoint::from_uniform_bytes(&expand_message_xmd(&[input], mode.hash_to_group));
    if point.is_identity() { Err(OprfError::InvalidElement) } else { Ok(point) }
}

/// `HashToScalar`: 64 uniform bytes reduced modulo the group order.
fn hash_to_scalar(message: &[&[u8]], dst: &[u8]) -> Scalar {
    Scalar::from_bytes_mod_order_wide(&expand_message_xmd(message, dst))
}

/// `expand_message_xmd` (RFC 9380 §5.3.1) with SHA-512 for 64 bytes: one
/// output block, so `b_1` alone. `message` is hashed as its parts concatenated.
fn expand_message_xmd(message: &[&[u8]], dst: &[u8]) -> [u8; OUTPUT_LEN] {
    // The DSTs are constants checked to be at most 255 bytes.
    let dst_len = [dst.len() as u8];
    let mut b0 = Context::new(&SHA512);
    b0.update(&[0u8; 128]); // Z_pad: one SHA-512 input block.
    for part in message {
        b0.update(part);
    }
    b0.update(&(OUTPUT_LEN as u16).to_be_bytes());
    b0.update(&[0]);
    b0.update(dst);
    b0.update(&dst_len);
    let b0 = b0.finish();
    sha512(&[b0.as_ref(), &[1], dst, &dst_len])
}

fn sha512(parts: &[&[u8]]) -> [u8; OUTPUT_LEN] {
    let mut context = Context::new(&SHA512);
    for part in parts {
        context.update(part);
    }
    let mut out = [0u8; OUTPUT_LEN];
    out.copy_from_slice(context.finish().as_ref());
    out
}

/// `RandomScalar`: 64 bytes from the system reduced modulo the group order
/// (bias below 2^-250). Zero means the random source is broken.
fn random_scalar() -> Result<Zeroizing<Scalar>, OprfError> {
    let mut bytes = Zeroizing::new([0u8; 64]);
    SystemRandom::new().fill(bytes.as_mut()).map_err(|_| OprfError::Random)?;
    let scalar = Zeroizing::new(Scalar::from_bytes_mod_order_wide(&bytes));
    if *scalar == Scalar::ZERO { Err(OprfError::Random) } else { Ok(scalar) }
}

/// `DeserializeElement`: a canonical ristretto255 encoding that is not the identity.
fn decode_element(bytes: &[u8]) -> Result<RistrettoPoint, OprfError> {
    let point = CompressedRistretto::from_slice(bytes)
        .ok()
        .and_then(|compressed| compressed.decompress())
        .ok_or(OprfError::InvalidElement)?;
    if point.is_identity() { Err(OprfError::InvalidElement) } else { Ok(point) }
}

/// `DeserializeScalar`: 32 little-endian bytes of a scalar below the group order.
fn decode_scalar(bytes: &[u8]) -> Result<Scalar, OprfError> {
    let bytes: [u8; SCALAR_LEN] = bytes.try_into().map_err(|_| OprfError::InvalidScalar)?;
    Option::from(Scalar::from_canonical_bytes(bytes)).ok_or(OprfError::InvalidScalar)
}

/// A proof's two scalars `(c, s)`.
fn decode_proof(bytes: &[u8]) -> Result<(Scalar, Scalar), OprfError> {
    if bytes.len() != PROOF_LEN {
        return Err(OprfError::InvalidScalar);
    }
    let (c, s) = bytes.split_at(SCALAR_LEN);
    Ok((decode_scalar(c)?, decode_scalar(s)?))
}

/// `I2OSP(len(input), 2)`, or [`OprfError::InputTooLong`].
fn check_input_len(input: &[u8]) -> Result<[u8; 2], OprfError> {
    u16::try_from(input.len()).map(u16::to_be_bytes).map_err(|_| OprfError::InputTooLong)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9497 Appendix A.1.2, VOPRF mode, ristretto255-SHA512.
    const SEED: &str = "a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3";
    const KEY_INFO: &str = "74657374206b6579";
    const SK: &str = "e6f73f344b79b379f1a0dd37e07ff62e38d9f71345ce62ae3a9bc60b04ccd909";
    const PK: &str = "c803e2cc6b05fc15064549b5920659ca4a77b2cca6f04f6b357009335476ad4e";
    const BLIND: &str = "64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706";
    const PROOF_RANDOM: &str = "222a5e897cf59db8145db8d16e597e8facb80ae7d4e26d9881aa6f61d645fc0e";

    struct Vector {
        input: &'static str,
        blinded: &'static str,
        evaluated: &'static str,
        proof: &'static str,
        output: &'static str,
    }

    const VECTORS: [Vector; 2] = [
        Vector {
            input: "00",
            blinded: "863f330cc1a1259ed5a5998a23acfd37fb4351a793a5b3c090b642ddc439b945",
            evaluated: "aa8fa048764d5623868679402ff6108d2521884fa138cd7f9c7669a9a014267e",
            proof: "ddef93772692e535d1a53903db24367355cc2cc78de93b3be5a8ffcc6985dd06\
                    6d4346421d17bf5117a2a1ff0fcb2a759f58a539dfbe857a40bce4cf49ec600d",
            output: "b58cfbe118e0cb94d79b5fd6a6dafb98764dff49c14e1770b566e42402da1a7d\
                     a4d8527693914139caee5bd03903af43a491351d23b430948dd50cde10d32b3c",
        },
        Vector {
            input: "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a",
            blinded: "cc0b2a350101881d8a4cba4c80241d74fb7dcbfde4a61fde2f91443c2bf9ef0c",
            evaluated: "60a59a57208d48aca71e9e850d22674b611f752bed48b36f7a91b372bd7ad468",
            proof: "401a0da6264f8cf45bb2f5264bc31e109155600babb3cd4e5af7d181a2c9dc0a\
                    67154fabf031fd936051dec80b0b6ae29c9503493dde7393b722eafdf5a50b02",
            output: "8a9a2f3c7f085b65933594309041fc1898d42d0858e59f90814ae90571a6df60\
                     356f4610bf816f27afdd84f47719e480906d27ecd994985890e5f539e7ea74b6",
        },
    ];

    fn bytes(hex: &str) -> Vec<u8> {
        hex::decode(hex.replace(' ', "")).unwrap()
    }

    fn scalar(hex: &str) -> Zeroizing<Scalar> {
        Zeroizing::new(decode_scalar(&bytes(hex)).unwrap())
    }

    fn rfc_key() -> SecretKey {
        SecretKey::derive(&bytes(SEED).try_into().unwrap(), &bytes(KEY_INFO)).unwrap()
    }

    /// Blinds, evaluates and finalizes `input` with `key`, checking against `public_key`.
    fn issue(key: &SecretKey, input: &[u8], public_key: &[u8]) -> Result<[u8; OUTPUT_LEN], OprfError> {
        let (state, blinded) = blind(input)?;
        let (evaluated, proof) = key.blind_evaluate(&blinded)?;
        finalize(state, &evaluated, &proof, public_key)
    }

    #[test]
    fn derive_key_pair_matches_the_rfc() {
        let key = rfc_key();
        assert_eq!(key.to_bytes().to_vec(), bytes(SK));
        assert_eq!(key.public_key().to_vec(), bytes(PK));
    }

    #[test]
    fn rfc_9497_voprf_vectors_pass_byte_for_byte() {
        let key = rfc_key();
        for vector in &VECTORS {
            let input = bytes(vector.input);
            let (state, blinded) = blind_with(&input, scalar(BLIND), None).unwrap();
            assert_eq!(blinded.to_vec(), bytes(vector.blinded));

            let (evaluated, proof) = key.blind_evaluate_with(&blinded, scalar(PROOF_RANDOM)).unwrap();
            assert_eq!(evaluated.to_vec(), bytes(vector.evaluated));
            assert_eq!(proof.to_vec(), bytes(vector.proof));

            let output = finalize(state, &evaluated, &proof, &key.public_key()).unwrap();
            assert_eq!(output.to_vec(), bytes(vector.output));
            assert_eq!(key.evaluate(&input).unwrap(), output);
        }
    }

    /// RFC 9497 Appendix A.1.3, POPRF mode, ristretto255-SHA512, test vector 1.
    #[test]
    fn rfc_9497_poprf_vector_passes_byte_for_byte() {
        let key =
            SecretKey::from_bytes(&bytes("145c79c108538421ac164ecbe131942136d5570b16d8bf41a24d4337da981e07")).unwrap();
        assert_eq!(
            key.public_key().to_vec(),
            bytes("c647bef38497bc6ec077c22af65b696efa43bff3b4a1975a3e8e0a1c5a79d631")
        );
        let info = bytes("7465737420696e666f");
        let input = bytes("00");
        let (state, blinded) = blind_with(&input, scalar(BLIND), Some(info.clone())).unwrap();
        assert_eq!(blinded.to_vec(), bytes("c8713aa89241d6989ac142f22dba30596db635c772cbf25021fdd8f3d461f715"));
        let (evaluated, proof) = key.blind_evaluate_bound_with(&blinded, &info, scalar(PROOF_RANDOM)).unwrap();
        assert_eq!(evaluated.to_vec(), bytes("1a4b860d808ff19624731e67b5eff20ceb2df3c3c03b906f5693e2078450d874"));
        assert_eq!(
            proof.to_vec(),
            bytes(
                "41ad1a291aa02c80b0915fbfbb0c0afa15a57e2970067a602ddb9e8fd6b7100d\
                 e32e1ecff943a36f0b10e3dae6bd266cdeb8adf825d86ef27dbc6c0e30c52206"
            )
        );
        let output = finalize(state, &evaluated, &proof, &key.public_key()).unwrap();
        assert_eq!(
            output.to_vec(),
            bytes(
                "ca688351e88afb1d841fde4401c79efebb2eb75e7998fa9737bd5a82a152406d\
                 38bd29f680504e54fd4587eddcf2f37a2617ac2fbd2993f7bdf45442ace7d221"
            )
        );
        assert_eq!(key.evaluate_bound(&input, &info).unwrap(), output);
    }

    #[test]
    fn a_bound_token_is_a_token_only_with_its_own_info() {
        let key = SecretKey::generate().unwrap();
        let input = [5u8; 32];
        let blind = random_blind().unwrap();
        let (state, blinded) = BlindState::restore_bound(&input, b"factory-a", blind.as_slice()).unwrap();
        let (evaluated, proof) = key.blind_evaluate_bound(&blinded, b"factory-a").unwrap();
        let output = finalize(state, &evaluated, &proof, &key.public_key()).unwrap();
        assert_eq!(key.evaluate_bound(&input, b"factory-a").unwrap(), output);
        assert_ne!(key.evaluate_bound(&input, b"factory-b").unwrap(), output, "another factory");
        assert_ne!(key.evaluate(&input).unwrap(), output, "an unbound token");
        assert!(!key.verify_token(&input, &output));

        // A hub that evaluates under another info (or unbound) fails the proof.
        let (state, blinded) = BlindState::restore_bound(&input, b"factory-a", blind.as_slice()).unwrap();
        let (evaluated, proof) = key.blind_evaluate_bound(&blinded, b"factory-b").unwrap();
        assert_eq!(finalize(state, &evaluated, &proof, &key.public_key()), Err(OprfError::ProofInvalid));
        let (state, blinded) = BlindState::restore_bound(&input, b"factory-a", blind.as_slice()).unwrap();
        let (evaluated, proof) = key.blind_evaluate(&blinded).unwrap();
        assert_eq!(finalize(state, &evaluated, &proof, &key.public_key()), Err(OprfError::ProofInvalid));
    }

    #[test]
    fn a_stored_blind_restores_the_same_blinded_element_and_bad_blinds_are_refused() {
        let key = rfc_key();
        let blind = random_blind().unwrap();
        let (first, blinded) = BlindState::restore(b"token", blind.as_slice()).unwrap();
        let (second, again) = BlindState::restore(b"token", blind.as_slice()).unwrap();
        assert_eq!(blinded, again, "a resend after a lost reply is the same request");
        let (evaluated, proof) = key.blind_evaluate(&blinded).unwrap();
        let output = finalize(first, &evaluated, &proof, &key.public_key()).unwrap();
        assert_eq!(finalize(second, &evaluated, &proof, &key.public_key()).unwrap(), output);
        assert!(key.verify_token(b"token", &output));
        assert_eq!(BlindState::restore(b"token", &[0u8; 32]).unwrap_err(), OprfError::InvalidScalar);
        assert_eq!(BlindState::restore(b"token", &[0xffu8; 32]).unwrap_err(), OprfError::InvalidScalar);
        assert_eq!(BlindState::restore(b"token", &[1u8; 31]).unwrap_err(), OprfError::InvalidScalar);
    }

    #[test]
    fn a_token_round_trips_and_the_hub_accepts_it_once_computed() {
        let key = SecretKey::generate().unwrap();
        let input = [7u8; 32];
        let output = issue(&key, &input, &key.public_key()).unwrap();
        assert_eq!(key.evaluate(&input).unwrap(), output);
        assert!(key.verify_token(&input, &output));
        assert!(!key.verify_token(&[8u8; 32], &output));
        let mut forged = output;
        forged[63] ^= 1;
        assert!(!key.verify_token(&input, &forged));
        assert!(!key.verify_token(&input, &output[..32]));
        assert!(!SecretKey::generate().unwrap().verify_token(&input, &output));
    }

    #[test]
    fn blinding_is_fresh_each_time() {
        let (_, first) = blind(b"same input").unwrap();
        let (_, second) = blind(b"same input").unwrap();
        assert_ne!(first, second);
    }

    #[test]
    fn an_evaluation_with_another_key_is_refused_even_with_a_valid_proof_for_that_key() {
        // The hub tags a worker with a key of its own: its proof is sound for
        // its own key but not for the one the programme published.
        let published = SecretKey::generate().unwrap();
        let tagging = SecretKey::generate().unwrap();
        assert_eq!(issue(&tagging, b"token", &published.public_key()), Err(OprfError::ProofInvalid));

        // Nor can it pair the other key's evaluation with a proof from the published key.
        let (state, blinded) = blind(b"token").unwrap();
        let (tagged, _) = tagging.blind_evaluate(&blinded).unwrap();
        let (_, honest_proof) = published.blind_evaluate(&blinded).unwrap();
        assert_eq!(finalize(state, &tagged, &honest_proof, &published.public_key()), Err(OprfError::ProofInvalid));
    }

    #[test]
    fn a_tampered_evaluation_or_proof_is_refused() {
        let key = SecretKey::generate().unwrap();
        let (state, blinded) = blind(b"token").unwrap();
        let (evaluated, proof) = key.blind_evaluate(&blinded).unwrap();
        let state_for = |state: &BlindState| BlindState {
            blind: state.blind.clone(),
            input: state.input.clone(),
            blinded: state.blinded,
            info: state.info.clone(),
        };

        // Another valid element in place of the evaluation.
        let other = (RistrettoPoint::mul_base(&Scalar::from(3u8)) + decode_element(&evaluated).unwrap()).compress();
        let result = finalize(state_for(&state), other.as_bytes(), &proof, &key.public_key());
        assert_eq!(result, Err(OprfError::ProofInvalid));

        // Either scalar of the proof changed (and still canonical).
        for at in [0, SCALAR_LEN] {
            let mut tampered = proof;
            tampered[at] ^= 1;
            let result = finalize(state_for(&state), &evaluated, &tampered, &key.public_key());
            assert_eq!(result, Err(OprfError::ProofInvalid));
        }

        // The evaluation of someone else's blinded element, with its proof.
        let (_, stranger) = blind(b"token").unwrap();
        let (evaluated_other, proof_other) = key.blind_evaluate(&stranger).unwrap();
        let result = finalize(state_for(&state), &evaluated_other, &proof_other, &key.public_key());
        assert_eq!(result, Err(OprfError::ProofInvalid));

        assert!(finalize(state, &evaluated, &proof, &key.public_key()).is_ok());
    }

    #[test]
    fn identity_and_non_canonical_encodings_are_refused() {
        let key = SecretKey::generate().unwrap();
        let identity = [0u8; ELEMENT_LEN];
        // 2^255 - 1 is not a canonical field element, so not a ristretto encoding.
        let mut non_canonical = [0xffu8; ELEMENT_LEN];
        non_canonical[31] = 0x7f;
        // A valid encoding with its sign bit flipped: a negative field element.
        let mut negative = key.public_key();
        negative[0] |= 1;

        for bad in [&identity[..], &non_canonical, &negative, &[1u8; 31]] {
            assert_eq!(key.blind_evaluate(bad), Err(OprfError::InvalidElement));
            let (state, blinded) = blind(b"token").unwrap();
            let (evaluated, proof) = key.blind_evaluate(&blinded).unwrap();
            assert_eq!(finalize(state, bad, &proof, &key.public_key()), Err(OprfError::InvalidElement));
            let (state, _) = blind(b"token").unwrap();
            assert_eq!(finalize(state, &evaluated, &proof, bad), Err(OprfError::InvalidElement));
        }

        // The group order ℓ itself is not a canonical scalar, nor is a short proof.
        let order = bytes("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
        assert_eq!(SecretKey::from_bytes(&order).unwrap_err(), OprfError::InvalidScalar);
        assert_eq!(SecretKey::from_bytes(&[0u8; SCALAR_LEN]).unwrap_err(), OprfError::InvalidScalar);
        let (state, blinded) = blind(b"token").unwrap();
        let (evaluated, proof) = key.blind_evaluate(&blinded).unwrap();
        let mut bad_proof = proof;
        bad_proof[SCALAR_LEN..].copy_from_slice(&order);
        assert_eq!(finalize(state, &evaluated, &bad_proof, &key.public_key()), Err(OprfError::InvalidScalar));
        let (state, _) = blind(b"token").unwrap();
        assert_eq!(finalize(state, &evaluated, &proof[..63], &key.public_key()), Err(OprfError::InvalidScalar));
    }

    #[test]
    fn a_stored_key_reads_back_as_the_same_key() {
        let key = SecretKey::generate().unwrap();
        let again = SecretKey::from_bytes(key.to_bytes().as_ref()).unwrap();
        assert_eq!(again.public_key(), key.public_key());
        assert_eq!(again.evaluate(b"x").unwrap(), key.evaluate(b"x").unwrap());
    }

    #[test]
    fn inputs_longer_than_65535_bytes_are_refused() {
        let key = SecretKey::generate().unwrap();
        let long = vec![0u8; MAX_INPUT_LEN + 1];
        assert_eq!(blind(&long).unwrap_err(), OprfError::InputTooLong);
        assert_eq!(key.evaluate(&long), Err(OprfError::InputTooLong));
        assert!(!key.verify_token(&long, &[0u8; OUTPUT_LEN]));
        assert_eq!(SecretKey::derive(&[0u8; 32], &long).unwrap_err(), OprfError::InputTooLong);
        assert!(blind(&long[1..]).is_ok());
    }

    #[test]
    fn debug_shows_no_key_or_blind_bytes() {
        let key = SecretKey::from_bytes(&bytes(SK)).unwrap();
        assert_eq!(format!("{key:?}"), "SecretKey { .. }");
        let (state, _) = blind_with(b"x", scalar(BLIND), None).unwrap();
        assert_eq!(format!("{state:?}"), "BlindState { .. }");
    }

    /// Cross-checks against the `voprf` crate (facebook/voprf), both ways.
    mod interop {
        use super::*;
        use rand_core::OsRng;
        use voprf::{BlindedElement, EvaluationElement, Group, Proof, Ristretto255, VoprfClient, VoprfServer};

        #[test]
        fn their_client_accepts_our_hub() {
            let key = SecretKey::generate().unwrap();
            let input = b"a survey token";
            let theirs = VoprfClient::<Ristretto255>::blind(input, &mut OsRng).unwrap();
            let (evaluated, proof) = key.blind_evaluate(&theirs.message.serialize()).unwrap();
            let public_key = Ristretto255::deserialize_elem(&key.public_key()).unwrap();
            let output = theirs
                .state
                .finalize(
                    input,
                    &EvaluationElement::deserialize(&evaluated).unwrap(),
                    &Proof::deserialize(&proof).unwrap(),
                    public_key,
                )
                .unwrap();
            assert_eq!(output[..], key.evaluate(input).unwrap());
        }

        #[test]
        fn our_client_accepts_their_hub_and_refuses_it_under_another_key() {
            let server = VoprfServer::<Ristretto255>::new(&mut OsRng).unwrap();
            let public_key = Ristretto255::serialize_elem(server.get_public_key());
            let input = b"a survey token";

            let (state, blinded) = blind(input).unwrap();
            let result = server.blind_evaluate(&mut OsRng, &BlindedElement::deserialize(&blinded).unwrap());
            let output = finalize(state, &result.message.serialize(), &result.proof.serialize(), &public_key).unwrap();
            assert_eq!(output[..], server.evaluate(input).unwrap()[..]);

            let (state, blinded) = blind(input).unwrap();
            let result = server.blind_evaluate(&mut OsRng, &BlindedElement::deserialize(&blinded).unwrap());
            let elsewhere = SecretKey::generate().unwrap().public_key();
            let refused = finalize(state, &result.message.serialize(), &result.proof.serialize(), &elsewhere);
            assert_eq!(refused, Err(OprfError::ProofInvalid));
        }

        #[test]
        fn their_poprf_client_accepts_our_bound_evaluation() {
            use voprf::PoprfClient;
            let key = SecretKey::generate().unwrap();
            let input = b"a survey token";
            let info = b"factory-7";
            let theirs = PoprfClient::<Ristretto255>::blind(input, &mut OsRng).unwrap();
            let (evaluated, proof) = key.blind_evaluate_bound(&theirs.message.serialize(), info).unwrap();
            let public_key = Ristretto255::deserialize_elem(&key.public_key()).unwrap();
            let output = theirs
                .state
                .finalize(
                    input,
                    &EvaluationElement::deserialize(&evaluated).unwrap(),
                    &Proof::deserialize(&proof).unwrap(),
                    public_key,
                    Some(info),
                )
                .unwrap();
            assert_eq!(output[..], key.evaluate_bound(input, info).unwrap());
        }

        #[test]
        fn both_derive_the_same_key_from_a_seed() {
            let server = VoprfServer::<Ristretto255>::new_from_seed(&[9u8; 32], b"survey 42").unwrap();
            let ours = SecretKey::derive(&[9u8; 32], b"survey 42").unwrap();
            assert_eq!(Ristretto255::serialize_elem(server.get_public_key())[..], ours.public_key());
        }
    }
}
