//! Handing custody over through the registry when both devices are enrolled: the giver's
//! offer goes out at its next sync, the taker's device receives it at its own, the taker
//! checks every label and countersigns, and the dual-signed event reaches the giver by sync.

use crate::dto::{GiveForm, OfferLabelView, ReceivedOfferView, SentOfferView};
use crate::{AppError, AppState};
use tauri::State;
use yima_core::EventId;
use yima_device::{parse_codes, IdentityCard};

fn event_id(text: &str, lang: yima_codes::Lang) -> Result<EventId, AppError> {
    text.trim().parse().map_err(|_| AppError {
        kind: "bad_input".into(),
        message: match lang {
            yima_codes::Lang::Zh => "不是有效的交接邀请编号".into(),
            yima_codes::Lang::En => "not a handover offer's id".into(),
        },
        containers: None,
    })
}

/// As the giver: signs a handover to the party whose identity was read and queues the offer
/// for the registry (it goes out at the next sync).
#[tauri::command]
pub fn give_handover_online(
    state: State<'_, AppState>,
    req: GiveForm,
) -> Result<SentOfferView, AppError> {
    let lang = state.lang();
    let e = |e| AppError::device(e, lang);
    let codes = parse_codes(&req.codes).map_err(e)?;
    let taker = IdentityCard::from_qr_text(req.taker.trim()).map_err(e)?;
    let step = req.handover.step().map_err(e)?;
    let sent = state
        .open()?
        .offer_handover_online(&codes, &taker, step, None, None)
        .map_err(e)?;
    Ok(SentOfferView::from(sent))
}

/// The offers this device sent through the registry, newest first: waiting or taken.
#[tauri::command]
pub fn sent_offers(state: State<'_, AppState>) -> Result<Vec<SentOfferView>, AppError> {
    let lang = state.lang();
    let sent = state
        .open()?
        .sent_offers()
        .map_err(|e| AppError::device(e, lang))?;
    Ok(sent.into_iter().map(SentOfferView::from).collect())
}

/// The offers that reached this device through the registry and wait for its signature.
#[tauri::command]
pub fn received_offers(state: State<'_, AppState>) -> Result<Vec<ReceivedOfferView>, AppError> {
    let lang = state.lang();
    let offers = state
        .open()?
        .received_offers()
        .map_err(|e| AppError::device(e, lang))?;
    Ok(offers.into_iter().map(ReceivedOfferView::from).collect())
}

/// As the taker: each scanned label against a received offer's list.
#[tauri::command]
pub fn check_received_offer_labels(
    state: State<'_, AppState>,
    id: String,
    labels: Vec<String>,
) -> Result<Vec<OfferLabelView>, AppError> {
    let lang = state.lang();
    let id = event_id(&id, lang)?;
    let checks = state
        .open()?
        .check_received_offer_labels(&id, &labels)
        .map_err(|e| AppError::device(e, lang))?;
    Ok(checks.into_iter().map(OfferLabelView::from).collect())
}

/// As the taker: checks the labels against a received offer and countersigns; the event goes
/// out at the next sync. Returns its id.
#[tauri::command]
pub fn take_received_offer(
    state: State<'_, AppState>,
    id: String,
    labels: Vec<String>,
) -> Result<String, AppError> {
    let lang = state.lang();
    let id = event_id(&id, lang)?;
    let event = state
        .open()?
        .take_received_offer(&id, &labels)
        .map_err(|e| AppError::device(e, lang))?;
    Ok(event.id.to_string())
}
