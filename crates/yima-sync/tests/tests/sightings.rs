//! Labels scanned on devices reach the registry at sync: each scan kept once, naming the
//! device that made it and its organisation, whether the label verified there; a scan sent
//! is not sent again.

use crate::harness::*;
use yima_core::{Seal, Sighter};

crate::on_both_backends!(scans_are_sent_at_sync_once_each_as_the_scanning_device);
async fn scans_are_sent_at_sync_once_each_as_the_scanning_device<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let (_p, mut producer) = reg.producer().await;
    let (_c, mut carrier) = reg.carrier().await;
    let code = producer
        .register(&container("900-041-49", "20"))
        .unwrap()
        .code;
    let text = producer.label_payload(&code).unwrap().1.to_text();
    // The producer knows its own key; the carrier not yet.
    producer.check_label(&text).unwrap().expect("a label");
    carrier.check_label(&text).unwrap().expect("a label");
    assert!(
        carrier.check_label("HELLO").unwrap().is_none(),
        "not a label: not kept"
    );

    let r = sync(&reg, &mut producer).await;
    assert_eq!(r.sightings_sent, 1, "{r:?}");
    let r = sync(&reg, &mut carrier).await;
    assert_eq!(r.sightings_sent, 1, "{r:?}");
    assert_eq!(
        sync(&reg, &mut carrier).await.sightings_sent,
        0,
        "sent once"
    );

    let kept = reg.state.store.sightings_of(code.clone()).await.unwrap();
    assert_eq!(kept.len(), 2, "{kept:?}");
    let by = |org: &yima_codes::CreditCode| {
        kept.iter()
            .find(|s| matches!(&s.who, Sighter::Device { org: o, .. } if o == org))
            .unwrap_or_else(|| panic!("a scan by {org}: {kept:?}"))
            .clone()
    };
    assert_eq!(by(&producer_code()).seal, Seal::Genuine);
    assert_eq!(by(&carrier_code()).seal, Seal::Unchecked);
    assert!(kept.iter().all(|s| s.place.is_none()), "no fix recorded");
}
