//! Handing custody over without a network: the giver shows an offer QR code, the taker reads
//! it with every label, countersigns and shows an acknowledgement QR code, which the giver
//! reads back. Each QR code is also saved as a PNG in `exports/` to print or send.

use crate::dto::{GiveForm, OfferLabelView, QrShown, TakenView};
use crate::{AppError, AppState};
use base64::Engine;
use tauri::State;
use yima_codes::Lang;
use yima_device::{parse_codes, Device, IdentityCard, SystemClock};

/// Renders `text` as a screen QR code, saves its PNG as `exports/<stem>-….png`.
pub(crate) fn shown(
    state: &AppState,
    device: &Device<SystemClock>,
    stem: &str,
    text: String,
    lang: Lang,
) -> Result<QrShown, AppError> {
    let qr = yima_label::screen_qr_png(&text).map_err(|e| AppError::render(e, lang))?;
    let path = device
        .save_export(&state.dir(), stem, "png", &qr.png)
        .map_err(|e| AppError::device(e, lang))?;
    Ok(QrShown {
        text,
        png_base64: base64::engine::general_purpose::STANDARD.encode(&qr.png),
        path: path.display().to_string(),
    })
}

/// This device's identity QR code, for the party that hands containers to it.
#[tauri::command]
pub fn my_identity_qr(state: State<'_, AppState>) -> Result<QrShown, AppError> {
    let lang = state.lang();
    let e = |e| AppError::device(e, lang);
    let mut device = state.open()?;
    let text = device.identity().map_err(e)?.to_qr_text().map_err(e)?;
    shown(&state, &device, "identity", text, lang)
}

/// As the giver: signs a handover of the containers to the party whose identity was read,
/// and returns the offer QR code to show it.
#[tauri::command]
pub fn give_handover(state: State<'_, AppState>, req: GiveForm) -> Result<QrShown, AppError> {
    let lang = state.lang();
    let e = |e| AppError::device(e, lang);
    let codes = parse_codes(&req.codes).map_err(e)?;
    let taker = IdentityCard::from_qr_text(req.taker.trim()).map_err(e)?;
    let step = req.handover.step().map_err(e)?;
    let mut device = state.open()?;
    let offer = device
        .offer_handover_qr(&codes, &taker, step, None, None)
        .map_err(e)?;
    shown(&state, &device, "offer", offer.to_text(), lang)
}

/// As the taker: each scanned label against the offer's list and what this device holds.
#[tauri::command]
pub fn check_offer_labels(
    state: State<'_, AppState>,
    offer: String,
    labels: Vec<String>,
) -> Result<Vec<OfferLabelView>, AppError> {
    let lang = state.lang();
    let checks = state
        .open()?
        .check_offer_labels(offer.trim(), &labels)
        .map_err(|e| AppError::device(e, lang))?;
    Ok(checks.into_iter().map(OfferLabelView::from).collect())
}

/// As the taker: checks the labels against the offer, countersigns, stores the event and
/// returns the acknowledgement QR code for the giver.
#[tauri::command]
pub fn take_handover(
    state: State<'_, AppState>,
    offer: String,
    labels: Vec<String>,
) -> Result<TakenView, AppError> {
    let lang = state.lang();
    let mut device = state.open()?;
    let done = device
        .accept_handover_qr(offer.trim(), &labels)
        .map_err(|e| AppError::device(e, lang))?;
    Ok(TakenView {
        ack: shown(&state, &device, "ack", done.ack_text, lang)?,
        event_id: done.event_id,
        not_checkable: done
            .labels_not_checkable
            .iter()
            .map(ToString::to_string)
            .collect(),
        without_history: done
            .without_history
            .iter()
            .map(ToString::to_string)
            .collect(),
    })
}

/// As the giver: reads the taker's acknowledgement and stores the dual-signed event.
#[tauri::command]
pub fn confirm_handover(state: State<'_, AppState>, ack: String) -> Result<String, AppError> {
    let lang = state.lang();
    let event = state
        .open()?
        .confirm_handover_qr(ack.trim())
        .map_err(|e| AppError::device(e, lang))?;
    Ok(event.id.to_string())
}
