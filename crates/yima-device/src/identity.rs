//! Initialising a device and the identity card it shows to the other party of a handover.

use crate::clock::Clock;
use crate::error::{bad_input, DeviceError};
use crate::{Device, STORE_FILE};
use serde::{Deserialize, Serialize};
use std::path::Path;
use yima_codes::{CreditCode, SequenceBlock};
use yima_core::{Actor, DeviceKey, Party, PublicKey, Role};
use yima_store::{DeviceRow, KeySource, KnownKey, Store};

/// What `init` needs.
#[derive(Clone, Debug)]
pub struct InitRequest {
    /// The role this device records in.
    pub role: Role,
    /// Every role the organisation has (defaults to `role`).
    pub org_roles: Vec<Role>,
    /// Organisation name.
    pub org_name: String,
    /// Unified social credit code (as typed).
    pub credit_code: String,
    /// This device's block of label sequences, e.g. `1-499` (defaults to all: `1-999`).
    pub seq_block: Option<String>,
}

impl InitRequest {
    /// A request with default roles and sequence block.
    pub fn new(role: Role, org_name: &str, credit_code: &str) -> InitRequest {
        InitRequest {
            role,
            org_roles: vec![role],
            org_name: org_name.into(),
            credit_code: credit_code.into(),
            seq_block: None,
        }
    }
}

/// Who a device is: shown to the other party before a handover, and learned by it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityCard {
    /// The organisation.
    pub org: Party,
    /// The organisation's roles.
    pub org_roles: Vec<Role>,
    /// The role the device records in.
    pub role: Role,
    /// The device's public key.
    pub key: PublicKey,
}

impl IdentityCard {
    /// The card as an event actor.
    pub fn actor(&self) -> Actor {
        Actor {
            org: self.org.credit_code.clone(),
            role: self.role,
            key: self.key,
        }
    }

    pub(crate) fn known_key(&self, source: KeySource) -> KnownKey {
        KnownKey {
            key: self.key,
            org: self.org.credit_code.clone(),
            org_name: self.org.name.clone(),
            roles: self.org_roles.clone(),
            source,
            revoked_at: None,
        }
    }

    pub(crate) fn of(d: &DeviceRow) -> IdentityCard {
        IdentityCard {
            org: d.org.clone(),
            org_roles: d.org_roles.clone(),
            role: d.role,
            key: d.key.public(),
        }
    }
}

impl<C: Clock> Device<C> {
    /// Creates the data directory's store and a new device identity with a fresh key.
    pub fn init(dir: &Path, req: &InitRequest, clock: C) -> Result<Device<C>, DeviceError> {
        let credit_code: CreditCode = req.credit_code.trim().parse()?;
        let name = req.org_name.trim();
        if name.is_empty() {
            return Err(bad_input("the organisation name is empty", "单位名称为空"));
        }
        let mut org_roles = req.org_roles.clone();
        if !org_roles.contains(&req.role) {
            org_roles.push(req.role);
        }
        let seq_block = match &req.seq_block {
            Some(b) => b.trim().parse::<SequenceBlock>()?,
            None => SequenceBlock::FULL,
        };
        let made = !dir.exists();
        std::fs::create_dir_all(dir).map_err(|e| {
            DeviceError::new(
                crate::ErrorKind::Storage,
                format!("cannot create {}: {e}", dir.display()),
            )
        })?;
        // A data directory made here is its owner's alone (it holds the device key); one the
        // user chose that already existed keeps its permissions.
        #[cfg(unix)]
        if made {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(|e| {
                DeviceError::new(
                    crate::ErrorKind::Storage,
                    format!("cannot make {} private: {e}", dir.display()),
                )
            })?;
        }
        #[cfg(not(unix))]
        let _ = made;
        let store = Store::open(&dir.join(STORE_FILE))?;
        let mut device = Device::from_store(store, clock);
        let row = DeviceRow {
            org: Party {
                credit_code,
                name: name.to_string(),
            },
            org_roles,
            role: req.role,
            key: DeviceKey::generate(&mut rand::rngs::OsRng),
            seq_block,
            created_at: device.clock.now(),
        };
        let now = device.clock.now();
        device.store.write(|tx| {
            tx.insert_device(&row)?;
            tx.add_known_key(&IdentityCard::of(&row).known_key(KeySource::SelfKey), now)?;
            Ok::<_, DeviceError>(())
        })?;
        Ok(device)
    }

    /// This device's identity card.
    pub fn identity(&mut self) -> Result<IdentityCard, DeviceError> {
        self.store
            .read(|tx| Ok(IdentityCard::of(&tx.require_device()?)))
    }

    /// Every public key this device knows (its own, learned from handovers, added by hand,
    /// or synced from the registry), e.g. to check the signature of a scanned label.
    pub fn known_public_keys(&mut self) -> Result<Vec<yima_core::PublicKey>, DeviceError> {
        self.store
            .read(|tx| Ok(tx.known_keys()?.into_iter().map(|k| k.key).collect()))
    }

    /// Trusts another device's key, as shown on its identity card.
    pub fn add_known(&mut self, card: &IdentityCard) -> Result<bool, DeviceError> {
        let now = self.clock.now();
        self.store
            .write(|tx| Ok(tx.add_known_key(&card.known_key(KeySource::Manual), now)?))
    }
}

/// The known keys by key id, to check the signatures of scanned labels
/// ([`yima_core::LabelPayload::verify`]).
pub(crate) fn label_keys(
    keys: &[KnownKey],
) -> std::collections::HashMap<yima_core::KeyId, PublicKey> {
    keys.iter()
        .map(|k| (yima_core::KeyId::of(&k.key), k.key))
        .collect()
}

pub(crate) fn device_key_dir(keys: &[KnownKey]) -> yima_core::KeyDirectory {
    let mut dir = yima_core::KeyDirectory::new();
    for k in keys {
        dir.insert(
            k.key,
            yima_core::KeyEntry {
                org: k.org.clone(),
                roles: k.roles.clone(),
                revoked_at: k.revoked_at,
            },
        );
    }
    dir
}

impl<C: Clock> Device<C> {
    /// Makes `name` the person recorded with every step this device records from now on
    /// (HJ 1259's 经办人), until another is set: named in the signed body of every event
    /// this device composes for its organisation (see [`yima_core::EventBody::operator`]),
    /// and kept beside every event it records or takes part in.
    pub fn set_operator(&mut self, name: &str) -> Result<(), DeviceError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(crate::error::bad_input(
                "the operator's name is required",
                "必须填写经办人姓名",
            ));
        }
        // The name is signed into events: refused now rather than at the next step.
        yima_core::check_operator(Some(name))?;
        let now = self.clock.now();
        self.store.write(|tx| {
            tx.require_device()?;
            Ok(tx.set_operator(name, now)?)
        })
    }

    /// The person recorded with the steps this device records now, if one is set.
    pub fn operator(&mut self) -> Result<Option<String>, DeviceError> {
        self.store.read(|tx| Ok(tx.operator()?))
    }
}
