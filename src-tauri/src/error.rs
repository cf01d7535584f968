//! The one error the UI sees: a kind it acts on, and a message in the user's language.

use serde::Serialize;
use ts_rs::TS;
use yima_codes::Lang;
use yima_device::DeviceError;

/// An error for the UI: `kind` is a stable snake_case word (`bad_input`, `forbidden`,
/// `unknown_container`, `forged_label`, `not_weighed`, `not_initialised`, `storage`,
/// `scan_…`, `render_…`), `message` says what went wrong and what to do, in the user's
/// language, and `containers` the containers it concerns where the kind names them (for
/// `not_weighed`: the containers to weigh before the dispatch).
#[derive(Clone, Debug, Serialize, TS)]
pub struct AppError {
    /// What went wrong, for the UI to act on.
    pub kind: String,
    /// What to tell the user.
    pub message: String,
    /// The containers the error concerns, for the UI to act on (absent when it names none).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub containers: Option<Vec<String>>,
}

impl AppError {
    /// From a device use case's error.
    pub fn device(e: DeviceError, lang: Lang) -> AppError {
        AppError {
            kind: serde_json::to_value(e.kind())
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_else(|| "storage".into()),
            message: e.message(lang),
            containers: (!e.containers().is_empty())
                .then(|| e.containers().iter().map(|c| c.to_string()).collect()),
        }
    }

    /// Input the UI sent that no command could take (`bad_input`), said in `lang`.
    pub fn bad_input(lang: Lang, en: &str, zh: &str) -> AppError {
        AppError {
            kind: "bad_input".into(),
            message: match lang {
                Lang::Zh => zh.into(),
                _ => en.into(),
            },
            containers: None,
        }
    }

    /// From a decoding error.
    pub fn scan(e: yima_scan::ScanError, lang: Lang) -> AppError {
        AppError {
            kind: format!("scan_{}", snake(&format!("{:?}", e.kind()))),
            message: e.message(lang),
            containers: None,
        }
    }

    /// From a scale that gave no weight (`scale_port`, `scale_timeout`, `scale_unstable`,
    /// `scale_unreadable`, `scale_unit`, `scale_range`).
    #[cfg(not(any(target_os = "android", target_os = "ios")))]
    pub fn scale(e: yima_scale::ScaleError, lang: Lang) -> AppError {
        AppError {
            kind: format!("scale_{}", snake(&format!("{:?}", e.kind()))),
            message: e.message(lang),
            containers: None,
        }
    }

    /// From a rendering error.
    pub fn render(e: yima_label::RenderError, lang: Lang) -> AppError {
        AppError {
            kind: format!("render_{}", snake(&format!("{:?}", e.kind()))),
            message: e.message(lang),
            containers: None,
        }
    }
}

/// `TooLarge` → `too_large`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn kinds_are_snake_case() {
        assert_eq!(super::snake("TooLarge"), "too_large");
        assert_eq!(super::snake("Io"), "io");
    }
}
