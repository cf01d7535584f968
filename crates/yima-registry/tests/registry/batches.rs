//! The anomaly evaluator's batches, told to any backend (`evaluator.rs` runs them on
//! SQLite and PostgreSQL, `citus/evaluator.rs` on Citus): a batch is read in one store call
//! and kept in one transaction, a container (or sighted code) changed since it was listed
//! as due is left out and stays due while the others keep their judgement, and an anomaly
//! found again keeps the moment it was first found.

use crate::common::*;
use crate::story::story;
use chrono::NaiveDate;
use yima_codes::LabelCode;
use yima_core::{AnomalyConfig, Seal, Sighter, Sighting, Timestamp};
use yima_protocol::{AuditAnomaly, AuditFilter};
use yima_registry::anomalies::judge_batch;
use yima_registry::{AuditScope, Criteria, Judged, RegistryStore};

const NOW: Timestamp = Timestamp(T0.0 + 30 * 24 * 3600 * 1000);
const HOUR: i64 = 3_600_000;

/// Every anomaly listed, by container, rule and event.
async fn listed<S: RegistryStore>(s: &S) -> Vec<AuditAnomaly> {
    let page = s
        .audit_anomalies(
            AuditScope::All,
            Criteria::check(&AuditFilter::default()).expect("filter"),
            None,
            None,
            1000,
        )
        .await
        .expect("anomalies");
    assert!(page.next.is_none());
    let mut all = page.anomalies;
    all.sort_by(|a, b| (&a.container, &a.rule, &a.event).cmp(&(&b.container, &b.rule, &b.event)));
    all
}

fn sorted(mut codes: Vec<LabelCode>) -> Vec<String> {
    codes.sort();
    codes.iter().map(|c| c.to_string()).collect()
}

/// A scan of `code` at `at` on the public page.
fn scan(code: &LabelCode, at: Timestamp) -> Sighting {
    Sighting {
        code: code.clone(),
        at,
        place: None,
        who: Sighter::PublicPage,
        seal: Seal::Unchecked,
    }
}

/// The story's containers judged as one batch; B sighted (its version moved) between the
/// listing and the write: the others kept, B left due. Then A judged again later, what it
/// found again keeping its first moment.
pub async fn containers<S: RegistryStore>(s: &S, w: &World) {
    story(s, w).await;
    let config = AnomalyConfig::default();
    let due = s.audit_due(NOW, 100).await.expect("due");
    assert_eq!(due.len(), 4, "{due:?}");
    let judged = judge_batch(s, due.clone(), NOW, &config)
        .await
        .expect("judge");
    let codes: Vec<LabelCode> = judged.iter().map(|j| j.code.clone()).collect();
    assert_eq!(
        codes,
        due.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>(),
        "one judgement per code, in the due list's order"
    );
    assert_eq!(
        s.put_sightings(vec![scan(&w.b, Timestamp(NOW.0 - HOUR))], NOW)
            .await
            .expect("sighted"),
        1
    );
    let kept = s.put_anomalies(judged.clone(), NOW).await.expect("put");
    let others: Vec<LabelCode> = codes.iter().filter(|c| **c != w.b).cloned().collect();
    assert_eq!(sorted(kept), sorted(others.clone()), "all but B");
    let still: Vec<LabelCode> = s
        .audit_due(NOW, 100)
        .await
        .expect("due")
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    assert_eq!(
        still,
        vec![w.b.clone()],
        "B is judged again, the others not"
    );
    let first = listed(s).await;
    let mut rules: Vec<(&str, &str)> = first
        .iter()
        .map(|a| (a.container.as_str(), a.rule.as_str()))
        .collect();
    rules.dedup();
    assert_eq!(
        rules,
        vec![
            (w.a.as_str(), "fork"),
            (w.a.as_str(), "manifest_not_closed"),
            (w.a.as_str(), "track_missing")
        ],
        "B's refused void waits for B's next judgement: {first:?}"
    );
    assert!(first.iter().all(|a| a.found_at == NOW));

    // B judged now: its refused void found; the others are not touched.
    assert_eq!(
        yima_registry::anomalies::evaluate_due(s, NOW, &config, 100)
            .await
            .expect("judge"),
        1
    );
    let with_b = listed(s).await;
    assert!(with_b
        .iter()
        .any(|a| a.container == w.b.as_str() && a.rule == "bad_signature"));

    // A judged again an hour on at the same version (say a deadline came): its fork is
    // found again (said anew), its track no longer, a new anomaly found. The fork keeps its
    // first moment; the new one is found now; B's are left as they were.
    let later = Timestamp(NOW.0 + HOUR);
    let mut a = judged
        .iter()
        .find(|j| j.code == w.a)
        .cloned()
        .expect("A judged");
    let fork = a
        .anomalies
        .iter()
        .find(|x| x.rule.as_str() == "fork")
        .cloned()
        .expect("fork");
    let manifest = a
        .anomalies
        .iter()
        .find(|x| x.rule.as_str() == "manifest_not_closed")
        .cloned()
        .expect("manifest");
    let mut again = fork.clone();
    again.en = "said anew".into();
    again.since = Timestamp(fork.since.0 + 1);
    let mut new = manifest.clone();
    new.event = Some(w.ga.id);
    a.anomalies = vec![again, new];
    a.next = Some(Timestamp(later.0 + HOUR));
    let kept = s
        .put_anomalies(vec![a.clone()], later)
        .await
        .expect("put again");
    assert_eq!(kept, vec![w.a.clone()]);
    let second = listed(s).await;
    let of_a: Vec<(&str, Option<&str>, i64, &str, i64)> = second
        .iter()
        .filter(|x| x.container == w.a.as_str())
        .map(|x| {
            (
                x.rule.as_str(),
                x.event.as_deref(),
                x.found_at.0,
                x.en.as_str(),
                x.since.0,
            )
        })
        .collect();
    let ga = w.ga.id.to_string();
    let fork_event = fork.event.map(|e| e.to_string());
    let mut want = vec![
        (
            "fork",
            fork_event.as_deref(),
            NOW.0,
            "said anew",
            fork.since.0 + 1,
        ),
        (
            "manifest_not_closed",
            Some(ga.as_str()),
            later.0,
            manifest.en.as_str(),
            manifest.since.0,
        ),
    ];
    want.sort();
    let mut got = of_a.clone();
    got.sort();
    assert_eq!(got, want);
    let of_b = |all: &[AuditAnomaly]| -> Vec<AuditAnomaly> {
        all.iter()
            .filter(|x| x.container == w.b.as_str())
            .cloned()
            .collect()
    };
    assert_eq!(of_b(&second), of_b(&with_b));
    // Its next check is kept too: not due before it, due after.
    let due = |at: Timestamp| async move {
        s.audit_due(at, 100)
            .await
            .expect("due")
            .into_iter()
            .any(|(c, _)| c == w.a)
    };
    assert!(!due(later).await);
    assert!(due(Timestamp(later.0 + HOUR)).await);
    // An empty batch writes nothing.
    assert!(s
        .put_anomalies(Vec::<Judged>::new(), later)
        .await
        .expect("empty")
        .is_empty());
}

/// A code the registry never saw.
fn unseen(w: &World, seq: u16) -> LabelCode {
    LabelCode::new(
        w.orgs.producer.code(),
        "900-041-49".parse().unwrap(),
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        seq,
    )
    .unwrap()
}

/// Two sighted codes the registry holds no container of, judged as one batch; one sighted
/// again between the listing and the write is left due, the other kept.
pub async fn sighted<S: RegistryStore>(s: &S, w: &World) {
    story(s, w).await;
    let (u1, u2) = (unseen(w, 901), unseen(w, 902));
    let seen = Timestamp(NOW.0 - 30 * 24 * HOUR);
    s.put_sightings(vec![scan(&u1, seen), scan(&u2, seen)], seen)
        .await
        .expect("sighted");
    let config = AnomalyConfig::default();
    let due = s.sighting_due(NOW, 100).await.expect("due");
    assert_eq!(
        sorted(due.iter().map(|(c, _)| c.clone()).collect()),
        sorted(vec![u1.clone(), u2.clone()])
    );
    let judged = judge_batch(s, due, NOW, &config).await.expect("judge");
    assert!(
        judged.iter().all(|j| !j.anomalies.is_empty()),
        "a month unseen: {judged:?}"
    );
    s.put_sightings(vec![scan(&u1, Timestamp(NOW.0 - HOUR))], NOW)
        .await
        .expect("sighted again");
    let kept = s.put_sighting_anomalies(judged, NOW).await.expect("put");
    assert_eq!(kept, vec![u2.clone()]);
    let still: Vec<LabelCode> = s
        .sighting_due(NOW, 100)
        .await
        .expect("due")
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    assert_eq!(still, vec![u1.clone()]);
    let all = listed(s).await;
    assert!(all
        .iter()
        .any(|a| a.container == u2.as_str() && a.found_at == NOW));
    assert!(!all.iter().any(|a| a.container == u1.as_str()));
}
