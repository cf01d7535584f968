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
    containers_in_scope, verify_bundle, BundleError, BundleReport, BundleScope, EvidenceBundle,
    KeyOrigin, KeyRecord, PublicKey, SignedEvent, WireEvent,
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
    /// does not keep one). `UnknownContainer` when it holds no event of the scope.
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
/// each failing event. A file that cannot be read, or is not a bundle, is `BadInput`,
/// naming where.
pub fn verify_bundle_file(path: &Path) -> Result<BundleReport, DeviceError> {
    let bytes = std::fs::read(path).map_err(|e| {
        crate::error::bad_input(
            format!("cannot read {}: {e}", path.display()),
            format!("无法读取 {}：{e}", path.display()),
        )
    })?;
    verify_bundle_bytes(&bytes)
}

/// [`verify_bundle_file`] for a bundle already read.
pub fn verify_bundle_bytes(bytes: &[u8]) -> Result<BundleReport, DeviceError> {
    verify_bundle(bytes).map_err(|e| {
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
