//! The operator's view: liveness, readiness that says what is wrong, and
//! metrics that count without naming anyone.

mod support;

use support::cases::Programme;
use support::{TestHub, within_time};
use workervoice_protocol::directory::Route;
use workervoice_protocol::grievance::SubmitResponse;

#[tokio::test]
async fn liveness_and_readiness_answer_ok_on_a_healthy_hub() {
    within_time(async {
        let hub = TestHub::start().await;
        let live = hub.http.get(hub.url("/healthz")).send().await.expect("sent");
        assert_eq!(live.status().as_u16(), 200);
        let ready = hub.http.get(hub.url("/readyz")).send().await.expect("sent");
        assert_eq!(ready.status().as_u16(), 200);
        let body: serde_json::Value = ready.json().await.expect("json");
        assert_eq!(body, serde_json::json!({"ok": true, "checks": {"database": "ok", "disk": "ok"}}));
    })
    .await;
}

#[tokio::test]
async fn readiness_says_the_disk_is_the_problem_when_free_space_is_below_the_floor() {
    within_time(async {
        let hub = TestHub::start_with(|config| config.min_free_bytes = u64::MAX).await;
        let ready = hub.http.get(hub.url("/readyz")).send().await.expect("sent");
        assert_eq!(ready.status().as_u16(), 503);
        let body: serde_json::Value = ready.json().await.expect("json");
        assert_eq!(body, serde_json::json!({"ok": false, "checks": {"database": "ok", "disk": "failing"}}));
        // Alive all the same: a restart would not help.
        assert_eq!(hub.http.get(hub.url("/healthz")).send().await.expect("sent").status().as_u16(), 200);
    })
    .await;
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_and_name_no_case_factory_or_device() {
    within_time(async {
        let programme = Programme::start().await;
        let sealed = programme.seal(&[Route::IndependentHotline], "a report", &[]);
        let answer: SubmitResponse = programme.hub.submit(&sealed).await.ok();
        // A follow-up on the case by its id: the concrete path holds the id.
        programme.hub.worker_reply(&sealed, &sealed.token, "00000000-0000-4000-8000-000000000001", "hello").await;

        let response = programme.hub.http.get(programme.hub.url("/metrics")).send().await.expect("sent");
        assert_eq!(response.status().as_u16(), 200);
        let content_type = response.headers()[reqwest::header::CONTENT_TYPE].to_str().expect("ascii").to_owned();
        assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
        let text = response.text().await.expect("text");
        assert!(
            text.contains("workervoice_hub_requests_total{method=\"POST\",route=\"/v1/submissions\",status=\"200\"} 1"),
            "{text}"
        );
        assert!(text.contains("route=\"/v1/cases/{case_id}/replies\""), "{text}");
        assert!(text.contains("# TYPE workervoice_hub_request_duration_seconds histogram"));
        assert!(text.contains("workervoice_hub_connections_open "));
        assert!(text.contains("workervoice_hub_disk_free_bytes "));
        for identifier in
            [&answer.case_id, &sealed.client_id, &programme.factory.id, &programme.hotline.id().to_owned()]
        {
            assert!(!text.contains(identifier.as_str()), "the metrics name {identifier}");
        }
        // Every sample line is `name{labels} value` or `name value`.
        for line in text.lines().filter(|line| !line.starts_with('#')) {
            let value = line.rsplit(' ').next().expect("a value");
            assert!(value.parse::<f64>().is_ok(), "not a sample: {line}");
        }
    })
    .await;
}

#[tokio::test]
async fn metrics_are_hidden_from_proxied_requests_unless_they_bring_the_metrics_token() {
    within_time(async {
        let token = "metrics-token-0123456789";
        let hub = TestHub::start_with(|config| config.metrics_token = Some(token.into())).await;
        let proxied = hub.http.get(hub.url("/metrics")).header("x-forwarded-for", "203.0.113.7").send().await;
        let reply = support::Reply::from(proxied.expect("sent")).await;
        reply.assert_error("not_found");
        let wrong = hub.http.get(hub.url("/metrics")).bearer_auth("metrics-token-wrong-0000").send().await;
        support::Reply::from(wrong.expect("sent")).await.assert_error("not_found");
        let with_token = hub
            .http
            .get(hub.url("/metrics"))
            .header("x-forwarded-for", "203.0.113.7")
            .bearer_auth(token)
            .send()
            .await
            .expect("sent");
        assert_eq!(with_token.status().as_u16(), 200);
    })
    .await;
}
