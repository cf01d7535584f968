//! Forms kept as drafts: what a user has typed but not yet recorded survives the app being
//! killed. Each draft is one small file in the data directory's `drafts/`, replaced whole
//! and durably (written beside, flushed, renamed), so a draft is either the old one or the
//! new one, never half of each.

use crate::error::{DeviceError, ErrorKind};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The drafts of one data directory.
#[derive(Clone, Debug)]
pub struct Drafts {
    dir: PathBuf,
}

fn storage(what: &str, path: &Path, e: std::io::Error) -> DeviceError {
    DeviceError::bilingual(
        ErrorKind::Storage,
        format!("cannot {what} the draft {}: {e}", path.display()),
        format!(
            "无法{}草稿 {}：{e}",
            if what == "read" { "读取" } else { "保存" },
            path.display()
        ),
    )
}

impl Drafts {
    /// The drafts kept under `data_dir/drafts`.
    pub fn new(data_dir: &Path) -> Drafts {
        Drafts {
            dir: data_dir.join("drafts"),
        }
    }

    /// A form's file; form names are short words (`register`, `transfer-2`).
    fn path(&self, form: &str) -> Result<PathBuf, DeviceError> {
        let ok = !form.is_empty()
            && form.len() <= 64
            && form
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !ok {
            return Err(DeviceError::bilingual(
                ErrorKind::BadInput,
                format!("{form:?} is not a form name (letters, digits, - and _, at most 64)"),
                format!("{form:?} 不是表单名称（字母、数字、- 和 _，最多 64 个）"),
            ));
        }
        Ok(self.dir.join(format!("{form}.json")))
    }

    /// Keeps `text` as the draft of `form`, replacing any earlier one.
    pub fn save(&self, form: &str, text: &str) -> Result<(), DeviceError> {
        const MAX: usize = 256 * 1024;
        if text.len() > MAX {
            return Err(DeviceError::bilingual(
                ErrorKind::BadInput,
                format!("a draft holds at most {MAX} bytes"),
                format!("草稿最多 {MAX} 字节"),
            ));
        }
        let path = self.path(form)?;
        std::fs::create_dir_all(&self.dir).map_err(|e| storage("save", &self.dir, e))?;
        let beside = path.with_extension("json.new");
        let write = || -> std::io::Result<()> {
            let mut file = std::fs::File::create(&beside)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            std::fs::rename(&beside, &path)?;
            // The rename itself is durable once the directory is flushed.
            std::fs::File::open(&self.dir)?.sync_all()
        };
        write().map_err(|e| storage("save", &path, e))
    }

    /// The draft of `form`, if one is kept.
    pub fn load(&self, form: &str) -> Result<Option<String>, DeviceError> {
        let path = self.path(form)?;
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(storage("read", &path, e)),
        }
    }

    /// Forgets the draft of `form` (once it is recorded); no draft is not an error.
    pub fn clear(&self, form: &str) -> Result<(), DeviceError> {
        let path = self.path(form)?;
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(storage("save", &path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_is_kept_replaced_and_cleared() {
        let dir = tempfile::tempdir().unwrap();
        let drafts = Drafts::new(dir.path());
        assert_eq!(drafts.load("register").unwrap(), None);
        drafts.save("register", r#"{"weight":"18"}"#).unwrap();
        drafts.save("register", r#"{"weight":"180"}"#).unwrap();
        // A new handle (as after a restart) reads what was kept.
        let again = Drafts::new(dir.path());
        assert_eq!(
            again.load("register").unwrap().as_deref(),
            Some(r#"{"weight":"180"}"#)
        );
        assert!(!dir.path().join("drafts/register.json.new").exists());
        again.clear("register").unwrap();
        again.clear("register").unwrap();
        assert_eq!(again.load("register").unwrap(), None);
    }

    #[test]
    fn form_names_cannot_leave_the_drafts_folder() {
        let dir = tempfile::tempdir().unwrap();
        let drafts = Drafts::new(dir.path());
        for bad in ["", "../yima", "a/b", "x.json", &"a".repeat(65)] {
            assert_eq!(
                drafts.save(bad, "{}").unwrap_err().kind(),
                ErrorKind::BadInput,
                "{bad:?}"
            );
        }
        assert!(!dir.path().join("yima.json").exists());
    }
}
