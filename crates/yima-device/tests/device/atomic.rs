//! `record_all` and `register_all`: a run of steps is stored whole, or not at all.

use crate::common::*;
use yima_core::{ContainerState, Role, Timestamp};
use yima_device::{Action, ErrorKind, NewContainer};

#[test]
fn register_all_stores_every_container_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);

    // A request the catalogue refuses, found before the transaction.
    let bad = NewContainer::new("900-998-49", "10", "kg", "solid");
    let e = p.register_all(&[drum("10"), bad, drum("12")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownWasteCode);
    assert!(p.containers().unwrap().is_empty());
    assert_eq!(events(&mut p), 0);

    // A request that fails inside the transaction, after the first was written.
    let future = NewContainer {
        at: Some(Timestamp(T0.0 + 24 * HOUR)),
        ..drum("11")
    };
    let e = p.register_all(&[drum("10"), future]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::FutureTime);
    assert!(p.containers().unwrap().is_empty());
    assert_eq!(events(&mut p), 0);

    // Nothing was drawn by the failed runs: the first code of the day is still 001, and
    // the generation batch is still HWCS…001.
    let labels = p.register_all(&[drum("10"), drum("11")]).unwrap();
    let seqs: Vec<u16> = labels.iter().map(|l| l.code.sequence()).collect();
    assert_eq!(seqs, [1, 2]);
    assert_eq!(p.containers().unwrap().len(), 2);
    let h = p.history(&labels[0].code).unwrap();
    let batch = &h[0].details.iter().find(|(k, _)| k == "batch").unwrap().1;
    assert_eq!(batch, "HWCS20250101001");
    assert_verifies(&mut p);
}

#[test]
fn record_all_stores_every_step_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    let a = p.register(&drum("10")).unwrap().code;
    let b = p.register(&drum("11")).unwrap().code;
    clock.advance(HOUR);
    let before = events(&mut p);

    // The second step is not allowed in the state the first leaves the container in.
    let e = p
        .record_all(&[
            req(std::slice::from_ref(&a), store()),
            req(std::slice::from_ref(&a), Action::Accept { quantity: None }),
        ])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    assert_eq!(events(&mut p), before);
    assert_eq!(p.container(&a).unwrap().state, ContainerState::Generated);

    // A bad request found before the transaction (no container named).
    let e = p
        .record_all(&[req(std::slice::from_ref(&b), store()), req(&[], store())])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadInput);
    assert_eq!(p.container(&b).unwrap().state, ContainerState::Generated);

    // A step on a container this device does not know, after good ones.
    let stranger = stranger(&clock);
    let e = p
        .record_all(&[
            req(std::slice::from_ref(&a), store()),
            req(std::slice::from_ref(&b), store()),
            req(&[stranger], store()),
        ])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownContainer);
    assert_eq!(events(&mut p), before);

    // Then the whole run goes through, and the into-store batch was not used up.
    let done = p
        .record_all(&[
            req(std::slice::from_ref(&a), store()),
            req(std::slice::from_ref(&b), store()),
        ])
        .unwrap();
    assert_eq!(done.len(), 2);
    assert_eq!(events(&mut p), before + 2);
    for code in [&a, &b] {
        assert_eq!(p.container(code).unwrap().state, ContainerState::Stored);
    }
    let h = p.history(&a).unwrap();
    let batch = &h[1].details.iter().find(|(k, _)| k == "batch").unwrap().1;
    assert_eq!(batch, "HWRK20250101001");
    assert_verifies(&mut p);
}

#[test]
fn a_label_without_its_required_fields_is_refused_with_nothing_stored() {
    use yima_codes::Lang;
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    let blank = NewContainer {
        main_components: " ".into(),
        contact: String::new(),
        ..drum("10")
    };
    let e = p.register(&blank).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadInput);
    let zh = e.message(Lang::Zh);
    assert!(zh.contains("主要成分") && zh.contains("联系人"), "{zh}");
    assert!(!zh.contains("联系电话"), "{zh}");
    let no_phone = NewContainer {
        phone: String::new(),
        ..drum("10")
    };
    let e = p.register_all(&[drum("10"), no_phone]).unwrap_err();
    assert!(e.message(Lang::En).contains("--phone"), "{e}");
    assert!(p.containers().unwrap().is_empty());
    assert_eq!(events(&mut p), 0);
}
