//! Shared fixtures: three organisations, a fixed clock, and short-hands for requests.

#![allow(dead_code)]

use std::path::Path;
use yima_codes::{CreditCode, LabelCode, ManifestNumber};
use yima_core::{
    Party, Quantity, Role, Timestamp, TransferManifest, TreatmentMode, Unit, WeighMethod,
};
use yima_device::{
    Action, ActionRequest, Device, HandoverStep, InitRequest, ManualClock, NewContainer,
};

/// 2025-01-01T00:00:00Z.
pub const T0: Timestamp = Timestamp(1_735_689_600_000);
/// One hour in milliseconds.
pub const HOUR: i64 = 3_600_000;

pub type Dev<'a> = Device<&'a ManualClock>;

pub fn clock() -> ManualClock {
    ManualClock::new(T0)
}

pub fn credit(first17: &str) -> CreditCode {
    CreditCode::with_check(first17).expect("well-formed test credit code")
}

pub fn producer_org() -> Party {
    Party {
        credit_code: credit("91350100M000100Y4"),
        name: "福州示例化工有限公司".into(),
    }
}

pub fn carrier_org() -> Party {
    Party {
        credit_code: credit("91350100MA2XY8001"),
        name: "闽运危险货物运输有限公司".into(),
    }
}

pub fn carrier2_org() -> Party {
    Party {
        credit_code: credit("91350200MA2XY8002"),
        name: "厦运接驳运输有限公司".into(),
    }
}

pub fn receiver_org() -> Party {
    Party {
        credit_code: credit("91350200MA3ABC8Q2"),
        name: "厦门绿源环保处置有限公司".into(),
    }
}

/// The province's environmental regulator.
pub fn regulator_org() -> Party {
    Party {
        credit_code: credit("11350000MB0000001"),
        name: "福建省生态环境厅".into(),
    }
}

/// A producer no test device belongs to, for containers a device has never seen.
pub fn other_producer_org() -> Party {
    Party {
        credit_code: credit("91440300MA5FXYW01"),
        name: "深圳另一化工有限公司".into(),
    }
}

/// A container registered on a throw-away device of another producer.
pub fn stranger(clock: &ManualClock) -> LabelCode {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut o = init(dir.path(), Role::Producer, &other_producer_org(), clock);
    o.register(&drum("9")).expect("register").code
}

pub fn init<'a>(dir: &Path, role: Role, org: &Party, clock: &'a ManualClock) -> Dev<'a> {
    Device::init(
        dir,
        &InitRequest::new(role, &org.name, org.credit_code.as_str()),
        clock,
    )
    .expect("init")
}

pub fn drum(amount: &str) -> NewContainer {
    NewContainer {
        main_components: "矿物油、棉纤维".into(),
        contact: "王磊".into(),
        phone: "0591-87654321".into(),
        ..NewContainer::new("900-041-49", amount, "kg", "solid")
    }
}

pub fn q(amount: &str) -> Quantity {
    Quantity::parse(amount, Unit::Kg).expect("valid quantity")
}

pub fn req(codes: &[LabelCode], action: Action) -> ActionRequest {
    ActionRequest {
        codes: codes.to_vec(),
        action,
        at: None,
        location: None,
    }
}

pub fn store() -> Action {
    Action::Store {
        facility_code: "WS-01".into(),
    }
}

pub fn manifest_number() -> ManifestNumber {
    ManifestNumber::new(2025, 35, 1, 123).expect("valid manifest number")
}

pub fn manifest() -> TransferManifest {
    TransferManifest {
        number: manifest_number(),
        sender: producer_org(),
        carrier: carrier_org(),
        receiver: receiver_org(),
        receiver_permit: "闽危废经许字 350200001 号".into(),
        mode: TreatmentMode::Disposal,
        emergency_measures: "泄漏时用砂土覆盖".into(),
    }
}

/// The sender's weighing before dispatch: `amount` kg on a scale.
pub fn weighing(amount: &str) -> Action {
    weighed_by(amount, "王磊")
}

/// A weighing of `amount` kg on a scale by `weigher`.
pub fn weighed_by(amount: &str, weigher: &str) -> Action {
    Action::Weigh {
        measured: q(amount),
        method: WeighMethod::Scale,
        scale: None,
        weigher: weigher.into(),
    }
}

/// The sender weighs each of `codes` as labelled, as it must before dispatching them.
pub fn weigh_as_labelled(dev: &mut Dev<'_>, codes: &[LabelCode]) {
    for code in codes {
        let declared = dev
            .container(code)
            .expect("a known container")
            .label
            .quantity;
        dev.record(&req(
            std::slice::from_ref(code),
            Action::Weigh {
                measured: declared,
                method: WeighMethod::Scale,
                scale: None,
                weigher: "王磊".into(),
            },
        ))
        .expect("weigh");
    }
}

/// A dispatch under [`manifest`] (the sender weighs first: see [`weigh_as_labelled`]).
pub fn dispatch() -> Action {
    Action::Dispatch {
        manifest: manifest(),
        facility_code: "WS-01".into(),
    }
}

pub fn pickup() -> HandoverStep {
    HandoverStep::Pickup {
        manifest: manifest_number(),
        vehicle_plate: "闽A·D1234".into(),
        driver: "陈师傅".into(),
        permit: "闽交运管许可榕字 350100000001 号".into(),
    }
}

pub fn relay() -> HandoverStep {
    HandoverStep::Relay {
        manifest: manifest_number(),
        vehicle_plate: "闽D·E5678".into(),
        driver: "林师傅".into(),
        permit: "闽交运管许可厦字 350200000002 号".into(),
        place: "泉州服务区".into(),
    }
}

/// The receipt under [`manifest_number`].
pub fn receive() -> HandoverStep {
    HandoverStep::Receive {
        manifest: manifest_number(),
    }
}

/// `giver` hands `codes` over to `taker` in `step`: offered, checked and countersigned by
/// the taker, confirmed by the giver.
pub fn hand_over(
    giver: &mut Dev<'_>,
    taker: &mut Dev<'_>,
    codes: &[LabelCode],
    step: HandoverStep,
) {
    let offer = giver
        .offer_handover(codes, &taker.identity().unwrap(), step, None, None)
        .unwrap();
    giver
        .confirm_handover(&taker.accept_handover(&offer).unwrap())
        .unwrap();
}

/// Registers `n` drums at the producer and takes them to the dispatched state (stored,
/// weighed, dispatched).
pub fn dispatched(producer: &mut Dev<'_>, n: usize) -> Vec<LabelCode> {
    let codes: Vec<LabelCode> = (0..n)
        .map(|i| {
            producer
                .register(&drum(&format!("{}", 20 + i)))
                .expect("register")
                .code
        })
        .collect();
    producer.record(&req(&codes, store())).expect("store");
    weigh_as_labelled(producer, &codes);
    producer.record(&req(&codes, dispatch())).expect("dispatch");
    codes
}

/// Every event `from` recorded, as the registry's feed would give it (no fixes beside).
pub fn feed_entries<A: yima_device::Clock>(from: &mut Device<A>) -> Vec<yima_protocol::FeedEntry> {
    from.outbox_batch(0, 1000)
        .unwrap()
        .into_iter()
        .map(|(seq, event)| yima_protocol::FeedEntry {
            seq,
            event,
            arrived_at: Timestamp(0),
            fork_of: None,
            fixes: None,
        })
        .collect()
}

/// `to` learns every event `from` recorded, as from the registry's feed.
pub fn feed<A: yima_device::Clock, B: yima_device::Clock>(
    from: &mut Device<A>,
    to: &mut Device<B>,
) {
    let entries = feed_entries(from);
    to.store_pulled(&entries, entries.len() as i64).unwrap();
}

/// Number of events the device holds.
pub fn events(dev: &mut Dev<'_>) -> usize {
    dev.verify(None).expect("verify").events
}

/// Asserts the device's whole store verifies.
pub fn assert_verifies(dev: &mut Dev<'_>) {
    let r = dev.verify(None).expect("verify");
    assert!(r.ok(), "verification failed: {:#?}", r.failures);
}

/// The id of the last `step` in `code`'s history on `dev`.
pub fn last_step(dev: &mut Dev<'_>, code: &LabelCode, step: yima_core::Step) -> yima_core::EventId {
    dev.history(code)
        .unwrap()
        .iter()
        .rev()
        .find(|h| h.step == step)
        .unwrap()
        .id
        .parse()
        .unwrap()
}

/// A correction of one field of the step `corrects` (录入错误, a slip in entry).
pub fn correct(corrects: yima_core::EventId, field: &str, value: &str) -> Action {
    Action::Correct {
        corrects,
        reason: "录入错误".into(),
        changes: [(field.to_string(), value.to_string())].into(),
    }
}
