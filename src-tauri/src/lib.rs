//! The Yima app: Tauri commands over the same use cases as the CLI (`yima-device`). Each
//! command is three lines — take the state, call one use case, map the error to a kind the
//! UI acts on — and the types the UI sees are generated to TypeScript (`dto.rs`).

mod command_list;
mod commands;
mod dto;
mod error;
mod state;
#[cfg(target_os = "linux")]
mod webview;

pub use command_list::COMMANDS;
pub use dto::*;
pub use error::AppError;
pub use state::AppState;

/// Registers the state and the commands on a builder (the real app's, or the mock runtime's
/// in tests).
pub fn setup<R: tauri::Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::setup::app_status,
            commands::setup::set_lang,
            commands::setup::set_operator,
            commands::setup::check_credit_code,
            commands::setup::init_device,
            commands::setup::start_demo,
            commands::setup::leave_demo,
            commands::containers::catalogue_search,
            commands::containers::register_container,
            commands::containers::containers,
            commands::manifests::manifests,
            commands::containers::anomalies,
            commands::containers::verify_bundle,
            commands::manifests::export_manifest_pdf,
            commands::road::road_pass,
            commands::road::read_road_pass,
            commands::road::check_road_pass,
            commands::audit::audit_choices,
            commands::audit::audit_search,
            commands::audit::audit_counts,
            commands::audit::audit_timeline,
            commands::containers::timeline,
            commands::containers::label_svg,
            commands::containers::save_labels,
            commands::steps::record_step,
            commands::handover::my_identity_qr,
            commands::handover::give_handover,
            commands::handover::check_offer_labels,
            commands::handover::take_handover,
            commands::handover::confirm_handover,
            commands::online::give_handover_online,
            commands::online::sent_offers,
            commands::online::received_offers,
            commands::online::check_received_offer_labels,
            commands::online::take_received_offer,
            commands::sync::enrol,
            commands::sync::sync_now,
            commands::containers::verify_all,
            commands::containers::ledger_csv,
            commands::containers::export_ledger,
            commands::scan::scan_image,
            commands::scan::read_enrolment_qr,
            commands::camera::scan_frame,
            commands::camera::judge_scans,
            commands::camera::code_kinds,
            commands::scale::read_scale,
            commands::route::set_location,
            commands::route::record_route_from_source,
            commands::route::record_route_fixes,
            commands::route::routes,
            commands::drafts::save_draft,
            commands::drafts::load_draft,
            commands::drafts::clear_draft,
        ])
}

/// Runs the app (desktop `main`, and the entry point of the Android and iOS builds).
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let state = AppState::from_env().expect("a data directory for Yima");
    #[allow(unused_mut)]
    let mut app = setup(tauri::Builder::<tauri::Wry>::default(), state);
    #[cfg(mobile)]
    {
        app = app
            .plugin(tauri_plugin_barcode_scanner::init())
            .plugin(tauri_plugin_geolocation::init());
    }
    #[cfg(target_os = "linux")]
    {
        app = app.setup(|app| {
            use tauri::Manager;
            if let Some(window) = app.get_webview_window("main") {
                webview::configure(&window);
            }
            Ok(())
        });
    }
    app.run(tauri::generate_context!())
        .expect("the Yima app runs");
}
