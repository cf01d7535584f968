//! Files the device hands to people: the ledger, handover and identity QR codes, labels. They
//! go into the data directory's `exports/`, named by what they are and the China time they
//! were made, never overwriting an earlier one.

use crate::clock::Clock;
use crate::error::{DeviceError, ErrorKind};
use crate::Device;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The folder of a data directory that exports go into.
pub const EXPORTS: &str = "exports";

fn io_error(folder: &Path, e: std::io::Error) -> DeviceError {
    DeviceError::bilingual(
        ErrorKind::Storage,
        format!("cannot write into {}: {e}", folder.display()),
        format!("无法写入 {}：{e}", folder.display()),
    )
}

impl<C: Clock> Device<C> {
    /// A new file `exports/<stem>-<China time>[-n].<ext>` in `dir`, created (so no other
    /// export takes its name), with its path.
    pub(crate) fn new_export(
        &self,
        dir: &Path,
        stem: &str,
        ext: &str,
    ) -> Result<(std::fs::File, PathBuf), DeviceError> {
        let folder = dir.join(EXPORTS);
        std::fs::create_dir_all(&folder).map_err(|e| io_error(&folder, e))?;
        let stamp = crate::ledger::china_time(self.clock().now())
            .chars()
            .filter(char::is_ascii_digit)
            .take(14)
            .collect::<String>();
        let stem: String = stem
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        for n in 1.. {
            let name = match n {
                1 => format!("{stem}-{stamp}.{ext}"),
                n => format!("{stem}-{stamp}-{n}.{ext}"),
            };
            let path = folder.join(name);
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(file) => return Ok((file, path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(io_error(&folder, e)),
            }
        }
        unreachable!("some file name is free")
    }

    /// Writes `bytes` as a new export (see [`Device::new_export`]) and returns its path.
    pub fn save_export(
        &self,
        dir: &Path,
        stem: &str,
        ext: &str,
        bytes: &[u8],
    ) -> Result<PathBuf, DeviceError> {
        let (mut file, path) = self.new_export(dir, stem, ext)?;
        let folder = dir.join(EXPORTS);
        file.write_all(bytes).map_err(|e| io_error(&folder, e))?;
        file.sync_all().map_err(|e| io_error(&folder, e))?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Device, InitRequest, ManualClock};
    use yima_core::{Role, Timestamp};

    #[test]
    fn exports_never_overwrite_one_another_and_carry_china_time() {
        let dir = tempfile::tempdir().unwrap();
        // 2025-01-01T00:00:00Z is 08:00 in China.
        let clock = ManualClock::new(Timestamp(1_735_689_600_000));
        let device = Device::init(
            dir.path(),
            &InitRequest::new(Role::Producer, "示例化工有限公司", "91350100M000100Y43"),
            &clock,
        )
        .unwrap();
        let a = device
            .save_export(dir.path(), "offer", "png", b"a")
            .unwrap();
        let b = device
            .save_export(dir.path(), "offer", "png", b"b")
            .unwrap();
        assert_ne!(a, b);
        assert!(a.ends_with("exports/offer-20250101080000.png"), "{a:?}");
        assert_eq!(std::fs::read(&a).unwrap(), b"a");
        assert_eq!(std::fs::read(&b).unwrap(), b"b");
        let odd = device
            .save_export(dir.path(), "../x y", "png", b"c")
            .unwrap();
        assert_eq!(odd.parent().unwrap(), dir.path().join("exports"));
    }
}
