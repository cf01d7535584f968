//! Batches sign on a second thread and statuses are kept in memory between transactions:
//! neither may change what is stored.

use crate::common::*;
use yima_codes::LabelCode;
use yima_core::{ContainerState, Role};
use yima_device::{Action, Device, ErrorKind};

fn codes(dev: &mut Dev<'_>, n: usize) -> Vec<LabelCode> {
    let reqs: Vec<_> = (0..n).map(|i| drum(&(10 + i).to_string())).collect();
    let labels = dev.register_all(&reqs).unwrap();
    labels.into_iter().map(|l| l.code).collect()
}

#[test]
fn a_batch_chains_steps_on_the_same_container_and_signs_every_event() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    let c = codes(&mut p, 6);
    clock.advance(HOUR);
    // Eight steps, four of them on a container stored earlier in the same batch: each
    // dispatch follows its weighing, which follows its store.
    let one = |i: usize| std::slice::from_ref(&c[i]).to_vec();
    let reqs = [
        req(&one(0), store()),
        req(&one(1), store()),
        req(&one(0), weighing("10")),
        req(&one(0), dispatch()),
        req(&one(2), store()),
        req(&one(3), store()),
        req(&one(1), weighing("11")),
        req(&one(1), dispatch()),
    ];
    let events = p.record_all(&reqs).unwrap();
    assert_eq!(events.len(), 8);
    assert_eq!(events[2].body.link(&c[0]).unwrap().prev, Some(events[0].id));
    assert_eq!(events[3].body.link(&c[0]).unwrap().prev, Some(events[2].id));
    assert_eq!(events[6].body.link(&c[1]).unwrap().prev, Some(events[1].id));
    assert_eq!(events[7].body.link(&c[1]).unwrap().prev, Some(events[6].id));
    for e in &events {
        assert_eq!(e.signatures.len(), 1);
        assert!(e.signatures[0].key.verify(&e.id, &e.signatures[0].sig));
    }
    assert_eq!(
        p.container(&c[0]).unwrap().state,
        ContainerState::Dispatched
    );
    assert_verifies(&mut p);
}

#[test]
fn a_kept_status_gives_way_to_another_connections_write() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut a = init(dir.path(), Role::Producer, &producer_org(), &clock);
    let c = codes(&mut a, 4);
    clock.advance(HOUR);
    // Another handle on the same data directory (another process) weighs the first one,
    // while `a` keeps its status as generated (and unweighed: a dispatch on that status
    // would be refused).
    let mut b = Device::open(dir.path(), &clock).unwrap();
    let weighed = b.record(&req(&c[..1], weighing("10"))).unwrap();
    clock.advance(HOUR);
    let next = a.record(&req(&c[..1], dispatch())).unwrap();
    assert_eq!(next.body.link(&c[0]).unwrap().prev, Some(weighed.id));
    assert_verifies(&mut a);
}

#[test]
fn a_failed_batch_keeps_no_status() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    let c = codes(&mut p, 5);
    clock.advance(HOUR);
    // Four stores go in (in the transaction), then a step the state table refuses.
    let mut reqs: Vec<_> = c[..4]
        .iter()
        .map(|code| req(std::slice::from_ref(code), store()))
        .collect();
    reqs.push(req(&c[4..], Action::Accept { quantity: None }));
    let e = p.record_all(&reqs).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    // Nothing was stored, so the first container is still generated: storing it again
    // chains on its generation.
    let generated = p.history(&c[0]).unwrap()[0].id.clone();
    let stored = p.record(&req(&c[..1], store())).unwrap();
    assert_eq!(
        stored.body.link(&c[0]).unwrap().prev.map(|p| p.to_string()),
        Some(generated)
    );
    assert_verifies(&mut p);
}

#[test]
fn a_long_batch_sealed_aside_keeps_its_order_counters_and_chains() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    // More events than the calling thread lets wait for the sealing thread, so that some
    // are hashed in line and some aside.
    let n = 150;
    let c = codes(&mut p, n);
    clock.advance(HOUR);
    // Every container stored; every tenth one weighed and dispatched right after, in the
    // same batch (the dispatch must wait for its weighing to be sealed and chain on it).
    let mut reqs = Vec::new();
    let mut after = Vec::new();
    for (i, code) in c.iter().enumerate() {
        reqs.push(req(std::slice::from_ref(code), store()));
        if i % 10 == 0 {
            reqs.push(req(std::slice::from_ref(code), weighing("10")));
            after.push((reqs.len() - 1, reqs.len()));
            reqs.push(req(std::slice::from_ref(code), dispatch()));
        }
    }
    let events = p.record_all(&reqs).unwrap();
    assert_eq!(events.len(), reqs.len());
    let first = events[0].body.seq;
    for (i, e) in events.iter().enumerate() {
        assert_eq!(
            e.body.seq,
            first + i as u64,
            "event {i} takes the next counter"
        );
        assert_eq!(
            e.body.links[0].container, reqs[i].codes[0],
            "event {i} in order"
        );
        assert!(e.signatures[0].key.verify(&e.id, &e.signatures[0].sig));
    }
    for (stored, dispatched) in after {
        let code = &reqs[stored].codes[0];
        assert_eq!(
            events[dispatched].body.link(code).unwrap().prev,
            Some(events[stored].id)
        );
        assert_eq!(p.container(code).unwrap().state, ContainerState::Dispatched);
    }
    assert_eq!(p.container(&c[1]).unwrap().state, ContainerState::Stored);
    assert_verifies(&mut p);
}
