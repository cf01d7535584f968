//! A registry certified by a government or private CA: the CA file given at enrolment is
//! kept beside the device's database, with the registry it was given for, so every later
//! sync trusts it too (and enrolling again without one forgets it).

use crate::{SyncError, SyncErrorKind};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// The kept CA's file name in the device's data directory.
pub const REGISTRY_CA_FILE: &str = "registry-ca.pem";

fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(REGISTRY_CA_FILE)
}

fn failed(path: &Path, e: std::io::Error) -> SyncError {
    SyncError::new(SyncErrorKind::Device, format!("{}: {e}", path.display()))
}

/// The CA kept for the registry in `data_dir`, if one was given at enrolment.
pub fn kept_ca(data_dir: &Path) -> Result<Option<Vec<u8>>, SyncError> {
    let path = path(data_dir);
    match std::fs::read(&path) {
        Ok(pem) => Ok(Some(pem)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(failed(&path, e)),
    }
}

/// Keeps `pem` as the CA of the registry just enrolled with, or forgets the one kept for an
/// earlier registry when none was given.
pub fn keep_ca(data_dir: &Path, pem: Option<&[u8]>) -> Result<(), SyncError> {
    let path = path(data_dir);
    match pem {
        Some(pem) => std::fs::write(&path, pem).map_err(|e| failed(&path, e)),
        None => match std::fs::remove_file(&path) {
            Err(e) if e.kind() != ErrorKind::NotFound => Err(failed(&path, e)),
            _ => Ok(()),
        },
    }
}
