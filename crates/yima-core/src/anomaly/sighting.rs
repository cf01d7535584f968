//! Sighting rules: what scans of a label say, apart from its chain. A sighting is one scan
//! of a label (by an enrolled device, or a view of the registry's public page), kept by the
//! registry whether or not it knows the code. Three rules read them:
//!
//! - [`unseen_label`]: a code sighted that the registry still holds no registration of a
//!   grace period after its first sighting (a label printed outside the system, or a
//!   forgery of a code never issued);
//! - [`two_places`]: two sightings of one code farther apart than a container could travel
//!   in the time between them (a cloned label);
//! - [`forged_label`]: a label sighted whose signature does not verify, listed under
//!   [`AnomalyRule::BadSignature`] (a record somebody forged, as a refused event is).
//!
//! Distances are those of the route rules ([`super::distance_to_segment_m`] to a segment of
//! one point).

use super::{distance_to_segment_m, Anomaly, AnomalyConfig, AnomalyRule};
use crate::model::Timestamp;
use crate::track::Fix;
use serde::{Deserialize, Serialize};
use yima_codes::{CreditCode, LabelCode, Lang};

/// Where a label was sighted: a location fix (as a track's, without its time).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SightingPlace {
    /// Latitude in degrees × 10⁷ (north positive).
    pub lat_e7: i32,
    /// Longitude in degrees × 10⁷ (east positive).
    pub lon_e7: i32,
    /// The fix's horizontal accuracy in metres, if the source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_m: Option<u32>,
}

impl SightingPlace {
    /// Whether the coordinates are on the Earth.
    pub fn is_valid(&self) -> bool {
        (-900_000_000..=900_000_000).contains(&self.lat_e7)
            && (-1_800_000_000..=1_800_000_000).contains(&self.lon_e7)
    }

    fn fix(&self, at: Timestamp) -> Fix {
        Fix {
            at,
            lat_e7: self.lat_e7,
            lon_e7: self.lon_e7,
            accuracy_m: self.accuracy_m,
        }
    }
}

/// Who sighted a label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Sighter {
    /// An enrolled device of an organisation.
    Device {
        /// The organisation.
        org: CreditCode,
        /// The device's id (its key id).
        device: String,
    },
    /// Somebody opening the registry's public label page.
    PublicPage,
}

impl Sighter {
    fn describe(&self, lang: Lang) -> String {
        // A device's id is its key in hex: its first 12 characters name it for a person.
        let short = |d: &str| d.get(..12).unwrap_or(d).to_string();
        match (self, lang) {
            (Sighter::Device { org, device }, Lang::En) => {
                format!("device {} of {org}", short(device))
            }
            (Sighter::Device { org, device }, Lang::Zh) => {
                format!("{org} 的设备 {}", short(device))
            }
            (Sighter::PublicPage, Lang::En) => "the public label page".to_string(),
            (Sighter::PublicPage, Lang::Zh) => "公开标签页".to_string(),
        }
    }
}

/// Whether a sighted label's signature verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Seal {
    /// It verified with the key of the device that generated the container.
    Genuine,
    /// It did not: a forged or altered label (or one the registry could not check against
    /// the generating device, which it knows no record of).
    Forged,
    /// Whether it verifies could not be told (the registry holds no record of the code, so
    /// no generating device: [`unseen_label`] judges that).
    Unchecked,
}

impl Seal {
    /// Stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            Seal::Genuine => "genuine",
            Seal::Forged => "forged",
            Seal::Unchecked => "unchecked",
        }
    }

    /// From [`Seal::as_str`].
    pub fn parse(s: &str) -> Option<Seal> {
        [Seal::Genuine, Seal::Forged, Seal::Unchecked]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// One scan of a label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sighting {
    /// The label's container code.
    pub code: LabelCode,
    /// When it was scanned.
    pub at: Timestamp,
    /// Where, when the scanner had a location fix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<SightingPlace>,
    /// Who scanned it.
    pub who: Sighter,
    /// Whether its signature verified.
    pub seal: Seal,
}

/// The sightings of `code` that may be of a real label: every one but the forged, which
/// [`forged_label`] judges (anyone can print a code; only its producer's devices sign it).
fn maybe_real<'a>(
    code: &'a LabelCode,
    sightings: &'a [Sighting],
) -> impl Iterator<Item = &'a Sighting> {
    sightings
        .iter()
        .filter(move |s| &s.code == code && s.seal != Seal::Forged)
}

/// When a code sighted and not registered becomes an [`AnomalyRule::UnseenLabel`]: its
/// first sighting not of a forged label plus the grace. `None` when registered or never
/// sighted but forged.
pub fn unseen_label_due(
    code: &LabelCode,
    registered: bool,
    sightings: &[Sighting],
    config: &AnomalyConfig,
) -> Option<Timestamp> {
    if registered {
        return None;
    }
    let first = maybe_real(code, sightings).min_by_key(|s| s.at)?;
    Some(Timestamp(first.at.0.saturating_add(config.unseen_grace_ms)))
}

/// A code sighted (`sightings`) that the registry holds no registration of (`registered`
/// false) at `now`, the grace ([`AnomalyConfig::unseen_grace_ms`]) after its first sighting
/// or later: one anomaly, from that moment. Sightings of a forged label do not count (they
/// are [`forged_label`]'s). None while the grace runs, once registered, or never sighted
/// but forged.
pub fn unseen_label(
    code: &LabelCode,
    registered: bool,
    sightings: &[Sighting],
    now: Timestamp,
    config: &AnomalyConfig,
) -> Option<Anomaly> {
    let due = unseen_label_due(code, registered, sightings, config)?;
    if now < due {
        return None;
    }
    let first = maybe_real(code, sightings).min_by_key(|s| s.at)?;
    let n = maybe_real(code, sightings).count();
    let hours = config.unseen_grace_ms / 3_600_000;
    Some(Anomaly {
        rule: AnomalyRule::UnseenLabel,
        container: code.clone(),
        event: None,
        since: due,
        due: Some(due),
        en: format!(
            "label first scanned by {}, {n} scan(s), not registered within {hours} h",
            first.who.describe(Lang::En)
        ),
        zh: format!(
            "标签首次由{}扫描，共 {n} 次，{hours} 小时内未在登记系统登记",
            first.who.describe(Lang::Zh)
        ),
    })
}

/// The farthest a label may be from where it was sighted `gap_ms` before, in metres: the
/// speed limit times the gap, plus the tolerance and both fixes' accuracies.
fn reach_m(a: &Sighting, b: &Sighting, gap_ms: i64, config: &AnomalyConfig) -> f64 {
    let acc = |s: &Sighting| f64::from(s.place.and_then(|p| p.accuracy_m).unwrap_or(0));
    f64::from(config.sighting_max_speed_kmh) / 3_600.0 * gap_ms as f64
        + f64::from(config.sighting_tolerance_m)
        + acc(a)
        + acc(b)
}

/// Two sightings of `code`, each with a place, farther apart than the label could travel
/// between them ([`AnomalyConfig::sighting_max_speed_kmh`] × the time between, plus
/// [`AnomalyConfig::sighting_tolerance_m`] and both fixes' accuracies): one anomaly for the
/// first such pair in time (sightings compared with the one before them that has a place).
/// None when every move is possible, or fewer than two sightings have a place.
pub fn two_places(
    code: &LabelCode,
    sightings: &[Sighting],
    config: &AnomalyConfig,
) -> Option<Anomaly> {
    let mut placed: Vec<(&Sighting, SightingPlace)> = sightings
        .iter()
        .filter(|s| &s.code == code)
        .filter_map(|s| s.place.filter(SightingPlace::is_valid).map(|p| (s, p)))
        .collect();
    placed.sort_by_key(|(s, _)| s.at);
    placed.windows(2).find_map(|w| {
        let ((a, pa), (b, pb)) = (w[0], w[1]);
        let gap = b.at.0 - a.at.0;
        let fa = pa.fix(a.at);
        let d = distance_to_segment_m(&pb.fix(b.at), &fa, &fa);
        (d > reach_m(a, b, gap, config)).then(|| {
            let km = d / 1000.0;
            let min = gap / 60_000;
            Anomaly {
                rule: AnomalyRule::TwoPlaces,
                container: code.clone(),
                event: None,
                since: b.at,
                due: None,
                en: format!(
                    "scanned by {} and {} {km:.1} km apart within {min} min",
                    a.who.describe(Lang::En),
                    b.who.describe(Lang::En)
                ),
                zh: format!(
                    "{}与{}在 {min} 分钟内相距 {km:.1} 公里扫描到同一标签",
                    a.who.describe(Lang::Zh),
                    b.who.describe(Lang::Zh)
                ),
            }
        })
    })
}

/// A label of `code` sighted whose signature does not verify (a forged or altered label):
/// one [`AnomalyRule::BadSignature`] anomaly, from the first such sighting. None when every
/// sighting's label verified or could not be checked.
pub fn forged_label(code: &LabelCode, sightings: &[Sighting]) -> Option<Anomaly> {
    let forged: Vec<&Sighting> = sightings
        .iter()
        .filter(|s| &s.code == code && s.seal == Seal::Forged)
        .collect();
    let first = forged.iter().min_by_key(|s| s.at)?;
    let n = forged.len();
    Some(Anomaly {
        rule: AnomalyRule::BadSignature,
        container: code.clone(),
        event: None,
        since: first.at,
        due: None,
        en: format!(
            "a label whose signature fails scanned by {} ({n} scan(s))",
            first.who.describe(Lang::En)
        ),
        zh: format!(
            "{}扫描到签名无效的标签（共 {n} 次）",
            first.who.describe(Lang::Zh)
        ),
    })
}

/// Every sighting anomaly of `code` at `now`.
pub fn sighting_anomalies(
    code: &LabelCode,
    registered: bool,
    sightings: &[Sighting],
    now: Timestamp,
    config: &AnomalyConfig,
) -> Vec<Anomaly> {
    let mut out: Vec<Anomaly> = [
        unseen_label(code, registered, sightings, now, config),
        two_places(code, sightings, config),
        forged_label(code, sightings),
    ]
    .into_iter()
    .flatten()
    .collect();
    out.sort_by_key(|a| (a.since, a.rule));
    out
}

/// When to judge `code`'s sightings again: the end of an unregistered code's grace, if
/// after `now`.
pub fn next_sighting_deadline(
    code: &LabelCode,
    registered: bool,
    sightings: &[Sighting],
    now: Timestamp,
    config: &AnomalyConfig,
) -> Option<Timestamp> {
    unseen_label_due(code, registered, sightings, config).filter(|d| *d > now)
}
