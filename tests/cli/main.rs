//! End-to-end tests of the `yima` command line: the real binary, run in temporary data
//! directories. One test binary (`cargo test -p yima --test cli`); its modules live beside
//! this file.

mod common;

mod anomalies;
mod audit;
mod bundle;
mod catalogue;
mod demo;
mod editions;
mod epcis;
mod errors;
mod help;
mod labels;
mod ledger;
mod life;
mod manifest_pdf;
mod manifests;
mod online;
mod qr_handover;
mod road;
#[cfg(unix)]
mod scale;
mod storage;
mod tamper;
mod track;
