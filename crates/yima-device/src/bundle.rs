//! Evidence bundles (`docs/EVIDENCE-BUNDLE.md`): the bundle of a container or a manifest
//! from the events this device holds, and the verification of a bundle file by anyone, with
//! no device at all.

use crate::clock::Clock;
use crate::error::{DeviceError, ErrorKind};
use crate::Device;
use std::collections::HashSet;
use std::io::Write;
use std::path::Path;
use yima_core::{
    containers_in_scope, verify_bundle_with, BundleError, BundleReport, BundleScope,
    EvidenceBundle, KeyOrigin, KeyRecord, PublicKey, SignedEvent, WireEvent,
};
use yima_store::KeySource;

fn origin(source: KeySource) -> KeyOrigin {
    match source {
        KeySource::SelfKey => KeyOrigin::Own,
        KeySource::Handover => KeyOrigin::Handover,
        KeySource::Manual => KeyOrigin::Manual,
        KeySource::Registry => KeyOrigin::Registry,
    }
}

impl<C: Clock> Device<C> {
    /// The bundle of `scope` from the events this device holds: those of the scope's
    /// containers and of every container sharing an event with them, each as stored, with
    /// what the device knows of the keys that signed them (no enrolment time: a device
    /// does not keep one). Not attested (version 1): its key records are this device's
    /// word, as its report says; only the registry attests a bundle. `UnknownContainer`
    /// when it holds no event of the scope.
    pub fn bundle(&mut self, scope: &BundleScope) -> Result<EvidenceBundle, DeviceError> {
        let (events, known, me) = self.store.read(|tx| {
            let events = crate::stored::signed_events(tx)?;
            let me = tx.require_device()?;
            Ok::<_, DeviceError>((events, tx.known_keys()?, me))
        })?;
        let bodies: Vec<_> = events.iter().map(|e| (e.id, e.body.clone())).collect();
        let containers = containers_in_scope(scope, &bodies);
        let events: Vec<&SignedEvent> = events
            .iter()
            .filter(|e| {
                e.body
                    .links
                    .iter()
                    .any(|l| containers.contains(&l.container))
            })
            .collect();
        if events.is_empty() {
            return Err(DeviceError::bilingual(
                ErrorKind::UnknownContainer,
                format!("this device holds no events of {scope}"),
                format!("本设备没有{}的事件", scope_zh(scope)),
            ));
        }
        let signers: HashSet<PublicKey> =
            events.iter().flat_map(|e| e.body.signer_keys()).collect();
        let keys = known
            .into_iter()
            .filter(|k| signers.contains(&k.key))
            .map(|k| KeyRecord {
                key: k.key,
                org: k.org,
                org_name: k.org_name,
                roles: k.roles,
                enrolled_at: None,
                revoked_at: k.revoked_at,
                origin: origin(k.source),
            })
            .collect();
        Ok(EvidenceBundle::new(
            scope.clone(),
            self.clock.now(),
            format!(
                "device {} of {} {}",
                me.key.public().short(),
                me.org.name,
                me.org.credit_code
            ),
            keys,
            events.into_iter().map(WireEvent::of).collect(),
        ))
    }

    /// Writes [`Device::bundle`]'s file to `w`; returns the number of events.
    pub fn write_bundle(
        &mut self,
        w: &mut dyn Write,
        scope: &BundleScope,
    ) -> Result<usize, DeviceError> {
        let bundle = self.bundle(scope)?;
        w.write_all(bundle.to_text().as_bytes()).map_err(|e| {
            DeviceError::bilingual(
                ErrorKind::Storage,
                format!("cannot write the evidence bundle: {e}"),
                format!("无法写入证据包：{e}"),
            )
        })?;
        Ok(bundle.events.len())
    }
}

fn scope_zh(scope: &BundleScope) -> String {
    match scope {
        BundleScope::Container(c) => format!("容器 {c} "),
        BundleScope::Manifest(m) => format!("联单 {m} "),
    }
}

/// Verifies the bundle in the file at `path`, offline, with no device: the verdict names
/// each failing event. With `registry_key` (the key the registry publishes), the bundle
/// must be attested by exactly that key, else it fails (`unattested`, `bad_attestation`).
/// A file that cannot be read, or is not a bundle, is `BadInput`, naming where.
pub fn verify_bundle_file(
    path: &Path,
    registry_key: Option<&PublicKey>,
) -> Result<BundleReport, DeviceError> {
    let bytes = std::fs::read(path).map_err(|e| {
        crate::error::bad_input(
            format!("cannot read {}: {e}", path.display()),
            format!("无法读取 {}：{e}", path.display()),
        )
    })?;
    verify_bundle_bytes_with(&bytes, registry_key)
}

/// [`verify_bundle_file`] for a bundle already read, no registry key pinned (an
/// attestation present is still checked).
pub fn verify_bundle_bytes(bytes: &[u8]) -> Result<BundleReport, DeviceError> {
    verify_bundle_bytes_with(bytes, None)
}

/// [`verify_bundle_file`] for a bundle already read.
pub fn verify_bundle_bytes_with(
    bytes: &[u8],
    registry_key: Option<&PublicKey>,
) -> Result<BundleReport, DeviceError> {
    verify_bundle_with(bytes, registry_key).map_err(|e| {
        let zh = match &e {
            BundleError::Unreadable {
                line,
                column,
                place,
                detail,
            } => format!(
                "证据包在第 {line} 行第 {column} 列（{}）无法读取：{detail}",
                place_zh(place)
            ),
            BundleError::Unsupported { format, version } => {
                format!("不是可识别的一码证据包：格式 {format:?}，版本 {version}")
            }
        };
        crate::error::bad_input(e.to_string(), zh)
    })
}

fn place_zh(place: &yima_core::Place) -> String {
    match place {
        yima_core::Place::Header => "文件头".into(),
        yima_core::Place::Key(i) => format!("第 {} 条密钥记录", i + 1),
        yima_core::Place::Event(i) => format!("第 {} 个事件", i + 1),
    }
}

/// One step of a container's timeline as an evidence bundle holds it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct BundleStep {
    /// Its place in the bundle, from 0.
    pub position: usize,
    /// The id the event claims.
    pub id: String,
    /// The step it records (`None` when its body does not read).
    pub step: Option<yima_core::Step>,
    /// When it happened, by the recording device's clock.
    pub at: Option<yima_core::Timestamp>,
    /// The recording organisation.
    pub org: Option<yima_codes::CreditCode>,
    /// Its name, as the bundle's key record of the recorder has it.
    pub org_name: Option<String>,
    /// Whether nothing the verification found fails in it.
    pub verified: bool,
    /// What fails in it: (failure kind, sentence).
    pub problems: Vec<(String, String)>,
}

/// A container's timeline read from an evidence bundle, verified offline.
#[derive(Clone, Debug, serde::Serialize)]
pub struct BundleTimeline {
    /// The container.
    pub code: yima_codes::LabelCode,
    /// Its steps in the bundle's order (the order the exporter holds them).
    pub steps: Vec<BundleStep>,
    /// The verification of the whole bundle.
    pub report: BundleReport,
}

impl BundleTimeline {
    /// Whether the whole bundle verified.
    pub fn ok(&self) -> bool {
        self.report.ok()
    }
}

/// The timeline of `code` in the bundle `bytes` (a registry's or a device's), each step
/// marked with what verifying the bundle found in it. `BadInput` for bytes that are not a
/// bundle; `UnknownContainer` when the bundle holds no event of `code`.
pub fn bundle_timeline(
    bytes: &[u8],
    code: &yima_codes::LabelCode,
) -> Result<BundleTimeline, DeviceError> {
    let report = verify_bundle_bytes(bytes)?;
    let bundle: EvidenceBundle = serde_json::from_slice(bytes).map_err(|e| {
        crate::error::bad_input(
            format!("the bundle does not read: {e}"),
            format!("证据包无法读取：{e}"),
        )
    })?;
    let names: std::collections::HashMap<PublicKey, String> = bundle
        .keys
        .iter()
        .map(|k| (k.key, k.org_name.clone()))
        .collect();
    let mut steps = Vec::new();
    for (position, wire) in bundle.events.iter().enumerate() {
        let parsed: Option<SignedEvent> = wire.parse().ok();
        let concerns = match &parsed {
            Some(e) => e.body.link(code).is_some(),
            // An event whose body no longer reads is shown where its text names the code.
            None => wire.body.contains(code.as_str()),
        };
        if !concerns {
            continue;
        }
        let problems: Vec<(String, String)> = report
            .failures
            .iter()
            .filter(|f| {
                f.position == Some(position) && f.container.as_ref().is_none_or(|c| c == code)
            })
            .map(|f| (f.kind.as_str().to_string(), f.detail.clone()))
            .collect();
        steps.push(BundleStep {
            position,
            id: wire.id.to_string(),
            step: parsed.as_ref().map(|e| e.body.step()),
            at: parsed.as_ref().map(|e| e.body.at),
            org: parsed.as_ref().map(|e| e.body.by.org.clone()),
            org_name: parsed
                .as_ref()
                .and_then(|e| names.get(&e.body.by.key).cloned()),
            verified: problems.is_empty(),
            problems,
        });
    }
    if steps.is_empty() {
        return Err(DeviceError::bilingual(
            ErrorKind::UnknownContainer,
            format!("the bundle holds no event of {code}"),
            format!("证据包中没有容器 {code} 的事件"),
        ));
    }
    Ok(BundleTimeline {
        code: code.clone(),
        steps,
        report,
    })
}
