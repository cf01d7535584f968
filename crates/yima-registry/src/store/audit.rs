//! The audit index (migration 9): what a search names, derived from each signed event as it
//! is stored ([`facts_of`]) and from each container's main-chain status ([`row_of`]); and
//! the search and counts both backends run over it, as SQL built here once for both.

mod query;

use crate::error::RegistryError;
pub(crate) use query::{
    anomalies_sql, anomaly_page_of, counts_sql, in_scope_sql, page_of, search_sql, Dialect, Sql,
    SqlValue,
};
pub use query::{AuditScope, Criteria};
use std::collections::BTreeSet;
use std::future::Future;
use yima_codes::{CreditCode, LabelCode};
use yima_core::{ContainerStatus, EventKind, Role, SignedEvent, Timestamp};

/// A fact's kind: a custody party's credit code.
pub(crate) const ORG: &str = "org";
/// A fact's kind: a custody party's administrative division (credit code characters 3–8).
pub(crate) const DIVISION: &str = "division";
/// A fact's kind: a transfer manifest number.
pub(crate) const MANIFEST: &str = "manifest";
/// A fact's kind: a vehicle plate.
pub(crate) const PLATE: &str = "plate";
/// A fact's kind: a carrier's credit code.
pub(crate) const CARRIER: &str = "carrier";

/// One fact row: kind, value, container.
pub(crate) type FactRow = (&'static str, String, String);

/// The administrative division of an organisation (credit code characters 3–8).
pub(crate) fn org_division(org: &CreditCode) -> String {
    org.as_str().get(2..8).unwrap_or("").to_string()
}

/// What `e` says of each container it links that a search names.
pub(crate) fn facts_of(e: &SignedEvent) -> Vec<FactRow> {
    let body = &e.body;
    let mut orgs: BTreeSet<&CreditCode> = BTreeSet::new();
    let mut carriers: BTreeSet<&CreditCode> = BTreeSet::new();
    let mut values: Vec<(&'static str, String)> = Vec::new();
    if body.by.role != Role::Regulator {
        orgs.insert(&body.by.org);
    }
    if let Some(g) = body.event.giver() {
        orgs.insert(&g.org);
    }
    match &body.event {
        EventKind::Dispatched { manifest, .. } => {
            orgs.extend([
                &manifest.sender.credit_code,
                &manifest.carrier.credit_code,
                &manifest.receiver.credit_code,
            ]);
            carriers.insert(&manifest.carrier.credit_code);
        }
        EventKind::PickedUp { vehicle_plate, .. }
        | EventKind::RelayHandover { vehicle_plate, .. } => {
            carriers.insert(&body.by.org);
            values.push((PLATE, plate_key(vehicle_plate)));
        }
        _ => {}
    }
    if let Some(m) = body.event.manifest() {
        values.push((MANIFEST, m.to_string()));
    }
    for o in &orgs {
        values.push((ORG, o.to_string()));
        values.push((DIVISION, org_division(o)));
    }
    for c in &carriers {
        values.push((CARRIER, c.to_string()));
    }
    values.sort();
    values.dedup();
    let mut rows = Vec::with_capacity((values.len() + 2) * body.links.len());
    for l in &body.links {
        let code = l.container.to_string();
        // A container's producer is a party of it from its first event, whoever records
        // (written once, there: each later event would only write it again).
        if l.prev.is_none() {
            let p = l.container.producer();
            if !orgs.contains(p) {
                rows.push((ORG, p.to_string(), code.clone()));
                rows.push((DIVISION, org_division(p), code.clone()));
            }
        }
        for (kind, value) in &values {
            rows.push((*kind, value.clone(), code.clone()));
        }
    }
    rows
}

/// A plate as searched: upper case, without spaces, dots or hyphens (闽A·12345 = 闽A12345).
pub(crate) fn plate_key(plate: &str) -> String {
    plate
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '·' | '.' | '-' | '•'))
        .flat_map(char::to_uppercase)
        .collect()
}

/// One row of `audit_containers`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AuditRow {
    pub code: String,
    pub producer: String,
    pub waste: String,
    pub category: String,
    pub division: String,
    pub state: String,
    pub holder: String,
    pub manifest: Option<String>,
    pub first_at: i64,
    pub last_at: i64,
    pub first_day: String,
}

/// The summary of a container whose first event happened at `first_at`, as `status` stands.
pub(crate) fn row_of(status: &ContainerStatus, first_at: Timestamp) -> AuditRow {
    let code: &LabelCode = &status.label.code;
    let waste = code.waste_code();
    AuditRow {
        code: code.to_string(),
        producer: code.producer().to_string(),
        waste: waste.to_string(),
        category: waste.category().map(|c| c.to_string()).unwrap_or_default(),
        division: org_division(code.producer()),
        state: status.state.as_str().to_string(),
        holder: status.holder.to_string(),
        manifest: status.manifest.as_ref().map(|m| m.number.to_string()),
        first_at: first_at.0,
        last_at: status.head_at.unwrap_or(first_at).0,
        first_day: first_at.china_date().format("%Y%m%d").to_string(),
    }
}

/// The counts of a search from its groups.
pub(crate) fn counts_of(
    by: yima_protocol::AuditGroup,
    groups: Vec<yima_protocol::AuditCount>,
) -> yima_protocol::AuditCounts {
    yima_protocol::AuditCounts {
        by,
        total: groups.iter().map(|g| g.containers).sum(),
        groups,
    }
}

/// The facts of a stored event read back for rebuilding the index: none, said in the log,
/// for one that does not read (the index is derived; verifying the store names it).
pub(crate) fn facts_of_stored(id: &str, body: String, signatures: &str) -> Vec<FactRow> {
    let parsed = id.parse().map_err(|e| format!("{e}")).and_then(|id| {
        let signatures = serde_json::from_str(signatures).map_err(|e| e.to_string())?;
        yima_core::WireEvent {
            id,
            body,
            signatures,
        }
        .parse()
        .map_err(|e| e.to_string())
    });
    match parsed {
        Ok(e) => facts_of(&e),
        Err(e) => {
            tracing::warn!(event = id, error = %e, "stored event unreadable: left out of the audit index");
            Vec::new()
        }
    }
}

/// The summary of a stored container for rebuilding the index: none, said in the log, for
/// one whose status does not read.
pub(crate) fn summary_of_stored(
    code: &str,
    status: &str,
    births: &std::collections::HashMap<String, i64>,
) -> Option<AuditRow> {
    match crate::store::status::read(status) {
        Ok(s) => Some(summary(&s, births.get(code).copied())),
        Err(e) => {
            tracing::warn!(container = code, error = %e, "stored status unreadable: left out of the audit index");
            None
        }
    }
}

/// The summary of a container as `status` stands, begun at `born` when known (else at its
/// last event: a container the registry holds always has its first event, but a status is
/// trusted over a missing link row).
pub(crate) fn summary(status: &ContainerStatus, born: Option<i64>) -> AuditRow {
    let first = born
        .map(Timestamp)
        .or(status.head_at)
        .unwrap_or(Timestamp(0));
    row_of(status, first)
}

/// An anomaly's row as stored: container, rule, event ('' when no event shows it), since,
/// due, en, zh, found_at.
pub(crate) type AnomalyRow = (
    String,
    String,
    String,
    i64,
    Option<i64>,
    String,
    String,
    i64,
);

/// An anomaly as stored, for the wire.
pub(crate) fn anomaly_of_row(row: AnomalyRow) -> yima_protocol::AuditAnomaly {
    let (container, rule, event, since, due, en, zh, found_at) = row;
    yima_protocol::AuditAnomaly {
        container,
        rule,
        event: (!event.is_empty()).then_some(event),
        since: Timestamp(since),
        due: due.map(Timestamp),
        en,
        zh,
        found_at: Timestamp(found_at),
    }
}

/// A rule's name as a filter, checked.
pub fn check_rule(rule: &str) -> Result<String, String> {
    yima_core::AnomalyRule::ALL
        .into_iter()
        .find(|r| r.as_str() == rule.trim())
        .map(|r| r.as_str().to_string())
        .ok_or_else(|| {
            let all: Vec<&str> = yima_core::AnomalyRule::ALL
                .iter()
                .map(|r| r.as_str())
                .collect();
            format!("rule: one of {}, not {rule:?}", all.join(", "))
        })
}

/// A row of `audit_refused` read back: event, why, at, reason.
pub(crate) fn refused_of_row(
    event: &str,
    why: &str,
    at: i64,
    reason: String,
) -> Result<yima_core::RefusedEvent, crate::error::RegistryError> {
    use yima_core::RefusedWhy;
    let why = match why {
        "signature" => RefusedWhy::Signature,
        "key" => RefusedWhy::Key,
        "revoked" => RefusedWhy::Revoked,
        "manifest" => RefusedWhy::Manifest,
        other => {
            return Err(crate::error::RegistryError::new(
                crate::error::ErrorKind::Storage,
                format!("stored refusal {other:?} unreadable"),
            ))
        }
    };
    Ok(yima_core::RefusedEvent {
        event: crate::store::parse("event id", event)?,
        why,
        at: Timestamp(at),
        reason,
    })
}

/// What the evaluator reads to judge one code (see [`AuditStore::judge_inputs`]).
#[derive(Clone, Debug)]
pub struct JudgeInputs {
    /// The code.
    pub code: LabelCode,
    /// Its container's status, if the registry holds one.
    pub status: Option<yima_core::ContainerStatus>,
    /// Every stored event of its container (forks included), in arrival order.
    pub history: Vec<yima_protocol::FeedEntry>,
    /// The sightings kept of it, oldest first.
    pub sightings: Vec<yima_core::Sighting>,
    /// The events refused for a bad signature, a wrong key, a revoked key or a manifest
    /// (and kept) that name it, oldest first.
    pub refused: Vec<yima_core::RefusedEvent>,
}

/// What judging a code at its due list's `version` found, and when to judge it next.
#[derive(Clone, Debug, PartialEq)]
pub struct Judged {
    /// The code.
    pub code: LabelCode,
    /// Its version when listed as due.
    pub version: i64,
    /// The anomalies found.
    pub anomalies: Vec<yima_core::Anomaly>,
    /// When to judge it again (never: none).
    pub next: Option<Timestamp>,
}

/// An anomaly's row to write: container, rule, event ('' when none), since, due, en, zh.
pub(crate) type NewAnomalyRow = (String, String, String, i64, Option<i64>, String, String);

/// The anomaly rows to write for `judged` (each (container, rule, event) once: the last
/// found wins, as a repeated insert would), given the kept codes.
pub(crate) fn new_anomaly_rows(judged: &[Judged], kept: &[LabelCode]) -> Vec<NewAnomalyRow> {
    let kept: BTreeSet<&str> = kept.iter().map(LabelCode::as_str).collect();
    let mut rows: Vec<NewAnomalyRow> = Vec::new();
    let mut at: std::collections::HashMap<(String, String, String), usize> =
        std::collections::HashMap::new();
    for j in judged.iter().filter(|j| kept.contains(j.code.as_str())) {
        for a in &j.anomalies {
            let row = (
                j.code.to_string(),
                a.rule.as_str().to_string(),
                a.event.map(|e| e.to_string()).unwrap_or_default(),
                a.since.0,
                a.due.map(|d| d.0),
                a.en.clone(),
                a.zh.clone(),
            );
            let key = (row.0.clone(), row.1.clone(), row.2.clone());
            match at.get(&key) {
                Some(&i) => rows[i] = row,
                None => {
                    at.insert(key, rows.len());
                    rows.push(row);
                }
            }
        }
    }
    rows
}

/// What a registry's store answers of the audit: searches, counts and anomalies in a
/// reader's scope, and the evaluator's due lists and findings (of containers, and of sighted
/// codes it holds no container of). Part of every [`super::RegistryStore`].
pub trait AuditStore: Send + Sync {
    /// One page of the containers in `scope` that meet `criteria`, by code, after `after`.
    fn audit_search(
        &self,
        scope: AuditScope,
        criteria: Criteria,
        after: Option<String>,
        limit: u32,
    ) -> impl Future<Output = Result<yima_protocol::AuditPage, RegistryError>> + Send;
    /// How many containers in `scope` meet `criteria`, grouped by `by`.
    fn audit_counts(
        &self,
        scope: AuditScope,
        criteria: Criteria,
        by: yima_protocol::AuditGroup,
    ) -> impl Future<Output = Result<yima_protocol::AuditCounts, RegistryError>> + Send;
    /// Whether the container `code` is in `scope`.
    fn audit_in_scope(
        &self,
        scope: AuditScope,
        code: LabelCode,
    ) -> impl Future<Output = Result<bool, RegistryError>> + Send;
    /// One page of the anomalies last found in the containers in `scope` that meet
    /// `criteria` (of `rule` when given), after the key `after`.
    fn audit_anomalies(
        &self,
        scope: AuditScope,
        criteria: Criteria,
        rule: Option<String>,
        after: Option<String>,
        limit: u32,
    ) -> impl Future<Output = Result<yima_protocol::AuditAnomalyPage, RegistryError>> + Send;
    /// Up to `limit` containers whose anomalies are due to be judged at `now`, each with its
    /// version, the most overdue first.
    fn audit_due(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<(LabelCode, i64)>, RegistryError>> + Send;
    /// What judging each of `codes` reads (its status, stored events, sightings and refused
    /// events), one [`JudgeInputs`] per code in the order given, in a constant number of
    /// round trips whatever the number of codes.
    fn judge_inputs(
        &self,
        codes: Vec<LabelCode>,
    ) -> impl Future<Output = Result<Vec<JudgeInputs>, RegistryError>> + Send;
    /// Keeps what judging each container at its version found, and when to judge it next,
    /// all in one transaction; returns the codes kept. A container a push changed since it
    /// was listed as due is left out (it is judged again). An anomaly found before keeps
    /// the moment it was first found.
    fn put_anomalies(
        &self,
        judged: Vec<Judged>,
        now: Timestamp,
    ) -> impl Future<Output = Result<Vec<LabelCode>, RegistryError>> + Send;
    /// Keeps `sightings` (scans of labels), received at `now`, all in one transaction; a
    /// sighting already kept (same code, time and scanner) is left as it is. Each sighted
    /// code is to be judged again: its container when the registry holds one, else the code
    /// itself (see [`AuditStore::sighting_due`]). Returns how many were new.
    fn put_sightings(
        &self,
        sightings: Vec<yima_core::Sighting>,
        now: Timestamp,
    ) -> impl Future<Output = Result<usize, RegistryError>> + Send;
    /// The sightings kept of `code`, oldest first.
    fn sightings_of(
        &self,
        code: LabelCode,
    ) -> impl Future<Output = Result<Vec<yima_core::Sighting>, RegistryError>> + Send;
    /// Up to `limit` sighted codes the registry holds no container of whose anomalies are
    /// due to be judged at `now`, each with its version, the most overdue first.
    fn sighting_due(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<(LabelCode, i64)>, RegistryError>> + Send;
    /// As [`AuditStore::put_anomalies`] for sighted codes the registry holds no container
    /// of: a code sighted again meanwhile, or now registered, is left out.
    fn put_sighting_anomalies(
        &self,
        judged: Vec<Judged>,
        now: Timestamp,
    ) -> impl Future<Output = Result<Vec<LabelCode>, RegistryError>> + Send;
}

#[cfg(test)]
mod tests {
    use super::{new_anomaly_rows, Judged};
    use yima_codes::LabelCode;
    use yima_core::{Anomaly, AnomalyRule, Timestamp};

    fn code(seq: u32) -> LabelCode {
        format!("91350100M000100Y43900041492024030100{seq}")
            .parse()
            .unwrap()
    }

    fn found(c: &LabelCode, rule: AnomalyRule, since: i64, en: &str) -> Anomaly {
        Anomaly {
            rule,
            container: c.clone(),
            event: None,
            since: Timestamp(since),
            due: None,
            en: en.into(),
            zh: en.into(),
        }
    }

    #[test]
    fn rows_are_of_the_kept_codes_each_key_once_the_last_found_winning() {
        let (a, b) = (code(1), code(2));
        let judged = vec![
            Judged {
                code: a.clone(),
                version: 1,
                anomalies: vec![
                    found(&a, AnomalyRule::Fork, 1, "first"),
                    found(&a, AnomalyRule::TrackMissing, 2, "track"),
                    found(&a, AnomalyRule::Fork, 3, "again"),
                ],
                next: None,
            },
            Judged {
                code: b.clone(),
                version: 1,
                anomalies: vec![found(&b, AnomalyRule::Fork, 4, "of b")],
                next: None,
            },
        ];
        let rows = new_anomaly_rows(&judged, std::slice::from_ref(&a));
        let got: Vec<(&str, &str, i64, &str)> = rows
            .iter()
            .map(|r| (r.0.as_str(), r.1.as_str(), r.3, r.5.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (a.as_str(), "fork", 3, "again"),
                (a.as_str(), "track_missing", 2, "track")
            ]
        );
    }
}
