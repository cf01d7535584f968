//! An event as carried between devices and the registry: id, canonical body as text,
//! signatures. Nothing in it is trusted until parsed and verified.

use crate::encoding::EncodingError;
use crate::event::SignedEvent;
use crate::signing::{EventId, Signature};
use crate::verify::RawEvent;
use serde::{Deserialize, Serialize};

/// An event on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WireEvent {
    /// The event id.
    pub id: EventId,
    /// The canonical body (JSON text).
    pub body: String,
    /// Signatures over the id.
    pub signatures: Vec<Signature>,
}

/// Why a wire event is not an event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// The body does not hash to the id.
    #[error("the event's content does not match its id")]
    IdMismatch,
    /// The body is not a canonical event body.
    #[error(transparent)]
    Encoding(#[from] EncodingError),
}

impl WireEvent {
    /// The wire form of a signed event.
    pub fn of(e: &SignedEvent) -> WireEvent {
        WireEvent {
            id: e.id,
            body: String::from_utf8(e.canonical.clone()).expect("canonical bodies are UTF-8 JSON"),
            signatures: e.signatures.clone(),
        }
    }

    /// The raw (untrusted) event, for [`crate::verify`].
    pub fn raw(&self) -> RawEvent {
        RawEvent {
            id: self.id,
            canonical: self.body.as_bytes().to_vec(),
            signatures: self.signatures.clone(),
        }
    }

    /// Parses the event, checking the id against the bytes and the bytes are canonical.
    /// Signatures are not checked here.
    pub fn parse(&self) -> Result<SignedEvent, WireError> {
        self.clone().into_parsed()
    }

    /// [`WireEvent::parse`], taking the event by value: the body and signatures move into
    /// the signed event instead of being copied.
    pub fn into_parsed(self) -> Result<SignedEvent, WireError> {
        if EventId::of_canonical(self.body.as_bytes()) != self.id {
            return Err(WireError::IdMismatch);
        }
        Ok(SignedEvent::from_parts(
            self.id,
            self.body.into_bytes(),
            self.signatures,
        )?)
    }
}
