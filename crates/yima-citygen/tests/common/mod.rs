//! Feeding a generated city to a registry store the way the server does (each push decided
//! by `RegistryStore::ingest` with its signatures batch-checked beside, the route fixes of
//! accepted handovers kept by `put_tracks`), giving it the scans of labels as
//! `POST /v1/sightings` and the public page do (`put_sightings`), judging it, and listing
//! what the audit API lists. Shared by the exact-set test and the benchmark.

#![allow(dead_code)]

use std::collections::BTreeSet;
use yima_citygen::{City, Push, Reporter, SightingReport};
use yima_core::{AnomalyConfig, Seal, Sighter, Timestamp};
use yima_protocol::{AuditFilter, NewEnrolmentCode, NewOrg, PushOutcome};
use yima_registry::anomalies::{evaluate_due, EVALUATE_BATCH};
use yima_registry::{
    code_hash, issue_enrolment_code, AuditScope, Criteria, RegistryStore, SignatureCheck,
    TrackRecord,
};

/// How the registry answered the pushes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    pub accepted: usize,
    pub forks: usize,
    pub refused: usize,
    pub deferred: usize,
    pub duplicates: usize,
    /// Why each deferred event was (none should be).
    pub why_deferred: Vec<String>,
}

/// Registers the city's organisations and enrols (and revokes) its devices.
pub async fn enrol<S: RegistryStore>(s: &S, city: &City) {
    let t = Timestamp(city.pushes.iter().map(|p| p.at.0).min().unwrap_or(0) - 86_400_000);
    for o in &city.orgs {
        s.add_org(
            NewOrg {
                credit_code: o.party.credit_code.clone(),
                name: o.party.name.clone(),
                roles: vec![o.role],
                jurisdiction: o.jurisdiction.clone(),
            },
            t,
        )
        .await
        .expect("add org");
    }
    for d in &city.devices {
        let code = issue_enrolment_code(
            s,
            NewEnrolmentCode {
                org: d.org.clone(),
                role: d.role,
                admin: false,
            },
            t,
        )
        .await
        .expect("issue code");
        s.redeem_enrolment(code_hash(&code.code), d.key.public(), t)
            .await
            .expect("redeem code");
        if let Some(at) = d.revoked_at {
            assert!(s.revoke(d.key.public(), at).await.expect("revoke"));
        }
    }
}

/// Ingests one push as the server does.
pub async fn push<S: RegistryStore>(s: &S, p: &Push, tally: &mut Tally) {
    let signatures = SignatureCheck::start(
        p.events
            .iter()
            .flat_map(|e| e.signatures.iter().map(move |sig| (e.id, *sig)))
            .collect(),
    );
    let results = s
        .ingest(p.events.clone(), p.pusher, signatures, p.at)
        .await
        .expect("ingest");
    let mut kept = BTreeSet::new();
    for r in &results {
        match r.outcome {
            PushOutcome::Accepted => {
                kept.insert(r.id);
                tally.accepted += 1
            }
            PushOutcome::Duplicate => tally.duplicates += 1,
            PushOutcome::Fork => tally.forks += 1,
            PushOutcome::Refused => tally.refused += 1,
            PushOutcome::Deferred => tally.deferred += 1,
        }
        if r.outcome == PushOutcome::Deferred {
            tally
                .why_deferred
                .push(r.reason.clone().unwrap_or_default());
        }
    }
    let tracks: Vec<TrackRecord> = p
        .tracks
        .iter()
        .filter(|t| kept.contains(&t.event))
        .map(|t| TrackRecord {
            event_id: t.event,
            recorder: t.carrier.clone(),
            fixes: t.fixes.clone(),
        })
        .collect();
    if !tracks.is_empty() {
        s.put_tracks(tracks, p.at).await.expect("put tracks");
    }
}

/// Gives the registry one report of scans as the route or the public page does: a device
/// reports only its own scans, as itself (the route refuses a report naming another device
/// or organisation), each with a place on the Earth; the page keeps a view without a place.
/// How many scans were new.
pub async fn report<S: RegistryStore>(s: &S, city: &City, r: &SightingReport) -> usize {
    for sighting in &r.sightings {
        assert!(sighting.at <= r.at, "reported before it was scanned");
        match (&r.reporter, &sighting.who) {
            (Reporter::Device(key), Sighter::Device { org, device }) => {
                let enrolled = city
                    .devices
                    .iter()
                    .find(|d| d.key.public() == *key)
                    .expect("an enrolled device of the city reports");
                assert!(
                    enrolled.revoked_at.is_none(),
                    "a revoked device cannot report"
                );
                assert_eq!(
                    (org, device),
                    (&enrolled.org, &key.to_string()),
                    "a device reports as itself"
                );
                assert!(sighting.place.is_some_and(|p| p.is_valid()), "{sighting:?}");
            }
            (Reporter::PublicPage, Sighter::PublicPage) => {
                assert_eq!(sighting.place, None, "the page has no place");
                assert_eq!(sighting.at, r.at, "the page keeps a view as it is opened");
                assert_ne!(sighting.seal, Seal::Forged);
            }
            _ => panic!("{:?} reports a scan by {:?}", r.reporter, sighting.who),
        }
    }
    s.put_sightings(r.sightings.clone(), r.at)
        .await
        .expect("put sightings")
}

/// Gives the registry every scan of the city; how many were new.
pub async fn report_all<S: RegistryStore>(s: &S, city: &City) -> usize {
    let mut n = 0;
    for r in &city.sightings {
        n += report(s, city, r).await;
    }
    n
}

/// Judges every container due at `now`, round after round until none is; how many.
pub async fn judge<S: RegistryStore>(s: &S, now: Timestamp) -> usize {
    let config = AnomalyConfig::default();
    let mut n = 0;
    loop {
        let k = evaluate_due(s, now, &config, EVALUATE_BATCH)
            .await
            .expect("judge");
        if k == 0 {
            return n;
        }
        n += k;
    }
}

/// Every (rule, container) the audit API lists, nationally, page by page.
pub async fn listed<S: RegistryStore>(s: &S) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let mut after = None;
    loop {
        let page = s
            .audit_anomalies(
                AuditScope::All,
                Criteria::check(&AuditFilter::default()).expect("no filter"),
                None,
                after,
                200,
            )
            .await
            .expect("anomalies");
        out.extend(
            page.anomalies
                .iter()
                .map(|a| (a.rule.clone(), a.container.clone())),
        );
        match page.next {
            Some(n) => after = Some(n),
            None => return out,
        }
    }
}
