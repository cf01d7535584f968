//! Yima's one message catalogue: every text a user reads, in Simplified Chinese and English.
//!
//! The texts live in JSON files under `messages/` (one file per area: `common`, `cli`,
//! `app`, …), each key with both languages side by side. The CLI reads them through this
//! crate; the app's web view imports the same files, so the two never say different things.
//! A test checks that every key has both languages and the same `{placeholders}` in each.
//!
//! ```
//! use yima_i18n::{t, tf, Lang};
//!
//! assert_eq!(t(Lang::Zh, "common.app_name"), "一码");
//! assert_eq!(tf(Lang::En, "common.data_dir", &[("dir", "/tmp/x")]), "data directory: /tmp/x");
//! ```
#![deny(missing_docs)]

use std::collections::HashMap;
use std::sync::OnceLock;

pub use yima_codes::Lang;

/// The catalogue files, embedded: `(area, JSON text)`.
pub const FILES: &[(&str, &str)] = &[
    ("common", include_str!("../messages/common.json")),
    ("cli", include_str!("../messages/cli.json")),
    ("app", include_str!("../messages/app.json")),
];

struct Text {
    zh: &'static str,
    en: &'static str,
}

fn catalogue() -> &'static HashMap<&'static str, Text> {
    static CATALOGUE: OnceLock<HashMap<&'static str, Text>> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        let mut map = HashMap::new();
        for (area, json) in FILES {
            let parsed: serde_json::Map<String, serde_json::Value> = serde_json::from_str(json)
                .unwrap_or_else(|e| panic!("messages/{area}.json is not valid JSON: {e}"));
            for (key, value) in parsed {
                let get = |lang: &str| -> &'static str {
                    let s = value
                        .get(lang)
                        .and_then(|v| v.as_str())
                        .unwrap_or_else(|| panic!("messages/{area}.json: {key} has no {lang}"));
                    Box::leak(s.to_owned().into_boxed_str())
                };
                let text = Text {
                    zh: get("zh"),
                    en: get("en"),
                };
                let key: &'static str = Box::leak(key.into_boxed_str());
                assert!(
                    map.insert(key, text).is_none(),
                    "message key {key} is defined twice"
                );
            }
        }
        map
    })
}

/// The text of `key` in `lang`. An unknown key is a programming error caught by the tests;
/// at run time it shows the key itself rather than failing the user's work.
pub fn t(lang: Lang, key: &str) -> &'static str {
    match catalogue().get(key) {
        Some(text) => match lang {
            Lang::Zh => text.zh,
            Lang::En => text.en,
        },
        None => Box::leak(key.to_owned().into_boxed_str()),
    }
}

/// The text of `key` in `lang` with each `{name}` replaced by its value.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut text = t(lang, key).to_owned();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// Whether `key` is in the catalogue.
pub fn has(key: &str) -> bool {
    catalogue().contains_key(key)
}

/// Every key in the catalogue, sorted.
pub fn keys() -> Vec<&'static str> {
    let mut keys: Vec<_> = catalogue().keys().copied().collect();
    keys.sort_unstable();
    keys
}

/// The `{placeholders}` named in a text, sorted and deduplicated.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                names.push(&after[..close]);
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    names.sort_unstable();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_both_languages_with_the_same_placeholders() {
        assert!(!keys().is_empty());
        for key in keys() {
            let (zh, en) = (t(Lang::Zh, key), t(Lang::En, key));
            assert!(!zh.trim().is_empty(), "{key}: empty Chinese text");
            assert!(!en.trim().is_empty(), "{key}: empty English text");
            assert_eq!(
                placeholders(zh),
                placeholders(en),
                "{key}: the two languages name different placeholders"
            );
        }
    }

    #[test]
    fn keys_are_namespaced_by_their_file() {
        for (area, json) in FILES {
            let parsed: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(json).unwrap();
            for key in parsed.keys() {
                assert!(
                    key.starts_with(&format!("{area}.")),
                    "messages/{area}.json: key {key} should start with {area}."
                );
            }
        }
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(placeholders("a {x} b {y} {x}"), vec!["x", "y"]);
        assert_eq!(
            tf(Lang::Zh, "common.data_dir", &[("dir", "/d")]),
            "数据目录：/d"
        );
    }
}
