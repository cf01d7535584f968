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
//! let drum = NewContainer {
//!     main_components: "棉纱、矿物油".into(),
//!     contact: "李四".into(),
//!     phone: "13800000000".into(),
//!     ..NewContainer::new("900-041-49", "25", "kg", "solid")
//! };
//! let label = producer.register(&drum).unwrap();
//! assert_eq!(label.code.as_str().len(), 37);
//! assert!(producer.verify(None).unwrap().ok());
//! ```
#![deny(missing_docs)]

mod actions;
mod anomalies;
mod audit;
mod balance;
mod batch;
mod bundle;
mod clock;
mod deadlines;
mod demo;
mod drafts;
mod enrolment;
mod epcis;
mod epcis_export;
mod error;
mod exports;
mod forms;
mod handover;
mod handover_online;
mod handover_qr;
mod identity;
mod label;
mod ledger;
mod ledger_csv;
mod ledger_xlsx;
mod manifest_pdf;
mod manifests;
mod operator_files;
mod query;
mod register;
mod road_pass;
mod scan_check;
mod scanned;
mod status;
mod stored;
mod sync;
mod timeline;
mod track;
mod track_file;
mod track_routes;
mod track_sync;
mod weighed;

pub use actions::{Action, ActionRequest};
pub use audit::VerifyResult;
pub use balance::StockBalance;
pub use bundle::{
    bundle_timeline, verify_bundle_bytes, verify_bundle_bytes_with, verify_bundle_file, BundleStep,
    BundleTimeline,
};
pub use clock::{Clock, ManualClock, SystemClock, MAX_FUTURE_SKEW_MS};
pub use deadlines::{
    DeadlineStatus, FacilityRules, Limits, ReceiptDeadline, StorageAge, StorageFlag,
    DEFAULT_STORAGE_MONTHS, PAPER_ENTRY_WORKING_DAYS, RECEIPT_WORKING_DAYS,
    SMALL_POINT_LIMIT_KG_MILLI, STORAGE_WARNING_DAYS,
};
pub use demo::{run_demo, DemoReport};
pub use drafts::Drafts;
pub use enrolment::enrolment_from_texts;
pub use epcis::{container_epc, event_uri, org_uri, EPCIS_CONTEXT, YIMA_NS, YIMA_URN};
pub use epcis_export::EpcisScope;
pub use error::{DeviceError, ErrorKind};
pub use exports::EXPORTS;
pub use forms::{
    parse_codes, parse_day, parse_manifest, parse_mode, parse_optional_time, parse_party,
    parse_period, parse_quantity, parse_time, parse_weigh_method, HandoverForm, ManifestForm,
    StepForm,
};
pub use handover::{HandoverAck, HandoverOffer, HandoverStep, KeyCard, ACK_FORMAT, OFFER_FORMAT};
pub use handover_online::{ReceivedOffer, SentOffer};
pub use handover_qr::{label_on_offer, LabelOnOffer, OfferLabelCheck, QrAcceptance};
pub use identity::{IdentityCard, InitRequest};
pub use label::LabelQr;
pub use ledger::{LedgerRow, LedgerStage};
pub use manifests::{ManifestLine, ManifestPart, ManifestView};
pub use query::{ContainerSummary, ContainerView, HistoryEntry, LATE_ARRIVAL_MS};
pub use register::NewContainer;
pub use road_pass::{read_road_pass, PassKey, RoadPassLine, RoadPassShown, RoadPassView};
pub use scan_check::{ScanAgainst, ScanJudgement, ScanVerdict};
pub use scanned::{check_label_with, CheckedLabel, LabelCheck};
pub use status::SCANNED_LABEL_UNKNOWN;
pub use sync::{BlockSource, KeysLearned, OutboxCounts, PullReport};
pub use timeline::{Timeline, TimelineStep};
pub use track::RouteRecorded;
pub use track_file::{parse_fixes, read_fixes_file};
pub use track_routes::{FixView, RouteVerdict, RouteView, TrackView};
pub use yima_core::WireEvent;
pub use yima_protocol::{EnrolmentQr, ENROLMENT_PREFIX};

use std::path::Path;
use yima_codes::{Catalogue, CatalogueSchedule};
use yima_store::Store;

/// The file holding the device store inside a data directory.
pub const STORE_FILE: &str = "yima.db";

/// A device: its store, its clock and the catalogue editions it labels against.
pub struct Device<C: Clock> {
    store: Store,
    clock: C,
    catalogues: CatalogueSchedule,
    facilities: FacilityRules,
    tolerances: yima_core::Tolerances,
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
            catalogues: CatalogueSchedule::shipped(),
            facilities: FacilityRules::default(),
            tolerances: yima_core::Tolerances::default(),
        }
    }

    /// The catalogue edition in force today: the one new containers are labelled under.
    pub fn catalogue(&self) -> &Catalogue {
        self.catalogues.in_force(self.clock.now().china_date())
    }

    /// Sets the catalogue editions and the dates they are in force from (the operator's
    /// edition files, loaded by the caller); a container is labelled under the edition in
    /// force on its generation date and keeps it.
    pub fn set_catalogues(&mut self, catalogues: CatalogueSchedule) {
        self.catalogues = catalogues;
    }

    /// Sets the operator's storage facilities: each one's storage limit and which are small
    /// storage points (3 t at most).
    pub fn set_facilities(&mut self, facilities: FacilityRules) {
        self.facilities = facilities;
    }

    /// Sets the weighing tolerance per unit of measure: a weighing that differs from the one
    /// before it (or the declared quantity) by more records a discrepancy.
    pub fn set_tolerances(&mut self, tolerances: yima_core::Tolerances) {
        self.tolerances = tolerances;
    }

    /// The clock.
    pub fn clock(&self) -> &C {
        &self.clock
    }
}
