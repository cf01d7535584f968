//! Containers' lives: a plan per container (what happens to it, bent by an injector or
//! not), then its events, built in chain order and signed in parallel.

use crate::place::{road, Places, Point};
use crate::{
    CityDevice, CityError, CityParams, CityTrack, Push, Reporter, SightingReport, INJECTORS,
};
use chrono::{Datelike, NaiveDate};
use rand::seq::SliceRandom;
use rand::Rng;
use std::collections::{BTreeSet, HashMap};
use yima_codes::{BatchCode, BatchKind, LabelCode, ManifestNumber, WasteCode, WorkCalendar};
use yima_core::{
    distance_to_segment_m, encode, manifest_close_due, receipt_due, track_digest, Actor,
    AnomalyConfig, AnomalyRule, ContainerLabel, DeviceKey, EventBody, EventId, EventKind, Fix,
    Link, Quantity, Seal, Sighter, Sighting, SightingPlace, SignedEvent, Timestamp, Tolerances,
    TransferManifest, TreatmentMode, Unit, WeighMethod, EVENT_FORMAT_VERSION,
};

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

/// An event before it is signed: its body, canonical bytes and id, and who signs.
struct Unsigned {
    id: EventId,
    canonical: Vec<u8>,
    body: EventBody,
    /// Device indices signing, composer first.
    signers: Vec<usize>,
    /// Replace the signature by one over another id (a forged record).
    forge: bool,
}

/// What one container's life pushes, before signing: per phase, the pusher, events and
/// tracks (by event index in the container's list).
/// One push of a life before signing: phase, pusher device, event indices, tracks (event
/// index, carrier device, fixes).
type PlannedPush = (u8, usize, Vec<usize>, Vec<(usize, usize, Vec<Fix>)>);

/// Every `(rule, container)` injected.
pub(crate) type Injected = BTreeSet<(AnomalyRule, LabelCode)>;

#[derive(Default)]
struct Pushes {
    events: Vec<Unsigned>,
    /// (phase, pusher device, event indices, tracks (event index, carrier device, fixes))
    pushes: Vec<PlannedPush>,
    /// Scans of its label: the scanning device (none: the public page) and the sighting.
    scans: Vec<(Option<usize>, Sighting)>,
}

struct Builder<'w> {
    w: &'w World,
    seq: Vec<u64>,
    /// Label sequences used per producer, waste code and day.
    labels: HashMap<(usize, usize, NaiveDate), u16>,
    serial: u32,
    /// Labels never registered so far (every other one is seen on the public page).
    unregistered: usize,
}

const WASTES: [&str; 4] = ["900-041-49", "900-249-08", "900-252-12", "336-064-17"];

impl Builder<'_> {
    fn actor(&self, d: usize) -> Actor {
        let dev = &self.w.devices[d];
        Actor {
            org: dev.org.clone(),
            role: dev.role,
            key: dev.key.public(),
        }
    }

    fn party(&self, d: usize) -> yima_core::Party {
        yima_core::Party {
            credit_code: self.w.devices[d].org.clone(),
            name: String::new(),
        }
    }

    /// An event by `by`, composed by the first of `signers`.
    fn event(
        &mut self,
        at: Timestamp,
        by: usize,
        signers: Vec<usize>,
        event: EventKind,
        links: Vec<Link>,
        track: Option<yima_core::TrackDigest>,
    ) -> Unsigned {
        let composer = signers[0];
        self.seq[composer] += 1;
        let body = EventBody {
            v: EVENT_FORMAT_VERSION,
            at,
            by: self.actor(by),
            composer: self.w.devices[composer].key.public(),
            event,
            links,
            location: None,
            operator: None,
            track,
            seq: self.seq[composer],
        };
        let canonical = encode(&body);
        Unsigned {
            id: EventId::of_canonical(&canonical),
            canonical,
            body,
            signers,
            forge: false,
        }
    }

    /// Device `d` scans `code` at `at` where `place` is (a fix of 10 to 30 m, within 10 m).
    fn scan(
        &self,
        rng: &mut impl Rng,
        code: &LabelCode,
        at: Timestamp,
        d: usize,
        place: Point,
        seal: Seal,
    ) -> (Option<usize>, Sighting) {
        let dev = &self.w.devices[d];
        let sighting = Sighting {
            code: code.clone(),
            at,
            place: Some(SightingPlace {
                lat_e7: place.lat.round() as i32 + rng.gen_range(-90..=90),
                lon_e7: place.lon.round() as i32 + rng.gen_range(-90..=90),
                accuracy_m: Some(rng.gen_range(10..=30)),
            }),
            who: Sighter::Device {
                org: dev.org.clone(),
                device: dev.key.public().to_string(),
            },
            seal,
        };
        (Some(d), sighting)
    }

    fn next_serial(&mut self) -> u32 {
        self.serial = self.serial % 999_999 + 1;
        self.serial
    }
}

fn link(code: &LabelCode, prev: Option<EventId>) -> Vec<Link> {
    vec![Link {
        container: code.clone(),
        prev,
    }]
}

fn kg(milli: i64) -> Quantity {
    Quantity {
        milli,
        unit: Unit::Kg,
    }
}

/// One container's life by `plan`: its code and what it pushes.
#[allow(clippy::too_many_lines)]
fn life(
    b: &mut Builder<'_>,
    rng: &mut impl Rng,
    plan: &Plan,
) -> Result<(LabelCode, Pushes), CityError> {
    let w = b.w;
    let p = rng.gen_range(0..w.producers);
    let c1 = w.producers + rng.gen_range(0..w.carriers);
    let c2 = w.producers + (c1 - w.producers + 1 + rng.gen_range(0..w.carriers - 1)) % w.carriers;
    let r = w.producers + w.carriers + rng.gen_range(0..w.receivers);
    let waste = rng.gen_range(0..WASTES.len());
    let day = if plan.stored_long_ago {
        w.params.start - chrono::Duration::days(400)
    } else {
        w.params.start + chrono::Duration::days(rng.gen_range(0..i64::from(w.params.days)))
    };
    let seq = b.labels.entry((p, waste, day)).or_insert(0);
    *seq += 1;
    if *seq > 999 {
        return Err(CityError::Params(format!(
            "more than 999 labels of one producer, waste code and day ({day}): fewer containers or more days"
        )));
    }
    let code = LabelCode::new(
        w.devices[p].org.clone(),
        WASTES[waste].parse::<WasteCode>()?,
        day,
        *seq,
    )?;
    let declared = kg(rng.gen_range(50..500) * 1000 + rng.gen_range(0..10) * 100);
    let mut label = ContainerLabel::from_code(&code, declared)?;
    label.name = "废矿物油与含矿物油废物".into();
    label.producer.name = String::new();
    let t0 = Timestamp(china_midnight(day).0 + 8 * HOUR + rng.gen_range(0..480) * MINUTE);
    let m = |min: i64| Timestamp(t0.0 + min * MINUTE);

    let mut out = Pushes::default();
    if !plan.registered {
        // Printed, never registered: a carrier's device scans it at the producer (its
        // device holds no record: unchecked), or somebody opens it on the public page
        // (which checks it against the producer's devices: genuine).
        let at = m(rng.gen_range(10..240));
        let scan = if b.unregistered.is_multiple_of(2) {
            let c = w.producers + rng.gen_range(0..w.carriers);
            b.scan(rng, &code, at, c, w.places.0[p], Seal::Unchecked)
        } else {
            let view = Sighting {
                code: code.clone(),
                at,
                place: None,
                who: Sighter::PublicPage,
                seal: Seal::Genuine,
            };
            (None, view)
        };
        b.unregistered += 1;
        out.scans.push(scan);
        return Ok((code, out));
    }
    let mut phase0 = Vec::new();
    let serial = b.next_serial();
    let gen = b.event(
        m(0),
        p,
        vec![p],
        EventKind::Generated {
            batch: BatchCode::new(BatchKind::Generation, day, serial)?,
            catalogue_edition: "2025".into(),
            label,
        },
        link(&code, None),
        None,
    );
    let mut head = gen.id;
    phase0.push(out.events.len());
    out.events.push(gen);
    let stored = b.event(
        m(5),
        p,
        vec![p],
        EventKind::Stored {
            batch: BatchCode::new(BatchKind::IntoStore, day, serial)?,
            facility_code: "WS-01".into(),
        },
        link(&code, Some(head)),
        None,
    );
    head = stored.id;
    phase0.push(out.events.len());
    out.events.push(stored);
    if !plan.dispatched {
        out.pushes.push((0, p, phase0, Vec::new()));
        return Ok((code, out));
    }

    let weigh = |b: &mut Builder<'_>, at, by, expected: &Quantity, milli, head| {
        let measured = kg(milli);
        b.event(
            at,
            by,
            vec![by],
            EventKind::Weighing {
                discrepancy: Tolerances::default().discrepancy(expected, &measured),
                measured,
                method: WeighMethod::Scale,
                scale: None,
                weigher: "王磊".into(),
            },
            link(&code, Some(head)),
            None,
        )
    };
    let e = weigh(b, m(10), p, &declared, declared.milli, head);
    head = e.id;
    phase0.push(out.events.len());
    out.events.push(e);
    let province = w.params.area[..2].parse::<u8>().unwrap_or(35);
    let city = w.params.area[2..4].parse::<u8>().unwrap_or(1).max(1);
    let year = u16::try_from(day.year()).unwrap_or(2025);
    let number = ManifestNumber::new(year, province, city, serial)?;
    let manifest = TransferManifest {
        number: number.clone(),
        sender: b.party(p),
        carrier: b.party(c1),
        receiver: b.party(r),
        receiver_permit: "危废经许字 000001 号".into(),
        mode: TreatmentMode::Disposal,
        emergency_measures: "泄漏时用砂土覆盖".into(),
    };
    let dispatched = b.event(
        m(20),
        p,
        vec![p],
        EventKind::Dispatched {
            batch: BatchCode::new(BatchKind::OutOfStore, day, serial)?,
            facility_code: "WS-01".into(),
            manifest,
            outsourced_batch: BatchCode::new(BatchKind::OutsourcedDisposal, day, serial)?,
        },
        link(&code, Some(head)),
        None,
    );
    let dispatched_at = dispatched.body.at;
    let dispatch_id = dispatched.id;
    phase0.push(out.events.len());
    out.events.push(dispatched);
    let pickup = |b: &mut Builder<'_>, at, number: ManifestNumber, plate: &str| {
        let giver = b.actor(p);
        b.event(
            at,
            c1,
            vec![p, c1],
            EventKind::PickedUp {
                driver: "陈师傅".into(),
                giver,
                manifest: number,
                permit: "交运管许可字 000000000001 号".into(),
                vehicle_plate: plate.into(),
            },
            link(&code, Some(dispatch_id)),
            None,
        )
    };
    if plan.off_manifest {
        let other = ManifestNumber::new(year, province, city, serial % 999_999 + 1)?;
        let e = pickup(b, m(28), other, "闽A·D0000");
        phase0.push(out.events.len());
        out.events.push(e);
    }
    let plate = format!("闽A·C{:04}", c1 - w.producers);
    let picked = pickup(b, m(30), number.clone(), &plate);
    let picked_at = picked.body.at;
    head = picked.id;
    phase0.push(out.events.len());
    out.events.push(picked);
    out.pushes.push((0, p, phase0, Vec::new()));
    // The carrier scans the label as it loads the container, at the producer.
    let scan = b.scan(rng, &code, picked_at, c1, w.places.0[p], Seal::Genuine);
    out.scans.push(scan);
    if plan.cloned {
        let at = Timestamp(picked_at.0 + MINUTE);
        let (far, d) = farthest(w, w.places.0[p]);
        // Twice as far as the default rule lets a label go in that minute (its speed limit,
        // its tolerance, two fixes of 30 m at worst).
        let config = AnomalyConfig::default();
        let reach = f64::from(config.sighting_max_speed_kmh) / 3.6 * 60.0
            + f64::from(config.sighting_tolerance_m)
            + 2.0 * 30.0;
        if d < 2.0 * reach {
            return Err(CityError::Params(format!(
                "no device farther than {:.0} m from a producer for a cloned label",
                2.0 * reach
            )));
        }
        let scan = b.scan(rng, &code, at, far, w.places.0[far], Seal::Genuine);
        out.scans.push(scan);
    }

    // The transport: received 2 hours after pickup, or the day after the receipt deadline.
    let calendar = WorkCalendar::china();
    let received_at = if plan.receipt_late {
        let due = receipt_due(picked_at, calendar).map_err(|e| CityError::Params(e.to_string()))?;
        let at = Timestamp(china_midnight(due + chrono::Duration::days(1)).0 + 10 * HOUR);
        let close = manifest_close_due(dispatched_at, calendar)
            .map_err(|e| CityError::Params(e.to_string()))?;
        assert!(at < china_midnight(close), "a late receipt closes in time");
        at
    } else {
        m(150)
    };
    let (from, to) = (w.places.0[p], w.places.0[r]);
    if let Some(apart) = plan.relay {
        let relay_at = Timestamp(picked_at.0 + (received_at.0 - picked_at.0) / 2);
        let mid = from.toward(to, 0.5);
        let fixes = road(from, picked_at, mid, relay_at);
        let giver = b.actor(c1);
        let e = b.event(
            relay_at,
            c2,
            vec![c1, c2],
            EventKind::RelayHandover {
                driver: "李师傅".into(),
                giver,
                manifest: number.clone(),
                permit: "交运管许可字 000000000002 号".into(),
                place: "高速服务区".into(),
                vehicle_plate: format!("闽A·C{:04}", c2 - w.producers),
            },
            link(&code, Some(head)),
            Some(track_digest(&fixes)),
        );
        head = e.id;
        let i = out.events.len();
        out.events.push(e);
        out.pushes.push((1, c1, vec![i], vec![(i, c1, fixes)]));
        let start: Point = if apart > 0.0 {
            mid.aside(to, apart)
        } else {
            mid
        };
        let fixes = road(start, relay_at, to, received_at);
        // The second carrier scans the label as it takes the container over.
        let scan = b.scan(rng, &code, relay_at, c2, start, Seal::Genuine);
        out.scans.push(scan);
        let e = receipt(
            b,
            &code,
            head,
            &number,
            received_at,
            r,
            c2,
            &fixes,
            plan.track,
        );
        head = e.0.id;
        let i = out.events.len();
        out.events.push(e.0);
        out.pushes.push((
            2,
            c2,
            vec![i],
            e.1.map(|f| vec![(i, c2, f)]).unwrap_or_default(),
        ));
    } else {
        let fixes = road(from, picked_at, to, received_at);
        let e = receipt(
            b,
            &code,
            head,
            &number,
            received_at,
            r,
            c1,
            &fixes,
            plan.track,
        );
        head = e.0.id;
        let i = out.events.len();
        out.events.push(e.0);
        out.pushes.push((
            2,
            c1,
            vec![i],
            e.1.map(|f| vec![(i, c1, f)]).unwrap_or_default(),
        ));
    }
    if plan.fork {
        // The rival pickup: same place in the chain, another vehicle.
        let e = pickup(b, m(31), number, "闽A·D5678");
        let i = out.events.len();
        out.events.push(e);
        out.pushes.push((3, c1, vec![i], Vec::new()));
    }

    // The receiver: scans the label at its gate, weighs, accepts, disposes of.
    let scan = b.scan(rng, &code, received_at, r, to, Seal::Genuine);
    out.scans.push(scan);
    // One label in ten is opened on the public page the day after (someone checking it).
    if rng.gen_range(0..10) == 0 {
        let view = Sighting {
            code: code.clone(),
            at: Timestamp(received_at.0 + 24 * HOUR),
            place: None,
            who: Sighter::PublicPage,
            seal: Seal::Genuine,
        };
        out.scans.push((None, view));
    }
    let mut phase3 = Vec::new();
    let at = |min: i64| Timestamp(received_at.0 + min * MINUTE);
    let milli = declared.milli * plan.receiver_weighs_permille / 1000;
    let e = weigh(b, at(5), r, &declared, milli, head);
    head = e.id;
    phase3.push(out.events.len());
    out.events.push(e);
    if !plan.never_accepted {
        let e = b.event(
            at(10),
            r,
            vec![r],
            EventKind::Accepted {
                quantity: kg(milli),
            },
            link(&code, Some(head)),
            None,
        );
        head = e.id;
        phase3.push(out.events.len());
        out.events.push(e);
        let serial = b.next_serial();
        let e = b.event(
            at(60),
            r,
            vec![r],
            EventKind::Disposed {
                batch: BatchCode::new(BatchKind::OwnDisposal, at(60).china_date(), serial)?,
                completed_at: at(60),
                method: "D10".into(),
                mode: TreatmentMode::Disposal,
            },
            link(&code, Some(head)),
            None,
        );
        head = e.id;
        phase3.push(out.events.len());
        out.events.push(e);
    }
    out.pushes.push((3, r, phase3, Vec::new()));
    if let Some(bogus) = plan.bogus {
        let weighing = |b: &mut Builder<'_>, by: usize, signer: usize| {
            let measured = kg(milli);
            b.event(
                at(120),
                by,
                vec![signer],
                EventKind::Weighing {
                    discrepancy: None,
                    measured,
                    method: WeighMethod::Scale,
                    scale: None,
                    weigher: "林娜".into(),
                },
                link(&code, Some(head)),
                None,
            )
        };
        let (mut e, pusher) = match bogus {
            Bogus::BadSignature => (weighing(b, r, r), r),
            Bogus::WrongKey => {
                // Another receiver's device signs in this receiver's name.
                let other =
                    w.producers + w.carriers + (r - w.producers - w.carriers + 1) % w.receivers;
                let mut e = weighing(b, other, other);
                e.body.by.org = w.devices[r].org.clone();
                e.canonical = encode(&e.body);
                e.id = EventId::of_canonical(&e.canonical);
                (e, other)
            }
            Bogus::RevokedKey => {
                let lost = w.lost();
                (weighing(b, lost, lost), lost)
            }
        };
        e.forge = bogus == Bogus::BadSignature;
        let i = out.events.len();
        out.events.push(e);
        out.pushes.push((4, pusher, vec![i], Vec::new()));
    }
    Ok((code, out))
}

/// The enrolled device (not the lost one) farthest from `from`, and how far, in metres.
fn farthest(w: &World, from: Point) -> (usize, f64) {
    let fix = |p: Point| Fix {
        at: Timestamp(0),
        lat_e7: p.lat.round() as i32,
        lon_e7: p.lon.round() as i32,
        accuracy_m: None,
    };
    let f = fix(from);
    (0..w.lost())
        .map(|d| (d, distance_to_segment_m(&fix(w.places.0[d]), &f, &f)))
        .fold((0, 0.0), |best, x| if x.1 > best.1 { x } else { best })
}

/// The receipt ending a transport by carrier `c` (composer) to receiver `r`, and the fixes
/// pushed beside it (none when the track is missing).
#[allow(clippy::too_many_arguments)]
fn receipt(
    b: &mut Builder<'_>,
    code: &LabelCode,
    head: EventId,
    number: &ManifestNumber,
    at: Timestamp,
    r: usize,
    c: usize,
    fixes: &[Fix],
    plan: TrackPlan,
) -> (Unsigned, Option<Vec<Fix>>) {
    let mut fixes = fixes.to_vec();
    match plan {
        TrackPlan::Normal | TrackPlan::Missing => {}
        TrackPlan::Gap => {
            let mid = fixes.len() / 2;
            fixes.drain(mid - 2..mid + 2);
        }
        TrackPlan::OffCorridor => {
            let (a, z) = (fixes[0], fixes[fixes.len() - 1]);
            let mid = fixes.len() / 2;
            let pa = Point {
                lat: f64::from(a.lat_e7),
                lon: f64::from(a.lon_e7),
            };
            let pz = Point {
                lat: f64::from(z.lat_e7),
                lon: f64::from(z.lon_e7),
            };
            let off = pa.toward(pz, 0.5).aside(pz, 30_000.0);
            fixes[mid].lat_e7 = off.lat.round() as i32;
            fixes[mid].lon_e7 = off.lon.round() as i32;
        }
    }
    let track = (plan != TrackPlan::Missing).then(|| track_digest(&fixes));
    let giver = b.actor(c);
    let e = b.event(
        at,
        r,
        vec![c, r],
        EventKind::Received {
            giver,
            manifest: number.clone(),
        },
        link(code, Some(head)),
        track,
    );
    (e, track.map(|_| fixes))
}

/// Plans, lives, signatures: the city's pushes, the scans of its labels as reported, and
/// its injected anomalies.
pub(crate) fn lives(
    w: &World,
    rng: &mut impl Rng,
    progress: bool,
) -> Result<(Vec<Push>, Vec<SightingReport>, Injected), CityError> {
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
    let signed = sign_all(lives, &keys, progress);
    reports.sort_by_key(|r| r.at);
    Ok((signed, reports, injected))
}

/// Signs every life's events (in parallel) and lays out the pushes phase by phase.
fn sign_all(lives: Vec<Pushes>, keys: &[&DeviceKey], progress: bool) -> Vec<Push> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = lives.len().div_ceil(threads).max(1);
    let mut lives = lives;
    let total = lives.len();
    let signed: Vec<Vec<(u8, Push)>> = std::thread::scope(|s| {
        let handles: Vec<_> = lives
            .chunks_mut(chunk)
            .map(|part| {
                s.spawn(move || {
                    let mut out = Vec::new();
                    for (k, life) in part.iter_mut().enumerate() {
                        let events: Vec<SignedEvent> = std::mem::take(&mut life.events)
                            .into_iter()
                            .map(|u| sign(u, keys))
                            .collect();
                        for (phase, pusher, idx, tracks) in std::mem::take(&mut life.pushes) {
                            let at = idx
                                .iter()
                                .map(|i| events[*i].body.at)
                                .max()
                                .map(|t| Timestamp(t.0 + MINUTE))
                                .expect("a push has events");
                            out.push((
                                phase,
                                Push {
                                    phase,
                                    pusher: keys[pusher].public(),
                                    at,
                                    events: idx.iter().map(|i| events[*i].clone()).collect(),
                                    tracks: tracks
                                        .into_iter()
                                        .map(|(i, _, fixes)| CityTrack {
                                            event: events[i].id,
                                            carrier: events[i]
                                                .body
                                                .event
                                                .giver()
                                                .expect("a handover")
                                                .org
                                                .clone(),
                                            fixes,
                                        })
                                        .collect(),
                                },
                            ));
                        }
                        if progress && (k + 1) % 10_000 == 0 {
                            eprintln!("citygen: a thread signed {} lives (of {total})", k + 1);
                        }
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("signing thread"))
            .collect()
    });
    let mut all: Vec<(u8, Push)> = signed.into_iter().flatten().collect();
    // Stable: within a phase, containers keep their order.
    all.sort_by_key(|(phase, _)| *phase);
    all.into_iter().map(|(_, p)| p).collect()
}

fn sign(u: Unsigned, keys: &[&DeviceKey]) -> SignedEvent {
    let signatures = u
        .signers
        .iter()
        .map(|d| {
            let mut s = keys[*d].sign(&u.id);
            if u.forge {
                s.sig = keys[*d].sign(&EventId::of_canonical(b"another event")).sig;
            }
            s
        })
        .collect();
    SignedEvent {
        id: u.id,
        canonical: u.canonical,
        body: u.body,
        signatures,
    }
}

/// `pushes` merged into batches of at most `max` events of one pusher, phase by phase (a
/// push's events stay in one batch and in order).
pub(crate) fn batched(pushes: &[Push], max: usize) -> Vec<Push> {
    let mut out: Vec<Push> = Vec::new();
    let mut open: HashMap<yima_core::PublicKey, usize> = HashMap::new();
    let mut phase = None;
    for p in pushes {
        // A new phase: close every batch.
        if phase != Some(p.phase) {
            open.clear();
            phase = Some(p.phase);
        }
        match open.get(&p.pusher) {
            Some(&i) if out[i].events.len() + p.events.len() <= max => {
                let b = &mut out[i];
                b.events.extend(p.events.iter().cloned());
                b.tracks.extend(p.tracks.iter().cloned());
                b.at = b.at.max(p.at);
            }
            _ => {
                open.insert(p.pusher, out.len());
                out.push(p.clone());
            }
        }
    }
    out
}
