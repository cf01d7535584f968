//! Handovers online through the real registry: the giver's offer reaches the taker's device
//! by sync, the taker takes it with the labels, and the dual-signed event reaches the giver;
//! an offer from anyone but its giver, forged, for a key not enrolled, or from a revoked
//! giver is refused with nothing kept, and no device fetches another's offers.

use crate::harness::*;
use serde_json::Value;
use yima_codes::LabelCode;
use yima_core::{DeviceKey, Role};
use yima_device::{Action, ActionRequest, HandoverOffer, InitRequest};

const OFFERS: &str = "/v1/handover-offers";
const KEPT: &str = "SELECT count(*) FROM handover_offers";

fn req(codes: &[LabelCode], action: Action) -> ActionRequest {
    ActionRequest {
        codes: codes.to_vec(),
        action,
        at: None,
        location: None,
    }
}

/// Two containers registered, stored, weighed and dispatched under [`manifest`].
fn dispatched(producer: &mut Dev) -> Vec<LabelCode> {
    let both: Vec<LabelCode> = ["25", "180"]
        .iter()
        .map(|kg| {
            producer
                .register(&container("900-249-08", kg))
                .unwrap()
                .code
        })
        .collect();
    producer
        .record(&req(
            &both,
            Action::Store {
                facility_code: "WS-01".into(),
            },
        ))
        .unwrap();
    for (code, kg) in both.iter().zip(["25", "180"]) {
        producer
            .record(&req(std::slice::from_ref(code), weighing(kg)))
            .unwrap();
    }
    producer
        .record(&req(
            &both,
            Action::Dispatch {
                manifest: manifest(),
                facility_code: "WS-01".into(),
            },
        ))
        .unwrap();
    both
}

async fn carrier_device<S: Backend>(reg: &TestRegistry<S>) -> (tempfile::TempDir, Dev) {
    reg.carrier().await
}

/// A request signed by `dev`, sent as is: the status and the answer's JSON.
async fn signed<S: Backend>(
    reg: &TestRegistry<S>,
    dev: &mut Dev,
    method: &str,
    body: Option<&HandoverOffer>,
) -> (u16, Value) {
    let bytes = body.map_or_else(Vec::new, |b| serde_json::to_vec(b).unwrap());
    let auth = dev.sign_request(method, OFFERS, &bytes).unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}{OFFERS}", reg.url());
    let mut r = match method {
        "GET" => http.get(&url),
        _ => http
            .post(&url)
            .header("content-type", "application/json")
            .body(bytes),
    };
    for (name, value) in auth.headers() {
        r = r.header(name, value);
    }
    let resp = r.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

crate::on_both_backends!(a_pickup_goes_online_from_producer_to_carrier_and_back);
async fn a_pickup_goes_online_from_producer_to_carrier_and_back<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let (_p, mut producer) = reg.producer().await;
    let (_c, mut carrier) = carrier_device(&reg).await;
    let (_o, mut other) = carrier_device(&reg).await;
    let both = dispatched(&mut producer);

    let sent = producer
        .offer_handover_online(&both, &carrier.identity().unwrap(), pickup(), None, None)
        .unwrap();
    let r = sync(&reg, &mut producer).await;
    assert_eq!(r.offers_sent, 1);
    assert_eq!(count_sql(&reg, KEPT).await, 1);
    let mine = producer.sent_offers().unwrap();
    assert_eq!((mine.len(), mine[0].sent, mine[0].taken), (1, true, false));
    // Synced again, nothing is sent twice.
    assert_eq!(sync(&reg, &mut producer).await.offers_sent, 0);

    // Another device of the carrier never sees it.
    assert_eq!(sync(&reg, &mut other).await.offers_received, 0);
    assert!(other.received_offers().unwrap().is_empty());

    let r = sync(&reg, &mut carrier).await;
    assert_eq!(r.offers_received, 1);
    let waiting = carrier.received_offers().unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].id, sent.id);
    assert_eq!(waiting[0].kind, "pickup");
    assert_eq!(waiting[0].giver_org, producer_code());
    assert_eq!(waiting[0].giver_org_name, "福州示例化工有限公司");
    assert_eq!(waiting[0].codes, both);
    let labels: Vec<String> = both
        .iter()
        .map(|c| producer.label_payload(c).unwrap().1.to_text())
        .collect();
    let event = carrier.take_received_offer(&sent.id, &labels).unwrap();
    assert_eq!(event.signatures.len(), 2);
    assert!(carrier.received_offers().unwrap().is_empty());
    let r = sync(&reg, &mut carrier).await;
    assert_eq!(r.accepted, 1);
    // Taken: the registry lists it no more, to anyone.
    assert!(reg
        .state
        .store
        .offers_for(carrier.identity().unwrap().key, 100)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(sync(&reg, &mut carrier).await.offers_received, 0);

    let r = sync(&reg, &mut producer).await;
    assert!(r.pulled >= 1, "{r:?}");
    let mine = producer.sent_offers().unwrap();
    assert!(mine[0].taken, "the giver holds the dual-signed event");
    for code in &both {
        let p = producer.container(code).unwrap();
        let c = carrier.container(code).unwrap();
        assert_eq!(p.holder, carrier_code().to_string());
        assert_eq!((&p.holder, p.state), (&c.holder, c.state));
    }
    assert!(producer.verify(None).unwrap().ok());
    assert!(carrier.verify(None).unwrap().ok());
}

crate::on_both_backends!(offers_that_are_not_the_givers_own_are_refused_and_never_kept);
async fn offers_that_are_not_the_givers_own_are_refused_and_never_kept<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let (_p, mut producer) = reg.producer().await;
    let (_c, mut carrier) = carrier_device(&reg).await;
    let (_o, mut other) = carrier_device(&reg).await;
    let both = dispatched(&mut producer);
    let card = carrier.identity().unwrap();
    producer
        .offer_handover_online(&both[..1], &card, pickup(), None, None)
        .unwrap();
    let offer = producer.offers_to_send().unwrap().remove(0);

    // An insider relays a copy of someone else's offer: the signer is not its composer.
    let (status, _) = signed(&reg, &mut other, "POST", Some(&offer)).await;
    assert_eq!(status, 403);
    assert_eq!(count_sql(&reg, KEPT).await, 0);

    // Not an offer's format.
    let mut other_format = offer.clone();
    other_format.format = "yima/handover-ack/1".into();
    let (status, _) = signed(&reg, &mut producer, "POST", Some(&other_format)).await;
    assert_eq!(status, 400);
    assert_eq!(count_sql(&reg, KEPT).await, 0);

    // The composer's signature broken.
    let mut forged = offer.clone();
    forged.event.signatures[0].sig = DeviceKey::from_secret(&[9; 32]).sign(&offer.event.id).sig;
    let (status, _) = signed(&reg, &mut producer, "POST", Some(&forged)).await;
    assert_eq!(status, 403);
    assert_eq!(count_sql(&reg, KEPT).await, 0);

    // Addressed to a key the registry never enrolled.
    let dir = tempfile::tempdir().unwrap();
    let mut stranger = yima_device::Device::init(
        dir.path(),
        &InitRequest::new(
            Role::Carrier,
            "闽运危险货物运输有限公司",
            carrier_code().as_str(),
        ),
        yima_device::SystemClock,
    )
    .unwrap();
    let unknown = producer
        .offer_handover_online(
            &both[1..],
            &stranger.identity().unwrap(),
            pickup(),
            None,
            None,
        )
        .unwrap();
    let to_unknown = producer
        .offers_to_send()
        .unwrap()
        .into_iter()
        .find(|o| o.event.id == unknown.id)
        .unwrap();
    let (status, _) = signed(&reg, &mut producer, "POST", Some(&to_unknown)).await;
    assert_eq!(status, 404);
    assert_eq!(count_sql(&reg, KEPT).await, 0);

    // The giver's own offer is kept; only its taker fetches it.
    let (status, answer) = signed(&reg, &mut producer, "POST", Some(&offer)).await;
    assert_eq!((status, &answer["stored"]), (200, &Value::Bool(true)));
    let (status, answer) = signed(&reg, &mut producer, "POST", Some(&offer)).await;
    assert_eq!((status, &answer["stored"]), (200, &Value::Bool(false)));
    assert_eq!(count_sql(&reg, KEPT).await, 1);
    let (status, answer) = signed(&reg, &mut other, "GET", None).await;
    assert_eq!(status, 200);
    assert_eq!(answer["offers"], Value::Array(Vec::new()));
    let (status, answer) = signed(&reg, &mut producer, "GET", None).await;
    assert_eq!(status, 200);
    assert_eq!(answer["offers"], Value::Array(Vec::new()));
    let (status, answer) = signed(&reg, &mut carrier, "GET", None).await;
    assert_eq!(status, 200);
    assert_eq!(answer["offers"].as_array().unwrap().len(), 1);

    // A revoked giver's offer is refused before anything is kept.
    let second = producer
        .offer_handover_online(&both[1..], &card, pickup(), None, None)
        .unwrap();
    let second = producer
        .offers_to_send()
        .unwrap()
        .into_iter()
        .find(|o| o.event.id == second.id)
        .unwrap();
    reg.state
        .store
        .revoke(producer.identity().unwrap().key, now())
        .await
        .unwrap();
    let (status, _) = signed(&reg, &mut producer, "POST", Some(&second)).await;
    assert_eq!(status, 401);
    assert_eq!(count_sql(&reg, KEPT).await, 1);
}

crate::on_both_backends!(a_giver_has_a_bounded_number_of_offers_waiting);
async fn a_giver_has_a_bounded_number_of_offers_waiting<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let giver = DeviceKey::from_secret(&[1; 32]).public();
    let taker = DeviceKey::from_secret(&[2; 32]).public();
    let record = |n: u8| yima_registry::OfferRecord {
        event_id: yima_core::EventId([n; 32]),
        giver,
        taker,
        body: "{}".into(),
    };
    let store = &reg.state.store;
    assert_eq!(
        store.put_offer(record(1), 2, now()).await.unwrap(),
        yima_registry::OfferPut::Stored
    );
    assert_eq!(
        store.put_offer(record(1), 2, now()).await.unwrap(),
        yima_registry::OfferPut::Already
    );
    assert_eq!(
        store.put_offer(record(2), 2, now()).await.unwrap(),
        yima_registry::OfferPut::Stored
    );
    assert_eq!(
        store.put_offer(record(3), 2, now()).await.unwrap(),
        yima_registry::OfferPut::Full
    );
    assert_eq!(count_sql(&reg, KEPT).await, 2);
}
