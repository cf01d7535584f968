//! Realistic test data: a month of a city's hazardous-waste custody, as the registry gets
//! it. Organisations (producers, carriers, receivers, a regulator), one enrolled device
//! each, and every container's life in real signed events following the custody rules —
//! registered, stored, weighed, dispatched under a manifest, picked up, sometimes relayed,
//! received with its route track, weighed, accepted and disposed of — or left in store.
//!
//! Deterministic from a seed. A few containers get an injected anomaly: [`INJECTORS`] says,
//! for each [`AnomalyRule`], how a container's life is bent to break it (a weight beyond
//! tolerance, a late receipt, a track off its corridor…); [`City::injected`] lists every
//! `(rule, container)` so made. Nothing else is anomalous: weights are within tolerance,
//! receipts and verdicts on time by the working-day calendar, tracks dense and straight.
//!
//! Labels are scanned too ([`City::sightings`]): the carrier's device at the pickup, where
//! the producer is, the second carrier's at a relay, the receiver's at the receipt — each
//! with its location fix, each move possible in the time between — and one in ten opened on
//! the registry's public page the day after; the sighting rules stay quiet on them. Two rules are broken by scans alone: a label printed and never registered
//! (scanned by a carrier's device at its producer, or opened on the registry's public page),
//! and a label cloned (scanned a minute after its pickup by the device farthest away).
//!
//! The generator knows nothing of the registry: it answers what to enrol, what each device
//! pushes, in order ([`City::pushes`]), and which scans are reported when
//! ([`City::sightings`]); tests and benchmarks feed it to a registry.

mod life;
mod place;

pub use life::{Bogus, Plan, TrackPlan};

use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use std::collections::BTreeSet;
use yima_codes::{CreditCode, LabelCode};
use yima_core::{
    AnomalyRule, DeviceKey, EventId, Fix, Party, PublicKey, Role, Sighting, SignedEvent, Timestamp,
};

/// Why a city cannot be generated with these parameters.
#[derive(Debug, thiserror::Error)]
pub enum CityError {
    /// A parameter out of range (too few organisations or containers for every injector,
    /// an area code that is not six digits…).
    #[error("bad city parameters: {0}")]
    Params(String),
    /// A code the generator built was refused by `yima-codes` (a bug of the generator).
    #[error("generated code refused: {0}")]
    Code(#[from] yima_codes::CodeError),
}

/// What city to generate.
#[derive(Clone, Debug)]
pub struct CityParams {
    /// The seed: the same parameters give the same city, byte for byte.
    pub seed: u64,
    /// Organisations, the regulator included (at least 20).
    pub orgs: usize,
    /// Containers (at least enough for every injector).
    pub containers: usize,
    /// Days the month lasts.
    pub days: u32,
    /// First day (China).
    pub start: NaiveDate,
    /// The city's six-digit administrative division code (e.g. 350100, Fuzhou).
    pub area: String,
    /// Containers given each injected rule.
    pub per_rule: usize,
}

impl Default for CityParams {
    /// A month of a city: 200 organisations, 20 000 containers, March 2025 in Fuzhou,
    /// 5 containers per injected rule.
    fn default() -> CityParams {
        CityParams {
            seed: 1,
            orgs: 200,
            containers: 20_000,
            days: 31,
            start: NaiveDate::from_ymd_opt(2025, 3, 1).expect("a date"),
            area: "350100".into(),
            per_rule: 5,
        }
    }
}

/// An organisation to register.
#[derive(Clone, Debug)]
pub struct CityOrg {
    /// Credit code and name.
    pub party: Party,
    /// Its one role.
    pub role: Role,
    /// For the regulator: the division prefix it oversees.
    pub jurisdiction: Option<String>,
}

/// A device to enrol (its organisation registered first).
#[derive(Clone, Debug)]
pub struct CityDevice {
    /// Its organisation.
    pub org: CreditCode,
    /// Its role.
    pub role: Role,
    /// Its key.
    pub key: DeviceKey,
    /// When it is revoked, if it is.
    pub revoked_at: Option<Timestamp>,
}

/// Route fixes pushed beside the handover that signs their digest, by the carrier giving.
#[derive(Clone, Debug)]
pub struct CityTrack {
    /// The handover event.
    pub event: EventId,
    /// The carrier that recorded them.
    pub carrier: CreditCode,
    /// The fixes, canonical (sorted, one per moment).
    pub fixes: Vec<Fix>,
}

/// What one device pushes at once: events (each signed by it) and the tracks it gave.
#[derive(Clone, Debug)]
pub struct Push {
    /// Which phase of the lives it belongs to (0: producers', 1: relays, 2: receipts, 3:
    /// receivers' verdicts and late forks, 4: refused records): every push of a phase
    /// may go before any of the next.
    pub phase: u8,
    /// The pushing device.
    pub pusher: PublicKey,
    /// When (registry clock): after every event of the push.
    pub at: Timestamp,
    /// Events, in chain order.
    pub events: Vec<SignedEvent>,
    /// Tracks of handovers among `events`.
    pub tracks: Vec<CityTrack>,
}

/// Who reports scans of labels to the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reporter {
    /// An enrolled device of the city, at its sync (`POST /v1/sightings`): every sighting
    /// of the report names it and its organisation.
    Device(PublicKey),
    /// The registry's public label page, keeping a view as it is opened (no place).
    PublicPage,
}

/// Scans of labels the registry is given at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SightingReport {
    /// Who reports them.
    pub reporter: Reporter,
    /// When (registry clock): at or after every scan of the report.
    pub at: Timestamp,
    /// The scans.
    pub sightings: Vec<Sighting>,
}

/// A generated city.
#[derive(Debug)]
pub struct City {
    /// The parameters it was made from.
    pub params: CityParams,
    /// Organisations, to register first.
    pub orgs: Vec<CityOrg>,
    /// Devices, to enrol (and revoke, where said) before any push.
    pub devices: Vec<CityDevice>,
    /// What devices push, in an order the registry accepts: every container's events
    /// before the events that follow them.
    pub pushes: Vec<Push>,
    /// Scans of labels as the registry is given them, in time order (to give after the
    /// pushes: a device syncs its events before its scans).
    pub sightings: Vec<SightingReport>,
    /// Every injected anomaly: exactly what the rules must find.
    pub injected: BTreeSet<(AnomalyRule, LabelCode)>,
    /// A moment past every deadline of the month (and before a year of storage): when to
    /// judge the city.
    pub judge_at: Timestamp,
}

impl City {
    /// How many events the pushes hold.
    pub fn event_count(&self) -> usize {
        self.pushes.iter().map(|p| p.events.len()).sum()
    }

    /// How many scans the sighting reports hold.
    pub fn sighting_count(&self) -> usize {
        self.sightings.iter().map(|r| r.sightings.len()).sum()
    }

    /// Every container code of the city's events (a label never registered is not one).
    pub fn containers(&self) -> BTreeSet<LabelCode> {
        self.pushes
            .iter()
            .flat_map(|p| p.events.iter())
            .flat_map(|e| e.body.links.iter().map(|l| l.container.clone()))
            .collect()
    }

    /// The pushes merged into batches of at most `max` events, one pusher per batch, in an
    /// order the registry still accepts (all pushes of one phase of the month's lives
    /// before the next phase's). Fewer, larger pushes: how devices that were offline sync.
    pub fn batched(&self, max: usize) -> Vec<Push> {
        life::batched(&self.pushes, max)
    }
}

/// How a container's life is bent to break one rule: a change to its [`Plan`].
pub type Injector = fn(&mut Plan);

/// One injector per rule the registry can be shown. Adding a rule is adding a row (and, if
/// no [`Plan`] knob bends a life that way yet, the knob).
pub const INJECTORS: &[(AnomalyRule, Injector)] = &[
    (AnomalyRule::WeightDiscrepancy, |p| {
        p.receiver_weighs_permille = 1_200
    }),
    (AnomalyRule::ReceiptOverdue, |p| p.receipt_late = true),
    (AnomalyRule::RelayGap, |p| p.relay = Some(12_000.0)),
    (AnomalyRule::TrackMissing, |p| p.track = TrackPlan::Missing),
    (AnomalyRule::TrackGap, |p| p.track = TrackPlan::Gap),
    (AnomalyRule::OffCorridor, |p| {
        p.track = TrackPlan::OffCorridor
    }),
    (AnomalyRule::StorageOverdue, |p| {
        p.stored_long_ago = true;
        p.dispatched = false;
    }),
    (AnomalyRule::Fork, |p| p.fork = true),
    (AnomalyRule::BadSignature, |p| {
        p.bogus = Some(Bogus::BadSignature)
    }),
    (AnomalyRule::WrongKey, |p| p.bogus = Some(Bogus::WrongKey)),
    (AnomalyRule::RevokedKey, |p| {
        p.bogus = Some(Bogus::RevokedKey)
    }),
    (AnomalyRule::ManifestNotClosed, |p| p.never_accepted = true),
    (AnomalyRule::NotOnManifest, |p| p.off_manifest = true),
    (AnomalyRule::UnseenLabel, |p| p.registered = false),
    (AnomalyRule::TwoPlaces, |p| p.cloned = true),
];

/// Rules no registry can be shown, each with why: the exact-set test requires every rule of
/// [`AnomalyRule::ALL`] to be in [`INJECTORS`] or here.
pub const NOT_AT_REGISTRY: &[(AnomalyRule, &str)] = &[(
    AnomalyRule::EventAfterClosure,
    "the registry refuses (custody) any event after the one closing a container, and a \
     late event for a place already taken is stored as a fork, off the main chain: only a \
     device's own store can hold such a chain",
)];

/// The injector of `rule`, if it has one.
pub fn injector(rule: AnomalyRule) -> Option<Injector> {
    INJECTORS.iter().find(|(r, _)| *r == rule).map(|(_, f)| *f)
}

fn credit(area: &str, kind: char, n: usize) -> Result<CreditCode, CityError> {
    Ok(CreditCode::with_check(&format!("91{area}M{kind}{n:07}"))?)
}

/// Generates the city of `params`, printing progress to stderr when `progress`.
pub fn generate(params: &CityParams, progress: bool) -> Result<City, CityError> {
    let area = &params.area;
    if area.len() != 6 || !area.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CityError::Params(format!("area {area}: six digits")));
    }
    if params.orgs < 20 {
        return Err(CityError::Params("at least 20 organisations".into()));
    }
    let injected_count = INJECTORS.len() * params.per_rule;
    if params.containers < injected_count * 2 {
        return Err(CityError::Params(format!(
            "at least {} containers for {} per rule",
            injected_count * 2,
            params.per_rule
        )));
    }
    if params.days < 1 {
        return Err(CityError::Params("at least one day".into()));
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(params.seed);
    let mut key = || {
        let mut secret = [0u8; 32];
        rng.fill(&mut secret);
        DeviceKey::from_secret(&secret)
    };
    // Organisations: one regulator; then 70 % producers, 15 % carriers, 15 % receivers.
    let rest = params.orgs - 1;
    let carriers = (rest * 15 / 100).max(3);
    let receivers = (rest * 15 / 100).max(3);
    let producers = rest - carriers - receivers;
    let mut orgs = vec![CityOrg {
        party: Party {
            credit_code: CreditCode::with_check(&format!("11{area}M00000001"))?,
            name: format!("{area} 生态环境局"),
        },
        role: Role::Regulator,
        jurisdiction: Some(area[..4].to_string()),
    }];
    let mut devices = Vec::new();
    let mut add = |kind: char, role: Role, n: usize, name: String| -> Result<(), CityError> {
        let code = credit(area, kind, n)?;
        orgs.push(CityOrg {
            party: Party {
                credit_code: code.clone(),
                name,
            },
            role,
            jurisdiction: None,
        });
        devices.push(CityDevice {
            org: code,
            role,
            key: key(),
            revoked_at: None,
        });
        Ok(())
    };
    for i in 0..producers {
        add('P', Role::Producer, i + 1, format!("示例化工第{}厂", i + 1))?;
    }
    for i in 0..carriers {
        add(
            'C',
            Role::Carrier,
            i + 1,
            format!("危货运输第{}公司", i + 1),
        )?;
    }
    for i in 0..receivers {
        add(
            'R',
            Role::Receiver,
            i + 1,
            format!("环保处置第{}公司", i + 1),
        )?;
    }
    let start = life::china_midnight(params.start);
    // A second device of the first receiver, revoked as the month begins (a lost phone).
    let lost = CityDevice {
        org: devices[producers + carriers].org.clone(),
        role: Role::Receiver,
        key: key(),
        revoked_at: Some(start),
    };
    devices.push(lost);
    let places = place::Places::new(&mut rng, area, devices.len());
    let world = life::World {
        params: params.clone(),
        devices,
        producers,
        carriers,
        receivers,
        places,
    };
    let (pushes, sightings, injected) = life::lives(&world, &mut rng, progress)?;
    let end = params.start + chrono::Duration::days(i64::from(params.days));
    // Every deadline of the month has passed 40 days after it (ten working days at most,
    // and the longest holiday is a week); a year of storage has not.
    let judge_at = life::china_midnight(end + chrono::Duration::days(40));
    Ok(City {
        params: params.clone(),
        orgs,
        devices: world.devices,
        pushes,
        sightings,
        injected,
        judge_at,
    })
}
