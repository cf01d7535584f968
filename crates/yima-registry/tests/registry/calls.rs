//! The calls the backend story makes through `RegistryStore`, and what it keeps of each
//! answer to compare backends: enrolment, pushes, feeds and histories.

use crate::common::*;
use yima_core::{verify_batch, EventId, SignedEvent, Timestamp};
use yima_protocol::{DeviceInfo, NewEnrolmentCode, PushOutcome, PushResult};
use yima_registry::{
    code_hash, issue_enrolment_code, ErrorKind, RegistryError, RegistryStore, SignatureCheck,
    ENROLMENT_CODE_TTL_MS,
};

/// When organisations and devices are registered: the day before the devices' story.
pub const ENROL_T: Timestamp = Timestamp(T0.0 - DAY);
/// When the registry hears of it all: the day after.
pub const NOW: Timestamp = Timestamp(T0.0 + DAY);

/// One feed or history entry, as compared between backends.
pub type Entry = (i64, EventId, Option<EventId>, Timestamp);

/// Everything a backend answered, to compare backends with each other.
#[derive(Debug, Default, PartialEq)]
pub struct Transcript {
    pub pushes: Vec<(String, Vec<PushResult>)>,
    pub feeds: Vec<(String, Vec<Entry>)>,
    pub histories: Vec<(String, Vec<Entry>)>,
    pub devices: Vec<DeviceInfo>,
    pub events: u64,
}

pub fn kind<T: std::fmt::Debug>(r: Result<T, RegistryError>) -> ErrorKind {
    r.expect_err("an error").kind
}

pub async fn enrol<S: RegistryStore>(s: &S, m: &Member, admin: bool, now: Timestamp) -> DeviceInfo {
    let code = issue_enrolment_code(
        s,
        NewEnrolmentCode {
            org: m.org.clone(),
            role: m.role,
            admin,
        },
        now,
    )
    .await
    .expect("issue code");
    assert_eq!(code.expires_at, Timestamp(now.0 + ENROLMENT_CODE_TTL_MS));
    s.redeem_enrolment(code_hash(&code.code), m.public(), now)
        .await
        .expect("redeem code")
}

pub async fn push<S: RegistryStore>(
    s: &S,
    t: &mut Transcript,
    what: &str,
    by: &Member,
    events: &[&SignedEvent],
    now: Timestamp,
) -> Vec<PushResult> {
    let events: Vec<SignedEvent> = events.iter().map(|e| (*e).clone()).collect();
    // As the API does: one batch verification, running while the store decides.
    let batch: Vec<_> = events
        .iter()
        .flat_map(|e| e.signatures.iter().map(move |sig| (e.id, *sig)))
        .collect();
    assert!(verify_batch(&batch), "{what}: every signature verifies");
    let ids: Vec<EventId> = events.iter().map(|e| e.id).collect();
    let results = s
        .ingest(events, by.public(), SignatureCheck::start(batch), now)
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(
        results.iter().map(|r| r.id).collect::<Vec<_>>(),
        ids,
        "{what}: one result per event, in order"
    );
    t.pushes.push((what.to_string(), results.clone()));
    results
}

/// Pushes one event that must be refused for a reason that says `says`.
pub async fn refused<S: RegistryStore>(
    s: &S,
    t: &mut Transcript,
    what: &str,
    by: &Member,
    event: &SignedEvent,
    now: Timestamp,
    says: &str,
) {
    let r = push(s, t, what, by, &[event], now).await;
    assert_eq!(outcomes(&r), [PushOutcome::Refused], "{what}");
    assert!(reason(&r[0]).contains(says), "{what}: {r:?}");
}

pub fn outcomes(results: &[PushResult]) -> Vec<PushOutcome> {
    results.iter().map(|r| r.outcome).collect()
}

pub fn reason(r: &PushResult) -> &str {
    r.reason.as_deref().unwrap_or_default()
}

/// An organisation's whole feed, read in pages of 3 to exercise the cursor.
pub async fn feed<S: RegistryStore>(s: &S, org: &Org) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let page = s.feed(org.code(), after, 3).await.expect("feed");
        assert!(page.entries.len() <= 3);
        assert!(
            page.entries.windows(2).all(|w| w[0].seq < w[1].seq),
            "feed in seq order"
        );
        assert!(
            page.entries.iter().all(|e| e.seq > after),
            "only entries after the cursor"
        );
        out.extend(
            page.entries
                .iter()
                .map(|e| (e.seq, e.event.id, e.fork_of, e.arrived_at)),
        );
        assert_eq!(page.next, page.entries.last().map_or(after, |e| e.seq));
        if !page.more {
            let rest = s.feed(org.code(), page.next, 100).await.expect("feed");
            assert!(
                rest.entries.is_empty() && !rest.more && rest.next == page.next,
                "nothing after the end"
            );
            return out;
        }
        assert_eq!(page.entries.len(), 3, "a page with more after it is full");
        after = page.next;
    }
}

pub fn ids(entries: &[Entry]) -> Vec<EventId> {
    entries.iter().map(|e| e.1).collect()
}

pub async fn history<S: RegistryStore>(s: &S, code: &yima_codes::LabelCode) -> Vec<Entry> {
    s.container_history(code.clone())
        .await
        .expect("history")
        .iter()
        .map(|e| (e.seq, e.event.id, e.fork_of, e.arrived_at))
        .collect()
}
