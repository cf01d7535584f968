//! The usage story every backend must tell the same way, through `RegistryStore` only:
//! organisations, enrolment, nonces, then a container's life pushed piece by piece, with a
//! fork, deferrals and every kind of refusal, and what each organisation then sees.

use crate::calls::*;
use crate::common::*;
use yima_core::{DeviceKey, EventId, Role};
use yima_protocol::{DeviceInfo, NewEnrolmentCode, PushOutcome, MAX_CLOCK_SKEW_MS};
use yima_registry::{code_hash, issue_enrolment_code, ErrorKind, OrgRecord, RegistryStore};

pub async fn story<S: RegistryStore>(s: &S, w: &World) -> Transcript {
    let mut t = Transcript::default();
    let o = &w.orgs;

    // Organisations.
    for org in o.all() {
        s.add_org(org.new_org(), ENROL_T).await.expect("add org");
    }
    assert_eq!(
        kind(s.add_org(o.producer.new_org(), ENROL_T).await),
        ErrorKind::Conflict
    );
    assert_eq!(
        s.org(o.regulator.code()).await.expect("org"),
        Some(OrgRecord {
            credit_code: o.regulator.code(),
            name: "福建省生态环境厅".into(),
            roles: vec![Role::Regulator],
            jurisdiction: Some("35".into())
        })
    );
    assert_eq!(s.org(credit("91350100MA2XY8009")).await.expect("org"), None);

    // Enrolment: each code once, before it expires, for a key not enrolled yet.
    let p = enrol(s, &w.p, true, ENROL_T).await;
    assert_eq!(
        p,
        DeviceInfo {
            key: w.p.public(),
            org: o.producer.code(),
            org_name: o.producer.party.name.clone(),
            org_roles: vec![Role::Producer],
            role: Role::Producer,
            admin: true,
            enrolled_at: ENROL_T,
            revoked_at: None,
            // The organisation's first device: the first block of label sequences.
            seq_block: Some("1-500".parse().expect("a block")),
        }
    );
    enrol(s, &w.p2, false, at(ENROL_T, 1000)).await;
    enrol(s, &w.c, false, at(ENROL_T, 2000)).await;
    enrol(s, &w.r, true, at(ENROL_T, 4000)).await;
    // Codes are typed by people: case and dashes do not matter.
    let code = issue_enrolment_code(
        s,
        NewEnrolmentCode {
            org: w.v.org.clone(),
            role: Role::Receiver,
            admin: false,
        },
        at(ENROL_T, 3000),
    )
    .await
    .expect("issue");
    let typed = code.code.to_lowercase().replace('-', "");
    let v = s
        .redeem_enrolment(code_hash(&typed), w.v.public(), at(ENROL_T, 3000))
        .await
        .expect("redeem typed code");
    assert_eq!(
        (v.org, v.role, v.admin),
        (o.receiver.code(), Role::Receiver, false)
    );

    let spare = |n: u8| DeviceKey::from_secret(&[n; 32]).public();
    let code = issue_enrolment_code(
        s,
        NewEnrolmentCode {
            org: o.carrier.code(),
            role: Role::Carrier,
            admin: false,
        },
        ENROL_T,
    )
    .await
    .expect("issue");
    s.redeem_enrolment(code_hash(&code.code), spare(7), at(ENROL_T, 5000))
        .await
        .expect("first use");
    assert_eq!(
        kind(
            s.redeem_enrolment(code_hash(&code.code), spare(8), at(ENROL_T, 5000))
                .await
        ),
        ErrorKind::Conflict
    );
    assert_eq!(s.device(spare(8)).await.expect("device"), None);
    assert_eq!(
        kind(
            s.redeem_enrolment(code_hash("AAAAA-BBBBB-CCCCC-DDDDD"), spare(8), ENROL_T)
                .await
        ),
        ErrorKind::Unauthorized
    );
    let code = issue_enrolment_code(
        s,
        NewEnrolmentCode {
            org: o.other.code(),
            role: Role::Producer,
            admin: false,
        },
        ENROL_T,
    )
    .await
    .expect("issue");
    let late = at(code.expires_at, 1);
    assert_eq!(
        kind(
            s.redeem_enrolment(code_hash(&code.code), w.g.public(), late)
                .await
        ),
        ErrorKind::Unauthorized
    );
    assert_eq!(s.device(w.g.public()).await.expect("device"), None);
    // A key enrolled already: refused, and the code stays unused.
    let code = issue_enrolment_code(
        s,
        NewEnrolmentCode {
            org: o.receiver.code(),
            role: Role::Receiver,
            admin: false,
        },
        ENROL_T,
    )
    .await
    .expect("issue");
    assert_eq!(
        kind(
            s.redeem_enrolment(code_hash(&code.code), w.p.public(), at(ENROL_T, 6000))
                .await
        ),
        ErrorKind::Conflict
    );
    assert_eq!(
        s.device(w.p.public()).await.expect("device").map(|d| d.org),
        Some(o.producer.code())
    );
    s.redeem_enrolment(code_hash(&code.code), spare(9), at(ENROL_T, 6000))
        .await
        .expect("the code is still good");
    // Codes only for a registered organisation, in a role it has.
    let req = NewEnrolmentCode {
        org: o.producer.code(),
        role: Role::Carrier,
        admin: false,
    };
    assert_eq!(
        kind(issue_enrolment_code(s, req, ENROL_T).await),
        ErrorKind::BadRequest
    );
    let req = NewEnrolmentCode {
        org: credit("91350100MA2XY8009"),
        role: Role::Carrier,
        admin: false,
    };
    assert_eq!(
        kind(issue_enrolment_code(s, req, ENROL_T).await),
        ErrorKind::NotFound
    );

    assert_eq!(s.device(w.p.public()).await.expect("device"), Some(p));
    let devices = s.devices().await.expect("devices");
    assert_eq!(devices.len(), 7, "p, p2, c, v, r and two spare keys");
    assert!(
        devices
            .windows(2)
            .all(|d| (d[0].enrolled_at, d[0].key.to_string())
                < (d[1].enrolled_at, d[1].key.to_string())),
        "key directory in enrolment order"
    );
    let order: Vec<_> = devices.iter().map(|d| d.key).collect();
    assert_eq!(
        order[..5],
        [
            w.p.public(),
            w.p2.public(),
            w.c.public(),
            w.v.public(),
            w.r.public()
        ]
    );

    // Nonces: a second use is a replay, until the nonce is too old to be replayed.
    let nonce = || "00aa11bb22cc".to_string();
    assert!(s
        .use_nonce(w.p.public(), nonce(), NOW)
        .await
        .expect("nonce"));
    assert!(!s
        .use_nonce(w.p.public(), nonce(), NOW)
        .await
        .expect("nonce"));
    assert!(
        s.use_nonce(w.c.public(), nonce(), NOW)
            .await
            .expect("nonce"),
        "nonces are per key"
    );
    assert!(!s
        .use_nonce(w.p.public(), nonce(), at(NOW, 2 * MAX_CLOCK_SKEW_MS))
        .await
        .expect("nonce"));
    assert!(
        s.use_nonce(w.p.public(), nonce(), at(NOW, 2 * MAX_CLOCK_SKEW_MS + 1))
            .await
            .expect("nonce"),
        "pruned"
    );

    // Ingest. A stored event before the event it follows: deferred, nothing stored.
    let n = |minutes: i64| at(NOW, minutes * MINUTE);
    let r = push(s, &mut t, "stored before generated", &w.p, &[&w.sa], n(1)).await;
    assert_eq!(outcomes(&r), [PushOutcome::Deferred]);
    assert!(reason(&r[0]).contains("not at the registry yet"), "{r:?}");
    assert_eq!(s.event_count().await.expect("count"), 0);
    assert!(history(s, &w.a).await.is_empty());
    assert!(feed(s, &o.producer).await.is_empty());

    let r = push(
        s,
        &mut t,
        "generated and stored",
        &w.p,
        &[&w.ga, &w.sa, &w.gb, &w.sb],
        n(2),
    )
    .await;
    assert_eq!(outcomes(&r), [PushOutcome::Accepted; 4]);
    assert!(r.iter().all(|r| r.reason.is_none()));
    assert_eq!(
        ids(&feed(s, &o.producer).await),
        [w.ga.id, w.sa.id, w.gb.id, w.sb.id]
    );
    assert_eq!(
        ids(&feed(s, &o.regulator).await),
        [w.ga.id, w.sa.id, w.gb.id, w.sb.id],
        "the regulator sees Fujian from the start"
    );
    assert!(
        feed(s, &o.carrier).await.is_empty(),
        "not named on a manifest yet"
    );
    assert!(feed(s, &o.receiver).await.is_empty());
    assert!(feed(s, &o.regulator44).await.is_empty());

    // The dispatch names carrier and receiver: both see A's whole chain from then on.
    // (The producer weighed A before dispatching it.)
    let r = push(
        s,
        &mut t,
        "weighed and dispatched",
        &w.p,
        &[&w.wpa, &w.da],
        n(3),
    )
    .await;
    assert_eq!(outcomes(&r), [PushOutcome::Accepted; 2]);
    assert_eq!(
        ids(&feed(s, &o.carrier).await),
        [w.ga.id, w.sa.id, w.wpa.id, w.da.id],
        "backfilled"
    );
    assert_eq!(
        ids(&feed(s, &o.receiver).await),
        [w.ga.id, w.sa.id, w.wpa.id, w.da.id],
        "backfilled"
    );
    assert_eq!(
        ids(&feed(s, &o.producer).await),
        [w.ga.id, w.sa.id, w.gb.id, w.sb.id, w.wpa.id, w.da.id]
    );

    let r = push(s, &mut t, "pushed again", &w.p, &[&w.ga, &w.sa], n(4)).await;
    assert_eq!(outcomes(&r), [PushOutcome::Duplicate; 2]);
    assert_eq!(s.event_count().await.expect("count"), 6);

    // Two pickups of the same dispatched container: the second is a fork, stored and flagged.
    let r = push(s, &mut t, "picked up", &w.c, &[&w.pua], n(5)).await;
    assert_eq!(outcomes(&r), [PushOutcome::Accepted]);
    let r = push(s, &mut t, "picked up again", &w.p, &[&w.pua_rival], n(6)).await;
    assert_eq!(outcomes(&r), [PushOutcome::Fork]);
    assert!(
        reason(&r[0]).contains(w.a.as_str()) && reason(&r[0]).contains(&w.pua.id.short()),
        "{r:?}"
    );
    let r = push(s, &mut t, "the fork again", &w.c, &[&w.pua_rival], n(6)).await;
    assert_eq!(outcomes(&r), [PushOutcome::Duplicate]);

    refused(
        s,
        &mut t,
        "forbidden transition",
        &w.c,
        &w.carrier_weighs,
        n(7),
        "not allowed",
    )
    .await;

    // The chain goes on from the first pickup.
    let r = push(
        s,
        &mut t,
        "received and weighed",
        &w.v,
        &[&w.rva, &w.wa],
        n(8),
    )
    .await;
    assert_eq!(outcomes(&r), [PushOutcome::Accepted; 2]);

    // Another party's correction of the producer's step, and a correction to `abc`: refused.
    refused(
        s,
        &mut t,
        "the receiver corrects the producer's label",
        &w.v,
        &w.receiver_corrects_label,
        n(8),
        "alone may correct it",
    )
    .await;
    refused(
        s,
        &mut t,
        "a quantity of abc",
        &w.p,
        &w.producer_corrects_abc,
        n(8),
        "abc",
    )
    .await;

    // A key the registry does not know yet: deferred, then accepted once it is enrolled.
    let r = push(s, &mut t, "unknown key", &w.g, &[&w.gx], n(9)).await;
    assert_eq!(outcomes(&r), [PushOutcome::Deferred]);
    assert!(reason(&r[0]).contains("not enrolled"), "{r:?}");
    enrol(s, &w.g, false, n(9)).await;
    let r = push(s, &mut t, "known key", &w.g, &[&w.gx], n(10)).await;
    assert_eq!(outcomes(&r), [PushOutcome::Accepted]);

    // Company B writing to company A's container, at its head and at a place already taken.
    refused(
        s,
        &mut t,
        "stranger",
        &w.g,
        &w.stranger_voids,
        n(11),
        "does not hold",
    )
    .await;
    let r = push(
        s,
        &mut t,
        "stranger forking",
        &w.g,
        &[&w.stranger_forks],
        n(11),
    )
    .await;
    assert_eq!(outcomes(&r), [PushOutcome::Refused], "not stored as a fork");
    assert!(reason(&r[0]).contains("no party"), "{r:?}");

    // Transfer rules: a manifest number that does not fit the dispatch, a dispatch to the
    // sender itself.
    refused(
        s,
        &mut t,
        "manifest of another year and province",
        &w.p,
        &w.dispatch_2019_guangdong,
        n(11),
        "2019440",
    )
    .await;
    refused(
        s,
        &mut t,
        "dispatch to itself",
        &w.p,
        &w.dispatch_to_itself,
        n(11),
        "receiver",
    )
    .await;

    refused(
        s,
        &mut t,
        "regulator",
        &w.r,
        &w.regulator_voids,
        n(12),
        "record nothing",
    )
    .await;
    refused(
        s,
        &mut t,
        "not the pusher's",
        &w.p,
        &w.regulator_voids,
        n(12),
        "did not sign",
    )
    .await;

    // Revocation: events dated before it stand, events dated after are refused.
    assert!(s.revoke(w.p2.public(), w.revoked_at).await.expect("revoke"));
    assert!(
        !s.revoke(w.p2.public(), w.revoked_at).await.expect("revoke"),
        "already revoked"
    );
    assert!(
        !s.revoke(spare(1), w.revoked_at).await.expect("revoke"),
        "no such device"
    );
    assert_eq!(
        s.device(w.p2.public())
            .await
            .expect("device")
            .and_then(|d| d.revoked_at),
        Some(w.revoked_at)
    );
    let r = push(s, &mut t, "revoked", &w.p2, &[&w.ge, &w.gh], n(13)).await;
    assert_eq!(outcomes(&r), [PushOutcome::Accepted, PushOutcome::Refused]);
    assert!(reason(&r[1]).contains("revoked"), "{r:?}");

    // What each organisation sees.
    let life = [
        w.ga.id,
        w.sa.id,
        w.wpa.id,
        w.da.id,
        w.pua.id,
        w.pua_rival.id,
        w.rva.id,
        w.wa.id,
    ];
    let everything = [
        w.ga.id,
        w.sa.id,
        w.gb.id,
        w.sb.id,
        w.wpa.id,
        w.da.id,
        w.pua.id,
        w.pua_rival.id,
        w.rva.id,
        w.wa.id,
        w.ge.id,
    ];
    let sees = [
        (&o.producer, everything.to_vec()),
        (&o.carrier, life.to_vec()),
        (&o.receiver, life.to_vec()),
        (&o.regulator, everything.to_vec()),
        (&o.regulator44, vec![w.gx.id]),
        (&o.other, vec![w.gx.id]),
    ];
    for (org, expected) in sees {
        let entries = feed(s, org).await;
        assert_eq!(ids(&entries), expected, "feed of {}", org.party.name);
        for (_, id, fork_of, _) in &entries {
            let flag = (*id == w.pua_rival.id).then_some(w.pua.id);
            assert_eq!(
                *fork_of,
                flag,
                "fork flag of {} in the feed of {}",
                id.short(),
                org.party.name
            );
        }
        t.feeds.push((org.party.name.clone(), entries));
    }
    let arrived = |entries: &[Entry], id: EventId| entries.iter().find(|e| e.1 == id).map(|e| e.3);
    let producer_feed = &t.feeds[0].1;
    assert_eq!(
        arrived(producer_feed, w.ga.id),
        Some(n(2)),
        "the registry records when it arrived"
    );
    assert_eq!(arrived(producer_feed, w.pua_rival.id), Some(n(6)));

    let a = history(s, &w.a).await;
    assert_eq!(ids(&a), life);
    assert_eq!(a.iter().filter(|e| e.2.is_some()).count(), 1);
    assert_eq!(ids(&history(s, &w.b).await), [w.gb.id, w.sb.id]);
    assert_eq!(ids(&history(s, &w.e).await), [w.ge.id]);
    assert!(
        history(s, &w.h).await.is_empty(),
        "refused events are no part of a history"
    );
    for code in [&w.a, &w.b, &w.e, &w.h, &w.x] {
        let h = history(s, code).await;
        t.histories.push((code.to_string(), h));
    }
    t.events = s.event_count().await.expect("count");
    assert_eq!(t.events, 12);
    t.devices = s.devices().await.expect("devices");
    t
}
