//! Opening what was sealed to a reader, and sealing what a reader writes.
//!
//! - A case: the reader's HPKE share (`enc`, `wrapped_key`; RFC 9180 base
//!   mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305, info
//!   `envelope::hpke_info(client_id)`, aad the case id) opens the content
//!   key; it opens the payload (`envelope::payload_aad`), whose JSON holds
//!   the case's reply key; that opens the replies (`envelope::reply_aad`)
//!   and seals the reader's own (author `handler`). Attachments open under
//!   the content key (`envelope::open_attachment`).
//! - A note: a random note key seals the text (envelope, aad [`note_aad`]);
//!   the key is sealed with HPKE to every reader of the route, info
//!   [`note_hpke_info`], aad the note id.

use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::rand_core::{TryCryptoRng, TryRng};
use hpke::{Deserializable, Kem, OpModeR, OpModeS, Serializable};
use workervoice_protocol::envelope::{self, GrievanceContent};
use workervoice_protocol::grievance::Author;
use workervoice_protocol::handler::{HandlerReplyRequest, NoteRecipient, NoteRequest, RouteReader, SealedCase};
use zeroize::{Zeroize, Zeroizing};

use crate::ReaderError;
use crate::account::{ReaderKeyPair, key_id, random};

/// HPKE info of a note key.
pub fn note_hpke_info(case_id: &str) -> Vec<u8> {
    format!("workervoice/reader/note/v1\n{case_id}").into_bytes()
}

/// Associated data of a note's text.
pub fn note_aad(case_id: &str, note_id: &str) -> Vec<u8> {
    format!("workervoice/reader/note-text/v1\n{case_id}\n{note_id}").into_bytes()
}

/// The randomness HPKE's encapsulation draws, as the `hpke` crate wants it:
/// SHA-256 in counter mode over a 32-byte seed (from the system RNG, or
/// fixed for test vectors). The crate's RNG interface cannot fail, and
/// ring's can; drawing the seed first keeps the failure ours to report.
pub(crate) struct SeededRng {
    seed: Zeroizing<[u8; 32]>,
    counter: u64,
    buffer: Zeroizing<Vec<u8>>,
}

impl SeededRng {
    pub(crate) fn new(seed: [u8; 32]) -> Self {
        Self { seed: Zeroizing::new(seed), counter: 0, buffer: Zeroizing::new(Vec::new()) }
    }

    pub(crate) fn from_system() -> Result<Self, ReaderError> {
        Ok(Self::new(random()?))
    }

    fn fill(&mut self, dst: &mut [u8]) {
        for byte in dst {
            if self.buffer.is_empty() {
                let mut input = self.seed.to_vec();
                input.extend_from_slice(&self.counter.to_be_bytes());
                self.counter += 1;
                let block = ring::digest::digest(&ring::digest::SHA256, &input);
                input.zeroize();
                self.buffer.extend(block.as_ref().iter().rev());
            }
            *byte = self.buffer.pop().unwrap_or_default();
        }
    }
}

impl TryRng for SeededRng {
    type Error = std::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut bytes = [0u8; 4];
        self.fill(&mut bytes);
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut bytes = [0u8; 8];
        self.fill(&mut bytes);
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        self.fill(dst);
        Ok(())
    }
}

impl TryCryptoRng for SeededRng {}

/// Opens a key sealed to this key pair with HPKE.
pub fn hpke_open(
    pair: &ReaderKeyPair,
    info: &[u8],
    aad: &[u8],
    enc: &[u8],
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, ReaderError> {
    let failed = |_| ReaderError::Crypto("a key sealed to this reader did not open");
    let private = <X25519HkdfSha256 as Kem>::PrivateKey::from_bytes(pair.private_bytes()).map_err(failed)?;
    let enc = <X25519HkdfSha256 as Kem>::EncappedKey::from_bytes(enc).map_err(failed)?;
    hpke::single_shot_open::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
        &OpModeR::Base,
        &private,
        &enc,
        info,
        sealed,
        aad,
    )
    .map(Zeroizing::new)
    .map_err(failed)
}

/// Seals `plaintext` to a public key with HPKE; returns (enc, sealed).
pub fn hpke_seal(
    public_key: &[u8],
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), ReaderError> {
    hpke_seal_with(&mut SeededRng::from_system()?, public_key, info, aad, plaintext)
}

/// [`hpke_seal`] with the encapsulation's randomness from `rng`.
pub(crate) fn hpke_seal_with(
    rng: &mut SeededRng,
    public_key: &[u8],
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), ReaderError> {
    let public = <X25519HkdfSha256 as Kem>::PublicKey::from_bytes(public_key)
        .map_err(|_| ReaderError::Crypto("not an X25519 public key"))?;
    let (enc, sealed) = hpke::single_shot_seal_with_rng::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
        &OpModeS::Base,
        &public,
        info,
        plaintext,
        aad,
        rng,
    )
    .map_err(|_| ReaderError::Crypto("HPKE sealing failed"))?;
    Ok((enc.to_bytes().to_vec(), sealed))
}

/// A reply, opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedReply {
    /// Event sequence number.
    pub seq: u64,
    /// Author.
    pub author: Author,
    /// Time, unix seconds.
    pub at: i64,
    /// Text.
    pub text: String,
}

/// An internal note, opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedNote {
    /// Note id.
    pub note_id: String,
    /// `handler:<id>`.
    pub author: String,
    /// Time, unix seconds.
    pub at: i64,
    /// Text.
    pub text: String,
}

/// A case opened in the reader's client. Keys and text are wiped on drop.
pub struct OpenedCase {
    /// The sealed case as served (metadata, events).
    pub sealed: SealedCase,
    /// The report.
    pub content: GrievanceContent,
    /// The conversation, opened (replies that do not open are left out).
    pub replies: Vec<OpenedReply>,
    /// Internal notes sealed to this reader, opened.
    pub notes: Vec<OpenedNote>,
    content_key: Zeroizing<Vec<u8>>,
}

impl Drop for OpenedCase {
    fn drop(&mut self) {
        self.content.text.zeroize();
        self.content.reply_key.zeroize();
        if let Some(reporter) = self.content.reporter.as_mut() {
            reporter.display_name.zeroize();
            reporter.worker_number.zeroize();
        }
        if let Some(callback) = self.content.callback.as_mut() {
            callback.phone.zeroize();
        }
        for reply in &mut self.replies {
            reply.text.zeroize();
        }
        for note in &mut self.notes {
            note.text.zeroize();
        }
    }
}

/// Opens a sealed case with the reader's key pair.
pub fn open_case(pair: &ReaderKeyPair, sealed: SealedCase) -> Result<OpenedCase, ReaderError> {
    let case_id = sealed.summary.case_id.clone();
    let content_key =
        hpke_open(pair, &envelope::hpke_info(&sealed.client_id), case_id.as_bytes(), &sealed.enc, &sealed.wrapped_key)?;
    let json = envelope::open(&content_key, &envelope::payload_aad(&sealed.client_id, &case_id), &sealed.payload)
        .map(Zeroizing::new)
        .map_err(|_| ReaderError::Crypto("the case payload did not open with its content key"))?;
    let content: GrievanceContent =
        serde_json::from_slice(&json).map_err(|_| ReaderError::Crypto("the case payload is not grievance content"))?;
    if content.reply_key.len() != 32 {
        return Err(ReaderError::Crypto("the case's reply key has the wrong length"));
    }
    let replies = sealed
        .events
        .iter()
        .filter_map(|event| {
            let (author, reply, reply_id) = (event.author?, event.reply.as_ref()?, event.reply_id.as_ref()?);
            let aad = envelope::reply_aad(&case_id, reply_id, author);
            let text = Zeroizing::new(envelope::open(&content.reply_key, &aad, reply).ok()?);
            Some(OpenedReply {
                seq: event.seq,
                author,
                at: event.at,
                text: String::from_utf8_lossy(&text).into_owned(),
            })
        })
        .collect();
    let notes = sealed
        .notes
        .iter()
        .filter_map(|note| {
            let key = hpke_open(pair, &note_hpke_info(&case_id), note.note_id.as_bytes(), &note.enc, &note.wrapped_key)
                .ok()?;
            let text = Zeroizing::new(envelope::open(&key, &note_aad(&case_id, &note.note_id), &note.sealed).ok()?);
            Some(OpenedNote {
                note_id: note.note_id.clone(),
                author: note.author.clone(),
                at: note.at,
                text: String::from_utf8_lossy(&text).into_owned(),
            })
        })
        .collect();
    Ok(OpenedCase { sealed, content, replies, notes, content_key })
}

impl OpenedCase {
    /// The case id.
    pub fn case_id(&self) -> &str {
        &self.sealed.summary.case_id
    }

    /// Opens an attachment's ciphertext under the content key.
    pub fn open_attachment(&self, attachment_id: &str, sealed: &[u8]) -> Result<Vec<u8>, ReaderError> {
        envelope::open_attachment(&self.content_key, &self.sealed.client_id, attachment_id, sealed)
            .map_err(|_| ReaderError::Crypto("the attachment did not open with its content key"))
    }

    /// The MIME type the device recorded for an attachment.
    pub fn attachment_mime(&self, attachment_id: &str) -> Option<&str> {
        self.content.attachments.iter().find(|info| info.attachment_id == attachment_id).map(|info| info.mime.as_str())
    }

    /// Seals a reply under the case's reply key.
    pub fn seal_reply(&self, reply_id: &str, text: &str) -> Result<HandlerReplyRequest, ReaderError> {
        let aad = envelope::reply_aad(self.case_id(), reply_id, Author::Handler);
        let reply = envelope::seal(&self.content.reply_key, &aad, text.as_bytes())
            .map_err(|_| ReaderError::Crypto("sealing a reply failed"))?;
        Ok(HandlerReplyRequest { reply_id: reply_id.to_owned(), reply })
    }
}

/// Seals a note on `case_id` to every reader in `readers`.
pub fn seal_note(
    case_id: &str,
    note_id: &str,
    text: &str,
    readers: &[RouteReader],
) -> Result<NoteRequest, ReaderError> {
    let note_key = Zeroizing::new(random::<32>()?);
    let sealed = envelope::seal(note_key.as_slice(), &note_aad(case_id, note_id), text.as_bytes())
        .map_err(|_| ReaderError::Crypto("sealing a note failed"))?;
    let mut recipients = Vec::with_capacity(readers.len());
    for reader in readers {
        if key_id(&reader.public_key) != reader.key_id {
            return Err(ReaderError::Crypto("a reader's key id does not match its public key"));
        }
        let (enc, wrapped_key) =
            hpke_seal(&reader.public_key, &note_hpke_info(case_id), note_id.as_bytes(), note_key.as_slice())?;
        recipients.push(NoteRecipient { key_id: reader.key_id.clone(), enc, wrapped_key });
    }
    Ok(NoteRequest { note_id: note_id.to_owned(), recipients, sealed })
}
