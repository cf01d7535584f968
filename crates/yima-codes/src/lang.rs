//! The language of user-facing text.

use serde::{Deserialize, Serialize};

/// User-facing language.
///
/// Chinese is the default: the regulations, the catalogue and most users are Chinese.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    /// Simplified Chinese (中文).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Picks the language from a locale string such as `LANG` (`zh_CN.UTF-8`, `zh-Hans`,
    /// `en_US`): anything starting with `zh` (any case) is Chinese; anything else, or
    /// nothing, is English.
    ///
    /// ```
    /// use yima_codes::Lang;
    /// assert_eq!(Lang::from_locale(Some("zh_CN.UTF-8")), Lang::Zh);
    /// assert_eq!(Lang::from_locale(Some("en_US")), Lang::En);
    /// assert_eq!(Lang::from_locale(None), Lang::En);
    /// ```
    pub fn from_locale(value: Option<&str>) -> Lang {
        match value {
            Some(v) if v.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("zh")) => Lang::Zh,
            _ => Lang::En,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale() {
        assert_eq!(Lang::default(), Lang::Zh);
        assert_eq!(Lang::from_locale(Some("zh")), Lang::Zh);
        assert_eq!(Lang::from_locale(Some("ZH_tw")), Lang::Zh);
        assert_eq!(Lang::from_locale(Some("z")), Lang::En);
        assert_eq!(Lang::from_locale(Some("")), Lang::En);
        assert_eq!(Lang::from_locale(Some("C")), Lang::En);
        assert_eq!(Lang::from_locale(Some("中文")), Lang::En);
    }
}
