//! A small world to build realistic custody events in: a producer, two carriers and two
//! receivers, each with a device key and a valid credit code, a clock, per-device counters
//! and the head of every container's chain, so that each sealed event links to the previous
//! event of its containers.

#![allow(dead_code)]

use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};
use yima_core::yima_codes::{
    BatchCode, BatchKind, CreditCode, HazardSet, LabelCode, ManifestNumber, WasteCode,
};
use yima_core::{
    verify, Actor, ContainerLabel, ContainerState, DeviceKey, EventBody, EventId, EventKind,
    FailureKind, KeyDirectory, KeyEntry, Link, Party, PhysicalForm, PublicKey, Quantity, RawEvent,
    Report, Role, SignedEvent, Timestamp, TransferManifest, TreatmentMode, Unit, VerifyOptions,
    EVENT_FORMAT_VERSION,
};

#[path = "harness_steps.rs"]
mod steps;

/// 2024-03-01T00:00:00Z, which is 08:00 on 2024-03-01 in China.
pub const T0: i64 = 1_709_251_200_000;
/// One minute in milliseconds: the clock's tick.
pub const MINUTE: i64 = 60_000;

/// The parties of the world.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Who {
    Producer,
    Carrier,
    Carrier2,
    Receiver,
    Receiver2,
}

impl Who {
    pub const ALL: [Who; 5] = [
        Who::Producer,
        Who::Carrier,
        Who::Carrier2,
        Who::Receiver,
        Who::Receiver2,
    ];
}

/// An organisation with one device.
pub struct Org {
    pub key: DeviceKey,
    pub party: Party,
    pub role: Role,
}

impl Org {
    pub fn actor(&self) -> Actor {
        Actor {
            org: self.party.credit_code.clone(),
            role: self.role,
            key: self.key.public(),
        }
    }
}

pub fn credit(first17: &str) -> CreditCode {
    CreditCode::with_check(first17).expect("valid first 17 characters")
}

pub fn kg(amount: &str) -> Quantity {
    Quantity::parse(amount, Unit::Kg).expect("a quantity")
}

pub fn waste() -> WasteCode {
    "900-041-49".parse().expect("a waste code")
}

pub fn day() -> NaiveDate {
    Timestamp(T0).china_date()
}

fn org(seed: u8, first17: &str, name: &str, role: Role) -> Org {
    Org {
        key: DeviceKey::from_secret(&[seed; 32]),
        party: Party {
            credit_code: credit(first17),
            name: name.to_string(),
        },
        role,
    }
}

/// The world: parties, clock, device counters, chain heads and every event sealed so far.
pub struct World {
    orgs: BTreeMap<Who, Org>,
    /// The time of the last event.
    pub clock: i64,
    seqs: HashMap<PublicKey, u64>,
    /// The last event of each container's chain.
    pub heads: HashMap<LabelCode, EventId>,
    /// Every event sealed, in order.
    pub events: Vec<SignedEvent>,
    labels: u16,
    batches: u32,
    manifests: u32,
}

impl Default for World {
    fn default() -> World {
        World::new()
    }
}

impl World {
    /// The same parties with keys of a forger's making (before any event is sealed).
    pub fn with_made_up_keys(mut self) -> World {
        for (i, o) in self.orgs.values_mut().enumerate() {
            o.key = DeviceKey::from_secret(&[200 + i as u8; 32]);
        }
        self
    }

    pub fn new() -> World {
        let mut orgs = BTreeMap::new();
        orgs.insert(
            Who::Producer,
            org(
                1,
                "91350100M000100Y4",
                "福州闽江化工有限公司",
                Role::Producer,
            ),
        );
        orgs.insert(
            Who::Carrier,
            org(
                2,
                "91350100M000200T2",
                "福建安运危险品运输有限公司",
                Role::Carrier,
            ),
        );
        orgs.insert(
            Who::Carrier2,
            org(
                3,
                "91350200M000300T3",
                "厦门鹭通物流有限公司",
                Role::Carrier,
            ),
        );
        orgs.insert(
            Who::Receiver,
            org(
                4,
                "91350100M000400R1",
                "福州绿源环保处置有限公司",
                Role::Receiver,
            ),
        );
        orgs.insert(
            Who::Receiver2,
            org(
                5,
                "91350600M000500R5",
                "漳州清源资源利用有限公司",
                Role::Receiver,
            ),
        );
        World {
            orgs,
            clock: T0,
            seqs: HashMap::new(),
            heads: HashMap::new(),
            events: Vec::new(),
            labels: 0,
            batches: 0,
            manifests: 0,
        }
    }

    pub fn org(&self, who: Who) -> &Org {
        &self.orgs[&who]
    }

    pub fn actor(&self, who: Who) -> Actor {
        self.org(who).actor()
    }

    pub fn party(&self, who: Who) -> Party {
        self.org(who).party.clone()
    }

    pub fn credit(&self, who: Who) -> CreditCode {
        self.org(who).party.credit_code.clone()
    }

    pub fn key(&self, who: Who) -> PublicKey {
        self.org(who).key.public()
    }

    /// The party whose device has `key`.
    pub fn who_has(&self, key: &PublicKey) -> Option<Who> {
        Who::ALL.into_iter().find(|w| &self.key(*w) == key)
    }

    /// A directory that knows every device of the world.
    pub fn keys(&self) -> KeyDirectory {
        let mut d = KeyDirectory::new();
        for o in self.orgs.values() {
            d.insert(
                o.key.public(),
                KeyEntry {
                    org: o.party.credit_code.clone(),
                    roles: vec![o.role],
                    revoked_at: None,
                },
            );
        }
        d
    }

    /// Advances the clock one minute.
    pub fn tick(&mut self) -> Timestamp {
        self.clock += MINUTE;
        Timestamp(self.clock)
    }

    /// The next counter value of `who`'s device.
    pub fn next_seq(&mut self, who: Who) -> u64 {
        let c = self.seqs.entry(self.key(who)).or_insert(0);
        *c += 1;
        *c
    }

    /// A new label owned by `owner` (the producer, or whoever merges or splits), with a
    /// code consistent with it: owner's credit code, the waste code, today's date.
    pub fn new_label(&mut self, owner: Who) -> ContainerLabel {
        self.labels += 1;
        let owner = self.party(owner);
        let code = LabelCode::new(owner.credit_code.clone(), waste(), day(), self.labels)
            .expect("a label code");
        ContainerLabel {
            code,
            name: "废包装桶（沾染废矿物油）".into(),
            category: waste().category().expect("a category"),
            waste_code: waste(),
            form: PhysicalForm::Solid,
            hazards: "T,In".parse::<HazardSet>().expect("hazards"),
            main_components: "铁质包装桶、残留矿物油".into(),
            harmful_components: "矿物油".into(),
            precautions: "远离火源，防止泄漏".into(),
            producer: owner,
            contact: "张三".into(),
            phone: "0591-83000000".into(),
            generated_on: day(),
            quantity: kg("200"),
            container_type: "200L铁桶".into(),
            facility_code: "CS001".into(),
            remarks: String::new(),
        }
    }

    pub fn batch(&mut self, kind: BatchKind) -> BatchCode {
        self.batches += 1;
        BatchCode::new(kind, day(), self.batches).expect("a batch code")
    }

    pub fn manifest(&mut self, sender: Who, carrier: Who, receiver: Who) -> TransferManifest {
        self.manifests += 1;
        TransferManifest {
            // Of the sender's province and city (its credit code's division code).
            number: ManifestNumber::new(
                2024,
                self.credit(sender).as_str()[2..4].parse().expect("digits"),
                self.credit(sender).as_str()[4..6].parse().expect("digits"),
                self.manifests,
            )
            .expect("a manifest number"),
            sender: self.party(sender),
            carrier: self.party(carrier),
            receiver: self.party(receiver),
            receiver_permit: "闽危废经第350100001号".into(),
            mode: TreatmentMode::Disposal,
            emergency_measures: "泄漏时用吸附棉围堵，报告119".into(),
        }
    }

    /// A body recorded by `by`, composed by `composer`, at the next tick, linking each
    /// container to its chain head (or to nothing when it has none yet).
    pub fn draft(
        &mut self,
        by: Who,
        composer: Who,
        event: EventKind,
        containers: &[&LabelCode],
    ) -> EventBody {
        let at = self.tick();
        let seq = self.next_seq(composer);
        let mut links: Vec<Link> = containers
            .iter()
            .map(|c| Link {
                container: (*c).clone(),
                prev: self.heads.get(*c).copied(),
            })
            .collect();
        links.sort_by(|a, b| a.container.cmp(&b.container));
        EventBody {
            v: EVENT_FORMAT_VERSION,
            at,
            by: self.actor(by),
            composer: self.key(composer),
            event,
            links,
            location: Some("福建省福州市".into()),
            operator: None,
            track: None,
            seq,
        }
    }

    /// Seals `body`, signed by each of `signers` in order, without adding it to the world.
    pub fn sign(&self, body: EventBody, signers: &[Who]) -> SignedEvent {
        let mut e = SignedEvent::unsigned(body);
        for s in signers {
            e.countersign(&self.org(*s).key);
        }
        e
    }

    /// Adds a sealed event to the world and moves its containers' heads to it.
    pub fn push(&mut self, e: SignedEvent) -> SignedEvent {
        for l in &e.body.links {
            self.heads.insert(l.container.clone(), e.id);
        }
        self.events.push(e.clone());
        e
    }

    /// Seals `body` with the signatures of every required signer and adds it.
    pub fn seal(&mut self, body: EventBody) -> SignedEvent {
        let signers: Vec<Who> = body
            .required_signers()
            .iter()
            .map(|k| self.who_has(k).expect("a key of the world"))
            .collect();
        let e = self.sign(body, &signers);
        self.push(e)
    }

    /// Records an event composed and signed by `by` (and the giver, in a handover).
    pub fn record(&mut self, by: Who, event: EventKind, containers: &[&LabelCode]) -> SignedEvent {
        let body = self.draft(by, by, event, containers);
        self.seal(body)
    }

    // --- Verification. ----------------------------------------------------------------

    pub fn raw(&self) -> Vec<RawEvent> {
        self.events.iter().map(RawEvent::from).collect()
    }

    /// Every device of the world, as complete devices.
    pub fn all_devices(&self) -> Vec<PublicKey> {
        Who::ALL.iter().map(|w| self.key(*w)).collect()
    }

    pub fn verify(&self) -> Report {
        verify(&self.raw(), &self.keys(), &VerifyOptions::default())
    }

    pub fn verify_complete(&self) -> Report {
        let options = VerifyOptions {
            complete_devices: self.all_devices(),
            unused_seqs: Vec::new(),
        };
        verify(&self.raw(), &self.keys(), &options)
    }

    /// Verifies every device as complete and asserts that nothing failed.
    #[track_caller]
    pub fn verify_clean(&self) -> Report {
        let report = self.verify_complete();
        assert_clean(&report);
        report
    }
}

/// The state a report gives a container.
#[track_caller]
pub fn state(report: &Report, c: &LabelCode) -> ContainerState {
    report
        .statuses
        .get(c)
        .unwrap_or_else(|| panic!("no status for {c}"))
        .state
}

/// Asserts that nothing failed, showing what did.
#[track_caller]
pub fn assert_clean(report: &Report) {
    assert!(
        report.ok(),
        "expected no failures, found:\n{}",
        describe(report)
    );
}

/// The failures of a report, one per line.
pub fn describe(report: &Report) -> String {
    report
        .failures
        .iter()
        .map(|f| {
            format!(
                "  {} {:?} {:?}: {}\n",
                f.event.short(),
                f.kind,
                f.container.as_ref().map(|c| c.to_string()),
                f.detail
            )
        })
        .collect()
}

/// The kinds of failure reported for `event`.
pub fn kinds_of(report: &Report, event: EventId) -> Vec<FailureKind> {
    report
        .failures
        .iter()
        .filter(|f| f.event == event)
        .map(|f| f.kind)
        .collect()
}

/// Asserts that the report has exactly these failures (event, kind, container), in any order.
#[track_caller]
pub fn assert_failures(report: &Report, expected: &[(EventId, FailureKind, Option<&LabelCode>)]) {
    let mut found: Vec<(EventId, FailureKind, Option<LabelCode>)> = report
        .failures
        .iter()
        .map(|f| (f.event, f.kind, f.container.clone()))
        .collect();
    let mut want: Vec<(EventId, FailureKind, Option<LabelCode>)> = expected
        .iter()
        .map(|(e, k, c)| (*e, *k, c.cloned()))
        .collect();
    let key = |x: &(EventId, FailureKind, Option<LabelCode>)| (x.0, x.1.as_str(), x.2.clone());
    found.sort_by_key(key);
    want.sort_by_key(key);
    assert_eq!(found, want, "failures were:\n{}", describe(report));
}
