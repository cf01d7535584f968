//! First run, language, the demo, and the app's status.

use crate::dto::{AppStatus, CodeCheck, Identity, InitForm, LabelBlockView};
use crate::{AppError, AppState};
use tauri::State;
use yima_codes::{CreditCode, Lang};
use yima_core::Role;
use yima_device::{BlockSource, Device, DeviceError, ErrorKind, InitRequest, SystemClock};

pub(crate) fn status(state: &AppState) -> Result<AppStatus, AppError> {
    let lang = state.lang();
    let dir = state.dir();
    let mut status = AppStatus {
        initialised: false,
        demo: state.demo().map(|r| r.as_str().to_owned()),
        data_dir: dir.display().to_string(),
        lang: lang_code(lang).into(),
        identity: None,
        outbox_pending: 0,
        registry: None,
        label_block: None,
        operator: None,
        camera: if std::env::var("YIMA_TEST_CAMERA").is_ok_and(|v| v == "1") {
            "test".into()
        } else {
            "device".into()
        },
        location: state.location(),
    };
    let mut device = match state.open() {
        Ok(device) => device,
        Err(e) if e.kind == "not_initialised" => return Ok(status),
        Err(e) => return Err(e),
    };
    let e = |e| AppError::device(e, lang);
    let card = device.identity().map_err(e)?;
    status.initialised = true;
    status.identity = Some(Identity {
        role: card.role.as_str().into(),
        org_name: card.org.name.clone(),
        credit_code: card.org.credit_code.to_string(),
        key_id: card.key.short(),
    });
    status.outbox_pending = device.outbox_counts().map_err(e)?.pending as u32;
    status.operator = device.operator().map_err(e)?;
    status.registry = device.registry().map_err(e)?.map(|(url, _)| url);
    let (block, source) = device.sequence_block().map_err(e)?;
    status.label_block = Some(LabelBlockView {
        block: block.to_string(),
        source: match source {
            BlockSource::Registry => "registry",
            BlockSource::SetUp => "set_up",
            BlockSource::None => "none",
        }
        .into(),
    });
    Ok(status)
}

fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

fn role(text: &str, lang: Lang) -> Result<Role, AppError> {
    text.parse::<Role>().map_err(|_| {
        AppError::device(
            DeviceError::bilingual(
                ErrorKind::BadInput,
                format!("unknown role {text:?}"),
                format!("未知角色 {text:?}"),
            ),
            lang,
        )
    })
}

/// The app's status: first run or not, who this device is, what waits to sync.
#[tauri::command]
pub fn app_status(state: State<'_, AppState>) -> Result<AppStatus, AppError> {
    status(&state)
}

/// Switches the language (`zh` or `en`).
#[tauri::command]
pub fn set_lang(state: State<'_, AppState>, lang: String) -> Result<AppStatus, AppError> {
    let lang = if lang == "en" { Lang::En } else { Lang::Zh };
    state.set_lang(lang)?;
    status(&state)
}

/// Sets the person doing the steps on this device (经办人): signed into every event it
/// records from now on.
#[tauri::command]
pub fn set_operator(state: State<'_, AppState>, name: String) -> Result<AppStatus, AppError> {
    let lang = state.lang();
    state
        .open()?
        .set_operator(&name)
        .map_err(|e| AppError::device(e, lang))?;
    status(&state)
}

/// Checks a unified social credit code as it is typed.
#[tauri::command]
pub fn check_credit_code(state: State<'_, AppState>, text: String) -> CodeCheck {
    match text.trim().parse::<CreditCode>() {
        Ok(_) => CodeCheck {
            valid: true,
            message: None,
        },
        Err(e) => CodeCheck {
            valid: false,
            message: Some(e.message(state.lang())),
        },
    }
}

/// First run, offline: this device's identity and a new key.
#[tauri::command]
pub fn init_device(state: State<'_, AppState>, req: InitForm) -> Result<AppStatus, AppError> {
    let lang = state.lang();
    let request = InitRequest::new(
        role(&req.role, lang)?,
        req.org_name.trim(),
        req.credit_code.trim(),
    );
    Device::init(&state.dir(), &request, SystemClock).map_err(|e| AppError::device(e, lang))?;
    status(&state)
}

/// Shows the demo's data (made once, in a directory of its own) as the device of `role`.
#[tauri::command]
pub fn start_demo(state: State<'_, AppState>, role: String) -> Result<AppStatus, AppError> {
    let lang = state.lang();
    let role = match self::role(&role, lang)? {
        Role::Regulator => Role::Receiver,
        r => r,
    };
    let base = state.demo_base();
    if !base
        .join(role.as_str())
        .join(yima_device::STORE_FILE)
        .exists()
    {
        yima_device::run_demo(&base).map_err(|e| AppError::device(e, lang))?;
    }
    state.set_demo(Some(role))?;
    status(&state)
}

/// Back to the user's own data.
#[tauri::command]
pub fn leave_demo(state: State<'_, AppState>) -> Result<AppStatus, AppError> {
    state.set_demo(None)?;
    status(&state)
}
