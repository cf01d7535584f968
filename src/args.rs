//! Turning command-line text into use-case requests: data directory, codes, times,
//! quantities, parties, and the JSON files handovers travel in.

use crate::cli::{Cli, When};
use crate::print::t;
use anyhow::{anyhow, Context, Result};
use std::path::{Path, PathBuf};
use yima_codes::{CreditCode, LabelCode, Lang, ManifestNumber};
use yima_core::{Party, Quantity, Timestamp, TreatmentMode, Unit};
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
    Ok(Device::open(&data_dir(cli)?, SystemClock)?)
}

pub(crate) fn bad(en: String, zh: String) -> anyhow::Error {
    DeviceError::bilingual(ErrorKind::BadInput, en, zh).into()
}

pub(crate) fn codes(list: &[String]) -> Result<Vec<LabelCode>> {
    if list.is_empty() {
        return Err(bad(
            "no container code given".into(),
            "未指定容器编码".into(),
        ));
    }
    list.iter()
        .map(|c| Ok(c.trim().parse::<LabelCode>().map_err(DeviceError::from)?))
        .collect()
}

pub(crate) fn time(text: &str) -> Result<Timestamp> {
    let t = chrono::DateTime::parse_from_rfc3339(text.trim()).map_err(|e| {
        bad(
            format!("{text:?} is not an RFC 3339 time ({e})"),
            format!("{text:?} 不是 RFC 3339 时间格式（{e}）"),
        )
    })?;
    Ok(Timestamp::from_datetime(t.to_utc()))
}

pub(crate) fn quantity(amount: &str, unit: &str) -> Result<Quantity> {
    let unit: Unit = unit.parse().map_err(DeviceError::from)?;
    Ok(Quantity::parse(amount, unit).map_err(DeviceError::from)?)
}

pub(crate) fn mode(text: &str) -> Result<TreatmentMode> {
    match text.trim() {
        "use" | "利用" => Ok(TreatmentMode::Use),
        "disposal" | "处置" => Ok(TreatmentMode::Disposal),
        other => Err(bad(
            format!("unknown mode {other:?}: expected use or disposal"),
            format!("未知方式 {other:?}：应为 use（利用）或 disposal（处置）"),
        )),
    }
}

pub(crate) fn read_json<T: serde::de::DeserializeOwned>(path: &Path, lang: Lang) -> Result<T> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{} {}", t(lang, "无法读取", "cannot read"), path.display()))?;
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
        .with_context(|| format!("{} {}", t(lang, "无法写入", "cannot write"), path.display()))
}

pub(crate) fn request(codes: Vec<LabelCode>, action: Action, when: &When) -> Result<ActionRequest> {
    Ok(ActionRequest {
        codes,
        action,
        at: when.at.as_deref().map(time).transpose()?,
        location: when.location.clone(),
    })
}

pub(crate) fn party(code: &str, name: &str) -> Result<Party> {
    let credit_code: CreditCode = code.trim().parse().map_err(DeviceError::from)?;
    Ok(Party {
        credit_code,
        name: name.trim().to_string(),
    })
}

pub(crate) fn manifest_number(text: &str) -> Result<ManifestNumber> {
    Ok(text
        .trim()
        .parse::<ManifestNumber>()
        .map_err(DeviceError::from)?)
}
