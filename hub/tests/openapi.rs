//! The OpenAPI description (ADR 0022): it names exactly the routes the
//! router serves, the hub serves it, and the committed `hub/openapi.json`
//! is what the code generates.
//!
//! After changing a route or a wire type, regenerate the committed file:
//! `WV_UPDATE_OPENAPI=1 cargo test -p workervoice-hub --test openapi`.

mod support;

use std::path::PathBuf;

use support::{TestHub, within_time};

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi.json")
}

#[tokio::test]
async fn the_description_names_every_route_the_router_serves_and_no_other() {
    within_time(async {
        let hub = TestHub::start().await;
        let served = hub.hub.served_routes();
        // Reading the router found its routes (an axum that prints them
        // differently would find none).
        assert!(served.len() > 50, "found only {} routes in the router", served.len());
        let described = workervoice_hub::openapi_routes();
        let missing: Vec<_> = served.difference(&described).collect();
        let extra: Vec<_> = described.difference(&served).collect();
        assert!(missing.is_empty(), "served but not described (add them to hub/src/openapi.rs): {missing:?}");
        assert!(extra.is_empty(), "described but not served: {extra:?}");
    })
    .await;
}

#[tokio::test]
async fn the_hub_serves_its_description_without_authentication() {
    within_time(async {
        let hub = TestHub::start().await;
        let response = hub.http.get(hub.url("/openapi.json")).send().await.expect("sent");
        assert_eq!(response.status().as_u16(), 200);
        let served: serde_json::Value = response.json().await.expect("json");
        let generated: serde_json::Value = serde_json::from_str(&workervoice_hub::openapi_json()).expect("json");
        assert_eq!(served, generated);
        assert_eq!(served["openapi"], "3.1.0");
        assert!(served["components"]["schemas"]["ErrorBody"].is_object());
    })
    .await;
}

#[test]
fn the_committed_description_is_what_the_code_generates() {
    let generated = workervoice_hub::openapi_json();
    if std::env::var_os("WV_UPDATE_OPENAPI").is_some() {
        std::fs::write(committed_path(), &generated).expect("hub/openapi.json written");
        return;
    }
    let committed = std::fs::read_to_string(committed_path()).unwrap_or_default();
    assert!(
        committed == generated,
        "hub/openapi.json differs from what the code generates; regenerate it with \
         `WV_UPDATE_OPENAPI=1 cargo test -p workervoice-hub --test openapi` and review the diff"
    );
}

#[test]
fn no_two_wire_types_share_a_schema_name() {
    assert_eq!(workervoice_hub::openapi_schema_name_collisions(), Vec::<String>::new());
}

#[test]
fn every_operation_lists_its_statuses_and_none_is_a_catch_all() {
    let document: serde_json::Value = serde_json::from_str(&workervoice_hub::openapi_json()).expect("json");
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            let responses = operation["responses"].as_object().expect("responses");
            // A `default` answer would let any status pass schemathesis's
            // status_code_conformance check.
            assert!(!responses.contains_key("default"), "{method} {path} has a catch-all answer");
            assert!(responses.contains_key("200"), "{method} {path} has no success answer");
            for (status, response) in responses {
                let schema = &response["content"]["application/json"]["schema"]["$ref"];
                if schema == "#/components/schemas/ErrorBody" {
                    let codes = response["x-error-codes"].as_array().map(Vec::len).unwrap_or(0);
                    assert!(codes > 0, "{method} {path} {status} lists no error code");
                }
            }
        }
    }
    assert_eq!(workervoice_hub::openapi_statuses_listed_twice(), Vec::<String>::new());
}
