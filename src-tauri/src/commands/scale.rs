//! Reading a weight from an electronic scale on a serial port (desktop), to fill the
//! weighing form: the capture is yima-scale's, the weighing is recorded as any other step.

use crate::dto::{ScaleForm, ScaleLiveView, ScaleReadingView};
use crate::{AppError, AppState};
use tauri::ipc::Channel;
use tauri::State;
use yima_codes::Lang;
use yima_device::{DeviceError, ErrorKind};

fn bad(en: String, zh: String, lang: Lang) -> AppError {
    AppError::device(DeviceError::bilingual(ErrorKind::BadInput, en, zh), lang)
}

/// Waits for the scale on `form.port` to settle and returns its weight and identity, each
/// reading sent on `live` as it comes; the wait runs off the UI's thread.
#[tauri::command]
pub async fn read_scale(
    state: State<'_, AppState>,
    form: ScaleForm,
    live: Channel<ScaleLiveView>,
) -> Result<ScaleReadingView, AppError> {
    let lang = state.lang();
    read(form, live, lang).await
}

#[cfg(not(any(target_os = "android", target_os = "ios")))]
async fn read(
    form: ScaleForm,
    live: Channel<ScaleLiveView>,
    lang: Lang,
) -> Result<ScaleReadingView, AppError> {
    use yima_scale::{Capture, Protocol, Scale};
    let port = form.port.trim().to_string();
    if port.is_empty() {
        return Err(bad(
            "the scale's serial port is required (e.g. /dev/ttyUSB0, COM3)".into(),
            "请填写电子秤的串口（如 /dev/ttyUSB0、COM3）".into(),
            lang,
        ));
    }
    let protocol = match form.protocol.trim() {
        "" => Protocol::Generic,
        p => p.parse::<Protocol>().map_err(|p| {
            bad(
                format!("unknown scale protocol {p:?}: expected generic, mettler or toledo"),
                format!("未知的电子秤通信协议 {p:?}：应为 generic、mettler 或 toledo"),
                lang,
            )
        })?,
    };
    let baud = form.baud.unwrap_or(9600);
    let timeout = std::time::Duration::from_secs(form.timeout_secs.unwrap_or(30));
    let name = form.name.trim().to_string();
    let captured = tauri::async_runtime::spawn_blocking(move || {
        let mut scale = Scale::open(&port, baud, protocol)?;
        if !name.is_empty() {
            scale = scale.named(&name);
        }
        scale.capture_watching(Capture::default(), timeout, |r| {
            // A closed page stops listening; the capture goes on to its end.
            let _ = live.send(ScaleLiveView {
                text: r.to_string(),
                stable: r.stable,
            });
        })
    })
    .await
    .map_err(|e| {
        bad(
            format!("reading the scale stopped: {e}"),
            format!("读取电子秤中断：{e}"),
            lang,
        )
    })?
    .map_err(|e| AppError::scale(e, lang))?;
    Ok(ScaleReadingView {
        amount: captured.quantity.amount(),
        unit: captured.quantity.unit.symbol().into(),
        scale: captured.scale,
    })
}

/// Phones and tablets have no serial port: their weights are typed in.
#[cfg(any(target_os = "android", target_os = "ios"))]
async fn read(
    _form: ScaleForm,
    _live: Channel<ScaleLiveView>,
    lang: Lang,
) -> Result<ScaleReadingView, AppError> {
    Err(bad(
        "this device reads no scale: type the weight in".into(),
        "本设备无法读取电子秤：请手工输入重量".into(),
        lang,
    ))
}
