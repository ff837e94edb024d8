//! The console served by the hub (ADR 0018): its files at `/` with strict
//! headers and the right caching, the app for client routes, JSON errors
//! for the API kept, and the cookie session with its forgery guard.

mod support;

use reqwest::Method;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, COOKIE, SET_COOKIE};
use serde_json::{Value, json};
use support::{TestHub, within_time};
use workervoice_protocol::staff::InvitationResponse;

const PASSWORD: &str = "a long staff password";
const INDEX: &str =
    "<!doctype html><title>console</title><script type=\"module\" src=\"/assets/app-1a2b.js\"></script>";

/// A hub serving a small stand-in build from a directory of its own.
async fn hub_with_console() -> (TestHub, tempfile::TempDir) {
    let build = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(build.path().join("assets")).expect("assets dir");
    std::fs::write(build.path().join("index.html"), INDEX).expect("index");
    std::fs::write(build.path().join("assets/app-1a2b.js"), "console.log(1)").expect("script");
    let dir = build.path().to_path_buf();
    let hub = TestHub::start_with(move |config| config.console_dir = Some(dir)).await;
    (hub, build)
}

async fn get(hub: &TestHub, path: &str) -> reqwest::Response {
    hub.http.get(hub.url(path)).send().await.expect("request sent")
}

/// Asserts a JSON error body with `code`.
async fn assert_error(response: reqwest::Response, code: &str) {
    let body: Value = response.json().await.expect("a JSON error body");
    assert_eq!(body.pointer("/error/code").and_then(Value::as_str), Some(code), "{body}");
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response.headers().get(name).and_then(|value| value.to_str().ok()).unwrap_or_default()
}

#[tokio::test]
async fn the_page_is_served_at_the_root_with_strict_headers_and_never_stored() {
    within_time(async {
        let (hub, _build) = hub_with_console().await;
        let response = get(&hub, "/").await;
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, CONTENT_TYPE.as_str()), "text/html; charset=utf-8");
        assert_eq!(header(&response, CACHE_CONTROL.as_str()), "no-store");
        let csp = header(&response, "content-security-policy");
        assert!(csp.contains("script-src 'self';") && csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");
        assert_eq!(header(&response, "x-content-type-options"), "nosniff");
        assert_eq!(header(&response, "referrer-policy"), "no-referrer");
        assert_eq!(header(&response, "cross-origin-opener-policy"), "same-origin");
        assert_eq!(header(&response, "x-frame-options"), "DENY");
        assert_eq!(response.text().await.expect("body"), INDEX);
    })
    .await;
}

#[tokio::test]
async fn hashed_assets_are_cacheable_and_a_missing_one_is_not_the_page() {
    within_time(async {
        let (hub, _build) = hub_with_console().await;
        let script = get(&hub, "/assets/app-1a2b.js").await;
        assert_eq!(script.status(), 200);
        assert_eq!(header(&script, CACHE_CONTROL.as_str()), "public, max-age=31536000, immutable");
        assert_eq!(header(&script, CONTENT_TYPE.as_str()), "text/javascript; charset=utf-8");
        assert_eq!(header(&script, "x-content-type-options"), "nosniff");
        let missing = get(&hub, "/assets/app-0000.js").await;
        assert_eq!(missing.status(), 404);
        assert!(!missing.text().await.expect("body").contains("<script"));
    })
    .await;
}

#[tokio::test]
async fn client_routes_return_the_app_but_unknown_api_paths_stay_json() {
    within_time(async {
        let (hub, _build) = hub_with_console().await;
        for page in ["/factories/abc/devices", "/audit", "/accept"] {
            let response = get(&hub, page).await;
            assert_eq!(response.status(), 200, "{page}");
            assert_eq!(header(&response, CACHE_CONTROL.as_str()), "no-store");
            assert_eq!(response.text().await.expect("body"), INDEX, "{page}");
        }
        for api in ["/admin/v1/nothing-here", "/v1/nothing", "/staff/v1/nope", "/handler/v9/x"] {
            assert_error(get(&hub, api).await, "not_found").await;
        }
        // A path that would climb out of the build is only a client route.
        let climbing = get(&hub, "/..%2f..%2fetc%2fpasswd").await;
        assert_eq!(climbing.text().await.expect("body"), INDEX);
        assert_error(hub.http.post(hub.url("/factories")).send().await.expect("sent"), "not_found").await;
    })
    .await;
}

#[tokio::test]
async fn a_hub_without_a_console_says_so_at_the_root_and_keeps_the_api() {
    within_time(async {
        let hub = TestHub::start().await;
        let response = get(&hub, "/").await;
        assert_eq!(response.status(), 404);
        assert!(response.text().await.expect("body").contains("--console-dir"));
        assert_error(get(&hub, "/admin/v1/nothing").await, "not_found").await;
    })
    .await;
}

/// An auditor (no second factor by default) invited and accepted.
async fn auditor(hub: &TestHub) -> String {
    let invitation: InvitationResponse =
        hub.admin(Method::POST, "/admin/v1/staff/invitations", Some(json!({"role": "auditor"}))).await.ok();
    let body = json!({"invitation_token": invitation.invitation_token, "login": "audrey", "display_name": "Audrey",
        "password": PASSWORD});
    hub.as_staff("", Method::POST, "/staff/v1/invitations/accept", Some(body)).await.ok::<Value>();
    "audrey".to_owned()
}

async fn console_login(hub: &TestHub, login: &str, with_header: bool) -> reqwest::Response {
    let mut request =
        hub.http.post(hub.url("/staff/v1/console/login")).json(&json!({"login": login, "password": PASSWORD}));
    if with_header {
        request = request.header("x-workervoice-console", "1");
    }
    request.send().await.expect("request sent")
}

#[tokio::test]
async fn a_console_login_sets_an_http_only_strict_cookie_and_never_shows_the_token() {
    within_time(async {
        let (hub, _build) = hub_with_console().await;
        let login = auditor(&hub).await;
        let response = console_login(&hub, &login, true).await;
        assert_eq!(response.status(), 200);
        let cookie = header(&response, SET_COOKIE.as_str()).to_owned();
        assert!(cookie.starts_with("wv_staff="), "{cookie}");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"));
        let body: Value = response.json().await.expect("json");
        assert!(body.get("session_token").is_none(), "{body}");
        assert_eq!(body["account"]["role"], "auditor");
        let rights: Vec<&str> = body["rights"].as_array().expect("rights").iter().filter_map(Value::as_str).collect();
        assert!(rights.contains(&"read_audit") && !rights.contains(&"manage_programme"), "{rights:?}");

        let pair = cookie.split(';').next().expect("name=value").to_owned();
        let with_cookie = |path: &str, marked: bool| {
            let mut request = hub.http.get(hub.url(path)).header(COOKIE, pair.clone());
            if marked {
                request = request.header("x-workervoice-console", "1");
            }
            request
        };
        assert_eq!(with_cookie("/staff/v1/console/session", true).send().await.expect("sent").status(), 200);
        assert_eq!(with_cookie("/admin/v1/audit", true).send().await.expect("sent").status(), 200);
        // The role still decides: an auditor changes nothing.
        let refused = hub
            .http
            .post(hub.url("/admin/v1/factories"))
            .header(COOKIE, pair.clone())
            .header("x-workervoice-console", "1")
            .json(&json!({"name": "X"}))
            .send()
            .await
            .expect("sent");
        assert_error(refused, "forbidden").await;
        // Without the console header (what a form on another site sends) the cookie counts for nothing.
        assert_error(with_cookie("/admin/v1/audit", false).send().await.expect("sent"), "unauthorized").await;

        let logout = hub
            .http
            .post(hub.url("/staff/v1/console/logout"))
            .header(COOKIE, pair.clone())
            .header("x-workervoice-console", "1")
            .send()
            .await
            .expect("sent");
        assert!(header(&logout, SET_COOKIE.as_str()).contains("Max-Age=0"));
        assert_error(with_cookie("/staff/v1/console/session", true).send().await.expect("sent"), "unauthorized").await;
    })
    .await;
}

#[tokio::test]
async fn a_console_login_without_the_console_header_is_refused() {
    within_time(async {
        let (hub, _build) = hub_with_console().await;
        let login = auditor(&hub).await;
        let response = console_login(&hub, &login, false).await;
        assert!(response.headers().get(SET_COOKIE).is_none());
        assert_error(response, "forbidden").await;
    })
    .await;
}

#[tokio::test]
async fn a_logout_without_the_console_header_neither_ends_the_session_nor_clears_the_cookie() {
    within_time(async {
        let (hub, _build) = hub_with_console().await;
        let login = auditor(&hub).await;
        let response = console_login(&hub, &login, true).await;
        let cookie = header(&response, SET_COOKIE.as_str()).split(';').next().unwrap_or_default().to_owned();
        let logout = hub
            .http
            .post(hub.url("/staff/v1/console/logout"))
            .header(COOKIE, cookie.clone())
            .send()
            .await
            .expect("sent");
        assert!(logout.headers().get(SET_COOKIE).is_none());
        assert_error(logout, "forbidden").await;
        let session = hub
            .http
            .get(hub.url("/staff/v1/console/session"))
            .header(COOKIE, cookie)
            .header("x-workervoice-console", "1")
            .send()
            .await
            .expect("sent");
        assert_eq!(session.status(), 200, "the session is still live");
    })
    .await;
}

#[tokio::test]
async fn a_request_marked_cross_site_cannot_use_the_cookie() {
    within_time(async {
        let (hub, _build) = hub_with_console().await;
        let login = auditor(&hub).await;
        let response = console_login(&hub, &login, true).await;
        let cookie = header(&response, SET_COOKIE.as_str()).split(';').next().unwrap_or_default().to_owned();
        let reply = hub
            .http
            .request(Method::GET, hub.url("/staff/v1/console/session"))
            .header(COOKIE, cookie)
            .header("x-workervoice-console", "1")
            .header("sec-fetch-site", "cross-site")
            .send()
            .await
            .expect("sent");
        assert_error(reply, "unauthorized").await;
    })
    .await;
}

#[tokio::test]
async fn api_answers_and_refusals_are_never_stored_while_hashed_assets_are() {
    within_time(async {
        let (hub, _build) = hub_with_console().await;
        // An answer, a refusal and a staff route the caller may not use: a
        // browser or a proxy in front of the hub must keep none of them.
        for (path, status) in [("/health", 200), ("/handler/v1/cases", 401), ("/admin/v1/audit", 401)] {
            let response = get(&hub, path).await;
            assert_eq!(response.status(), status, "{path}");
            assert_eq!(header(&response, CACHE_CONTROL.as_str()), "no-store", "{path}");
        }
        // A route that says how it may be cached keeps its own header.
        let script = get(&hub, "/assets/app-1a2b.js").await;
        assert_eq!(header(&script, CACHE_CONTROL.as_str()), "public, max-age=31536000, immutable");
    })
    .await;
}
