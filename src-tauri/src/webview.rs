//! The desktop (Linux) web view's settings: the camera allowed, and accelerated compositing
//! only where there is a GPU to do it.
//!
//! WebKitGTK composites a page's layers with OpenGL. With no GPU device (no DRM render node,
//! as in a virtual machine, under Xvfb, or on a laptop without its graphics driver), that
//! OpenGL is Mesa's software rasteriser: every frame of the camera's preview is composited on
//! the CPU the decoder needs, and the web process holds about 250 MB more (`scripts/bench-camera`
//! with and without `YIMA_WEBVIEW_GPU=on`). Without a GPU the web view therefore paints
//! without compositing.
//! `YIMA_WEBVIEW_GPU=on|off` overrides the choice.

use std::path::Path;

/// Whether the web view composites with OpenGL: `setting` (`YIMA_WEBVIEW_GPU`: `on` or
/// `off`) when given, else whether `dri` (`/dev/dri`) holds a render node.
pub fn accelerate(setting: Option<&str>, dri: &Path) -> bool {
    match setting.map(str::trim) {
        Some("on") => true,
        Some("off") => false,
        _ => std::fs::read_dir(dri).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        }),
    }
}

/// Sets up the desktop web view: media streams on and the camera's permission request
/// answered (the person chose to scan; with `YIMA_MOCK_CAMERA=1` WebKit's own test-pattern
/// cameras stand in for a real one), and compositing as [`accelerate`] decides.
pub fn configure<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
    use webkit2gtk::{HardwareAccelerationPolicy, PermissionRequestExt, SettingsExt, WebViewExt};
    let mock = std::env::var("YIMA_MOCK_CAMERA").is_ok_and(|v| v == "1");
    let gpu = accelerate(
        std::env::var("YIMA_WEBVIEW_GPU").ok().as_deref(),
        Path::new("/dev/dri"),
    );
    let _ = window.with_webview(move |webview| {
        let view = webview.inner();
        if let Some(settings) = view.settings() {
            settings.set_enable_media_stream(true);
            settings.set_enable_mock_capture_devices(mock);
            if !gpu {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        }
        view.connect_permission_request(|_, request| {
            request.allow();
            true
        });
    });
}

#[cfg(test)]
mod tests {
    use super::accelerate;

    #[test]
    fn composites_only_with_a_render_node_unless_told() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!accelerate(None, &dir.path().join("missing")));
        assert!(!accelerate(None, dir.path()));
        std::fs::write(dir.path().join("card0"), b"").unwrap();
        assert!(
            !accelerate(None, dir.path()),
            "a card alone is no render node"
        );
        std::fs::write(dir.path().join("renderD128"), b"").unwrap();
        assert!(accelerate(None, dir.path()));
        assert!(!accelerate(Some("off"), dir.path()));
        assert!(accelerate(Some("on"), &dir.path().join("missing")));
        assert!(accelerate(Some("anything else"), dir.path()));
    }
}
