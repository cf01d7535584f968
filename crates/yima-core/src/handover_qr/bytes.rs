//! The binary layout behind the handover codes: a writer and a strict reader of its fields,
//! and the text around it (prefix and Base45).

use super::{malformed, not_offerable, HandoverQrError};
use crate::base45;
use crate::event::Actor;
use crate::quantity::Unit;
use crate::role::Role;
use crate::signing::PublicKey;
use yima_codes::{CreditCode, ManifestNumber};

pub(super) const KIND_PICKED_UP: u8 = 1;
pub(super) const KIND_RELAY: u8 = 2;
pub(super) const KIND_RECEIVED: u8 = 3;
pub(super) const KIND_RETURNED: u8 = 4;

pub(crate) fn unit_byte(u: Unit) -> u8 {
    match u {
        Unit::Kg => 1,
        Unit::T => 2,
        Unit::L => 3,
    }
}

pub(crate) fn unit_of(b: u8) -> Option<Unit> {
    match b {
        1 => Some(Unit::Kg),
        2 => Some(Unit::T),
        3 => Some(Unit::L),
        _ => None,
    }
}

pub(super) fn role_byte(r: Role) -> u8 {
    Role::ALL.iter().position(|x| *x == r).expect("every role") as u8
}

pub(crate) struct Writer(pub(crate) Vec<u8>);

impl Writer {
    pub(crate) fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    pub(crate) fn bytes(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }
    pub(crate) fn str(&mut self, s: &str) -> Result<(), HandoverQrError> {
        let len = u8::try_from(s.len())
            .map_err(|_| not_offerable(format!("text longer than 255 bytes: {s}")))?;
        self.u8(len);
        self.bytes(s.as_bytes());
        Ok(())
    }
    pub(crate) fn actor(&mut self, a: &Actor) {
        self.bytes(a.org.as_str().as_bytes());
        self.u8(role_byte(a.role));
        self.bytes(a.key.as_bytes());
    }
}

pub(crate) struct Reader<'a>(pub(crate) &'a [u8]);

impl<'a> Reader<'a> {
    pub(crate) fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], HandoverQrError> {
        if self.0.len() < n {
            return Err(malformed(format!("ends before the {what}")));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    pub(crate) fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], HandoverQrError> {
        Ok(self.take(N, what)?.try_into().expect("length taken"))
    }
    pub(crate) fn u8(&mut self, what: &str) -> Result<u8, HandoverQrError> {
        Ok(self.take(1, what)?[0])
    }
    pub(crate) fn str(&mut self, what: &str) -> Result<String, HandoverQrError> {
        let n = self.u8(what)? as usize;
        let b = self.take(n, what)?;
        String::from_utf8(b.to_vec()).map_err(|_| malformed(format!("the {what} is not UTF-8")))
    }
    pub(crate) fn ascii(&mut self, n: usize, what: &str) -> Result<&'a str, HandoverQrError> {
        let b = self.take(n, what)?;
        std::str::from_utf8(b).map_err(|_| malformed(format!("the {what} is not text")))
    }
    pub(crate) fn actor(&mut self, what: &str) -> Result<Actor, HandoverQrError> {
        let org: CreditCode = self
            .ascii(18, what)?
            .parse()
            .map_err(|e| malformed(format!("the {what}'s credit code: {e}")))?;
        let role = *Role::ALL
            .get(self.u8(what)? as usize)
            .ok_or_else(|| malformed(format!("the {what}'s role is unknown")))?;
        let key = PublicKey(self.array::<32>(what)?);
        Ok(Actor { org, role, key })
    }
    pub(crate) fn manifest(&mut self) -> Result<ManifestNumber, HandoverQrError> {
        self.ascii(14, "manifest number")?
            .parse()
            .map_err(|e| malformed(format!("the manifest number: {e}")))
    }
}

pub(super) fn strict_text(text: &str, prefix: &str) -> Result<Vec<u8>, HandoverQrError> {
    let Some(rest) = text.strip_prefix(prefix) else {
        return Err(HandoverQrError::NotHandover { text: text.into() });
    };
    base45::decode(rest).ok_or_else(|| malformed("not Base45"))
}
