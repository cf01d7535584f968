//! The use cases a Yima device performs — initialise an identity, register and label a
//! container, record each step of its life, hand over custody with two signatures, show
//! history, verify, export the ledger — over the device store. The CLI and the app are thin
//! layers over these functions; neither holds SQL, hashing or rules of its own.
//!
//! ```
//! use yima_device::{Device, InitRequest, ManualClock, NewContainer};
//! use yima_core::{Role, Timestamp};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let clock = ManualClock::new(Timestamp(1_735_689_600_000)); // 2025-01-01
//! let mut producer = Device::init(dir.path(), &InitRequest::new(Role::Producer, "示例化工有限公司", "91350100M000100Y43"), &clock).unwrap();
//! let label = producer.register(&NewContainer::new("900-041-49", "25", "kg", "solid")).unwrap();
//! assert_eq!(label.code.as_str().len(), 37);
//! assert!(producer.verify(None).unwrap().ok());
//! ```
#![deny(missing_docs)]

mod actions;
mod audit;
mod batch;
mod clock;
mod demo;
mod error;
mod handover;
mod handover_qr;
mod identity;
mod label;
mod ledger;
mod query;
mod register;
mod status;
mod sync;

pub use actions::{Action, ActionRequest, CORRECTABLE_FIELDS};
pub use audit::VerifyResult;
pub use clock::{Clock, ManualClock, SystemClock, MAX_FUTURE_SKEW_MS};
pub use demo::{run_demo, DemoReport};
pub use error::{DeviceError, ErrorKind};
pub use handover::{HandoverAck, HandoverOffer, HandoverStep, KeyCard};
pub use handover_qr::{label_on_offer, LabelOnOffer, QrAcceptance};
pub use identity::{IdentityCard, InitRequest};
pub use ledger::{LedgerRow, LedgerStage};
pub use query::{ContainerSummary, ContainerView, HistoryEntry};
pub use register::NewContainer;
pub use sync::{OutboxCounts, PullReport};
pub use yima_core::WireEvent;

use std::path::Path;
use yima_codes::Catalogue;
use yima_store::Store;

/// The file holding the device store inside a data directory.
pub const STORE_FILE: &str = "yima.db";

/// A device: its store, its clock and the catalogue it labels against.
pub struct Device<C: Clock> {
    store: Store,
    clock: C,
    catalogue: Catalogue,
}

impl<C: Clock> Device<C> {
    /// Opens the device in data directory `dir` (which must have been initialised).
    pub fn open(dir: &Path, clock: C) -> Result<Device<C>, DeviceError> {
        let path = dir.join(STORE_FILE);
        if !path.exists() {
            return Err(DeviceError::bilingual(
                ErrorKind::NotInitialised,
                format!("no Yima data in {}", dir.display()),
                format!("{} 中没有 Yima 数据", dir.display()),
            ));
        }
        let mut device = Device::from_store(Store::open(&path)?, clock);
        device.store.read(|tx| tx.require_device().map(|_| ()))?;
        Ok(device)
    }

    /// A device over an already open store.
    pub fn from_store(store: Store, clock: C) -> Device<C> {
        Device {
            store,
            clock,
            catalogue: Catalogue::latest(),
        }
    }

    /// The catalogue edition new containers are labelled under.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// The clock.
    pub fn clock(&self) -> &C {
        &self.clock
    }
}
