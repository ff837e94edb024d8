//! `POST /v1/submissions`: sealed reports are checked against the directory,
//! stored once per client id, and refused with typed errors.

mod support;

use support::cases::{Programme, random};
use support::within_time;
use workervoice_hub::testing::TestValue;
use workervoice_protocol::MAX_BODY_BYTES;
use workervoice_protocol::directory::Route;
use workervoice_protocol::grievance::{
    AttachmentMeta, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_PAYLOAD_BYTES, SUBMISSION_MAGIC, SubmitResponse,
    WrappedKey,
};
use workervoice_protocol::paths;

/// A frame built by hand, bypassing `frame_submission`'s own limits.
fn raw_frame(header_json: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = SUBMISSION_MAGIC.to_vec();
    out.extend_from_slice(&(header_json.len() as u32).to_be_bytes());
    out.extend_from_slice(header_json);
    out.extend_from_slice(payload);
    out
}

#[tokio::test]
async fn a_submission_is_stored_once_and_a_replay_gets_the_original_answer() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let sealed = programme.seal(&[Route::IndependentHotline], "my wages were cut", &[]);
        let first: SubmitResponse = hub.submit(&sealed).await.ok();
        assert_eq!(first.case_id, sealed.case_id);

        let replay: SubmitResponse = hub.submit(&sealed).await.ok();
        assert_eq!(replay, first);
        // Same client id, different body: still the original answer, no new case.
        let altered = sealed.reframed(|header| header.routes = vec![Route::Brand]);
        let replay: SubmitResponse = hub.submit_bytes(altered).await.ok();
        assert_eq!(replay, first);
        let garbage_after_id = sealed.reframed(|header| header.directory_version = 999);
        assert_eq!(hub.submit_bytes(garbage_after_id).await.ok::<SubmitResponse>(), first);

        assert_eq!(hub.count_rows("cases"), 1);
        assert_eq!(hub.count_rows("case_keys"), 2, "one wrapped key per hotline handler");
        assert_eq!(hub.count_rows("case_events"), 1);
        assert_eq!(hub.count_rows("case_audit"), 1);
    })
    .await;
}

#[tokio::test]
async fn another_client_id_with_a_taken_case_id_is_refused() {
    within_time(async {
        let programme = Programme::start().await;
        let first = programme.seal(&[Route::IndependentHotline], "first", &[]);
        programme.hub.submit(&first).await.ok::<SubmitResponse>();
        let mut second = programme.seal(&[Route::IndependentHotline], "second", &[]);
        second.header.case_id = first.case_id.clone();
        let framed = second.reframed(|_| {});
        programme.hub.submit_bytes(framed).await.assert_error("case_id_taken");
        assert_eq!(programme.hub.count_rows("cases"), 1);
    })
    .await;
}

#[tokio::test]
async fn malformed_frames_are_bad_requests() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let sealed = programme.seal(&[Route::IndependentHotline], "text", &[]);
        let mut wrong_magic = sealed.framed.clone();
        wrong_magic[0] = b'X';
        let mut past_the_end = sealed.framed.clone();
        past_the_end[4..8].copy_from_slice(&(sealed.framed.len() as u32).to_be_bytes());
        for body in [
            Vec::new(),
            b"WVS1".to_vec(),
            wrong_magic,
            past_the_end,
            raw_frame(b"{\"not\":\"a header\"}", &sealed.payload),
            raw_frame(b"[", &sealed.payload),
        ] {
            hub.submit_bytes(body).await.assert_error("bad_request");
        }
        let as_json = hub
            .http
            .post(hub.url(paths::SUBMISSIONS))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(sealed.framed.clone())
            .send()
            .await
            .expect("sent");
        assert_eq!(as_json.status().as_u16(), 400, "the submission content type is required");
        assert_eq!(hub.count_rows("cases"), 0);
    })
    .await;
}

#[tokio::test]
async fn oversized_submissions_are_refused_as_too_large() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let sealed = programme.seal(&[Route::IndependentHotline], "text", &[]);
        let header_json = serde_json::to_vec(&sealed.header).expect("json");
        hub.submit_bytes(raw_frame(&header_json, &vec![0u8; MAX_PAYLOAD_BYTES + 1]))
            .await
            .assert_error("payload_too_large");
        hub.submit_bytes(raw_frame(&header_json, &vec![0u8; MAX_BODY_BYTES])).await.assert_error("payload_too_large");
        let huge_attachment = sealed.reframed(|header| {
            header.attachments = vec![AttachmentMeta {
                attachment_id: uuid::Uuid::new_v4().to_string(),
                size: MAX_ATTACHMENT_BYTES + 1,
                sha256: vec![0; 32],
            }]
        });
        hub.submit_bytes(huge_attachment).await.assert_error("payload_too_large");
        assert_eq!(hub.count_rows("cases"), 0);
    })
    .await;
}

#[tokio::test]
async fn a_directory_version_rewritten_after_the_hub_read_it_is_read_again() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        // The hub reads and keeps the version on the first report.
        let first = programme.seal(&[Route::IndependentHotline], "first", &[]);
        hub.submit(&first).await.ok::<SubmitResponse>();
        let version = TestValue::Integer(first.header.directory_version as i64);
        let database = hub.database();

        // An operator rewrites the version: the same body, another signature.
        // The kept parse no longer fits; the report is checked afresh and stored.
        database
            .execute(
                "UPDATE directories SET signature = ?1 WHERE version = ?2",
                &[TestValue::Blob(vec![7; 64]), version.clone()],
            )
            .unwrap();
        let second = programme.seal(&[Route::IndependentHotline], "second", &[]);
        hub.submit(&second).await.ok::<SubmitResponse>();

        // Rewritten again, now with no hotline: what the device sealed to no
        // longer matches the version, and the kept parse must not say it does.
        let body = database.value("SELECT body FROM directories WHERE version = ?1", std::slice::from_ref(&version));
        let mut directory: serde_json::Value = serde_json::from_slice(body.blob().expect("a body")).unwrap();
        directory["routes"] = serde_json::json!([]);
        database
            .execute(
                "UPDATE directories SET body = ?1, signature = ?2 WHERE version = ?3",
                &[TestValue::Blob(serde_json::to_vec(&directory).unwrap()), TestValue::Blob(vec![8; 64]), version],
            )
            .unwrap();
        let third = programme.seal(&[Route::IndependentHotline], "third", &[]);
        hub.submit(&third).await.assert_error("unknown_recipient");
        assert_eq!(hub.count_rows("cases"), 2);
        assert_eq!(hub.count_rows("case_events"), 2, "one first event per stored report");
    })
    .await;
}

/// Posts every body at once; the replies in the same order.
async fn submit_at_once(hub: &support::TestHub, bodies: Vec<Vec<u8>>) -> Vec<support::Reply> {
    let tasks: Vec<_> = bodies
        .into_iter()
        .map(|body| {
            let (http, url) = (hub.http.clone(), hub.url(paths::SUBMISSIONS));
            tokio::spawn(async move {
                let response = http
                    .post(url)
                    .header(reqwest::header::CONTENT_TYPE, workervoice_protocol::grievance::SUBMISSION_CONTENT_TYPE)
                    .body(body)
                    .send()
                    .await
                    .expect("answered");
                support::Reply::from(response).await
            })
        })
        .collect();
    let mut replies = Vec::new();
    for task in tasks {
        replies.push(task.await.expect("a sender"));
    }
    replies
}

/// Many reports at once are stored together (one statement on PostgreSQL,
/// one commit on SQLite): each is still stored exactly once with its own
/// keys, event and audit line, and each refusal is its own.
#[tokio::test]
async fn reports_arriving_at_once_are_stored_each_once_and_refused_each_alone() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        // The hub parses the directory version on a first report.
        hub.submit(&programme.seal(&[Route::IndependentHotline], "first", &[])).await.ok::<SubmitResponse>();
        let reports: Vec<_> =
            (0..40).map(|i| programme.seal(&[Route::IndependentHotline], &format!("report {i}"), &[])).collect();
        let mut rival = programme.seal(&[Route::IndependentHotline], "same case id, another device", &[]);
        rival.header.case_id = reports[0].case_id.clone();
        let rival = rival.reframed(|_| {});
        let lost = programme
            .seal(&[Route::IndependentHotline], "unknown factory", &[])
            .reframed(|header| header.factory_id = "no-such-factory".into());
        let wrong_keys = programme.seal(&[Route::IndependentHotline], "a key left out", &[]).reframed(|header| {
            header.recipients.pop();
        });

        // Every report twice (a device resending a report whose reply it
        // lost, while the first is still on its way), then the odd ones.
        let mut bodies: Vec<Vec<u8>> = reports.iter().flat_map(|sealed| [sealed.framed.clone(), sealed.framed.clone()]).collect();
        bodies.extend([rival, lost, wrong_keys]);
        let replies = submit_at_once(hub, bodies).await;

        for (i, sealed) in reports.iter().enumerate().skip(1) {
            for reply in &replies[2 * i..2 * i + 2] {
                assert_eq!(reply.ok::<SubmitResponse>().case_id, sealed.case_id, "report {i}");
            }
        }
        // The first report and its rival share a case id: one of them has it.
        let first_pair = &replies[0..2];
        let rival_reply = &replies[80];
        if first_pair[0].status == 200 {
            assert_eq!(first_pair[1].ok::<SubmitResponse>(), first_pair[0].ok::<SubmitResponse>());
            rival_reply.assert_error("case_id_taken");
        } else {
            first_pair[0].assert_error("case_id_taken");
            first_pair[1].assert_error("case_id_taken");
            assert_eq!(rival_reply.ok::<SubmitResponse>().case_id, reports[0].case_id);
        }
        replies[81].assert_error("unknown_recipient");
        replies[82].assert_error("unknown_recipient");

        let stored = 1 + 40;
        assert_eq!(hub.count_rows("cases"), stored);
        assert_eq!(hub.count_rows("case_keys"), 2 * stored, "both hotline handlers' keys for every case, no other");
        assert_eq!(hub.count_rows("case_events"), stored);
        assert_eq!(hub.count_rows("case_audit"), stored);
        let without_keys = hub.database().integer(
            "SELECT count(*) FROM cases WHERE (SELECT count(*) FROM case_keys WHERE case_keys.case_id = cases.case_id) <> 2",
            &[],
        );
        assert_eq!(without_keys, 0, "every case has its own two keys");
    })
    .await;
}

#[tokio::test]
async fn recipients_that_do_not_match_the_directory_are_unknown_recipients() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let sealed = programme.seal(&[Route::IndependentHotline], "text", &[]);
        let brand_key = programme.seal(&[Route::Brand], "text", &[]).header.recipients;
        let other_factory = hub.create_factory(false).await;
        let cases = [
            ("an unknown directory version", sealed.reframed(|header| header.directory_version = 99)),
            ("an allowed route without wrapped keys", sealed.reframed(|header| header.routes.push(Route::Brand))),
            (
                "a key for a route the worker did not allow",
                sealed.reframed(|header| header.recipients.extend(brand_key.clone())),
            ),
            (
                "a key for a handler nobody knows",
                sealed.reframed(|header| {
                    header.recipients[0] = WrappedKey { handler_id: "nobody".into(), ..header.recipients[0].clone() }
                }),
            ),
            (
                "a handler of the route left out",
                sealed.reframed(|header| {
                    header.recipients.pop();
                }),
            ),
            (
                "a committee the directory does not have",
                sealed.reframed(|header| {
                    header.factory_id = other_factory.id.clone();
                    header.routes = vec![Route::FactoryCommittee];
                }),
            ),
            ("an unknown factory", sealed.reframed(|header| header.factory_id = "no-such-factory".into())),
        ];
        for (what, framed) in cases {
            let reply = hub.submit_bytes(framed).await;
            assert_eq!(reply.error_code(), Some("unknown_recipient"), "{what}: {reply:?}");
            reply.assert_error("unknown_recipient");
        }
        assert_eq!(hub.count_rows("cases"), 0);
    })
    .await;
}

#[tokio::test]
async fn ids_and_fields_of_the_wrong_shape_are_bad_requests() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let sealed = programme.seal(&[Route::IndependentHotline], "text", &[]);
        let attachment =
            || AttachmentMeta { attachment_id: uuid::Uuid::new_v4().to_string(), size: 100, sha256: vec![0; 32] };
        let cases = [
            ("a client id that is no UUID", sealed.reframed(|header| header.client_id = "client-1".into())),
            ("an upper-case UUID", sealed.reframed(|header| header.client_id = header.client_id.to_uppercase())),
            ("a short case id", sealed.reframed(|header| header.case_id = "ABCDE".into())),
            ("a lower-case case id", sealed.reframed(|header| header.case_id = header.case_id.to_lowercase())),
            ("no route", sealed.reframed(|header| header.routes.clear())),
            (
                "a route twice",
                sealed.reframed(|header| header.routes = vec![Route::IndependentHotline, Route::IndependentHotline]),
            ),
            ("a short verifier", sealed.reframed(|header| header.receipt_verifier = vec![1; 16])),
            (
                "one key twice",
                sealed.reframed(|header| {
                    let first = header.recipients[0].clone();
                    header.recipients[1] = first;
                }),
            ),
            ("a short encapsulated key", sealed.reframed(|header| header.recipients[0].enc.truncate(31))),
            (
                "too many attachments",
                sealed.reframed(|header| header.attachments = (0..=MAX_ATTACHMENTS).map(|_| attachment()).collect()),
            ),
            (
                "an attachment id that is no UUID",
                sealed.reframed(|header| {
                    header.attachments = vec![AttachmentMeta { attachment_id: "photo".into(), ..attachment() }]
                }),
            ),
            (
                "a short attachment hash",
                sealed.reframed(|header| {
                    header.attachments = vec![AttachmentMeta { sha256: vec![0; 8], ..attachment() }]
                }),
            ),
        ];
        for (what, framed) in cases {
            let reply = hub.submit_bytes(framed).await;
            assert_eq!(reply.error_code(), Some("bad_request"), "{what}: {reply:?}");
        }
        let empty_payload =
            workervoice_protocol::grievance::frame_submission(&sealed.header, &random::<4>()).expect("frames");
        hub.submit_bytes(empty_payload).await.assert_error("bad_request");
        assert_eq!(hub.count_rows("cases"), 0);
        // And the real one still goes through afterwards.
        hub.submit(&sealed).await.ok::<SubmitResponse>();
    })
    .await;
}

/// Posts a framed batch of `items`; (status, reply).
async fn submit_batch(hub: &support::TestHub, items: &[&[u8]]) -> (u16, serde_json::Value) {
    let batch = workervoice_protocol::grievance::frame_batch(items.iter().copied()).expect("within bounds");
    let response = hub
        .http
        .post(hub.url(paths::SUBMISSIONS_BATCH))
        .header(reqwest::header::CONTENT_TYPE, workervoice_protocol::grievance::BATCH_CONTENT_TYPE)
        .body(batch)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(serde_json::Value::Null))
}

#[tokio::test]
async fn a_batch_answers_each_item_on_its_own_and_a_resent_batch_doubles_nothing() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let first = programme.seal(&[Route::IndependentHotline], "first of the batch", &[]);
        let second = programme.seal(&[Route::IndependentHotline], "second of the batch", &[]);
        let mut taken = programme.seal(&[Route::IndependentHotline], "reuses a case id", &[]);
        taken.header.case_id = first.case_id.clone();
        let taken = taken.reframed(|_| {});
        let items: Vec<&[u8]> = vec![&first.framed, b"not a submission", &taken, &second.framed];
        let (status, reply) = submit_batch(hub, &items).await;
        assert_eq!(status, 200, "{reply}");
        let results = reply["results"].as_array().expect("results");
        assert_eq!(results.len(), 4);
        assert_eq!(results[0]["stored"]["case_id"], first.case_id.as_str());
        assert_eq!(results[1]["refused"]["code"], "bad_request");
        assert_eq!(results[2]["refused"]["code"], "case_id_taken");
        assert_eq!(results[3]["stored"]["case_id"], second.case_id.as_str());
        assert_eq!(hub.count_rows("cases"), 2);

        // The device lost the reply and sends the batch again: the same answers, no new rows.
        let (_, again) = submit_batch(hub, &items).await;
        assert_eq!(again, reply);
        assert_eq!(hub.count_rows("cases"), 2);
        assert_eq!(hub.count_rows("case_events"), 2);
        // A single resend of a batched item gets the batch's answer too.
        let single: SubmitResponse = hub.submit(&second).await.ok();
        assert_eq!(serde_json::to_value(&single).unwrap(), results[3]["stored"]);
    })
    .await;
}

#[tokio::test]
async fn a_batch_over_its_bounds_or_of_the_wrong_type_is_refused_whole() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let sealed = programme.seal(&[Route::IndependentHotline], "text", &[]);
        let mut too_many = workervoice_protocol::grievance::frame_batch([sealed.framed.as_slice()]).unwrap();
        too_many[4..8].copy_from_slice(&(workervoice_protocol::grievance::MAX_BATCH_ITEMS as u32 + 1).to_be_bytes());
        let http = hub.http.clone();
        let post = |body: Vec<u8>, content_type: &'static str| {
            http.post(hub.url(paths::SUBMISSIONS_BATCH))
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(body)
                .send()
        };
        let batch_type = workervoice_protocol::grievance::BATCH_CONTENT_TYPE;
        let reply = post(too_many, batch_type).await.expect("sent");
        assert_eq!(reply.status().as_u16(), 413);
        let big = vec![0u8; workervoice_protocol::grievance::MAX_BATCH_BYTES + 1];
        assert_eq!(post(big, batch_type).await.expect("sent").status().as_u16(), 413);
        let framed = workervoice_protocol::grievance::frame_batch([sealed.framed.as_slice()]).unwrap();
        let wrong_type = post(framed, "application/json").await.expect("sent");
        assert_eq!(wrong_type.status().as_u16(), 400);
        assert_eq!(hub.count_rows("cases"), 0);
    })
    .await;
}
