//! The audit API's queries as benchmarks time them, one kind after another: shared by the
//! registry's audit benchmark (index rows written straight into the tables) and
//! `yima-citygen`'s city benchmark (a generated city ingested for real), which includes this
//! file by its path.

use std::time::{Duration, Instant};
use yima_codes::CreditCode;
use yima_protocol::{AuditFilter, AuditGroup};
use yima_registry::{AuditScope, Criteria, RegistryStore};

const DAY: i64 = 24 * 3_600_000;

/// What the queries search for: values drawn from the data the store holds. Scopes are
/// Fujian's (35) and Fuzhou's (3501) regulators and each producer.
pub struct Sample {
    /// Container codes.
    pub codes: Vec<String>,
    /// Vehicle plates.
    pub plates: Vec<String>,
    /// Manifest numbers.
    pub manifests: Vec<String>,
    /// Producers.
    pub producers: Vec<CreditCode>,
    /// Waste codes.
    pub wastes: Vec<&'static str>,
    /// Container states.
    pub states: Vec<&'static str>,
    /// A waste category searched a week at a time.
    pub category: &'static str,
    /// The month's first moment (ms).
    pub month_start: i64,
}

pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Times `q` runs of `run`, each given its index: (p50, p99) in ms.
pub async fn timed<F, Fut>(q: usize, mut run: F) -> (f64, f64)
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    let mut times = Vec::with_capacity(q);
    let mut found = 0;
    for i in 0..q {
        let t = Instant::now();
        found += run(i).await;
        times.push(t.elapsed());
    }
    assert!(found > 0, "the queries found nothing: the fill is wrong");
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99))
}

/// The first page (of `limit`) of a search by `scope` for `c`: how many containers it holds.
async fn page<S: RegistryStore>(s: &S, scope: AuditScope, c: Criteria, limit: u32) -> usize {
    s.audit_search(scope, c, None, limit)
        .await
        .unwrap()
        .containers
        .len()
}

/// Times each kind of audit query a regulator or an organisation makes, on `s`, drawing
/// their values from `f`, `q` of each kind; prints one table row per kind.
pub async fn queries<S: RegistryStore>(backend: &str, s: &S, f: &Sample, q: usize) {
    let fujian = AuditScope::Jurisdiction("35".into());
    let fuzhou = AuditScope::Jurisdiction("3501".into());
    let crit = |filter: AuditFilter| Criteria::check(&filter).expect("a filter");
    let codes = &f.codes;
    let report = |what: &str, (p50, p99): (f64, f64), floor: f64| {
        println!(
            "| {backend} | {what} | {p50:.2} ms | {p99:.2} ms | {:.0} × | p99 ≤ 20 ms | {} |",
            p99 / floor,
            if p99 <= 20.0 { "yes" } else { "no" }
        );
    };
    // The floor: one container's row by its key.
    let floor = timed(q, |i| {
        let c = crit(AuditFilter {
            code: Some(codes[(i * 7919) % codes.len()].clone()),
            ..AuditFilter::default()
        });
        async move { page(s, AuditScope::All, c, 1).await }
    })
    .await;
    println!(
        "| {backend} | floor: one container by its code | {:.2} ms | {:.2} ms | 1 × | | |",
        floor.0, floor.1
    );
    let floor = floor.1;
    let r = timed(q, |i| {
        let c = crit(AuditFilter {
            plate: Some(f.plates[(i * 31) % f.plates.len()].clone()),
            ..AuditFilter::default()
        });
        let scope = fujian.clone();
        async move { page(s, scope, c, 100).await }
    })
    .await;
    report("a province's regulator: by plate", r, floor);
    let r = timed(q, |i| {
        let c = crit(AuditFilter {
            manifest: Some(f.manifests[(i * 131) % f.manifests.len()].clone()),
            ..AuditFilter::default()
        });
        let scope = fujian.clone();
        async move { page(s, scope, c, 100).await }
    })
    .await;
    report("a province's regulator: by manifest", r, floor);
    let r = timed(q, |i| {
        let c = crit(AuditFilter {
            producer: Some(f.producers[i % f.producers.len()].to_string()),
            state: Some(f.states[i % f.states.len()].into()),
            ..AuditFilter::default()
        });
        let scope = fuzhou.clone();
        async move { page(s, scope, c, 100).await + 1 }
    })
    .await;
    report(
        "a city's regulator: a producer's containers in a state, first page",
        r,
        floor,
    );
    let r = timed(q, |i| {
        let day = (i % 24) as i64;
        let c = crit(AuditFilter {
            category: Some(f.category.into()),
            from: Some(f.month_start + day * DAY),
            to: Some(f.month_start + (day + 7) * DAY),
            ..AuditFilter::default()
        });
        let scope = fujian.clone();
        async move { page(s, scope, c, 100).await }
    })
    .await;
    report(
        "a province's regulator: a category in a week, first page",
        r,
        floor,
    );
    let r = timed(q, |i| {
        let p = f.producers[i % f.producers.len()].clone();
        let c = crit(AuditFilter {
            waste: Some(f.wastes[i % f.wastes.len()].into()),
            ..AuditFilter::default()
        });
        async move { page(s, AuditScope::Party(p), c, 100).await }
    })
    .await;
    report(
        "a producer: its own of one waste code, first page",
        r,
        floor,
    );
    let r = timed(q.min(50), |i| {
        let scope = if i % 2 == 0 {
            fujian.clone()
        } else {
            fuzhou.clone()
        };
        async move {
            s.audit_counts(scope, crit(AuditFilter::default()), AuditGroup::State)
                .await
                .unwrap()
                .groups
                .len()
        }
    })
    .await;
    // Counts read every container in scope: an aggregate, not a search (no goal set).
    println!(
        "| {backend} | counts by state, a province's or a city's whole month | {:.2} ms | {:.2} ms | {:.0} × | | |",
        r.0,
        r.1,
        r.1 / floor
    );
}
