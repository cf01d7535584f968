//! Judging each code a scanner reads, one after another, for continuous scanning: a new
//! container to load (a short beep, green), or one to stop at (a loud sound, red): not on the
//! handover's list, already picked up, its label forged or signed by a revoked key. The
//! screens (camera, scan gun) only show the verdict; the rules are here.

use crate::clock::Clock;
use crate::error::DeviceError;
use crate::handover_online::waiting_offer_codes;
use crate::handover_qr::OfferLabelCheck;
use crate::Device;
use serde::Serialize;
use std::collections::BTreeSet;
use yima_codes::LabelCode;
use yima_core::{EventId, HandoverOfferQr, KeyId, LabelPayload, LabelVerdict, PublicKey};

/// What a scanned code is checked against.
#[derive(Clone, Debug)]
pub enum ScanAgainst {
    /// Nothing but its own signature and what this device holds.
    Nothing,
    /// A handover offer read from the giver's QR code (its text).
    QrOffer(String),
    /// A handover offer that came through the registry (its event id).
    OnlineOffer(EventId),
}

/// The verdict on one scanned code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ScanVerdict {
    /// A container to take: its label is signed by a known producer key, or by the key of
    /// the giver whose offer it is checked against (green).
    New,
    /// A label whose producer key this device does not know yet: not checkable, not an
    /// alarm (sync brings the key).
    KeyUnknown,
    /// Not on the handover's list: do not load it.
    NotOnOffer,
    /// This organisation already holds it in transit: picked up before (or a copied label).
    AlreadyHeld,
    /// Signed by a key that was revoked: a stolen device's or a retired one's.
    Revoked,
    /// The signature does not match the printed facts: forged or altered.
    Forged,
    /// Not a Yima label.
    NotALabel,
}

impl ScanVerdict {
    /// Whether the scanner must stop the person (loud sound, red).
    pub fn alarm(self) -> bool {
        matches!(
            self,
            ScanVerdict::NotOnOffer
                | ScanVerdict::AlreadyHeld
                | ScanVerdict::Revoked
                | ScanVerdict::Forged
        )
    }
}

/// One scanned code judged.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScanJudgement {
    /// The text read.
    pub text: String,
    /// The container's code, for a label.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub code: Option<LabelCode>,
    /// The declared quantity with its unit, for a label.
    pub quantity: Option<String>,
    /// The verdict.
    pub verdict: ScanVerdict,
    /// Whether it must stop the person ([`ScanVerdict::alarm`]).
    pub alarm: bool,
}

/// The worst of what the signature and the list say: a forged label is forged whatever
/// list it is on.
fn verdict(signature: &LabelVerdict, revoked: bool, check: &OfferLabelCheck) -> ScanVerdict {
    match signature {
        LabelVerdict::Forged => ScanVerdict::Forged,
        LabelVerdict::Valid { .. } if revoked => ScanVerdict::Revoked,
        _ if check.on_offer == crate::LabelOnOffer::NotListed => ScanVerdict::NotOnOffer,
        _ if check.already_held => ScanVerdict::AlreadyHeld,
        LabelVerdict::KeyUnknown { .. } => ScanVerdict::KeyUnknown,
        LabelVerdict::Valid { .. } => ScanVerdict::New,
    }
}

impl<C: Clock> Device<C> {
    /// Judges each of `texts` (read by a camera or typed by a scan gun) against `against`:
    /// its label's signature (forged, revoked key, unknown key), the offer's list and what
    /// this device's organisation already holds. Texts that are not labels are
    /// [`ScanVerdict::NotALabel`]; nothing is stored.
    pub fn judge_scans(
        &mut self,
        texts: &[String],
        against: &ScanAgainst,
    ) -> Result<Vec<ScanJudgement>, DeviceError> {
        let offer = match against {
            ScanAgainst::QrOffer(text) => {
                Some(HandoverOfferQr::parse(text).map_err(crate::handover_qr::qr_error)?)
            }
            _ => None,
        };
        let listed: Option<BTreeSet<LabelCode>> = match against {
            ScanAgainst::OnlineOffer(id) => {
                Some(self.store.read(|tx| waiting_offer_codes(tx, id))?)
            }
            _ => None,
        };
        let lists = |code: &LabelCode| match (&offer, &listed) {
            (Some(offer), _) => offer.lists(code),
            (_, Some(listed)) => listed.contains(code),
            (None, None) => true,
        };
        let known = self
            .store
            .read(|tx| Ok::<_, DeviceError>(tx.known_keys()?))?;
        // Known keys (and whether each is revoked), with the key of the giver whose offer the
        // labels are checked against: a label it signed shows the same device that offers the
        // container labelled it, and a label altered since fails against it.
        let mut keys: Vec<(PublicKey, bool)> = known
            .iter()
            .map(|k| (k.key, k.revoked_at.is_some()))
            .collect();
        if let Some(giver) = offer.as_ref().and_then(|o| o.event.giver()) {
            if !keys.iter().any(|(k, _)| k == &giver.key) {
                keys.push((giver.key, false));
            }
        }
        let mut out = Vec::with_capacity(texts.len());
        for text in texts {
            let Ok(label) = LabelPayload::parse(text) else {
                out.push(ScanJudgement {
                    text: text.clone(),
                    code: None,
                    quantity: None,
                    verdict: ScanVerdict::NotALabel,
                    alarm: false,
                });
                continue;
            };
            let signature = label.verify(|id: &KeyId| {
                keys.iter()
                    .find(|(k, _)| &KeyId::of(k) == id)
                    .map(|(k, _)| *k)
            });
            let revoked = match &signature {
                LabelVerdict::Valid { key } => keys.iter().any(|(k, r)| k == key && *r),
                _ => false,
            };
            let check = self
                .check_labels_against(std::slice::from_ref(text), lists)?
                .remove(0);
            let verdict = verdict(&signature, revoked, &check);
            out.push(ScanJudgement {
                text: text.clone(),
                code: Some(check.code),
                quantity: Some(label.quantity().to_string()),
                verdict,
                alarm: verdict.alarm(),
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::{ScanAgainst, ScanVerdict};
    use crate::handover_online::tests::{
        dispatched, label_text, pickup_offer_text, producer_and_carrier, Dev,
    };
    use crate::{Clock, ManualClock};
    use yima_core::{LabelPayload, LabelVerdict, Timestamp};

    fn verdicts(d: &mut Dev<'_>, texts: &[String], against: &ScanAgainst) -> Vec<ScanVerdict> {
        let judged = d.judge_scans(texts, against).unwrap();
        for j in &judged {
            assert_eq!(j.alarm, j.verdict.alarm());
        }
        judged.into_iter().map(|j| j.verdict).collect()
    }

    /// `text` with one digit changed so that it still reads as a label but its signature
    /// fails against `key`.
    fn forge(text: &str, key: &yima_core::PublicKey) -> String {
        for (i, ch) in text.char_indices().filter(|(_, c)| c.is_ascii_digit()) {
            let other = if ch == '9' {
                '8'
            } else {
                (ch as u8 + 1) as char
            };
            let forged = format!("{}{other}{}", &text[..i], &text[i + 1..]);
            if let Ok(label) = LabelPayload::parse(&forged) {
                if label.verify(|_| Some(*key)) == LabelVerdict::Forged {
                    return forged;
                }
            }
        }
        panic!("no digit of {text} forges it");
    }

    #[test]
    fn each_scanned_code_is_judged_against_the_offer_the_keys_and_what_is_held() {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(Timestamp(1_772_409_600_000)); // 2026-03-02
        let (mut producer, mut carrier) = producer_and_carrier(dir.path(), &clock);
        let (oil, other) = dispatched(&mut producer);
        let offer = pickup_offer_text(&mut producer, &mut carrier, &oil);
        let (oil_label, other_label) = (
            label_text(&mut producer, &oil),
            label_text(&mut producer, &other),
        );
        let producer_key = producer.identity().unwrap().key;
        let forged = forge(&oil_label, &producer_key);
        let texts = vec![
            oil_label.clone(),
            other_label.clone(),
            forged.clone(),
            "HELLO".to_string(),
        ];
        let against = ScanAgainst::QrOffer(offer.clone());

        // The carrier has never seen the producer's key: the offer's giver vouches for the
        // labels it signed, and a label altered since is forged.
        assert_eq!(
            verdicts(&mut carrier, &texts, &against),
            [
                ScanVerdict::New,
                ScanVerdict::NotOnOffer,
                ScanVerdict::Forged,
                ScanVerdict::NotALabel
            ]
        );
        // Against nothing, an unknown key's label is not checkable (no alarm), a forged one
        // neither (nothing to check it with).
        assert_eq!(
            verdicts(&mut carrier, &texts[..3], &ScanAgainst::Nothing),
            [ScanVerdict::KeyUnknown; 3]
        );
        // Nothing judged is stored.
        assert!(carrier.containers().unwrap().is_empty());

        // Taken, the drum's label read again is flagged as already held.
        let ack = carrier
            .accept_handover_qr(&offer, std::slice::from_ref(&oil_label))
            .unwrap();
        producer.confirm_handover_qr(&ack.ack_text).unwrap();
        assert_eq!(
            verdicts(&mut carrier, &texts[..1], &against),
            [ScanVerdict::AlreadyHeld]
        );

        // The producer's key revoked (a stolen device): its labels raise the alarm, before
        // any list.
        carrier.add_known(&producer.identity().unwrap()).unwrap();
        carrier
            .store
            .write(|tx| {
                Ok::<_, crate::DeviceError>(tx.set_key_revoked(&producer_key, clock.now())?)
            })
            .unwrap();
        assert_eq!(
            verdicts(&mut carrier, &texts[..3], &ScanAgainst::Nothing),
            [
                ScanVerdict::Revoked,
                ScanVerdict::Revoked,
                ScanVerdict::Forged
            ]
        );
    }

    #[test]
    fn a_label_is_checked_with_the_keys_given_with_or_without_a_device() {
        use crate::{check_label_with, LabelCheck};
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(Timestamp(1_772_409_600_000));
        let (mut producer, _) = producer_and_carrier(dir.path(), &clock);
        let (oil, _) = dispatched(&mut producer);
        let text = label_text(&mut producer, &oil);
        let forged = forge(&text, &producer.identity().unwrap().key);
        let keys = producer.label_keys().unwrap();
        let check = |keys, t: &str| check_label_with(keys, t).map(|c| (c.code, c.check));
        assert_eq!(
            check(&keys, &text).unwrap(),
            (oil.clone(), LabelCheck::Valid)
        );
        assert_eq!(check(&keys, &forged).unwrap().1, LabelCheck::Forged);
        let none = std::collections::HashMap::new();
        assert_eq!(check(&none, &text).unwrap().1, LabelCheck::KeyUnknown);
        let e = check(&keys, "HELLO").unwrap_err();
        assert_eq!(e.kind(), yima_core::PayloadErrorKind::NotYima);
        // The device's own check says the same.
        let checked = producer.check_label(&forged).unwrap().unwrap();
        assert_eq!(checked.check, LabelCheck::Forged);
        assert!(producer.check_label("HELLO").unwrap().is_none());
    }
}
