//! The API's OpenAPI description, made from the handlers' own `#[utoipa::path]` annotations
//! and the wire types' schemas (yima-protocol's `openapi` feature), built once and served at
//! `/v1/openapi.json`. The router serves a handler only through [`Described::serve`], at the
//! path and method its annotation gives, and the tests hold the document to that list.

use crate::error::ErrorKind;
use crate::store::RegistryStore;
use crate::{admin, audit, bundle, offers, public_page, road, routes, sightings, AppState};
use axum::handler::Handler;
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;
use std::sync::OnceLock;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::HttpMethod;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::Schema;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{ContentBuilder, RefOr};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};
use yima_protocol::ErrorBody;

/// The document's introduction: how requests are signed, errors, limits and timeouts.
const DESCRIPTION: &str = "Central registry for Yima hazardous-waste custody events. \
Every request except /v1/health, /v1/ready, /metrics, /v1/openapi.json and /v1/registry-key \
is signed by the \
device key: headers x-yima-key (hex Ed25519 public key), x-yima-time (ms since the epoch, \
within 5 minutes of the registry clock), x-yima-nonce (8-64 hex characters, never reused) and \
x-yima-signature (hex Ed25519 signature over SHA-256 of 'yima/request/v1\\0' + METHOD + '\\n' + \
PATH?QUERY + '\\n' + TIME + '\\n' + NONCE + '\\n' + SHA-256(body)). \
Errors are {\"error\": {\"kind\": ..., \"message\": ...}}. \
The public label pages (/L/..., /l/..., HTML for phones) are unsigned. \
Enrolment attempts, road pass checks and label pages are limited per client address and pushes \
per address and per key: over a limit the answer is 429 with Retry-After (and retry_after in the error). A request's head must \
arrive within the header timeout (also the idle timeout between requests) and its body within \
the body timeout (408 after). Every answer carries x-request-id (the caller's, if it sent one).";

/// The name of the signed-request scheme in the document.
pub(crate) const DEVICE_KEY: &str = "deviceKey";

/// The registry's API as described.
#[derive(OpenApi)]
#[openapi(
    info(title = "Yima registry", version = "1", description = DESCRIPTION),
    paths(
        routes::health,
        routes::ready,
        routes::metrics,
        routes::openapi,
        crate::enrolment::enrol,
        admin::add_org,
        admin::issue_code,
        admin::revoke,
        admin::give_sequence_block,
        routes::push,
        routes::feed,
        routes::keys,
        routes::registry_key,
        bundle::bundle,
        audit::search,
        audit::counts,
        audit::anomalies,
        offers::post_offer,
        offers::get_offers,
        sightings::post_sightings,
        road::check_road,
        public_page::label_page_upper,
        public_page::label_page_lower,
    ),
    components(schemas(ErrorBody)),
    modifiers(&Conventions),
    security(("deviceKey" = [])),
)]
struct ApiDoc;

/// The document as served, made once.
pub(crate) fn document() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .expect("the OpenAPI document serialises")
    })
}

/// What holds for every route and is written once here: the signed-request scheme, the
/// error kinds, and the errors every signed request may meet before its handler decides
/// (a bad signature or key, a body too large, too slow or not JSON, the store unavailable).
struct Conventions;

impl Modify for Conventions {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            DEVICE_KEY,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                yima_protocol::HEADER_SIGNATURE,
                "With x-yima-key, x-yima-time and x-yima-nonce; see info.description.",
            ))),
        );
        if let Some(RefOr::T(Schema::Object(detail))) = components.schemas.get_mut("ErrorDetail") {
            if let Some(RefOr::T(Schema::Object(kind))) = detail.properties.get_mut("kind") {
                kind.enum_values = Some(ErrorKind::ALL.iter().map(|k| k.as_str().into()).collect());
            }
        }
        let error = || {
            ContentBuilder::new()
                .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                    ErrorBody::name(),
                ))))
                .build()
        };
        let retry_after = || {
            HeaderBuilder::new()
                .schema(<u64 as PartialSchema>::schema())
                .description(Some("seconds to wait before retrying"))
                .build()
        };
        for item in doc.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
                &mut item.trace,
            ];
            for op in ops.into_iter().flatten() {
                let unsigned = op.security.as_ref().is_some_and(|s| {
                    s.iter().all(|r| {
                        serde_json::to_value(r)
                            .is_ok_and(|v| v.as_object().is_some_and(|o| o.is_empty()))
                    })
                });
                if unsigned {
                    continue;
                }
                for (status, description) in [
                    ("400", "malformed request: headers, query or JSON body"),
                    (
                        "401",
                        "missing, stale, replayed or bad signature, or an unknown or revoked key",
                    ),
                    ("408", "the body did not arrive within the body timeout"),
                    ("413", "body over 4 MiB"),
                    (
                        "503",
                        "the registry's storage is unavailable (with Retry-After)",
                    ),
                ] {
                    op.responses
                        .responses
                        .entry(status.into())
                        .or_insert_with(|| {
                            let response = ResponseBuilder::new()
                                .description(description)
                                .content("application/json", error());
                            match status {
                                "503" => response.header("Retry-After", retry_after()),
                                _ => response,
                            }
                            .into()
                        });
                }
            }
        }
    }
}

/// The router under construction, with the method and path of every route it serves.
pub(crate) struct Described<S> {
    /// The routes.
    pub(crate) router: Router<AppState<S>>,
    /// Each route served: method (upper case) and path.
    pub(crate) served: Vec<(String, String)>,
}

impl<S: RegistryStore> Described<S> {
    /// No routes yet.
    pub(crate) fn new() -> Described<S> {
        Described {
            router: Router::new(),
            served: Vec::new(),
        }
    }

    /// Serves `handler` at the path and method(s) its annotation `description` gives.
    pub(crate) fn serve<P, H, T>(self, description: P, handler: H) -> Described<S>
    where
        P: utoipa::Path,
        H: Handler<T, AppState<S>>,
        T: 'static,
    {
        self.serve_with(description, handler, |m| m)
    }

    /// [`Described::serve`], with `wrap` around the handler (a layer of its own).
    pub(crate) fn serve_with<P, H, T>(
        mut self,
        _description: P,
        handler: H,
        wrap: impl FnOnce(MethodRouter<AppState<S>>) -> MethodRouter<AppState<S>>,
    ) -> Described<S>
    where
        P: utoipa::Path,
        H: Handler<T, AppState<S>>,
        T: 'static,
    {
        let methods = P::methods();
        let filter = methods
            .iter()
            .map(method_filter)
            .reduce(MethodFilter::or)
            .expect("an annotated route has a method");
        let path = P::path();
        for m in &methods {
            let name = serde_json::to_value(m).expect("a method serialises");
            let name = name.as_str().expect("a method is a string").to_uppercase();
            self.served.push((name, path.clone()));
        }
        self.router = self.router.route(&path, wrap(on(filter, handler)));
        self
    }
}

fn method_filter(m: &HttpMethod) -> MethodFilter {
    match m {
        HttpMethod::Get => MethodFilter::GET,
        HttpMethod::Post => MethodFilter::POST,
        HttpMethod::Put => MethodFilter::PUT,
        HttpMethod::Delete => MethodFilter::DELETE,
        HttpMethod::Options => MethodFilter::OPTIONS,
        HttpMethod::Head => MethodFilter::HEAD,
        HttpMethod::Patch => MethodFilter::PATCH,
        HttpMethod::Trace => MethodFilter::TRACE,
    }
}

#[cfg(test)]
mod tests;
