//! The anomalies of every container this device holds: the core's rules
//! (`yima_core::anomalies`) over its verified events and the route fixes it holds, judged
//! at a time `now`, with this device's weighing tolerances and storage limits.

use crate::clock::Clock;
use crate::error::{DeviceError, ErrorKind};
use crate::Device;
use std::collections::BTreeSet;
use yima_codes::LabelCode;
use yima_core::{transports, Anomaly, AnomalyConfig, Timestamp, TransportFixes};

impl<C: Clock> Device<C> {
    /// The thresholds of the anomaly rules on this device: its weighing tolerances and its
    /// facilities' storage limits, the rest as [`AnomalyConfig::default`].
    pub fn anomaly_config(&self) -> AnomalyConfig {
        AnomalyConfig {
            tolerances: self.tolerances,
            storage_months_by_facility: self.facilities.limit_months.clone(),
            ..AnomalyConfig::default()
        }
    }

    /// [`Device::anomalies`] judged now, by this device's clock.
    pub fn anomalies_now(&mut self) -> Result<Vec<Anomaly>, DeviceError> {
        let now = self.clock.now();
        self.anomalies(now)
    }

    /// Every anomaly of every container this device holds events for, judged at `now`:
    /// only events that verify here count (a failing event is left out of its chain).
    /// Ordered by container, then by when each began.
    pub fn anomalies(&mut self, now: Timestamp) -> Result<Vec<Anomaly>, DeviceError> {
        let failed: BTreeSet<_> = self
            .verify(None)?
            .failures
            .into_iter()
            .map(|f| f.event)
            .collect();
        let config = self.anomaly_config();
        self.store.read(|tx| {
            let mut out = Vec::new();
            for code in tx.container_codes()? {
                let code: LabelCode = code.parse().map_err(|e| {
                    DeviceError::new(
                        ErrorKind::Storage,
                        format!("stored container code {code} is unreadable: {e}"),
                    )
                })?;
                let mut events = Vec::new();
                for row in tx.container_event_rows(&code)? {
                    let raw = row.to_raw()?;
                    if failed.contains(&raw.id) {
                        continue;
                    }
                    events.push(crate::stored::signed(raw)?);
                }
                let mut fixes = Vec::new();
                for t in transports(&events) {
                    if let (Some((end, _)), Some(track)) = (t.ended, t.track) {
                        fixes.push(TransportFixes {
                            ended_by: end,
                            fixes: tx.fixes_between(
                                &t.manifest,
                                &t.carrier,
                                track.first,
                                track.last,
                            )?,
                        });
                    }
                }
                out.extend(yima_core::anomalies(&code, &events, &fixes, now, &config));
            }
            Ok(out)
        })
    }
}
