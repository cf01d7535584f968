//! One call per step of a container's life in the test world: each records the event
//! an honest device would, chained on the containers' heads.

use super::{kg, Who, World, MINUTE};
use std::collections::BTreeMap;
use yima_core::yima_codes::{BatchKind, LabelCode, ManifestNumber};
use yima_core::{
    ContainerLabel, ContainerState, EventId, EventKind, SignedEvent, Timestamp, TransferManifest,
    TreatmentMode,
};

impl World {
    /// The producer generates a new container; returns its code.
    pub fn generate(&mut self) -> LabelCode {
        let label = self.new_label(Who::Producer);
        let code = label.code.clone();
        let event = EventKind::Generated {
            batch: self.batch(BatchKind::Generation),
            catalogue_edition: "2021".into(),
            label,
        };
        self.record(Who::Producer, event, &[&code]);
        code
    }

    pub fn store(&mut self, c: &[&LabelCode]) -> SignedEvent {
        self.store_by(Who::Producer, c)
    }

    /// `by` stores in its own facility.
    pub fn store_by(&mut self, by: Who, c: &[&LabelCode]) -> SignedEvent {
        let event = EventKind::Stored {
            batch: self.batch(BatchKind::IntoStore),
            facility_code: "ZC001".into(),
        };
        self.record(by, event, c)
    }

    /// `by` dispatches under `manifest`.
    pub fn dispatch(
        &mut self,
        by: Who,
        manifest: &TransferManifest,
        c: &[&LabelCode],
    ) -> SignedEvent {
        let event = self.dispatched_kind(manifest);
        self.record(by, event, c)
    }

    /// A dispatch under `manifest`, not yet recorded.
    pub fn dispatched_kind(&mut self, manifest: &TransferManifest) -> EventKind {
        EventKind::Dispatched {
            batch: self.batch(BatchKind::OutOfStore),
            facility_code: "ZC001".into(),
            manifest: manifest.clone(),
            outsourced_batch: self.batch(BatchKind::OutsourcedDisposal),
        }
    }

    pub fn picked_up_kind(&self, giver: Who, manifest: &ManifestNumber) -> EventKind {
        EventKind::PickedUp {
            driver: "李四".into(),
            giver: self.actor(giver),
            manifest: manifest.clone(),
            permit: "闽交运管许可榕字350100000001号".into(),
            vehicle_plate: "闽A·12345".into(),
        }
    }

    /// `taker` picks up from `giver`; the giver's device composes the offer.
    pub fn pick_up(
        &mut self,
        taker: Who,
        giver: Who,
        manifest: &ManifestNumber,
        c: &[&LabelCode],
    ) -> SignedEvent {
        let event = self.picked_up_kind(giver, manifest);
        let body = self.draft(taker, giver, event, c);
        self.seal(body)
    }

    pub fn relay(
        &mut self,
        taker: Who,
        giver: Who,
        manifest: &ManifestNumber,
        c: &[&LabelCode],
    ) -> SignedEvent {
        let event = EventKind::RelayHandover {
            driver: "王五".into(),
            giver: self.actor(giver),
            manifest: manifest.clone(),
            permit: "闽交运管许可厦字350200000002号".into(),
            place: "沈海高速莆田服务区".into(),
            vehicle_plate: "闽D·67890".into(),
        };
        self.record(taker, event, c)
    }

    /// `taker` receives from `giver`.
    pub fn receive(
        &mut self,
        taker: Who,
        giver: Who,
        manifest: &ManifestNumber,
        c: &[&LabelCode],
    ) -> SignedEvent {
        let event = EventKind::Received {
            giver: self.actor(giver),
            manifest: manifest.clone(),
        };
        self.record(taker, event, c)
    }

    /// The ordinary road: a manifest from the producer through the carrier to the
    /// receiver, dispatched, picked up and received. Returns the manifest.
    pub fn deliver(&mut self, c: &[&LabelCode]) -> TransferManifest {
        let m = self.manifest(Who::Producer, Who::Carrier, Who::Receiver);
        self.dispatch(Who::Producer, &m, c);
        self.pick_up(Who::Carrier, Who::Producer, &m.number, c);
        self.receive(Who::Receiver, Who::Carrier, &m.number, c);
        m
    }

    /// The receiver weighs what it received.
    pub fn weigh(&mut self, by: Who, c: &[&LabelCode]) -> SignedEvent {
        self.record(
            by,
            EventKind::Weighed {
                measured: kg("198.5"),
            },
            c,
        )
    }

    /// The holder weighs at a custody change, on a scale, with no discrepancy.
    pub fn weighing(&mut self, by: Who, c: &[&LabelCode]) -> SignedEvent {
        self.record(
            by,
            EventKind::Weighing {
                discrepancy: None,
                measured: kg("198.5"),
                method: yima_core::WeighMethod::Scale,
                scale: None,
                weigher: "陈称重".into(),
            },
            c,
        )
    }

    pub fn accept(&mut self, by: Who, c: &[&LabelCode]) -> SignedEvent {
        self.record(
            by,
            EventKind::Accepted {
                quantity: kg("198.5"),
            },
            c,
        )
    }

    pub fn partly_refuse(&mut self, by: Who, c: &[&LabelCode]) -> SignedEvent {
        let event = EventKind::PartlyRefused {
            accepted: kg("150"),
            reason: "部分桶体破损渗漏".into(),
            refused: kg("48.5"),
        };
        self.record(by, event, c)
    }

    pub fn refuse(&mut self, by: Who, c: &[&LabelCode]) -> SignedEvent {
        self.record(
            by,
            EventKind::Refused {
                quantity: kg("198.5"),
                reason: "废物代码与联单不符".into(),
            },
            c,
        )
    }

    /// `taker` (the producer) gets refused waste back from `giver` (a carrier).
    pub fn return_to(&mut self, taker: Who, giver: Who, c: &[&LabelCode]) -> SignedEvent {
        let event = EventKind::Returned {
            giver: self.actor(giver),
            reason: "接收单位拒收".into(),
        };
        self.record(taker, event, c)
    }

    pub fn dispose(&mut self, by: Who, c: &[&LabelCode]) -> SignedEvent {
        let kind = if by == Who::Producer {
            BatchKind::OwnDisposal
        } else {
            BatchKind::OutsourcedDisposal
        };
        let event = EventKind::Disposed {
            batch: self.batch(kind),
            completed_at: Timestamp(self.clock + 30 * MINUTE),
            method: "D10 焚烧".into(),
            mode: TreatmentMode::Disposal,
        };
        self.record(by, event, c)
    }

    /// `by` merges `sources` (all in `state`) into a new container; returns its code.
    pub fn merge(&mut self, by: Who, state: ContainerState, sources: &[&LabelCode]) -> LabelCode {
        let target = self.new_label(by);
        let code = target.code.clone();
        let mut all: Vec<&LabelCode> = sources.to_vec();
        all.push(&code);
        self.record(
            by,
            EventKind::Merged {
                inherited_state: state,
                target,
            },
            &all,
        );
        code
    }

    /// `by` splits `source` (in `state`) into `n` new containers; returns their codes.
    pub fn split(
        &mut self,
        by: Who,
        state: ContainerState,
        source: &LabelCode,
        n: usize,
    ) -> Vec<LabelCode> {
        let parts: Vec<ContainerLabel> = (0..n).map(|_| self.new_label(by)).collect();
        let codes: Vec<LabelCode> = parts.iter().map(|l| l.code.clone()).collect();
        let mut all: Vec<&LabelCode> = vec![source];
        all.extend(codes.iter());
        self.record(
            by,
            EventKind::Split {
                inherited_state: state,
                parts,
                returning: None,
            },
            &all,
        );
        codes
    }

    pub fn correct(&mut self, by: Who, corrects: EventId, c: &[&LabelCode]) -> SignedEvent {
        let mut changes = BTreeMap::new();
        // A fact any step has and no quantity depends on: walks correct any step.
        changes.insert("location".to_string(), "厂区东门".to_string());
        let event = EventKind::Correction {
            changes,
            corrects,
            reason: "地磅读数录入错误".into(),
        };
        self.record(by, event, c)
    }

    pub fn void(&mut self, c: &[&LabelCode]) -> SignedEvent {
        self.record(
            Who::Producer,
            EventKind::Void {
                quantity: None,
                reason: "标签打印错误".into(),
            },
            c,
        )
    }
}
