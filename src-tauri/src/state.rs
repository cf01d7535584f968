//! Where the app keeps its data and which language it speaks: the only state it holds. The
//! device itself is opened for each command (a SQLite file opens in about a millisecond),
//! so nothing is cached that another process could change underneath.

use crate::error::AppError;
use std::path::PathBuf;
use std::sync::Mutex;
use yima_codes::Lang;
use yima_core::Role;
use yima_device::{Device, Drafts, SystemClock};

/// The name under which the app's own settings are kept beside the drafts.
const SETTINGS: &str = "app-settings";

/// The app's settings, kept durably in the data directory.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
struct Settings {
    lang: Lang,
    /// The demo's device the app shows, while it shows the demo.
    demo: Option<Role>,
    /// Where a carrier's route fixes come from (kept from older settings files as none).
    #[serde(default)]
    location: Location,
}

/// Where a carrier's route fixes come from (a setting, and part of the app's status).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum Location {
    /// No location source: no route is recorded (said on screen).
    #[default]
    None,
    /// A file of fixes (GPX or CSV) a GPS logger or the tests write, read periodically.
    File {
        /// The file's path.
        path: String,
    },
    /// The phone's or tablet's own position (the geolocation plugin, Android and iOS).
    Device,
}

/// The app's state.
pub struct AppState {
    base: PathBuf,
    settings: Mutex<Settings>,
}

impl AppState {
    /// `YIMA_DATA_DIR`, else the platform's data directory (as the CLI), with the settings
    /// kept there.
    pub fn from_env() -> Option<AppState> {
        let base = match std::env::var_os("YIMA_DATA_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => dirs::data_dir()?.join("yima"),
        };
        Some(AppState::new(base))
    }

    /// The app over data directory `base`.
    pub fn new(base: PathBuf) -> AppState {
        let settings = Drafts::new(&base)
            .load(SETTINGS)
            .ok()
            .flatten()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or(Settings {
                lang: Lang::Zh,
                demo: None,
                location: Location::None,
            });
        AppState {
            base,
            settings: Mutex::new(settings),
        }
    }

    fn settings(&self) -> Settings {
        self.settings.lock().expect("settings lock").clone()
    }

    fn keep(&self, change: impl FnOnce(&mut Settings)) -> Result<(), AppError> {
        let mut settings = self.settings.lock().expect("settings lock");
        change(&mut settings);
        let text = serde_json::to_string(&*settings).expect("settings serialise");
        Drafts::new(&self.base)
            .save(SETTINGS, &text)
            .map_err(|e| AppError::device(e, settings.lang))
    }

    /// The language the user chose (Chinese by default).
    pub fn lang(&self) -> Lang {
        self.settings().lang
    }

    /// Changes the language.
    pub fn set_lang(&self, lang: Lang) -> Result<(), AppError> {
        self.keep(|s| s.lang = lang)
    }

    /// The demo's device shown, if the app shows the demo.
    pub fn demo(&self) -> Option<Role> {
        self.settings().demo
    }

    /// Shows the demo's device of `role`, or the user's own data again (`None`).
    pub fn set_demo(&self, role: Option<Role>) -> Result<(), AppError> {
        self.keep(|s| s.demo = role)
    }

    /// Where a carrier's route fixes come from.
    pub fn location(&self) -> Location {
        self.settings().location
    }

    /// Changes where a carrier's route fixes come from.
    pub fn set_location(&self, location: Location) -> Result<(), AppError> {
        self.keep(|s| s.location = location)
    }

    /// The user's own data directory.
    pub fn base(&self) -> &PathBuf {
        &self.base
    }

    /// Where the demo's three devices are kept (separate from the user's own data).
    pub fn demo_base(&self) -> PathBuf {
        self.base.join("demo")
    }

    /// The data directory in use: the user's own, or the demo device shown.
    pub fn dir(&self) -> PathBuf {
        match self.demo() {
            Some(role) => self.demo_base().join(role.as_str()),
            None => self.base.clone(),
        }
    }

    /// Opens the device in use.
    /// Opens the device in use, with the operator's files of its data directory (catalogue
    /// editions, storage facilities) applied as the CLI applies them.
    pub fn open(&self) -> Result<Device<SystemClock>, AppError> {
        let dir = self.dir();
        let lang = self.lang();
        let mut device = Device::open(&dir, SystemClock).map_err(|e| AppError::device(e, lang))?;
        device
            .apply_operator_files(&dir)
            .map_err(|e| AppError::device(e, lang))?;
        Ok(device)
    }

    /// The drafts of the data directory in use.
    pub fn drafts(&self) -> Drafts {
        Drafts::new(&self.dir())
    }
}
