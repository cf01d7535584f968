//! Fixtures shared by the modules: parties, device rows, containers, manifests.

use std::path::Path;
use yima_codes::{CreditCode, ManifestNumber, SequenceBlock};
use yima_core::{DeviceKey, Party, Role, Timestamp, TransferManifest, TreatmentMode, WeighMethod};
use yima_device::{Action, ActionRequest, Clock, Device, InitRequest, NewContainer};
use yima_store::{DeviceRow, Store, StoreError, StoreErrorKind};

/// 2025-01-01T00:00:00Z.
pub const T0: Timestamp = Timestamp(1_735_689_600_000);

/// Waste codes of the catalogue used for new containers.
pub const WASTES: [&str; 3] = ["900-041-49", "900-249-08", "336-064-17"];

pub fn credit(first17: &str) -> CreditCode {
    CreditCode::with_check(first17).expect("well-formed credit code")
}

pub fn producer() -> Party {
    Party {
        credit_code: credit("91350100M000100Y4"),
        name: "福州示例化工有限公司".into(),
    }
}

pub fn carrier() -> Party {
    Party {
        credit_code: credit("91350100MA2XY8001"),
        name: "闽运危险货物运输有限公司".into(),
    }
}

pub fn receiver() -> Party {
    Party {
        credit_code: credit("91350200MA3ABC8Q2"),
        name: "厦门绿源环保处置有限公司".into(),
    }
}

/// A device identity of the producer with the given block; `secret` picks the key.
pub fn device_row(block: SequenceBlock, secret: u8) -> DeviceRow {
    DeviceRow {
        org: producer(),
        org_roles: vec![Role::Producer],
        role: Role::Producer,
        key: DeviceKey::from_secret(&[secret; 32]),
        seq_block: block,
        created_at: T0,
    }
}

/// Opens the store at `path` and gives it a producer identity with `block`.
pub fn store_with_device(path: &Path, block: SequenceBlock, secret: u8) -> Store {
    let mut store = Store::open(path).expect("open store");
    store
        .write(|tx| tx.insert_device(&device_row(block, secret)))
        .expect("insert device");
    store
}

/// The kind of the error `r` holds (a `Store` has no `Debug`, so no `unwrap_err`).
pub fn err_kind<T>(r: Result<T, StoreError>) -> StoreErrorKind {
    match r {
        Ok(_) => panic!("expected an error, got Ok"),
        Err(e) => e.kind(),
    }
}

/// Initialises a device of `org` in `role` in `dir`.
pub fn init<C: Clock>(dir: &Path, role: Role, org: &Party, clock: C) -> Device<C> {
    Device::init(
        dir,
        &InitRequest::new(role, &org.name, org.credit_code.as_str()),
        clock,
    )
    .expect("init device")
}

/// A container to register.
pub fn new_container(waste: &str) -> NewContainer {
    NewContainer {
        main_components: "矿物油、棉纤维".into(),
        contact: "王磊".into(),
        phone: "0591-87654321".into(),
        container_type: "200L 钢桶".into(),
        ..NewContainer::new(waste, "25", "kg", "solid")
    }
}

/// A manifest from `sender` to the carrier and receiver above.
pub fn manifest(sender: &Party, year: u16, serial: u32) -> TransferManifest {
    TransferManifest {
        number: ManifestNumber::new(year, 35, 1, serial).expect("valid manifest number"),
        sender: sender.clone(),
        carrier: carrier(),
        receiver: receiver(),
        receiver_permit: "闽危废经许字 350200001 号".into(),
        mode: TreatmentMode::Disposal,
        emergency_measures: "泄漏时用砂土覆盖".into(),
    }
}

/// A step on `codes`, now.
pub fn step(codes: &[yima_codes::LabelCode], action: Action) -> ActionRequest {
    ActionRequest {
        codes: codes.to_vec(),
        action,
        at: None,
        location: None,
    }
}

pub fn store_action() -> Action {
    Action::Store {
        facility_code: "WS-01".into(),
    }
}

/// The sender weighs each of `codes` as labelled, as it must before dispatching them;
/// returns the weighings' ids.
pub fn weigh_each<C: Clock>(
    device: &mut Device<C>,
    codes: &[yima_codes::LabelCode],
) -> Vec<yima_core::EventId> {
    let mut ids = Vec::with_capacity(codes.len());
    for code in codes {
        let declared = device
            .container(code)
            .expect("a known container")
            .label
            .quantity;
        let weighed = device
            .record(&step(
                std::slice::from_ref(code),
                Action::Weigh {
                    measured: declared,
                    method: WeighMethod::Scale,
                    scale: None,
                    weigher: "王磊".into(),
                },
            ))
            .expect("weigh");
        ids.push(weighed.id);
    }
    ids
}

/// A dispatch (the sender weighs first: see [`weigh_each`]).
pub fn dispatch_action(sender: &Party, year: u16, serial: u32) -> Action {
    Action::Dispatch {
        manifest: manifest(sender, year, serial),
        facility_code: "WS-01".into(),
    }
}

/// Every row of `table`, each as its columns' values joined by `|`, sorted (some tables
/// have no rowid to order by: WITHOUT ROWID, migration 0005).
pub fn dump(conn: &rusqlite::Connection, table: &str) -> Vec<String> {
    let mut stmt = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
    let n = stmt.column_count();
    let rows = stmt
        .query_map([], |r| {
            (0..n)
                .map(|i| {
                    r.get::<_, rusqlite::types::Value>(i)
                        .map(|v| format!("{v:?}"))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(|v| v.join("|"))
        })
        .unwrap();
    let mut rows: Vec<String> = rows.collect::<Result<_, _>>().unwrap();
    rows.sort();
    rows
}
