//! The device's use cases called directly, with a fixed clock and temporary data
//! directories. One test binary; the modules live in `tests/device/`.

#[path = "device/common.rs"]
mod common;

#[path = "device/anomalies.rs"]
mod anomalies;
#[path = "device/atomic.rs"]
mod atomic;
#[path = "device/audit.rs"]
mod audit;
#[path = "device/classification.rs"]
mod classification;
#[path = "device/epcis.rs"]
mod epcis;
#[path = "device/handover.rs"]
mod handover;
#[path = "device/kept.rs"]
mod kept;
#[path = "device/ledger.rs"]
mod ledger;
#[path = "device/ledger_xlsx.rs"]
mod ledger_xlsx;
#[path = "device/life.rs"]
mod life;
#[path = "device/manifest_pdf.rs"]
mod manifest_pdf;
#[path = "device/manifests.rs"]
mod manifests;
#[path = "device/operator.rs"]
mod operator;
#[path = "device/quantities.rs"]
mod quantities;
#[path = "device/reopen.rs"]
mod reopen;
#[path = "device/road_pass.rs"]
mod road_pass;
#[path = "device/scale_weighing.rs"]
mod scale_weighing;
#[path = "device/storage.rs"]
mod storage;
#[path = "device/track.rs"]
mod track;
#[path = "device/transfer_rules.rs"]
mod transfer_rules;
