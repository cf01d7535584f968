//! The EPCIS export use case: the events this device holds for a container, a manifest or a
//! period, verified, as one GS1 EPCIS 2.0 JSON-LD document (the mapping: `epcis.rs`).

use crate::clock::Clock;
use crate::epcis::{epcis_document, Problems};
use crate::error::{DeviceError, ErrorKind};
use crate::Device;
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use yima_codes::{LabelCode, ManifestNumber};
use yima_core::{ContainerLabel, SignedEvent};

/// Which events an EPCIS export holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EpcisScope {
    /// Every event of this container's chain that the device holds.
    Container(LabelCode),
    /// The containers that travelled under this manifest (named by its dispatch, pickup,
    /// relay, receipt, or a refused part's return under it) and every event of theirs.
    Manifest(ManifestNumber),
    /// Every event of the China-time days `from` to `to` (inclusive; `None`: open).
    Period {
        /// First day.
        from: Option<NaiveDate>,
        /// Last day.
        to: Option<NaiveDate>,
    },
}

/// The events of `all` in `scope`, in the order stored.
pub(crate) fn in_scope(all: Vec<SignedEvent>, scope: &EpcisScope) -> Vec<SignedEvent> {
    let touches = |e: &SignedEvent, set: &HashSet<LabelCode>| {
        e.body.links.iter().any(|l| set.contains(&l.container))
    };
    match scope {
        EpcisScope::Container(code) => {
            let set = HashSet::from([code.clone()]);
            all.into_iter().filter(|e| touches(e, &set)).collect()
        }
        EpcisScope::Manifest(number) => {
            let set: HashSet<LabelCode> = all
                .iter()
                .filter(|e| e.body.event.manifest() == Some(number))
                .flat_map(|e| e.body.links.iter().map(|l| l.container.clone()))
                .collect();
            all.into_iter().filter(|e| touches(e, &set)).collect()
        }
        EpcisScope::Period { from, to } => all
            .into_iter()
            .filter(|e| {
                let day = e.body.at.china_date();
                from.is_none_or(|f| day >= f) && to.is_none_or(|t| day <= t)
            })
            .collect(),
    }
}

impl<C: Clock> Device<C> {
    /// Every event this device holds, in the order stored; one that cannot be read fails,
    /// naming it, rather than be left out.
    pub(crate) fn stored_events(&mut self) -> Result<Vec<SignedEvent>, DeviceError> {
        self.store.read(crate::stored::signed_events)
    }

    /// The events this device holds in `scope` as an EPCIS 2.0 `EPCISDocument`, each event
    /// once and marked with whether it verified here (`yima:verified`, and
    /// `yima:problems`); with the number of events. A stored event that cannot be read
    /// fails the export, naming it, rather than be left out. An unknown container, or a
    /// manifest no event names, is `UnknownContainer`.
    pub fn epcis(&mut self, scope: &EpcisScope) -> Result<(Value, usize), DeviceError> {
        let verification = self.verify(None)?;
        let all = self.stored_events()?;
        let labels: HashMap<LabelCode, ContainerLabel> = all
            .iter()
            .flat_map(|e| e.body.event.new_labels())
            .map(|l| (l.code.clone(), l.clone()))
            .collect();
        let events = in_scope(all, scope);
        if events.is_empty() && !matches!(scope, EpcisScope::Period { .. }) {
            let what = match scope {
                EpcisScope::Container(c) => c.to_string(),
                EpcisScope::Manifest(m) => m.to_string(),
                EpcisScope::Period { .. } => unreachable!("a period may be empty"),
            };
            return Err(DeviceError::bilingual(
                ErrorKind::UnknownContainer,
                format!("this device holds no events of {what}"),
                format!("本设备没有 {what} 的事件"),
            ));
        }
        let mut problems: Problems<'_> = HashMap::new();
        for f in &verification.failures {
            problems.entry(f.event).or_default().push(f.kind.as_str());
        }
        let doc = epcis_document(&events, &labels, &problems, self.clock.now());
        Ok((doc, events.len()))
    }

    /// Writes [`Device::epcis`]'s document as JSON-LD to `w`; returns the number of events.
    pub fn write_epcis(
        &mut self,
        w: &mut dyn Write,
        scope: &EpcisScope,
    ) -> Result<usize, DeviceError> {
        let (doc, n) = self.epcis(scope)?;
        let io = |e: std::io::Error| {
            DeviceError::bilingual(
                ErrorKind::Storage,
                format!("cannot write the EPCIS document: {e}"),
                format!("无法写入 EPCIS 文档：{e}"),
            )
        };
        serde_json::to_writer_pretty(&mut *w, &doc).map_err(|e| io(e.into()))?;
        w.write_all(b"\n").map_err(io)?;
        Ok(n)
    }

    /// Writes the document as a new `epcis-<China time>.jsonld` in `dir/exports/`, flushed
    /// to disk; returns the file and the number of events.
    pub fn export_epcis(
        &mut self,
        dir: &Path,
        scope: &EpcisScope,
    ) -> Result<(PathBuf, usize), DeviceError> {
        let (doc, n) = self.epcis(scope)?;
        let mut bytes = serde_json::to_vec_pretty(&doc).map_err(|e| {
            DeviceError::bilingual(
                ErrorKind::Storage,
                format!("cannot encode the EPCIS document: {e}"),
                format!("无法编码 EPCIS 文档：{e}"),
            )
        })?;
        bytes.push(b'\n');
        let path = self.save_export(dir, "epcis", "jsonld", &bytes)?;
        Ok((path, n))
    }
}
