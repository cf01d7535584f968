// The app's own commands become permissions (`allow-<command>`), and the capability in
// `capabilities/default.json` grants exactly those: nothing else of Tauri's is exposed.
fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(yima_app_commands::COMMANDS)),
    )
    .expect("the Tauri build step");
}

mod yima_app_commands {
    include!("src/command_list.rs");
}
