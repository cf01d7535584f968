//! Reopening a data directory keeps everything; verification of one container.

use crate::common::*;
use yima_core::{ContainerState, Role};
use yima_device::{Device, DeviceError, ErrorKind};

#[test]
fn reopening_the_store_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let (key, codes, histories) = {
        let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
        let codes = dispatched(&mut p, 2);
        let histories: Vec<_> = codes
            .iter()
            .map(|c| serde_json::to_string(&p.history(c).unwrap()).unwrap())
            .collect();
        (p.identity().unwrap().key, codes, histories)
    };

    let mut p = Device::open(dir.path(), &clock).unwrap();
    assert_eq!(p.identity().unwrap().key, key);
    let list = p.containers().unwrap();
    assert_eq!(list.len(), 2);
    for (code, h) in codes.iter().zip(&histories) {
        assert_eq!(
            &serde_json::to_string(&p.history(code).unwrap()).unwrap(),
            h
        );
        assert_eq!(p.container(code).unwrap().state, ContainerState::Dispatched);
    }
    assert_verifies(&mut p);

    // Sequences and counters carry on where they stopped.
    let next = p.register(&drum("30")).unwrap().code;
    assert_eq!(next.sequence(), 3);
    assert_verifies(&mut p);
    drop(p);
    let mut p = Device::open(dir.path(), &clock).unwrap();
    assert_eq!(p.containers().unwrap().len(), 3);
    assert_verifies(&mut p);

    // Initialising the same directory again is refused and changes nothing.
    let e = Device::init(
        dir.path(),
        &yima_device::InitRequest::new(Role::Carrier, "x", carrier_org().credit_code.as_str()),
        &clock,
    )
    .err()
    .expect("second init refused");
    assert_eq!(e.kind(), ErrorKind::AlreadyInitialised);
    let mut p = Device::open(dir.path(), &clock).unwrap();
    assert_eq!(p.identity().unwrap().key, key);
}

#[test]
fn opening_an_empty_directory_is_not_initialised() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let e: DeviceError = Device::open(dir.path(), &clock).err().expect("no store");
    assert_eq!(e.kind(), ErrorKind::NotInitialised);
}

#[test]
fn verifying_an_unknown_container_is_an_unknown_container_error() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut p = init(dir.path(), Role::Producer, &producer_org(), &clock);
    let mine = p.register(&drum("10")).unwrap().code;
    let stranger = stranger(&clock);
    assert!(p.verify(Some(&mine)).unwrap().ok());
    let e = p.verify(Some(&stranger)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownContainer);
    // Nor are history or show of such a code anything but that error.
    assert_eq!(
        p.history(&stranger).unwrap_err().kind(),
        ErrorKind::UnknownContainer
    );
    assert_eq!(
        p.container(&stranger).unwrap_err().kind(),
        ErrorKind::UnknownContainer
    );
}
