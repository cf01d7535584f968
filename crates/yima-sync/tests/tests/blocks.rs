//! Label codes never collide between devices: the registry gives each enrolled device its
//! own block of label sequences, and keeps one chosen at set-up when it overlaps none.

use crate::harness::*;
use crate::lineage::insider;
use yima_core::Role;

crate::on_both_backends!(the_registry_gives_each_enrolled_device_its_own_sequence_block);
async fn the_registry_gives_each_enrolled_device_its_own_sequence_block<S: Backend>() {
    // Eleven devices enrol from this one address at once: beyond the default burst of the
    // enrolment rate limit, which is not what this test is about.
    let reg = TestRegistry::<S>::start_configured(
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
    .await;
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
