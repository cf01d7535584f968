//! The taker's acknowledgement and a device's identity as QR codes.

use super::bytes::{role_byte, strict_text, Reader, Writer};
use super::{malformed, HandoverQrError, ACK_PREFIX};
use crate::base45;
use crate::event::{Actor, SignedEvent};
use crate::role::Role;
use crate::signing::{EventId, PublicKey, Signature, SignatureBytes};

/// The taker's acknowledgement QR code: the event id and the taker's signature on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HandoverAckQr {
    /// The handover event.
    pub event: EventId,
    /// The taker's signature over it.
    pub signature: Signature,
}

impl HandoverAckQr {
    /// The acknowledgement of `event` by `taker` (whose signature it must hold).
    pub fn of(event: &SignedEvent, taker: &PublicKey) -> Option<Self> {
        let signature = *event.signatures.iter().find(|s| s.key == *taker)?;
        Some(HandoverAckQr {
            event: event.id,
            signature,
        })
    }

    /// The QR text: [`ACK_PREFIX`] and Base45 of id, key and signature (128 bytes).
    pub fn to_text(&self) -> String {
        let mut b = Vec::with_capacity(128);
        b.extend_from_slice(self.event.as_bytes());
        b.extend_from_slice(self.signature.key.as_bytes());
        b.extend_from_slice(self.signature.sig.as_bytes());
        format!("{ACK_PREFIX}{}", base45::encode(&b))
    }

    /// Reads an acknowledgement's text.
    pub fn parse(text: &str) -> Result<Self, HandoverQrError> {
        let bytes = strict_text(text, ACK_PREFIX)?;
        if bytes.len() != 128 {
            return Err(malformed(format!(
                "{} bytes, an acknowledgement has 128",
                bytes.len()
            )));
        }
        let mut r = Reader(&bytes);
        Ok(HandoverAckQr {
            event: EventId(r.array::<32>("event id")?),
            signature: Signature {
                key: PublicKey(r.array::<32>("key")?),
                sig: SignatureBytes(r.array::<64>("signature")?),
            },
        })
    }

    /// Whether the signature is the key's over the event id.
    pub fn verifies(&self) -> bool {
        self.signature.key.verify(&self.event, &self.signature.sig)
    }
}

/// What an identity code's text starts with.
pub const IDENTITY_PREFIX: &str = "YIMA-ID1:";

/// A device's identity as a QR code, shown to the other party before a handover so that the
/// offer can name it: organisation, its roles, the device's role and key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityQr {
    /// The organisation.
    pub org: crate::model::Party,
    /// The organisation's roles.
    pub org_roles: Vec<Role>,
    /// The role the device records in.
    pub role: Role,
    /// The device's key.
    pub key: PublicKey,
}

impl IdentityQr {
    /// The QR text: [`IDENTITY_PREFIX`] and Base45. Fails when the name is over 255 bytes.
    pub fn to_text(&self) -> Result<String, HandoverQrError> {
        let mut w = Writer(Vec::with_capacity(96));
        w.actor(&Actor {
            org: self.org.credit_code.clone(),
            role: self.role,
            key: self.key,
        });
        w.u8(self
            .org_roles
            .iter()
            .fold(0, |m, r| m | (1 << role_byte(*r))));
        w.str(&self.org.name)?;
        Ok(format!("{IDENTITY_PREFIX}{}", base45::encode(&w.0)))
    }

    /// Reads an identity code's text.
    pub fn parse(text: &str) -> Result<Self, HandoverQrError> {
        let bytes = strict_text(text, IDENTITY_PREFIX)?;
        let mut r = Reader(&bytes);
        let actor = r.actor("identity")?;
        let mask = r.u8("roles")?;
        if mask >> Role::ALL.len() != 0 {
            return Err(malformed("unknown roles"));
        }
        let org_roles = Role::ALL
            .iter()
            .filter(|x| mask & (1 << role_byte(**x)) != 0)
            .copied()
            .collect();
        let name = r.str("name")?;
        if !r.0.is_empty() {
            return Err(malformed("trailing bytes"));
        }
        Ok(IdentityQr {
            org: crate::model::Party {
                credit_code: actor.org,
                name,
            },
            org_roles,
            role: actor.role,
            key: actor.key,
        })
    }
}
