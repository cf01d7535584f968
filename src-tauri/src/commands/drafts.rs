//! Forms kept as drafts, so nothing typed is lost when the app is killed.

use crate::{AppError, AppState};
use tauri::State;

/// Keeps the draft of `form` (its fields as JSON text).
#[tauri::command]
pub fn save_draft(state: State<'_, AppState>, form: String, text: String) -> Result<(), AppError> {
    state
        .drafts()
        .save(&form, &text)
        .map_err(|e| AppError::device(e, state.lang()))
}

/// The draft of `form`, if any.
#[tauri::command]
pub fn load_draft(state: State<'_, AppState>, form: String) -> Result<Option<String>, AppError> {
    state
        .drafts()
        .load(&form)
        .map_err(|e| AppError::device(e, state.lang()))
}

/// Forgets the draft of `form` once it is recorded.
#[tauri::command]
pub fn clear_draft(state: State<'_, AppState>, form: String) -> Result<(), AppError> {
    state
        .drafts()
        .clear(&form)
        .map_err(|e| AppError::device(e, state.lang()))
}
