//! A container's whole life through the use cases, including a refusal and its return,
//! and the ledger it leaves.

use crate::common::*;
use yima_core::{ContainerState, EventKind, Role, TreatmentMode};
use yima_device::{Action, ErrorKind, HandoverStep, LedgerStage};

#[test]
fn refused_waste_goes_back_to_its_producer_and_is_stored_again() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let clock = clock();
    let mut p = init(dirs[0].path(), Role::Producer, &producer_org(), &clock);
    let mut c = init(dirs[1].path(), Role::Carrier, &carrier_org(), &clock);
    let mut r = init(dirs[2].path(), Role::Receiver, &receiver_org(), &clock);
    let codes = dispatched(&mut p, 3);
    let (a, b, f) = (&codes[0], &codes[1], &codes[2]);

    clock.advance(HOUR);
    hand_over(&mut p, &mut c, &codes, pickup());
    clock.advance(HOUR);
    hand_over(&mut c, &mut r, &codes, receive());
    clock.advance(HOUR);

    r.record(&req(std::slice::from_ref(a), weighed_by("19.5", "林娜")))
        .unwrap();
    r.record(&req(
        std::slice::from_ref(a),
        Action::Accept { quantity: None },
    ))
    .unwrap();
    r.record(&req(
        std::slice::from_ref(b),
        Action::PartlyRefuse {
            accepted: q("18"),
            refused: q("3"),
            reason: "含水率超标".into(),
        },
    ))
    .unwrap();
    r.record(&req(
        std::slice::from_ref(f),
        Action::Refuse {
            reason: "包装破损".into(),
        },
    ))
    .unwrap();
    assert_eq!(r.container(f).unwrap().state, ContainerState::Refused);
    let accepted = r.history(a).unwrap();
    assert_eq!(
        accepted.last().unwrap().details,
        [("accepted".to_string(), "19.5 kg".to_string())],
        "acceptance defaults to the last weighing"
    );

    // The partly refused drum still holds its refused 3 kg: it is not disposed of with them,
    // and nothing is stored.
    let dispose = || Action::Dispose {
        mode: None,
        method: "D10 焚烧".into(),
        completed_at: None,
    };
    let n = events(&mut r);
    let e = r
        .record(&req(&[a.clone(), b.clone()], dispose()))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden, "{e}");
    assert!(e.message(yima_codes::Lang::Zh).contains("拒收部分"), "{e}");
    assert!(e.message(yima_codes::Lang::En).contains("3 kg"), "{e}");
    assert_eq!(events(&mut r), n);
    // Only a partly refused container has a refused part to split off.
    let e = r
        .record(&req(std::slice::from_ref(a), Action::ReturnRefusedPart))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadInput, "{e}");
    assert_eq!(events(&mut r), n);

    // The receiver splits it: 18 kg kept, 3 kg in a drum of its own that starts refused,
    // under the manifest it came with.
    let split = r
        .record(&req(std::slice::from_ref(b), Action::ReturnRefusedPart))
        .unwrap();
    let (kept, back) = match &split.body.event {
        EventKind::Split {
            parts,
            returning: Some(ret),
            ..
        } => {
            assert_eq!(parts.len(), 2);
            let kept = parts.iter().find(|p| p.code != ret.code).unwrap();
            let back = parts.iter().find(|p| p.code == ret.code).unwrap();
            assert_eq!(kept.quantity, q("18"));
            assert_eq!(back.quantity, q("3"));
            assert_eq!(ret.manifest, manifest());
            (kept.code.clone(), back.code.clone())
        }
        other => panic!("not a returning split: {other:?}"),
    };
    assert_eq!(r.container(b).unwrap().state, ContainerState::Split);
    assert_eq!(r.container(&kept).unwrap().state, ContainerState::Accepted);
    assert_eq!(r.container(&back).unwrap().state, ContainerState::Refused);
    // Sent back once: the split-off part has no refused part of its own.
    assert!(r
        .record(&req(std::slice::from_ref(&back), Action::ReturnRefusedPart))
        .is_err());

    // The refused drum and the refused part go back: the receiver hands them to the carrier,
    // the carrier to the producer (the sender of their manifest), who stores them again.
    clock.advance(HOUR);
    let going = vec![f.clone(), back.clone()];
    hand_over(&mut r, &mut c, &going, pickup());
    clock.advance(HOUR);
    // The producer learns of the split (as from the registry) before taking the part back.
    feed(&mut r, &mut p);
    let back_step = HandoverStep::Return {
        reason: "接收单位拒收".into(),
    };
    hand_over(&mut c, &mut p, &going, back_step);
    assert_eq!(p.container(f).unwrap().state, ContainerState::Returned);
    assert_eq!(p.container(&back).unwrap().state, ContainerState::Returned);
    p.record(&req(&going, store())).unwrap();
    assert_eq!(p.container(f).unwrap().state, ContainerState::Stored);
    assert_eq!(p.container(&back).unwrap().state, ContainerState::Stored);

    clock.advance(HOUR);
    r.record(&req(&[a.clone(), kept.clone()], dispose()))
        .unwrap();
    // The books close on both sides: the producer receives back the refused drum (22 kg)
    // and the refused part (3 kg); the receiver's books hold only what it accepted.
    let producer_books = p.stock_balance(None, None).unwrap();
    let receiver_books = r.stock_balance(None, None).unwrap();
    for row in producer_books.iter().chain(&receiver_books) {
        assert!(row.closes(), "{row:#?}");
    }
    let received =
        |books: &[yima_device::StockBalance]| -> i64 { books.iter().map(|row| row.received).sum() };
    assert_eq!(received(&producer_books), 25_000);
    assert_eq!(received(&receiver_books), 19_500 + 18_000);
    // Disposing twice is not allowed.
    let e = r
        .record(&req(
            std::slice::from_ref(a),
            Action::Dispose {
                mode: None,
                method: "D10 焚烧".into(),
                completed_at: None,
            },
        ))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);

    for d in [&mut p, &mut c, &mut r] {
        assert_verifies(d);
    }

    // The producer's ledger: generation, into store, out of store and outsourced for every
    // drum, and a second into-store record for the returned one.
    let ledger = p.ledger().unwrap();
    let count = |code: &yima_codes::LabelCode, stage: LedgerStage| {
        ledger
            .iter()
            .filter(|row| row.container_code == code.as_str() && row.stage == stage)
            .count()
    };
    for code in &codes {
        assert_eq!(count(code, LedgerStage::Generation), 1);
        assert_eq!(count(code, LedgerStage::OutOfStore), 1);
        assert_eq!(count(code, LedgerStage::Outsourced), 1);
        assert_eq!(count(code, LedgerStage::OwnTreatment), 0);
    }
    assert_eq!(count(a, LedgerStage::IntoStore), 1);
    assert_eq!(count(f, LedgerStage::IntoStore), 2);
}

#[test]
fn merge_split_correct_and_void_at_the_producer() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    let a = p.register(&drum("10")).unwrap().code;
    let b = p.register(&drum("15")).unwrap().code;
    clock.advance(HOUR);

    // Wastes of different codes are not merged.
    let oil = p
        .register(&yima_device::NewContainer {
            waste_code: "900-249-08".into(),
            form: "liquid".into(),
            ..drum("20")
        })
        .unwrap()
        .code;
    let n = events(&mut p);
    let e = p
        .record(&req(
            &[a.clone(), oil.clone()],
            Action::Merge { quantity: None },
        ))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadInput);
    assert_eq!(events(&mut p), n);
    assert_eq!(p.container(&a).unwrap().state, ContainerState::Generated);

    // Mass balance (issue 15, point 1): 10 kg + 15 kg merged as 500 kg is refused, and a
    // split of 25 kg whose parts leave 10 kg unaccounted for; nothing is stored.
    let e = p
        .record(&req(
            &[a.clone(), b.clone()],
            Action::Merge {
                quantity: Some(q("500")),
            },
        ))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadInput, "{e}");
    assert!(e.message(yima_codes::Lang::En).contains("500"), "{e}");
    assert!(
        e.message(yima_codes::Lang::Zh).contains("物料不平衡"),
        "{e}"
    );
    assert_eq!(events(&mut p), n);
    assert_eq!(p.container(&a).unwrap().state, ContainerState::Generated);

    let merged = p
        .record(&req(
            &[a.clone(), b.clone()],
            Action::Merge { quantity: None },
        ))
        .unwrap();
    let m = match &merged.body.event {
        EventKind::Merged { target, .. } => target.clone(),
        other => panic!("not a merge: {other:?}"),
    };
    assert_eq!(m.quantity, q("25"));
    assert_eq!(m.code.sequence(), 3);
    assert_eq!(p.container(&a).unwrap().state, ContainerState::Merged);
    assert_eq!(
        p.container(&m.code).unwrap().state,
        ContainerState::Generated
    );

    let split = p
        .record(&req(
            std::slice::from_ref(&m.code),
            Action::Split {
                parts: vec![q("5"), q("20")],
            },
        ))
        .unwrap();
    let parts: Vec<_> = match &split.body.event {
        EventKind::Split { parts, .. } => parts.iter().map(|l| l.code.clone()).collect(),
        other => panic!("not a split: {other:?}"),
    };
    assert_eq!(parts.len(), 2);
    let n = events(&mut p);
    let e = p
        .record(&req(
            std::slice::from_ref(&parts[1]),
            Action::Split {
                parts: vec![q("5"), q("5")],
            },
        ))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadInput, "{e}");
    assert!(e.message(yima_codes::Lang::En).contains("left"), "{e}");
    assert_eq!(events(&mut p), n);

    let generated = p.history(&parts[0]).unwrap()[0].id.parse().unwrap();
    p.record(&req(
        std::slice::from_ref(&parts[0]),
        Action::Correct {
            corrects: generated,
            reason: "容器类型录入错误".into(),
            changes: [("container_type".to_string(), "IBC".to_string())].into(),
        },
    ))
    .unwrap();
    // A correction of an event outside the container's chain (the merge that made the
    // split container) is refused.
    let e = p
        .record(&req(
            std::slice::from_ref(&parts[1]),
            Action::Correct {
                corrects: merged.id,
                reason: "wrong".into(),
                changes: [("name".to_string(), "x".to_string())].into(),
            },
        ))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);

    p.record(&req(
        std::slice::from_ref(&parts[0]),
        Action::Dispose {
            mode: Some(TreatmentMode::Use),
            method: "R4".into(),
            completed_at: None,
        },
    ))
    .unwrap();
    // A void states the quantity leaving the books: what the container holds (20 kg), not
    // more; stated wrong, it is refused with nothing stored.
    let n = events(&mut p);
    let e = p
        .record(&req(
            std::slice::from_ref(&parts[1]),
            Action::Void {
                reason: "重复登记".into(),
                quantity: Some(q("200")),
            },
        ))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadInput, "{e}");
    assert_eq!(events(&mut p), n);
    let void = p
        .record(&req(
            std::slice::from_ref(&parts[1]),
            Action::Void {
                reason: "重复登记".into(),
                quantity: None,
            },
        ))
        .unwrap();
    assert!(
        matches!(&void.body.event, EventKind::Void { quantity: Some(x), .. } if *x == q("20")),
        "{:?}",
        void.body.event
    );
    assert_eq!(
        p.container(&parts[1]).unwrap().state,
        ContainerState::Voided
    );
    // Nothing follows a void.
    let e = p
        .record(&req(std::slice::from_ref(&parts[1]), store()))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    assert_verifies(&mut p);

    let ledger = p.ledger().unwrap();
    let own: Vec<_> = ledger
        .iter()
        .filter(|r| r.stage == LedgerStage::OwnTreatment)
        .collect();
    assert_eq!(own.len(), 1);
    assert!(
        own[0].batch_code.starts_with("HWZXLY"),
        "{}",
        own[0].batch_code
    );
    assert_eq!(own[0].container_code, parts[0].as_str());
}
