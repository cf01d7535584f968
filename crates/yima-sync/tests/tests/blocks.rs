//! Label codes never collide between devices: the registry gives each enrolled device its
//! own block of label sequences, and keeps one chosen at set-up when it overlaps none.

use crate::authority::{add_org, enrolled, gd_regulator, post};
use crate::harness::*;
use crate::lineage::insider;
use yima_core::{PublicKey, Role};
use yima_device::BlockSource;
use yima_protocol::SequenceBlockGiven;

/// A registry whose enrolment rate limit lets a test enrol more than ten devices at once.
async fn roomy<S: Backend>() -> TestRegistry<S> {
    TestRegistry::<S>::start_configured(
        |s| {
            s.with_limits(yima_registry::RateLimits {
                enrol_per_address: yima_registry::Rate {
                    burst: 100,
                    per_minute: 600,
                },
                ..yima_registry::RateLimits::default()
            })
        },
        yima_registry::ServeOptions::default(),
    )
    .await
}

/// The block the registry has `key` hold.
async fn held<S: Backend>(reg: &TestRegistry<S>, key: PublicKey) -> Option<String> {
    let d = reg.state.store.device(key).await.unwrap().unwrap();
    d.seq_block.map(|b| b.to_string())
}

/// As if `key` had enrolled before the registry gave blocks (registry migration 0006).
async fn forget_block<S: Backend>(reg: &TestRegistry<S>, key: PublicKey) {
    run_sql(
        reg,
        &format!("UPDATE devices SET seq_block = NULL WHERE public_key = '{key}'"),
    )
    .await;
}

crate::on_both_backends!(the_registry_gives_each_enrolled_device_its_own_sequence_block);
async fn the_registry_gives_each_enrolled_device_its_own_sequence_block<S: Backend>() {
    // Eleven devices enrol from this one address at once: beyond the default burst of the
    // enrolment rate limit, which is not what this test is about.
    let reg = roomy::<S>().await;
    let mut blocks = Vec::new();
    let mut codes = std::collections::BTreeSet::new();
    let mut dirs = Vec::new();
    for _ in 0..yima_registry::SEQUENCE_BLOCKS {
        let (dir, mut dev) = reg.producer().await;
        let code = dev.register(&container("900-041-49", "5")).unwrap().code;
        assert!(codes.insert(code.clone()), "{code} drawn twice");
        let me = dev.identity().unwrap().key;
        let info = reg.state.store.device(me).await.unwrap().unwrap();
        blocks.push(info.seq_block.expect("a block"));
        dirs.push(dir);
    }
    for (i, a) in blocks.iter().enumerate() {
        for b in &blocks[i + 1..] {
            assert!(
                a.last() < b.first() || b.last() < a.first(),
                "{a} overlaps {b}"
            );
        }
    }
    // Beyond the organisation's blocks a device gets none (and keeps the one it was set up with).
    let key = insider(&reg, &producer_code(), Role::Producer).await;
    let info = reg.state.store.device(key.public()).await.unwrap().unwrap();
    assert_eq!(info.seq_block, None);
}

crate::on_both_backends!(a_hand_chosen_block_is_kept_and_never_overlapped);
async fn a_hand_chosen_block_is_kept_and_never_overlapped<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    let name = "福州示例化工有限公司";
    let (_a, mut chosen) = reg
        .device(&producer_code(), name, Role::Producer, Some("1-9"))
        .await;
    let (_b, mut given) = reg.producer().await;
    let (block, _) = chosen.sequence_block().unwrap();
    assert_eq!(block.to_string(), "1-9", "a block chosen at set-up is kept");
    let (block, source) = given.sequence_block().unwrap();
    assert_eq!(source, yima_device::BlockSource::Registry);
    assert_eq!(
        block.to_string(),
        "501-750",
        "the registry's first block overlapping none"
    );
    let a = chosen.register(&container("900-041-49", "5")).unwrap().code;
    let b = given.register(&container("900-041-49", "5")).unwrap().code;
    assert_eq!((a.sequence(), b.sequence()), (1, 501));
    // A device set up with a block another device holds is told so at enrolment.
    let dir = tempfile::tempdir().unwrap();
    let mut req = yima_device::InitRequest::new(Role::Producer, name, producer_code().as_str());
    req.seq_block = Some("5-20".into());
    let mut clash = yima_device::Device::init(dir.path(), &req, yima_device::SystemClock).unwrap();
    let code = reg.code(&producer_code(), Role::Producer, false).await;
    let err = reg.client().enrol(&mut clash, &code).await.unwrap_err();
    assert!(err.to_string().contains("overlaps"), "{err}");
    assert!(reg
        .state
        .store
        .device(clash.identity().unwrap().key)
        .await
        .unwrap()
        .is_none());
}

crate::on_both_backends!(an_admin_gives_a_device_without_a_block_one_and_it_takes_it_up_at_sync);
async fn an_admin_gives_a_device_without_a_block_one_and_it_takes_it_up_at_sync<S: Backend>() {
    let reg = roomy::<S>().await;
    let admin = enrolled(&reg, &producer_code(), Role::Producer, true).await;
    let mut others = Vec::new();
    for _ in 1..yima_registry::SEQUENCE_BLOCKS {
        others.push(insider(&reg, &producer_code(), Role::Producer).await);
    }
    // The eleventh device gets none, and knows it.
    let (_dir, mut late) = reg.producer().await;
    let key = late.identity().unwrap().key;
    assert_eq!(late.sequence_block().unwrap().1, BlockSource::None);
    let path = "/v1/sequence-blocks";
    let ask = serde_json::json!({ "key": key });
    let r = post(&reg, &admin, path, ask.clone(), 409).await;
    assert!(r.body.contains("conflict"), "{}", r.body);
    assert_eq!(held(&reg, key).await, None, "nothing stored");

    // One of the others is as if enrolled before blocks: its block is free again.
    forget_block(&reg, others[0].public()).await;
    let given: SequenceBlockGiven =
        serde_json::from_str(&post(&reg, &admin, path, ask.clone(), 200).await.body).unwrap();
    assert_eq!(given.seq_block.to_string(), "501-750");
    assert!(!given.already_had);
    assert_eq!(held(&reg, key).await.as_deref(), Some("501-750"));
    // Asked again: the same block, and the answer says nothing changed.
    let again: SequenceBlockGiven =
        serde_json::from_str(&post(&reg, &admin, path, ask, 200).await.body).unwrap();
    assert_eq!(
        (again.seq_block, again.already_had),
        (given.seq_block, true)
    );

    // The device takes it up at its next sync, once, and draws its labels from it.
    assert_eq!(
        sync(&reg, &mut late).await.sequence_block,
        Some(given.seq_block)
    );
    assert_eq!(
        late.sequence_block().unwrap(),
        (given.seq_block, BlockSource::Registry)
    );
    let code = late.register(&container("900-041-49", "5")).unwrap().code;
    assert_eq!(code.sequence(), 501);
    assert_eq!(sync(&reg, &mut late).await.sequence_block, None);
}

crate::on_both_backends!(only_the_organisations_admin_or_its_regulator_gives_a_block);
async fn only_the_organisations_admin_or_its_regulator_gives_a_block<S: Backend>() {
    let reg = TestRegistry::<S>::start().await;
    add_org(&reg, gd_regulator(), Role::Regulator, Some("44")).await;
    let target = insider(&reg, &producer_code(), Role::Producer)
        .await
        .public();
    forget_block(&reg, target).await;
    let path = "/v1/sequence-blocks";
    let ask = serde_json::json!({ "key": target });
    // Each insider with a valid key, refused, and nothing stored.
    let attackers = [
        (&producer_code(), Role::Producer, false), // its own organisation, not an admin
        (&carrier_code(), Role::Carrier, true),    // another organisation's admin
        (&gd_regulator(), Role::Regulator, true),  // a regulator admin of another province
    ];
    for (org, role, admin) in attackers {
        let key = enrolled(&reg, org, role, admin).await;
        post(&reg, &key, path, ask.clone(), 403).await;
        assert_eq!(held(&reg, target).await, None, "{org} as {role}");
    }
    // Unknown and revoked keys.
    let stranger = yima_core::DeviceKey::from_secret(&rand::random()).public();
    let regulator = enrolled(&reg, &regulator_code(), Role::Regulator, true).await;
    let r = post(
        &reg,
        &regulator,
        path,
        serde_json::json!({ "key": stranger }),
        404,
    )
    .await;
    assert!(r.body.contains("not enrolled"), "{}", r.body);
    let revoked = insider(&reg, &producer_code(), Role::Producer)
        .await
        .public();
    forget_block(&reg, revoked).await;
    reg.state.store.revoke(revoked, now()).await.unwrap();
    post(
        &reg,
        &regulator,
        path,
        serde_json::json!({ "key": revoked }),
        409,
    )
    .await;
    assert_eq!(held(&reg, revoked).await, None);
    // The regulator whose jurisdiction covers the producer may.
    post(&reg, &regulator, path, ask, 200).await;
    assert!(held(&reg, target).await.is_some());
}
