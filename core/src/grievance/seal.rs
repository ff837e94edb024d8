//! Sealing a grievance into the bytes the outbox keeps and the hub receives.

use ring::digest::{SHA256, digest};
use workervoice_protocol::directory::{Directory, Route};
use workervoice_protocol::envelope::{self, AttachmentInfo, Callback, GrievanceContent, Reporter};
use workervoice_protocol::grievance::{AttachmentMeta, SubmissionHeader, WrappedKey, frame_submission};
use zeroize::Zeroizing;

use super::receipt::ReceiptKeys;
use super::{GrievanceDraft, MAX_TEXT_BYTES, check_attachment_sizes};
use crate::crypto::{self, hpke};
use crate::directory::recipients_for;
use crate::error::{Error, ErrorCode};

/// A sealed submission, ready for the outbox. Nothing in it opens without a
/// handler's private key.
pub struct SealedSubmission {
    /// The idempotency key.
    pub client_id: String,
    /// The public case id.
    pub case_id: String,
    /// The framed submission (header + sealed payload).
    pub framed: Vec<u8>,
    /// Sealed attachments: (attachment id, ciphertext).
    pub attachments: Vec<(String, Vec<u8>)>,
}

/// Seals `draft` for the handlers of its routes in `directory`.
pub fn seal(
    draft: &GrievanceDraft,
    directory: &Directory,
    factory_id: &str,
    reporter: Option<Reporter>,
    receipt: &ReceiptKeys,
    language: &str,
    now: i64,
) -> Result<SealedSubmission, Error> {
    let text = draft.text.trim();
    if text.is_empty() || draft.routes.is_empty() {
        return Err(ErrorCode::InvalidInput.into());
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(ErrorCode::TooLarge.into());
    }
    // The app checks as the worker attaches; checked again here, since a
    // report over the hub's caps would be refused for good once queued.
    let sizes: Vec<u64> = draft.attachments.iter().map(|a| a.bytes.len() as u64).collect();
    check_attachment_sizes(&sizes)?;
    if !directory.categories.iter().any(|c| c.id == draft.category_id) {
        return Err(ErrorCode::InvalidInput.into());
    }
    let mut routes: Vec<Route> = Vec::new();
    for route in draft.routes.iter().map(|r| Route::from(*r)) {
        if !routes.contains(&route) {
            routes.push(route);
        }
    }
    let client_id = uuid::Uuid::new_v4().to_string();
    let case_id = receipt.case_id.clone();
    let content_key = crypto::random_key()?;

    let mut recipients = Vec::new();
    for route in &routes {
        let readers = recipients_for(directory, *route, factory_id).ok_or(ErrorCode::InvalidInput)?;
        for recipient in readers.recipients {
            // A reader of two chosen routes holds one share (the hub refuses
            // a submission naming a key id twice).
            if recipients.iter().any(|w: &WrappedKey| w.handler_id == recipient.handler_id) {
                continue;
            }
            let sealed = hpke::seal_base(
                &recipient.public_key,
                &envelope::hpke_info(&client_id),
                case_id.as_bytes(),
                content_key.expose(),
            )?;
            recipients.push(WrappedKey {
                handler_id: recipient.handler_id.clone(),
                enc: sealed.enc.to_vec(),
                wrapped_key: sealed.ciphertext,
            });
        }
    }

    let mut attachments = Vec::new();
    let mut infos = Vec::new();
    let mut metas = Vec::new();
    for attachment in &draft.attachments {
        let attachment_id = uuid::Uuid::new_v4().to_string();
        let sealed = envelope::seal_attachment(content_key.expose(), &client_id, &attachment_id, &attachment.bytes)
            .map_err(|_| ErrorCode::Internal)?;
        infos.push(AttachmentInfo {
            attachment_id: attachment_id.clone(),
            kind: attachment.kind.into(),
            mime: attachment.mime.clone(),
            size: attachment.bytes.len() as u64,
        });
        metas.push(AttachmentMeta {
            attachment_id: attachment_id.clone(),
            size: sealed.len() as u64,
            sha256: digest(&SHA256, &sealed).as_ref().to_vec(),
        });
        attachments.push((attachment_id, sealed));
    }

    let mut content = GrievanceContent {
        version: 1,
        category_id: draft.category_id.clone(),
        text: text.to_owned(),
        language: language.to_owned(),
        reporter: if draft.anonymous { None } else { reporter },
        callback: draft.callback.as_ref().map(|c| Callback {
            phone: c.phone.clone(),
            preferred_time: c.preferred_time.clone(),
            language: c.language.clone(),
        }),
        reply_key: receipt.reply_key.expose().to_vec(),
        attachments: infos,
        created_at: now,
    };
    let json = Zeroizing::new(serde_json::to_vec(&content).map_err(|_| ErrorCode::Internal)?);
    {
        use zeroize::Zeroize;
        content.text.zeroize();
        content.reply_key.zeroize();
    }
    let payload = envelope::seal(content_key.expose(), &envelope::payload_aad(&client_id, &case_id), &json)
        .map_err(|_| ErrorCode::Internal)?;
    let header = SubmissionHeader {
        client_id: client_id.clone(),
        case_id: case_id.clone(),
        factory_id: factory_id.to_owned(),
        routes,
        directory_version: directory.version,
        recipients,
        receipt_verifier: receipt.verifier(),
        attachments: metas,
    };
    let framed = frame_submission(&header, &payload).map_err(|_| ErrorCode::TooLarge)?;
    Ok(SealedSubmission { client_id, case_id, framed, attachments })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grievance::{AttachmentDraft, AttachmentType, GrievanceRoute, receipt};
    use ::hpke::aead::ChaCha20Poly1305;
    use ::hpke::kdf::HkdfSha256;
    use ::hpke::kem::X25519HkdfSha256;
    use ::hpke::{Deserializable, Kem, OpModeR, Serializable};
    use std::collections::BTreeMap;
    use workervoice_protocol::directory::{Category, Recipient, RouteRecipients};
    use workervoice_protocol::grievance::parse_submission;

    struct Handler {
        id: &'static str,
        secret: <X25519HkdfSha256 as Kem>::PrivateKey,
        public: Vec<u8>,
    }

    fn handler(id: &'static str) -> Handler {
        let (secret, public) = X25519HkdfSha256::derive_keypair(&crypto::random_bytes::<32>().unwrap());
        Handler { id, secret, public: public.to_bytes().to_vec() }
    }

    fn directory(committee: &Handler, hotline: &Handler) -> Directory {
        let entry = |route, factory: Option<&str>, h: &Handler| RouteRecipients {
            route,
            factory_id: factory.map(str::to_owned),
            organisation: String::new(),
            brand_id: None,
            factory_ids: Vec::new(),
            recipients: vec![Recipient { handler_id: h.id.into(), public_key: h.public.clone() }],
            response_deadline_hours: 72,
        };
        Directory {
            programme_id: "p".into(),
            version: 4,
            previous_sha256: None,
            issued_at: 0,
            routes: vec![
                entry(Route::FactoryCommittee, Some("factory-1"), committee),
                entry(Route::IndependentHotline, None, hotline),
            ],
            categories: vec![Category { id: "wages".into(), labels: BTreeMap::from([("en".into(), "Wages".into())]) }],
        }
    }

    /// What a handler does on the hub: unwrap the content key, open the payload.
    fn open_as(handler: &Handler, framed: &[u8]) -> Option<GrievanceContent> {
        let (header, payload) = parse_submission(framed).ok()?;
        let wrapped = header.recipients.iter().find(|r| r.handler_id == handler.id)?;
        let encapped = <X25519HkdfSha256 as Kem>::EncappedKey::from_bytes(&wrapped.enc).ok()?;
        let content_key = ::hpke::single_shot_open::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
            &OpModeR::Base,
            &handler.secret,
            &encapped,
            &envelope::hpke_info(&header.client_id),
            &wrapped.wrapped_key,
            header.case_id.as_bytes(),
        )
        .ok()?;
        let json =
            envelope::open(&content_key, &envelope::payload_aad(&header.client_id, &header.case_id), payload).ok()?;
        serde_json::from_slice(&json).ok()
    }

    fn draft(anonymous: bool, routes: Vec<GrievanceRoute>) -> GrievanceDraft {
        GrievanceDraft {
            category_id: "wages".into(),
            text: "  Overtime in October was not paid.  ".into(),
            anonymous,
            routes,
            callback: None,
            attachments: vec![AttachmentDraft {
                kind: AttachmentType::Photo,
                mime: "image/jpeg".into(),
                bytes: vec![7; 70_000],
            }],
        }
    }

    #[test]
    fn only_handlers_of_the_chosen_routes_can_open_the_report() {
        let (committee, hotline) = (handler("committee"), handler("hotline"));
        let directory = directory(&committee, &hotline);
        let receipt = receipt::generate().unwrap();
        let keys = receipt::keys_of(&receipt).unwrap();
        let reporter = Reporter { worker_number: "1001".into(), display_name: "Lan".into() };
        let sealed = seal(
            &draft(false, vec![GrievanceRoute::IndependentHotline]),
            &directory,
            "factory-1",
            Some(reporter.clone()),
            &keys,
            "vi",
            42,
        )
        .unwrap();
        let content = open_as(&hotline, &sealed.framed).expect("the hotline opens it");
        assert_eq!(content.text, "Overtime in October was not paid.");
        assert_eq!(content.reporter, Some(reporter));
        assert_eq!(content.reply_key, keys.reply_key.expose().to_vec());
        assert!(open_as(&committee, &sealed.framed).is_none(), "the committee was not chosen");
        let (header, _) = parse_submission(&sealed.framed).unwrap();
        assert_eq!(header.receipt_verifier, keys.verifier());
        assert_eq!(header.case_id, receipt.case_id);
        assert_eq!(sealed.attachments.len(), 1);
        // No plaintext in the bytes the device keeps and sends.
        let needle = b"Overtime in October";
        assert!(!sealed.framed.windows(needle.len()).any(|w| w == needle));
    }

    #[test]
    fn a_report_at_the_attachment_cap_seals_within_the_hubs_sealed_cap_and_one_byte_more_is_refused() {
        use workervoice_protocol::grievance::{MAX_REPORT_ATTACHMENT_BYTES, MAX_SEALED_REPORT_ATTACHMENT_BYTES};
        let (committee, hotline) = (handler("committee"), handler("hotline"));
        let directory = directory(&committee, &hotline);
        let keys = receipt::keys_of(&receipt::generate().unwrap()).unwrap();
        let part = |kind, len: u64| AttachmentDraft { kind, mime: "image/jpeg".into(), bytes: vec![3; len as usize] };
        let third = MAX_REPORT_ATTACHMENT_BYTES / 3;
        let mut report = draft(true, vec![GrievanceRoute::IndependentHotline]);
        report.attachments = vec![
            part(AttachmentType::Photo, third),
            part(AttachmentType::Photo, third),
            part(AttachmentType::Voice, MAX_REPORT_ATTACHMENT_BYTES - 2 * third),
        ];
        let sealed = seal(&report, &directory, "factory-1", None, &keys, "en", 42).unwrap();
        let announced: u64 = parse_submission(&sealed.framed).unwrap().0.attachments.iter().map(|a| a.size).sum();
        assert!(announced <= MAX_SEALED_REPORT_ATTACHMENT_BYTES, "{announced}");

        report.attachments[2].bytes.push(0);
        let refused = seal(&report, &directory, "factory-1", None, &keys, "en", 42).err();
        assert_eq!(refused.map(|e| e.code()), Some(ErrorCode::AttachmentsTooLarge));
        report.attachments = (0..4).map(|_| part(AttachmentType::Photo, 10)).collect();
        let refused = seal(&report, &directory, "factory-1", None, &keys, "en", 42).err();
        assert_eq!(refused.map(|e| e.code()), Some(ErrorCode::TooManyAttachments));
    }

    #[test]
    fn an_anonymous_report_carries_no_name() {
        let (committee, hotline) = (handler("committee"), handler("hotline"));
        let receipt = receipt::generate().unwrap();
        let sealed = seal(
            &draft(true, vec![GrievanceRoute::FactoryCommittee, GrievanceRoute::IndependentHotline]),
            &directory(&committee, &hotline),
            "factory-1",
            Some(Reporter { worker_number: "WN-7781-MARKER".into(), display_name: "Name-Marker-Lan".into() }),
            &receipt::keys_of(&receipt).unwrap(),
            "vi",
            42,
        )
        .unwrap();
        for handler in [&committee, &hotline] {
            assert_eq!(open_as(handler, &sealed.framed).expect("allowed route").reporter, None);
        }
        let framed = String::from_utf8_lossy(&sealed.framed);
        assert!(!framed.contains("WN-7781-MARKER") && !framed.contains("Name-Marker-Lan"));
    }

    #[test]
    fn a_route_without_handlers_or_an_unknown_category_is_refused() {
        let (committee, hotline) = (handler("committee"), handler("hotline"));
        let directory = directory(&committee, &hotline);
        let keys = receipt::keys_of(&receipt::generate().unwrap()).unwrap();
        let brand_only = draft(true, vec![GrievanceRoute::Brand]);
        assert!(seal(&brand_only, &directory, "factory-1", None, &keys, "en", 0).is_err());
        let other_factory = draft(true, vec![GrievanceRoute::FactoryCommittee]);
        assert!(seal(&other_factory, &directory, "factory-2", None, &keys, "en", 0).is_err());
        let mut unknown = draft(true, vec![GrievanceRoute::IndependentHotline]);
        unknown.category_id = "nope".into();
        assert!(seal(&unknown, &directory, "factory-1", None, &keys, "en", 0).is_err());
    }

    fn brand_entry(brand: &str, suppliers: &[&str], reader: &Handler) -> RouteRecipients {
        RouteRecipients {
            route: Route::Brand,
            factory_id: None,
            organisation: brand.into(),
            brand_id: Some(brand.into()),
            factory_ids: suppliers.iter().map(|s| (*s).to_owned()).collect(),
            recipients: vec![Recipient { handler_id: reader.id.into(), public_key: reader.public.clone() }],
            response_deadline_hours: 72,
        }
    }

    #[test]
    fn a_factory_supplying_two_brands_seals_the_brand_route_to_both_and_not_to_a_third() {
        let (committee, hotline) = (handler("committee"), handler("hotline"));
        let (brand_a, brand_b, brand_c) = (handler("brand-a"), handler("brand-b"), handler("brand-c"));
        let mut directory = directory(&committee, &hotline);
        directory.routes.push(brand_entry("A", &["factory-1"], &brand_a));
        directory.routes.push(brand_entry("B", &["factory-2", "factory-1"], &brand_b));
        directory.routes.push(brand_entry("C", &["factory-2"], &brand_c));
        let keys = receipt::keys_of(&receipt::generate().unwrap()).unwrap();
        let sealed =
            seal(&draft(true, vec![GrievanceRoute::Brand]), &directory, "factory-1", None, &keys, "en", 0).unwrap();
        for reader in [&brand_a, &brand_b] {
            assert!(open_as(reader, &sealed.framed).is_some(), "{} supplies-from factory-1", reader.id);
        }
        for reader in [&brand_c, &committee, &hotline] {
            assert!(open_as(reader, &sealed.framed).is_none(), "{} was not chosen", reader.id);
        }
        let set = recipients_for(&directory, Route::Brand, "factory-1").unwrap();
        assert_eq!(set.organisation(), "A, B");
        assert_eq!(set.recipients.len(), 2);
    }
}
