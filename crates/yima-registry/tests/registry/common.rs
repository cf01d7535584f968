//! Shared fixtures: organisations, devices and what they record, and a fresh PostgreSQL
//! database per test. The story's world (devices that lived through a container's life
//! offline, events no honest device would record) is `world.rs`'s, re-exported here.

#![allow(dead_code)]

#[path = "world.rs"]
mod world;

use std::path::Path;
pub use world::World;
use yima_codes::{CreditCode, LabelCode, ManifestNumber};
use yima_core::{
    Actor, DeviceKey, Party, PublicKey, Role, SignedEvent, Timestamp, TransferManifest,
    TreatmentMode,
};
use yima_device::{
    Action, ActionRequest, Device, HandoverStep, InitRequest, ManualClock, NewContainer,
};
use yima_protocol::NewOrg;

/// 2025-01-01T00:00:00Z: the devices' clock starts here.
pub const T0: Timestamp = Timestamp(1_735_689_600_000);
/// One minute, one hour, one day in milliseconds.
pub const MINUTE: i64 = 60_000;
/// One hour.
pub const HOUR: i64 = 3_600_000;
/// One day.
pub const DAY: i64 = 24 * HOUR;

/// `t` plus `ms`.
pub fn at(t: Timestamp, ms: i64) -> Timestamp {
    Timestamp(t.0 + ms)
}

pub fn credit(first17: &str) -> CreditCode {
    CreditCode::with_check(first17).expect("well-formed test credit code")
}

/// An organisation as the registry registers it.
#[derive(Clone, Debug)]
pub struct Org {
    pub party: Party,
    pub roles: Vec<Role>,
    pub jurisdiction: Option<String>,
}

impl Org {
    pub fn new(first17: &str, name: &str, role: Role, jurisdiction: Option<&str>) -> Org {
        Org {
            party: Party {
                credit_code: credit(first17),
                name: name.into(),
            },
            roles: vec![role],
            jurisdiction: jurisdiction.map(str::to_string),
        }
    }

    pub fn code(&self) -> CreditCode {
        self.party.credit_code.clone()
    }

    pub fn new_org(&self) -> NewOrg {
        NewOrg {
            credit_code: self.code(),
            name: self.party.name.clone(),
            roles: self.roles.clone(),
            jurisdiction: self.jurisdiction.clone(),
        }
    }
}

/// A device: its organisation, role and key.
#[derive(Clone, Debug)]
pub struct Member {
    pub org: CreditCode,
    pub role: Role,
    pub key: DeviceKey,
}

impl Member {
    pub fn public(&self) -> PublicKey {
        self.key.public()
    }

    pub fn actor(&self) -> Actor {
        Actor {
            org: self.org.clone(),
            role: self.role,
            key: self.public(),
        }
    }
}

type Dev<'a> = Device<&'a ManualClock>;

pub fn init<'a>(
    dir: &Path,
    role: Role,
    org: &Org,
    seq_block: Option<&str>,
    clock: &'a ManualClock,
) -> Dev<'a> {
    let mut req = InitRequest::new(role, &org.party.name, org.party.credit_code.as_str());
    req.seq_block = seq_block.map(str::to_string);
    Device::init(dir, &req, clock).expect("init device")
}

/// The events a device holds, in the order it stored them, and its key: read from its store.
pub fn device_store(dir: &Path) -> (Vec<SignedEvent>, DeviceKey) {
    let mut store =
        yima_store::Store::open(&dir.join(yima_device::STORE_FILE)).expect("open device store");
    store
        .read(|tx| -> Result<_, yima_store::StoreError> {
            let events = tx
                .all_event_rows()?
                .iter()
                .map(|row| {
                    let raw = row.to_raw().expect("stored event");
                    SignedEvent::from_parts(raw.id, raw.canonical, raw.signatures)
                        .expect("canonical event")
                })
                .collect();
            Ok((events, tx.require_device()?.key))
        })
        .expect("read device store")
}

pub fn member(dir: &Path, org: &Org, role: Role) -> Member {
    Member {
        org: org.code(),
        role,
        key: device_store(dir).1,
    }
}

/// The sender's weighing before dispatch: `kg` on a scale (a dispatch needs it).
pub fn weighing(kg: &str) -> yima_device::Action {
    yima_device::Action::Weigh {
        measured: yima_core::Quantity::parse(kg, yima_core::Unit::Kg).expect("a quantity"),
        method: yima_core::WeighMethod::Scale,
        scale: None,
        weigher: "王磊".into(),
    }
}

pub fn drum(amount: &str) -> NewContainer {
    NewContainer {
        main_components: "矿物油、棉纤维".into(),
        contact: "王磊".into(),
        phone: "0591-87654321".into(),
        ..NewContainer::new("900-041-49", amount, "kg", "solid")
    }
}

pub fn req(code: &LabelCode, action: Action) -> ActionRequest {
    ActionRequest {
        codes: vec![code.clone()],
        action,
        at: None,
        location: None,
    }
}

pub fn manifest_number() -> ManifestNumber {
    ManifestNumber::new(2025, 35, 1, 123).expect("valid manifest number")
}

pub fn pickup(plate: &str) -> HandoverStep {
    HandoverStep::Pickup {
        manifest: manifest_number(),
        vehicle_plate: plate.into(),
        driver: "陈师傅".into(),
        permit: "闽交运管许可榕字 350100000001 号".into(),
    }
}

/// The organisations of every test.
pub struct Orgs {
    /// Fujian's regulator: jurisdiction 35.
    pub regulator: Org,
    /// Guangdong's regulator: jurisdiction 44.
    pub regulator44: Org,
    pub producer: Org,
    pub carrier: Org,
    pub receiver: Org,
    /// A producer in Guangdong: company B, whose devices must not write to company A's containers.
    pub other: Org,
}

impl Orgs {
    pub fn new() -> Orgs {
        Orgs {
            regulator: Org::new(
                "11350000M00000001",
                "福建省生态环境厅",
                Role::Regulator,
                Some("35"),
            ),
            regulator44: Org::new(
                "11440000M00000002",
                "广东省生态环境厅",
                Role::Regulator,
                Some("44"),
            ),
            producer: Org::new(
                "91350100M000100Y4",
                "福州示例化工有限公司",
                Role::Producer,
                None,
            ),
            carrier: Org::new(
                "91350100MA2XY8001",
                "闽运危险货物运输有限公司",
                Role::Carrier,
                None,
            ),
            receiver: Org::new(
                "91350200MA3ABC8Q2",
                "厦门绿源环保处置有限公司",
                Role::Receiver,
                None,
            ),
            other: Org::new(
                "91440300MA5FXYW01",
                "深圳另一化工有限公司",
                Role::Producer,
                None,
            ),
        }
    }

    pub fn all(&self) -> Vec<&Org> {
        vec![
            &self.regulator,
            &self.regulator44,
            &self.producer,
            &self.carrier,
            &self.receiver,
            &self.other,
        ]
    }

    pub fn manifest(&self) -> TransferManifest {
        TransferManifest {
            number: manifest_number(),
            sender: self.producer.party.clone(),
            carrier: self.carrier.party.clone(),
            receiver: self.receiver.party.clone(),
            receiver_permit: "闽危废经许字 350200001 号".into(),
            mode: TreatmentMode::Disposal,
            emergency_measures: "泄漏时用砂土覆盖".into(),
        }
    }
}

pub use yima_registry::testing::PgDb;
