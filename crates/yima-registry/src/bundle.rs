//! `GET /v1/bundle`: the evidence bundle of a container or a manifest, holding exactly what
//! the caller's organisation may read in its feed (a regulator: its jurisdiction's
//! containers) and the records of the keys that signed it, as [`yima_core::verify_bundle`]
//! reads them.

use crate::auth::Authed;
use crate::error::{ErrorKind, RegistryError};
use crate::store::audit::{AuditScope, Criteria};
use crate::store::RegistryStore;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use utoipa::IntoParams;
use yima_codes::{CreditCode, LabelCode, ManifestNumber};
use yima_core::{BundleScope, EvidenceBundle, KeyOrigin, KeyRecord, PublicKey, SignedEvent};
use yima_protocol::{ErrorBody, FeedEntry};

/// Which bundle: a container's or a manifest's (exactly one).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct BundleQuery {
    /// A container's 37-character label code.
    container: Option<String>,
    /// A 14-digit transfer manifest number.
    manifest: Option<String>,
}

fn bad(m: impl Into<String>) -> RegistryError {
    RegistryError::new(ErrorKind::BadRequest, m)
}

fn scope_of(q: BundleQuery) -> Result<BundleScope, RegistryError> {
    match (q.container, q.manifest) {
        (Some(c), None) => c
            .parse::<LabelCode>()
            .map(BundleScope::Container)
            .map_err(|e| bad(format!("container: {e}"))),
        (None, Some(m)) => m
            .parse::<ManifestNumber>()
            .map(BundleScope::Manifest)
            .map_err(|e| bad(format!("manifest: {e}"))),
        _ => Err(bad("give exactly one of container and manifest")),
    }
}

/// The evidence bundle of a container or a manifest
///
/// The events the calling device's organisation may read in its feed (of the container and
/// every container sharing an event with it, transitively; or of the containers a
/// manifest's events name), each exactly as stored, and the registry's records of the keys
/// that signed them, attested by the registry's key (`GET /v1/registry-key`): version 2,
/// its `attestation` a signature over the header, the key records and the events. Nothing
/// readable: 404, whether or not the container exists.
#[utoipa::path(
    get,
    path = "/v1/bundle",
    params(BundleQuery),
    responses(
        (status = 200, description = "the bundle, attested (docs/EVIDENCE-BUNDLE.md)", body = EvidenceBundle),
        (status = 400, description = "neither or both of container and manifest, or a malformed one", body = ErrorBody),
        (status = 404, description = "nothing of it the caller's organisation may read", body = ErrorBody),
    )
)]
pub(crate) async fn bundle<S: RegistryStore>(
    State(st): State<AppState<S>>,
    q: Result<Query<BundleQuery>, axum::extract::rejection::QueryRejection>,
    authed: Authed,
) -> Result<impl IntoResponse, RegistryError> {
    let Query(q) = q.map_err(|e| bad(format!("malformed query: {}", e.body_text())))?;
    let scope = scope_of(q)?;
    let org = authed.device.org.clone();
    // A regulator reads whole what its jurisdiction's audit scope holds.
    let audit = match crate::audit::scope_of(st.store.as_ref(), &authed.device).await? {
        AuditScope::Party(_) => None,
        s => Some(s),
    };
    let bundle = bundle_as(st.store.as_ref(), org, audit, scope, (st.clock)())
        .await?
        .attest(st.registry_key().await?);
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        bundle.to_text(),
    ))
}

/// The bundle of `scope` as `org` may read it in its feed: NotFound when it may read
/// nothing of it. Not attested yet: the route attests it with the registry's key.
pub async fn bundle_for<S: RegistryStore>(
    store: &S,
    org: CreditCode,
    scope: BundleScope,
    now: yima_core::Timestamp,
) -> Result<EvidenceBundle, RegistryError> {
    bundle_as(store, org, None, scope, now).await
}

/// [`bundle_for`] for a reader that may also audit `audit` (a regulator's jurisdiction):
/// the whole history of every container in it, whether or not in its feed.
pub async fn bundle_as<S: RegistryStore>(
    store: &S,
    org: CreditCode,
    audit: Option<AuditScope>,
    scope: BundleScope,
    now: yima_core::Timestamp,
) -> Result<EvidenceBundle, RegistryError> {
    // By position, then id: positions order each container's chain, and events of unrelated
    // containers may share one.
    let mut events: BTreeMap<(i64, String), FeedEntry> = BTreeMap::new();
    let mut todo: BTreeSet<LabelCode> = BTreeSet::new();
    match &scope {
        BundleScope::Container(code) => {
            todo.insert(code.clone());
        }
        BundleScope::Manifest(number) => {
            if let Some(a) = &audit {
                todo.extend(manifest_containers(store, a, number).await?);
            }
            for e in store
                .readable_mentioning(org.clone(), number.to_string())
                .await?
            {
                let parsed = parse(&e)?;
                if parsed.body.event.manifest() == Some(number) {
                    todo.extend(parsed.body.links.iter().map(|l| l.container.clone()));
                }
            }
        }
    }
    // The lineage, as the feed backfills it: every container sharing a readable event.
    let mut seen: HashSet<LabelCode> = HashSet::new();
    while let Some(code) = todo.pop_first() {
        if !seen.insert(code.clone()) {
            continue;
        }
        let whole = match &audit {
            Some(a) => store.audit_in_scope(a.clone(), code.clone()).await?,
            None => false,
        };
        let history = if whole {
            store.container_history(code).await?
        } else {
            store.readable_history(org.clone(), code).await?
        };
        for e in history {
            let parsed = parse(&e)?;
            todo.extend(
                parsed
                    .body
                    .links
                    .iter()
                    .filter(|l| !seen.contains(&l.container))
                    .map(|l| l.container.clone()),
            );
            events.insert((e.seq, e.event.id.to_string()), e);
        }
    }
    if events.is_empty() {
        return Err(RegistryError::new(
            ErrorKind::NotFound,
            format!(
                "nothing of {scope} that your organisation may read / 没有您的单位可以查看的{}记录",
                match &scope {
                    BundleScope::Container(c) => format!("容器 {c} "),
                    BundleScope::Manifest(m) => format!("联单 {m} "),
                }
            ),
        ));
    }
    let mut signers: HashSet<PublicKey> = HashSet::new();
    for e in events.values() {
        signers.extend(parse(e)?.body.signer_keys());
    }
    // The records of the keys that signed what it reads (for a reader without an audit
    // scope, all among the keys its /v1/keys gives it).
    let mut devices = Vec::with_capacity(signers.len());
    for k in signers {
        if let Some(d) = store.device(k).await? {
            devices.push(d);
        }
    }
    devices.sort_by_key(|d| d.key.to_string());
    let keys: Vec<KeyRecord> = devices
        .into_iter()
        .map(|d| KeyRecord {
            key: d.key,
            org: d.org,
            org_name: d.org_name,
            roles: vec![d.role],
            enrolled_at: Some(d.enrolled_at),
            revoked_at: d.revoked_at,
            origin: KeyOrigin::Registry,
        })
        .collect();
    Ok(EvidenceBundle::new(
        scope,
        now,
        "registry".into(),
        keys,
        events.into_values().map(|e| e.event).collect(),
    ))
}

/// The containers in `audit` a manifest's events name, from the audit index.
async fn manifest_containers<S: RegistryStore>(
    store: &S,
    audit: &AuditScope,
    number: &yima_codes::ManifestNumber,
) -> Result<Vec<LabelCode>, RegistryError> {
    let criteria = Criteria::check(&yima_protocol::AuditFilter {
        manifest: Some(number.to_string()),
        ..Default::default()
    })
    .map_err(bad)?;
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .audit_search(
                audit.clone(),
                criteria.clone(),
                after,
                yima_protocol::MAX_AUDIT_PAGE,
            )
            .await?;
        for c in &page.containers {
            out.push(crate::store::parse("container code", &c.code)?);
        }
        match page.next {
            Some(n) => after = Some(n),
            None => return Ok(out),
        }
    }
}

fn parse(e: &FeedEntry) -> Result<SignedEvent, RegistryError> {
    e.event.parse().map_err(|err| {
        RegistryError::new(
            ErrorKind::Storage,
            format!("stored event {} unreadable: {err}", e.event.id),
        )
    })
}
