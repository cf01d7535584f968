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

/// The store holds the device's secret key: another user on the machine can read neither the
/// data directory the device made nor the database, its WAL or its shared memory — and a store
/// left readable by an older build is tightened when it is opened.
#[cfg(unix)]
#[test]
fn the_data_directory_and_the_database_are_private_to_their_owner() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("device");
    let clock = clock();
    let mut p = init(&dir, Role::Producer, &producer_org(), &clock);
    p.register(&drum("30")).unwrap();
    assert_eq!(mode(&dir), 0o700);
    let db = dir.join(yima_device::STORE_FILE);
    for file in [db.clone(), dir.join("yima.db-wal"), dir.join("yima.db-shm")] {
        assert!(file.exists(), "{}", file.display());
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    drop(p);

    // An older build's store, readable by everyone: opening it takes that away.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let p = Device::open(&dir, &clock).unwrap();
    assert_eq!(mode(&db), 0o600);
    drop(p);

    // A directory the user chose, which already existed, keeps its own permissions.
    let chosen = tmp.path().join("chosen");
    std::fs::create_dir(&chosen).unwrap();
    std::fs::set_permissions(&chosen, std::fs::Permissions::from_mode(0o750)).unwrap();
    let _p = init(&chosen, Role::Carrier, &producer_org(), &clock);
    assert_eq!(mode(&chosen), 0o750);
    assert_eq!(mode(&chosen.join(yima_device::STORE_FILE)), 0o600);
}
