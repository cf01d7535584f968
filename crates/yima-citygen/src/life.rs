//! Containers' lives: a plan per container (what happens to it, bent by an injector or
//! not), then its life step by step (`custody`: the honest steps; `inject`: what a bent
//! plan adds), its events built in chain order (`build`) and signed in parallel (`sign`).

mod build;
mod custody;
mod inject;
mod sign;

pub(crate) use sign::batched;

use crate::place::Places;
use crate::{CityDevice, CityError, CityParams, Push, Reporter, SightingReport, INJECTORS};
use build::{Builder, Container, Pushes};
use chrono::NaiveDate;
use rand::seq::SliceRandom;
use rand::Rng;
use std::collections::{BTreeSet, HashMap};
use yima_codes::LabelCode;
use yima_core::{AnomalyRule, DeviceKey, Seal, Timestamp};

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;

/// What a container's route track is like.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TrackPlan {
    /// A fix every 10 minutes on the straight road.
    #[default]
    Normal,
    /// No track signed at the receipt.
    Missing,
    /// Fixes missing for 50 minutes mid-way.
    Gap,
    /// One fix mid-way 30 km off the road.
    OffCorridor,
}

/// An event no honest device records, pushed after a container's disposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bogus {
    /// Its receiver's signature over another event.
    BadSignature,
    /// Recorded in the receiver's name with another receiver's key.
    WrongKey,
    /// Recorded by a revoked device.
    RevokedKey,
}

/// What happens to one container.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Dispatched to a receiver (else it stays in store).
    pub dispatched: bool,
    /// What the receiver's scale says, in thousandths of what the producer weighed.
    pub receiver_weighs_permille: i64,
    /// Received the day after the receipt deadline (accepted in time for its manifest).
    pub receipt_late: bool,
    /// Relayed between two carriers, the second's track beginning this many metres from
    /// where the first's ends.
    pub relay: Option<f64>,
    /// Its track.
    pub track: TrackPlan,
    /// Labelled and stored 400 days before the month, and still in store.
    pub stored_long_ago: bool,
    /// Its carrier countersigned a second pickup for the same place in its chain.
    pub fork: bool,
    /// An event no honest device records, after its disposal.
    pub bogus: Option<Bogus>,
    /// Received and weighed, never given a verdict.
    pub never_accepted: bool,
    /// Before its pickup, a pickup under another manifest number was tried.
    pub off_manifest: bool,
    /// Its registration reaches the registry (else its label, printed, is only ever
    /// scanned: by a carrier's device at the producer, or opened on the public page).
    pub registered: bool,
    /// Its label was cloned: a minute after the pickup scan, the device farthest from the
    /// producer scans the same code where it is.
    pub cloned: bool,
}

impl Plan {
    fn honest(dispatched: bool) -> Plan {
        Plan {
            dispatched,
            receiver_weighs_permille: 1_000,
            receipt_late: false,
            relay: None,
            track: TrackPlan::Normal,
            stored_long_ago: false,
            fork: false,
            bogus: None,
            never_accepted: false,
            off_manifest: false,
            registered: true,
            cloned: false,
        }
    }
}

pub(crate) struct World {
    pub params: CityParams,
    pub devices: Vec<CityDevice>,
    pub producers: usize,
    pub carriers: usize,
    pub receivers: usize,
    pub places: Places,
}

impl World {
    fn lost(&self) -> usize {
        self.devices.len() - 1
    }
}

/// 00:00 China time of `day`.
pub(crate) fn china_midnight(day: NaiveDate) -> Timestamp {
    let utc = day.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    Timestamp(utc.timestamp_millis() - 8 * HOUR)
}

/// Every `(rule, container)` injected.
pub(crate) type Injected = BTreeSet<(AnomalyRule, LabelCode)>;

/// One container's life by `plan`: its code and what it pushes.
fn life(
    b: &mut Builder<'_>,
    rng: &mut impl Rng,
    plan: &Plan,
) -> Result<(LabelCode, Pushes), CityError> {
    let (mut c, label) = Container::labelled(b, rng, plan)?;
    if !plan.registered {
        inject::unregistered(b, rng, &mut c);
        return Ok(c.done());
    }
    let serial = b.next_serial();
    let phase0 = custody::into_store(b, &mut c, label, serial)?;
    if !plan.dispatched {
        c.out.pushes.push((0, c.p, phase0, Vec::new()));
        return Ok(c.done());
    }
    let d = custody::dispatch(b, &mut c, plan, serial, phase0)?;
    // The carrier scans the label as it loads the container, at the producer.
    let scan = b.scan(
        rng,
        &c.code,
        d.picked_at,
        c.c1,
        b.w.places.0[c.p],
        Seal::Genuine,
    );
    c.out.scans.push(scan);
    if plan.cloned {
        inject::cloned(b, rng, &mut c, d.picked_at)?;
    }
    let received_at = custody::transport(b, rng, &mut c, plan, &d)?;
    if plan.fork {
        inject::fork(b, &mut c, d.id, d.number);
    }
    custody::at_receiver(b, rng, &mut c, plan, received_at)?;
    Ok(c.done())
}

/// Every container's plan, and the rule its injector breaks where it has one: 85 %
/// dispatched, 5 % of those relayed, `per_rule` bent by each injector.
fn plans(w: &World, rng: &mut impl Rng) -> (Vec<Plan>, Vec<Option<AnomalyRule>>) {
    let n = w.params.containers;
    let mut plans: Vec<Plan> = (0..n)
        // 85 % leave within the month; 15 % stay in store.
        .map(|_| Plan::honest(rng.gen_range(0..100) < 85))
        .collect();
    for p in plans.iter_mut() {
        if p.dispatched {
            p.receiver_weighs_permille = rng.gen_range(995..=1005);
            // 5 % relayed, the two tracks meeting.
            if rng.gen_range(0..100) < 5 {
                p.relay = Some(0.0);
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(rng);
    let mut rules = vec![None; n];
    for (k, (rule, inject)) in INJECTORS.iter().enumerate() {
        for j in 0..w.params.per_rule {
            let i = order[k * w.params.per_rule + j];
            plans[i] = Plan::honest(true);
            inject(&mut plans[i]);
            rules[i] = Some(*rule);
        }
    }
    (plans, rules)
}

/// Plans, lives, signatures: the city's pushes, the scans of its labels as reported, and
/// its injected anomalies.
pub(crate) fn lives(
    w: &World,
    rng: &mut impl Rng,
    progress: bool,
) -> Result<(Vec<Push>, Vec<SightingReport>, Injected), CityError> {
    let n = w.params.containers;
    let (plans, rules) = plans(w, rng);
    let mut b = Builder {
        w,
        seq: vec![0; w.devices.len()],
        labels: HashMap::new(),
        serial: 0,
        unregistered: 0,
    };
    let mut lives = Vec::with_capacity(n);
    let mut reports = Vec::new();
    let mut injected = BTreeSet::new();
    for (i, plan) in plans.iter().enumerate() {
        let (code, mut pushes) = life(&mut b, rng, plan)?;
        if let Some(rule) = rules[i] {
            injected.insert((rule, code));
        }
        // A device reports a scan at its next sync, a minute on; the page keeps its view
        // as it is opened.
        reports.extend(
            std::mem::take(&mut pushes.scans)
                .into_iter()
                .map(|(d, s)| match d {
                    Some(d) => SightingReport {
                        reporter: Reporter::Device(w.devices[d].key.public()),
                        at: Timestamp(s.at.0 + MINUTE),
                        sightings: vec![s],
                    },
                    None => SightingReport {
                        reporter: Reporter::PublicPage,
                        at: s.at,
                        sightings: vec![s],
                    },
                }),
        );
        lives.push(pushes);
        if progress && (i + 1) % 10_000 == 0 {
            eprintln!("citygen: {} of {n} containers planned", i + 1);
        }
    }
    let keys: Vec<&DeviceKey> = w.devices.iter().map(|d| &d.key).collect();
    let signed = sign::sign_all(lives, &keys, progress);
    reports.sort_by_key(|r| r.at);
    Ok((signed, reports, injected))
}
