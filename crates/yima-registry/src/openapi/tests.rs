//! The document against the router and the wire types: every route served is described
//! and every described route is served, signed or not as described; and every JSON body
//! described is what serde writes for real values of its type, property for property.

use crate::error::{ErrorKind, RegistryError};
use crate::routes::{described, Liveness, Readiness};
use crate::{AppState, SqliteStore};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use tower::ServiceExt;
use yima_codes::{CreditCode, SequenceBlock};
use yima_core::{DeviceKey, EventId, Role, Timestamp, WireEvent};
use yima_protocol::*;

mod samples;
mod traffic;

use samples::samples;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

pub(super) fn state() -> (tempfile::TempDir, AppState<SqliteStore>) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("registry.db")).unwrap();
    (dir, AppState::new(store))
}

/// An unsigned request to the real router: status and body.
pub(super) async fn call(router: &Router, method: &str, path: &str) -> (StatusCode, Vec<u8>) {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .body(Body::empty())
        .unwrap();
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let body = axum::body::to_bytes(resp.into_body(), 1 << 22).await;
    (status, body.unwrap().to_vec())
}

/// The document as the router serves it.
pub(super) async fn served_document(router: &Router) -> Value {
    let (status, body) = call(router, "GET", "/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    serde_json::from_slice(&body).unwrap()
}

/// Every operation of the document: (METHOD, path) and the operation.
pub(super) fn operations(doc: &Value) -> BTreeMap<(String, String), &Value> {
    let mut ops = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("a path item") {
            if METHODS.contains(&method.as_str()) {
                ops.insert((method.to_uppercase(), path.clone()), op);
            }
        }
    }
    ops
}

/// Whether an operation is described as needing no signature.
fn unsigned(op: &Value) -> bool {
    op.get("security").is_some_and(|s| {
        s.as_array()
            .expect("security is a list")
            .iter()
            .all(|r| r.as_object().is_some_and(|o| o.is_empty()))
    })
}

#[tokio::test]
async fn the_document_lists_exactly_the_routes_served_signed_as_they_are() {
    let (_dir, st) = state();
    let served: BTreeSet<(String, String)> = described(&st).served.into_iter().collect();
    let router = crate::router(st);
    let doc = served_document(&router).await;
    let ops = operations(&doc);
    let documented: BTreeSet<(String, String)> = ops.keys().cloned().collect();
    assert_eq!(
        served, documented,
        "the routes served and the routes described differ (add the handler to `paths` in openapi.rs)"
    );
    assert_eq!(doc["security"], json!([{ "deviceKey": [] }]));
    assert_eq!(
        doc["components"]["securitySchemes"]["deviceKey"]["name"],
        yima_protocol::HEADER_SIGNATURE
    );
    // A route nobody serves falls through to 404: the answers below are the routes' own.
    let (status, _) = call(&router, "GET", "/v1/no-such-route").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let mut open = BTreeSet::new();
    for ((method, path), op) in &ops {
        let (status, body) = call(&router, method, path).await;
        if unsigned(op) {
            // A road check without a body is a malformed pass, not a missing signature.
            // So is a label page of `{label}`: not a readable label.
            let expected = if path == "/v1/road" || path.ends_with("/{label}") {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::OK
            };
            assert_eq!(status, expected, "{method} {path} is described unsigned");
            open.insert(path.as_str());
        } else {
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} is described signed"
            );
            let e: ErrorBody = serde_json::from_slice(&body).unwrap();
            assert_eq!(e.error.kind, "unauthorized");
            assert!(
                op["responses"]["401"].is_object(),
                "{method} {path} does not describe its 401"
            );
        }
    }
    assert_eq!(
        open,
        BTreeSet::from([
            "/v1/health",
            "/v1/ready",
            "/metrics",
            "/v1/openapi.json",
            "/v1/registry-key",
            "/v1/road",
            "/L/{label}",
            "/l/{label}",
        ])
    );
}

/// Checks values against the document's schemas (the part of JSON Schema utoipa writes),
/// noting which properties of which named schema some value had.
pub(super) struct Checker<'a> {
    pub(super) schemas: &'a serde_json::Map<String, Value>,
    pub(super) seen: BTreeSet<(String, String)>,
    pub(super) reached: BTreeSet<String>,
}

impl Checker<'_> {
    pub(super) fn check(
        &mut self,
        v: &Value,
        schema: &Value,
        named: Option<&str>,
    ) -> Result<(), String> {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let name = r.strip_prefix("#/components/schemas/").ok_or(r)?;
            let target = self.schemas.get(name).ok_or(format!("no schema {name}"))?;
            self.reached.insert(name.to_string());
            return self.check(v, target, Some(name));
        }
        if let Some(alternatives) = schema.get("oneOf").and_then(Value::as_array) {
            let mut matched = 0;
            for a in alternatives {
                let mut trial = Checker {
                    schemas: self.schemas,
                    seen: BTreeSet::new(),
                    reached: BTreeSet::new(),
                };
                if trial.check(v, a, named).is_ok() {
                    matched += 1;
                    self.seen.extend(trial.seen);
                    self.reached.extend(trial.reached);
                }
            }
            if matched != 1 {
                return Err(format!("{v} matches {matched} of oneOf {schema}"));
            }
        }
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.check(v, part, named)?;
        }
        if let Some(t) = schema.get("type") {
            let types: Vec<&str> = match t {
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                t => vec![t.as_str().ok_or("a type is a string")?],
            };
            let ok = types.iter().any(|t| match *t {
                "null" => v.is_null(),
                "boolean" => v.is_boolean(),
                "integer" => v.is_i64() || v.is_u64(),
                "number" => v.is_number(),
                "string" => v.is_string(),
                "array" => v.is_array(),
                "object" => v.is_object(),
                _ => false,
            });
            if !ok {
                return Err(format!("{v} is not of type {t}"));
            }
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            if !allowed.contains(v) {
                return Err(format!("{v} is not one of {allowed:?}"));
            }
        }
        if let (Some(obj), Some(props)) = (
            v.as_object(),
            schema.get("properties").and_then(Value::as_object),
        ) {
            for req in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let req = req.as_str().ok_or("a required name is a string")?;
                if !obj.contains_key(req) {
                    return Err(format!("{v} lacks required {req}"));
                }
            }
            for (k, x) in obj {
                let p = props
                    .get(k)
                    .ok_or(format!("{k} is written but not described in {schema}"))?;
                self.check(x, p, None).map_err(|e| format!("{k}: {e}"))?;
                if let Some(name) = named {
                    self.seen.insert((name.to_string(), k.clone()));
                }
            }
        }
        if let (Some(items), Some(schema)) = (v.as_array(), schema.get("items")) {
            for x in items {
                self.check(x, schema, None)?;
            }
        }
        Ok(())
    }
}

#[tokio::test]
async fn every_body_described_is_what_serde_writes_for_real_values() {
    let (_dir, st) = state();
    let doc = served_document(&crate::router(st)).await;
    let samples = samples().await;
    let mut checker = Checker {
        schemas: doc["components"]["schemas"].as_object().expect("schemas"),
        seen: BTreeSet::new(),
        reached: BTreeSet::new(),
    };
    let mut bodies = 0;
    for ((method, path), op) in operations(&doc) {
        let request = op["requestBody"]["content"]["application/json"]["schema"].clone();
        let responses = op["responses"].as_object().expect("responses");
        let answers = responses.iter().map(|(status, r)| {
            (
                status.clone(),
                r["content"]["application/json"]["schema"].clone(),
            )
        });
        for (what, schema) in std::iter::once(("request".to_string(), request)).chain(answers) {
            let Some(r) = schema.get("$ref").and_then(Value::as_str) else {
                // Not JSON (the metrics), no body, or this document itself.
                assert!(
                    schema.is_null() || path == "/v1/openapi.json",
                    "{method} {path} {what}: a JSON body is a named schema"
                );
                continue;
            };
            let name = r.trim_start_matches("#/components/schemas/");
            let values = samples
                .get(name)
                .unwrap_or_else(|| panic!("no real value of {name} ({method} {path} {what})"));
            for v in values {
                if let Err(e) = checker.check(v, &schema, None) {
                    panic!("{method} {path} {what}: {name} as serde writes it: {e}");
                }
                bodies += 1;
            }
        }
    }
    assert!(bodies > 20, "only {bodies} bodies checked");
    // Every property the document describes was written by some real value.
    for name in &checker.reached {
        let schema = &checker.schemas[name.as_str()];
        for prop in schema["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|p| p.0)
        {
            assert!(
                checker.seen.contains(&(name.clone(), prop.clone())),
                "{name}.{prop} is described but no real value writes it"
            );
        }
    }
    for name in [
        "ErrorBody",
        "DeviceInfo",
        "WireEvent",
        "Signature",
        "FeedEntry",
    ] {
        assert!(checker.reached.contains(name), "{name} was not reached");
    }
}

#[test]
fn the_error_kinds_are_described_and_distinct() {
    let doc: Value = serde_json::from_str(super::document()).unwrap();
    let kinds = &doc["components"]["schemas"]["ErrorDetail"]["properties"]["kind"]["enum"];
    let names: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(kinds, &json!(names));
    assert_eq!(names.iter().collect::<BTreeSet<_>>().len(), names.len());
}
