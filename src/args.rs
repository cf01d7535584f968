//! Turning command-line text into use-case requests: data directory, codes, times,
//! quantities, parties, and the JSON files handovers travel in.

use crate::cli::{Cli, When};
use crate::print::t;
use anyhow::{anyhow, Context, Result};
use std::path::{Path, PathBuf};
use yima_codes::{LabelCode, Lang, ManifestNumber};
use yima_core::{Quantity, Timestamp, TreatmentMode};
use yima_device::{Action, ActionRequest, Device, DeviceError, ErrorKind, SystemClock};

pub(crate) type Dev = Device<SystemClock>;

pub(crate) fn data_dir(cli: &Cli) -> Result<PathBuf> {
    if let Some(d) = &cli.data_dir {
        return Ok(d.clone());
    }
    let base = dirs::data_dir()
        .ok_or_else(|| anyhow!("no data directory on this platform: pass --data-dir"))?;
    Ok(base.join("yima"))
}

pub(crate) fn open(cli: &Cli) -> Result<Dev> {
    let dir = data_dir(cli)?;
    let mut dev = Device::open(&dir, SystemClock)?;
    dev.apply_operator_files(&dir)?;
    Ok(dev)
}

pub(crate) fn bad(en: String, zh: String) -> anyhow::Error {
    DeviceError::bilingual(ErrorKind::BadInput, en, zh).into()
}

pub(crate) fn codes(list: &[String]) -> Result<Vec<LabelCode>> {
    Ok(yima_device::parse_codes(list)?)
}

pub(crate) fn time(text: &str) -> Result<Timestamp> {
    Ok(yima_device::parse_time(text)?)
}

/// An optional day (YYYY-MM-DD, China time).
pub(crate) fn day(text: &Option<String>) -> Result<Option<chrono::NaiveDate>> {
    Ok(text.as_deref().map(yima_device::parse_day).transpose()?)
}

pub(crate) fn quantity(amount: &str, unit: &str) -> Result<Quantity> {
    Ok(yima_device::parse_quantity(amount, unit)?)
}

pub(crate) fn mode(text: &str) -> Result<TreatmentMode> {
    Ok(yima_device::parse_mode(text)?)
}

pub(crate) fn read_json<T: serde::de::DeserializeOwned>(path: &Path, lang: Lang) -> Result<T> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{} {}", t(lang, "cli.msg.cannot_read"), path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        DeviceError::bilingual(
            ErrorKind::BadHandover,
            format!("{} is not a valid Yima file: {e}", path.display()),
            format!("{} 不是有效的 Yima 文件：{e}", path.display()),
        )
        .into()
    })
}

pub(crate) fn write_json<T: serde::Serialize>(path: &Path, value: &T, lang: Lang) -> Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    write_file(path, (text + "\n").as_bytes(), lang)
}

/// Writes `bytes` to `path`; a failure names the file in the user's language.
pub(crate) fn write_file(path: &Path, bytes: &[u8], lang: Lang) -> Result<()> {
    std::fs::write(path, bytes)
        .with_context(|| format!("{} {}", t(lang, "cli.msg.cannot_write"), path.display()))
}

pub(crate) fn request(codes: Vec<LabelCode>, action: Action, when: &When) -> Result<ActionRequest> {
    Ok(ActionRequest {
        codes,
        action,
        at: when.at.as_deref().map(time).transpose()?,
        location: when.location.clone(),
    })
}

pub(crate) fn manifest_number(text: &str) -> Result<ManifestNumber> {
    Ok(yima_device::parse_manifest(text)?)
}
