//! Road control through the registry: an inspector with no account sends the pass a driver
//! shows and reads that manifest's containers on it, nothing more. Each attack an insider
//! with a valid key (or an altered app) could make is performed and refused with nothing
//! disclosed: another carrier listing this carrier's containers, a key impersonating the
//! carrier, a producer's key, a revoked or never-enrolled key, an expired or altered pass,
//! and containers slipped onto a genuine pass.

use crate::authority::{add_org, enrolled};
use crate::harness::*;
use yima_codes::LabelCode;
use yima_core::{DeviceKey, RoadPass, RoadPassContainer, Role, Timestamp};
use yima_protocol::{RoadCheck, RoadStanding};
use yima_sync::{SyncError, SyncErrorKind};

/// Two drums the producer dispatched and the carrier picked up (the carrier not synced).
fn picked_up(producer: &mut Dev, carrier: &mut Dev) -> Vec<LabelCode> {
    let codes = vec![
        dispatched_drum(producer, "20"),
        dispatched_drum(producer, "30"),
    ];
    hand_over(producer, carrier, &codes, pickup());
    codes
}

/// The registry refused the pass: nothing of the pass's containers is in the answer.
#[track_caller]
fn refused(r: Result<RoadCheck, SyncError>, codes: &[LabelCode]) -> String {
    let e = r.expect_err("refused");
    assert_eq!(e.kind(), SyncErrorKind::Refused, "{e}");
    let text = e.to_string();
    for c in codes {
        assert!(!text.contains(c.as_str()), "{text} discloses {c}");
    }
    text
}

crate::on_both_backends!(an_inspector_reads_a_valid_pass_and_nothing_more);
async fn an_inspector_reads_a_valid_pass_and_nothing_more<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let (_p, mut producer) = reg.producer().await;
    let (_c, mut carrier) = reg.carrier().await;
    let codes = picked_up(&mut producer, &mut carrier);
    let inspector = reg.client();

    // Picked up offline and not synced: the registry does not have the drums on the road,
    // and says nothing of them.
    let pass = carrier.road_pass(&manifest().number, None).unwrap();
    let text = refused(inspector.check_road_pass(&pass.text).await, &codes);
    assert!(text.contains("in transit"), "{text}");

    for dev in [&mut producer, &mut carrier] {
        let r = sync(&reg, dev).await;
        assert_eq!(r.refused, 0, "{r:?}");
    }
    let check = inspector.check_road_pass(&pass.text).await.unwrap();
    assert_eq!(check.manifest, manifest().number);
    assert_eq!(check.carrier.credit_code, carrier_code());
    assert_eq!(check.carrier.name, "闽运危险货物运输有限公司");
    assert_eq!(check.sender.credit_code, producer_code());
    assert_eq!(check.receiver.credit_code, receiver_code());
    assert_eq!(check.vehicle_plate, "闽A·D1234");
    assert_eq!(check.confirmed(), 2);
    let mut sorted = codes.clone();
    sorted.sort();
    let listed: Vec<LabelCode> = check.lines.iter().map(|l| l.code.clone()).collect();
    assert_eq!(listed, sorted);
    for l in &check.lines {
        match &l.registry {
            RoadStanding::InTransit { quantity, since } => {
                assert_eq!(*quantity, l.on_pass);
                assert!(since.is_some());
            }
            other => panic!("{other:?}"),
        }
    }

    // Altered by one character: refused (damaged, or its signature no longer matches).
    let mut altered = pass.text.clone().into_bytes();
    let i = altered.len() - 10;
    altered[i] = if altered[i] == b'A' { b'B' } else { b'A' };
    refused(
        inspector
            .check_road_pass(&String::from_utf8(altered).unwrap())
            .await,
        &codes,
    );
    // Not a pass at all.
    refused(inspector.check_road_pass("YIMA1:NOT-A-PASS").await, &codes);

    // Delivered: the pass, though not expired, shows nothing any more.
    let (_r, mut receiver) = reg.receiver().await;
    hand_over(&mut carrier, &mut receiver, &codes, receive());
    sync(&reg, &mut carrier).await;
    refused(inspector.check_road_pass(&pass.text).await, &codes);
}

crate::on_both_backends!(passes_an_insider_or_an_altered_app_signs_are_refused);
async fn passes_an_insider_or_an_altered_app_signs_are_refused<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let (_p, mut producer) = reg.producer().await;
    let (_c, mut carrier) = reg.carrier().await;
    let codes = picked_up(&mut producer, &mut carrier);
    for dev in [&mut producer, &mut carrier] {
        let r = sync(&reg, dev).await;
        assert_eq!(r.refused, 0, "{r:?}");
    }
    // Another carrier, enrolled, with a valid key; and a container still at the producer.
    let carrier2 = credit("91350200MA2RL3007");
    add_org(&reg, carrier2.clone(), Role::Carrier, None).await;
    let other_key = enrolled(&reg, &carrier2, Role::Carrier, false).await;
    let producer_key = enrolled(&reg, &producer_code(), Role::Producer, false).await;
    // A second device of carrier 1 whose app was altered.
    let altered_app = enrolled(&reg, &carrier_code(), Role::Carrier, false).await;
    let kept = producer
        .register(&container("900-041-49", "10"))
        .unwrap()
        .code;
    sync(&reg, &mut producer).await;
    let inspector = reg.client();
    let genuine =
        RoadPass::parse(&carrier.road_pass(&manifest().number, None).unwrap().text).unwrap();
    let sign = |mut pass: RoadPass, key: &DeviceKey| {
        pass.carrier.key = key.public();
        pass.sign_as_is(key).unwrap();
        pass.to_text()
    };

    // Carrier 2 lists carrier 1's load as its own (its org, its key): nothing of it is
    // in transit with carrier 2, and nothing is said of the drums.
    let mut pass = genuine.clone();
    pass.carrier.org = carrier2.clone();
    refused(
        inspector.check_road_pass(&sign(pass, &other_key)).await,
        &codes,
    );

    // Carrier 2's key signs a pass naming carrier 1: the key is not carrier 1's device.
    let text = refused(
        inspector
            .check_road_pass(&sign(genuine.clone(), &other_key))
            .await,
        &codes,
    );
    assert!(text.contains("not a device of the carrier"), "{text}");

    // The producer's key, posing as a carrier, of carrier 1 or of its own organisation.
    refused(
        inspector
            .check_road_pass(&sign(genuine.clone(), &producer_key))
            .await,
        &codes,
    );
    let mut pass = genuine.clone();
    pass.carrier.org = producer_code();
    refused(
        inspector.check_road_pass(&sign(pass, &producer_key)).await,
        &codes,
    );

    // A key the registry never enrolled.
    let stranger = DeviceKey::from_secret(&rand::random());
    let text = refused(
        inspector
            .check_road_pass(&sign(genuine.clone(), &stranger))
            .await,
        &codes,
    );
    assert!(text.contains("never enrolled"), "{text}");

    // The altered app makes a pass valid for a week, or one that ended an hour ago.
    let mut pass = genuine.clone();
    pass.expires_at = Timestamp(pass.issued_at.0 + 7 * 24 * 3_600_000);
    refused(
        inspector.check_road_pass(&sign(pass, &altered_app)).await,
        &codes,
    );
    let mut pass = genuine.clone();
    pass.issued_at = Timestamp(now().0 - 2 * 3_600_000);
    pass.expires_at = Timestamp(now().0 - 3_600_000);
    let text = refused(
        inspector.check_road_pass(&sign(pass, &altered_app)).await,
        &codes,
    );
    assert!(text.contains("expired"), "{text}");

    // Carrier 1 slips a drum it does not carry onto its own pass: the drum is only "not
    // confirmed", nothing of its state or holder said.
    let mut pass = genuine.clone();
    pass.containers.push(RoadPassContainer {
        code: kept.clone(),
        quantity: pass.containers[0].quantity,
    });
    pass.containers.sort_by(|a, b| a.code.cmp(&b.code));
    let slipped = sign(pass, &altered_app);
    let check = inspector.check_road_pass(&slipped).await.unwrap();
    assert_eq!(check.confirmed(), 2);
    let line = check.lines.iter().find(|l| l.code == kept).unwrap();
    assert_eq!(line.registry, RoadStanding::NotConfirmed);
    let json = serde_json::to_string(&check).unwrap();
    assert!(
        !json.contains("stored") && !json.contains("generated"),
        "{json}"
    );

    // That device revoked: its passes are refused from then on.
    reg.state
        .store
        .revoke(altered_app.public(), now())
        .await
        .unwrap();
    let text = refused(inspector.check_road_pass(&slipped).await, &codes);
    assert!(text.contains("revoked"), "{text}");
}
