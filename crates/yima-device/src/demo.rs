//! `yima demo`: three devices — a producer, a carrier and a receiver — walk containers
//! through their whole life in fresh data directories, with real keys, real handovers
//! and a verified history at the end.

use crate::actions::{Action, ActionRequest};
use crate::audit::VerifyResult;
use crate::clock::ManualClock;
use crate::error::DeviceError;
use crate::handover::HandoverStep;
use crate::identity::InitRequest;
use crate::query::HistoryEntry;
use crate::register::NewContainer;
use crate::Device;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use yima_codes::{CreditCode, LabelCode, ManifestNumber};
use yima_core::{
    EventKind, Party, Quantity, Role, Timestamp, TransferManifest, TreatmentMode, Unit, WeighMethod,
};

/// What the demo did and what each device can verify at the end.
#[derive(Clone, Debug, Serialize)]
pub struct DemoReport {
    /// The containers walked through: the last holder's timeline and its verification.
    pub containers: Vec<(String, Vec<HistoryEntry>, VerifyResult)>,
    /// `verify` on each device: producer, carrier, receiver.
    pub verification: BTreeMap<String, VerifyResult>,
}

fn credit(first17: &str) -> CreditCode {
    CreditCode::with_check(first17).expect("demo credit codes are well formed")
}

fn q(amount: &str, unit: Unit) -> Quantity {
    Quantity::parse(amount, unit).expect("demo quantities are valid")
}

/// Runs the demo in `base` (three sub-directories are created there).
pub fn run_demo(base: &Path) -> Result<DemoReport, DeviceError> {
    // Three days ago, 08:00 China time, so every step lies in the past.
    let start = chrono::Utc::now() - chrono::Duration::days(3);
    let clock = ManualClock::new(Timestamp::from_datetime(start));
    let hour = 3_600_000;

    let p_org = Party {
        credit_code: credit("91350100M000100Y4"),
        name: "福州示例化工有限公司".into(),
    };
    let c_org = Party {
        credit_code: credit("91350100MA2XY8001"),
        name: "闽运危险货物运输有限公司".into(),
    };
    let r_org = Party {
        credit_code: credit("91350200MA3ABC8Q2"),
        name: "厦门绿源环保处置有限公司".into(),
    };
    let init = |dir: &str, role: Role, org: &Party| {
        Device::init(
            &base.join(dir),
            &InitRequest::new(role, &org.name, org.credit_code.as_str()),
            &clock,
        )
    };
    let mut producer = init("producer", Role::Producer, &p_org)?;
    let mut carrier = init("carrier", Role::Carrier, &c_org)?;
    let mut receiver = init("receiver", Role::Receiver, &r_org)?;
    // The people who do the steps: recorded with each step as its handler (经办人).
    producer.set_operator("王磊")?;
    carrier.set_operator("陈师傅")?;
    receiver.set_operator("林娜")?;
    let producer_id = producer.identity()?;
    let carrier_id = carrier.identity()?;
    let receiver_id = receiver.identity()?;

    // 1. Generated: three containers, labelled.
    let new =
        |code: &str, amount: &str, unit: &str, form: &str, name: &str, main: &str| NewContainer {
            name: Some(name.into()),
            main_components: main.into(),
            harmful_components: main.into(),
            precautions: "远离火源，佩戴防护手套 / keep away from fire, wear gloves".into(),
            contact: "王磊".into(),
            phone: "0591-87654321".into(),
            container_type: "200L 钢桶".into(),
            facility_code: "CS-01".into(),
            ..NewContainer::new(code, amount, unit, form)
        };
    let rags = producer
        .register(&new(
            "900-041-49",
            "25",
            "kg",
            "solid",
            "废含油抹布",
            "矿物油、棉纤维",
        ))?
        .code;
    clock.advance(60_000);
    let oil = producer
        .register(&new(
            "900-249-08",
            "180",
            "kg",
            "liquid",
            "废矿物油",
            "矿物油",
        ))?
        .code;
    clock.advance(60_000);
    let sludge = producer
        .register(&new(
            "336-064-17",
            "40",
            "kg",
            "semi_solid",
            "电镀污泥",
            "氢氧化铬、氢氧化镍",
        ))?
        .code;
    let all = vec![rags.clone(), oil.clone(), sludge.clone()];
    let at = |codes: &[LabelCode], action: Action| ActionRequest {
        codes: codes.to_vec(),
        action,
        at: None,
        location: None,
    };

    // 2. Stored.
    clock.advance(hour);
    producer.record(&at(
        &all,
        Action::Store {
            facility_code: "WS-01".into(),
        },
    ))?;

    // A correction: the oil drum's container type was entered wrong; the original stays.
    let generated = producer.history(&oil)?[0].id.parse().expect("hex id");
    producer.record(&at(
        std::slice::from_ref(&oil),
        Action::Correct {
            corrects: generated,
            reason: "容器类型录入错误 / container type entered wrong".into(),
            changes: [("container_type".to_string(), "IBC 吨桶".to_string())].into(),
        },
    ))?;

    // 3. Dispatched under a transfer manifest.
    clock.advance(hour);
    let manifest = TransferManifest {
        number: ManifestNumber::new(
            start.format("%Y").to_string().parse().unwrap_or(2026),
            35,
            1,
            123,
        )
        .expect("valid"),
        sender: p_org.clone(),
        carrier: c_org.clone(),
        receiver: r_org.clone(),
        receiver_permit: "闽危废经许字 350200001 号".into(),
        mode: TreatmentMode::Disposal,
        emergency_measures: "泄漏时用砂土覆盖，联系 0591-12345678".into(),
    };
    let shipped = vec![rags.clone(), oil.clone()];
    // The sender weighs each container on its scale before dispatch.
    for (code, kg) in [(&rags, "25"), (&oil, "180")] {
        producer.record(&at(
            std::slice::from_ref(code),
            Action::Weigh {
                measured: q(kg, Unit::Kg),
                method: WeighMethod::Scale,
                scale: None,
                weigher: "王磊".into(),
            },
        ))?;
    }
    producer.record(&at(
        &shipped,
        Action::Dispatch {
            manifest: manifest.clone(),
            facility_code: "WS-01".into(),
        },
    ))?;

    // 4. Picked up: producer offers, carrier checks and countersigns, producer confirms.
    // The same driver and vehicle take the refused part back later (8.).
    let pickup = || HandoverStep::Pickup {
        manifest: manifest.number.clone(),
        vehicle_plate: "闽A·D1234".into(),
        driver: "陈师傅".into(),
        permit: "闽交运管许可榕字 350100000001 号".into(),
    };
    clock.advance(hour / 2);
    let offer = producer.offer_handover(
        &shipped,
        &carrier_id,
        pickup(),
        None,
        Some("福州市马尾区".into()),
    )?;
    let ack = carrier.accept_handover(&offer)?;
    producer.confirm_handover(&ack)?;

    // 5. Received: carrier hands over at the receiver.
    clock.advance(4 * hour);
    let offer = carrier.offer_handover(
        &shipped,
        &receiver_id,
        HandoverStep::Receive {
            manifest: manifest.number.clone(),
        },
        None,
        Some("厦门市翔安区".into()),
    )?;
    let ack = receiver.accept_handover(&offer)?;
    carrier.confirm_handover(&ack)?;

    // 6. Weighed, accepted / partly refused, 7. disposed.
    clock.advance(hour / 4);
    receiver.record(&at(
        std::slice::from_ref(&rags),
        Action::Weigh {
            measured: q("24.6", Unit::Kg),
            method: WeighMethod::Scale,
            scale: None,
            weigher: "林娜".into(),
        },
    ))?;
    receiver.record(&at(
        std::slice::from_ref(&rags),
        Action::Accept { quantity: None },
    ))?;
    receiver.record(&at(
        std::slice::from_ref(&oil),
        // 171 kg against the sender's 180 kg: beyond tolerance, a discrepancy.
        Action::Weigh {
            measured: q("171", Unit::Kg),
            method: WeighMethod::Scale,
            scale: None,
            weigher: "林娜".into(),
        },
    ))?;
    receiver.record(&at(
        std::slice::from_ref(&oil),
        Action::PartlyRefuse {
            accepted: q("165", Unit::Kg),
            refused: q("6", Unit::Kg),
            reason: "含水率超标 / water content too high".into(),
        },
    ))?;
    // The refused 6 kg are split off into a drum of their own, to go back to the producer.
    clock.advance(hour);
    let split_off = receiver.record(&at(std::slice::from_ref(&oil), Action::ReturnRefusedPart))?;
    let (kept_oil, back_oil) = match &split_off.body.event {
        EventKind::Split {
            parts,
            returning: Some(r),
            ..
        } => {
            let kept = parts
                .iter()
                .find(|p| p.code != r.code)
                .map(|p| p.code.clone());
            (kept.expect("the accepted part"), r.code.clone())
        }
        _ => unreachable!("a split sending the refused part back"),
    };
    clock.advance(24 * hour);
    receiver.record(&at(
        &[rags.clone(), kept_oil.clone()],
        Action::Dispose {
            mode: None,
            method: "D10 焚烧 / incineration".into(),
            completed_at: None,
        },
    ))?;

    // 8. Returned: the carrier takes the refused part back to the producer, who stores it.
    clock.advance(hour);
    let offer = receiver.offer_handover(
        std::slice::from_ref(&back_oil),
        &carrier_id,
        pickup(),
        None,
        Some("厦门市翔安区".into()),
    )?;
    let ack = carrier.accept_handover(&offer)?;
    receiver.confirm_handover(&ack)?;
    clock.advance(4 * hour);
    let offer = carrier.offer_handover(
        std::slice::from_ref(&back_oil),
        &producer_id,
        HandoverStep::Return {
            reason: "接收单位部分拒收：含水率超标 / partly refused: water content too high".into(),
        },
        None,
        Some("福州市马尾区".into()),
    )?;
    let ack = producer.accept_handover(&offer)?;
    carrier.confirm_handover(&ack)?;
    producer.record(&at(
        std::slice::from_ref(&back_oil),
        Action::Store {
            facility_code: "WS-01".into(),
        },
    ))?;

    // The sludge stays with the producer: split in two, one part treated on site, one voided.
    let split = producer.record(&at(
        std::slice::from_ref(&sludge),
        Action::Split {
            parts: vec![q("15", Unit::Kg), q("25", Unit::Kg)],
        },
    ))?;
    let parts: Vec<LabelCode> = match &split.body.event {
        EventKind::Split { parts, .. } => parts.iter().map(|p| p.code.clone()).collect(),
        _ => unreachable!("a split event"),
    };
    producer.record(&at(
        &parts[..1],
        Action::Dispose {
            mode: Some(TreatmentMode::Use),
            method: "R4 金属回收 / metal recovery".into(),
            completed_at: None,
        },
    ))?;
    producer.record(&at(
        &parts[1..],
        Action::Void {
            reason: "重复拆分登记 / registered twice".into(),
            quantity: None,
        },
    ))?;

    let mut containers = Vec::new();
    for code in shipped.iter().chain([&kept_oil, &back_oil]) {
        containers.push((
            code.to_string(),
            receiver.history(code)?,
            receiver.verify(Some(code))?,
        ));
    }
    for code in std::iter::once(&sludge).chain(&parts) {
        containers.push((
            code.to_string(),
            producer.history(code)?,
            producer.verify(Some(code))?,
        ));
    }
    let mut verification = BTreeMap::new();
    verification.insert("producer".to_string(), producer.verify(None)?);
    verification.insert("carrier".to_string(), carrier.verify(None)?);
    verification.insert("receiver".to_string(), receiver.verify(None)?);
    Ok(DemoReport {
        containers,
        verification,
    })
}
