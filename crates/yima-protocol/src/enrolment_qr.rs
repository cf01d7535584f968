//! The enrolment QR code: a registry's URL and a single-use enrolment code in one text, so a
//! device enrols by scanning what the registry's operator printed or showed, with nothing to
//! type. The text is `YIMA-EN1:` + the code + `@` + the URL, e.g.
//! `YIMA-EN1:ABCDE-FGHJK-LMNPQ-RSTUV@https://registry.example.cn`. Parsing is strict and
//! never panics; any other text is "not an enrolment code".
//!
//! ```
//! use yima_protocol::EnrolmentQr;
//! let qr = EnrolmentQr::new("ABCDE-FGHJK-LMNPQ-RSTUV", "https://registry.example.cn").unwrap();
//! assert_eq!(EnrolmentQr::parse(&qr.to_text()), Ok(qr));
//! assert!(EnrolmentQr::parse("https://registry.example.cn").is_err());
//! ```

/// What an enrolment QR code's text starts with.
pub const ENROLMENT_PREFIX: &str = "YIMA-EN1:";
/// The characters of an enrolment code (no 0, 1, I or O, which are read wrongly aloud).
pub const ENROLMENT_CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// The longest URL an enrolment QR code carries.
pub const MAX_ENROLMENT_URL: usize = 512;

/// A registry and a code to enrol with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrolmentQr {
    /// The single-use enrolment code: four groups of five characters joined by `-`.
    pub code: String,
    /// The registry's URL (`http://` or `https://`).
    pub url: String,
}

/// Why a text is not an enrolment QR code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EnrolmentQrError {
    /// Another kind of text (a label, a handover code, a web address…).
    #[error("not a Yima enrolment code")]
    NotEnrolment,
    /// The code is not four groups of five characters of the enrolment alphabet.
    #[error("the enrolment code is malformed")]
    BadCode,
    /// The URL is not an `http://` or `https://` address of at most 512 characters.
    #[error("the registry address is malformed")]
    BadUrl,
}

/// Whether `code` is four groups of five characters of [`ENROLMENT_CODE_ALPHABET`] joined by `-`.
pub fn enrolment_code_well_formed(code: &str) -> bool {
    let groups: Vec<&str> = code.split('-').collect();
    groups.len() == 4
        && groups
            .iter()
            .all(|g| g.len() == 5 && g.bytes().all(|b| ENROLMENT_CODE_ALPHABET.contains(&b)))
}

fn url_well_formed(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    matches!(rest, Some(host) if !host.is_empty())
        && url.len() <= MAX_ENROLMENT_URL
        && url.chars().all(|c| c.is_ascii_graphic())
}

impl EnrolmentQr {
    /// A code and a URL, each checked (a trailing `/` of the URL is dropped).
    pub fn new(code: &str, url: &str) -> Result<EnrolmentQr, EnrolmentQrError> {
        let code = code.trim();
        let url = url.trim().trim_end_matches('/');
        if !enrolment_code_well_formed(code) {
            return Err(EnrolmentQrError::BadCode);
        }
        if !url_well_formed(url) {
            return Err(EnrolmentQrError::BadUrl);
        }
        Ok(EnrolmentQr {
            code: code.to_string(),
            url: url.to_string(),
        })
    }

    /// The QR code's text.
    pub fn to_text(&self) -> String {
        format!("{ENROLMENT_PREFIX}{}@{}", self.code, self.url)
    }

    /// Reads a QR code's text: exactly what [`EnrolmentQr::to_text`] writes.
    pub fn parse(text: &str) -> Result<EnrolmentQr, EnrolmentQrError> {
        let rest = text
            .strip_prefix(ENROLMENT_PREFIX)
            .ok_or(EnrolmentQrError::NotEnrolment)?;
        let (code, url) = rest.split_once('@').ok_or(EnrolmentQrError::BadCode)?;
        let qr = EnrolmentQr::new(code, url)?;
        // One text per value: no spaces around either part, no trailing slash.
        if qr.code != code || qr.url != url {
            return Err(EnrolmentQrError::BadUrl);
        }
        Ok(qr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CODE: &str = "ABCDE-FGHJK-LMNPQ-RSTUV";

    #[test]
    fn reads_what_it_writes() {
        let qr = EnrolmentQr::new(CODE, "http://127.0.0.1:8443/").unwrap();
        assert_eq!(qr.url, "http://127.0.0.1:8443");
        assert_eq!(
            qr.to_text(),
            "YIMA-EN1:ABCDE-FGHJK-LMNPQ-RSTUV@http://127.0.0.1:8443"
        );
        assert_eq!(EnrolmentQr::parse(&qr.to_text()).unwrap(), qr);
    }

    #[test]
    fn refuses_what_is_not_one() {
        use EnrolmentQrError::*;
        for (text, why) in [
            ("https://registry.example.cn", NotEnrolment),
            ("YIMA-HO1:ABC", NotEnrolment),
            ("YIMA-EN1:", BadCode),
            ("YIMA-EN1:ABCDE-FGHJK-LMNPQ-RSTU@https://r.cn", BadCode),
            ("YIMA-EN1:ABCDE-FGHJK-LMNPQ-RSTU0@https://r.cn", BadCode),
            ("YIMA-EN1:abcde-fghjk-lmnpq-rstuv@https://r.cn", BadCode),
            ("YIMA-EN1:ABCDE-FGHJK-LMNPQ-RSTUV@ftp://r.cn", BadUrl),
            ("YIMA-EN1:ABCDE-FGHJK-LMNPQ-RSTUV@https://", BadUrl),
            ("YIMA-EN1:ABCDE-FGHJK-LMNPQ-RSTUV@https://r.cn/", BadUrl),
            ("YIMA-EN1:ABCDE-FGHJK-LMNPQ-RSTUV@https://r.cn x", BadUrl),
            ("YIMA-EN1: ABCDE-FGHJK-LMNPQ-RSTUV@https://r.cn", BadUrl),
        ] {
            assert_eq!(EnrolmentQr::parse(text), Err(why), "{text}");
        }
        let long = format!("https://{}", "r".repeat(MAX_ENROLMENT_URL));
        assert_eq!(EnrolmentQr::new(CODE, &long), Err(EnrolmentQrError::BadUrl));
    }

    fn code() -> impl Strategy<Value = String> {
        let ch = prop::sample::select(ENROLMENT_CODE_ALPHABET.to_vec());
        prop::collection::vec(ch, 20).prop_map(|b| {
            b.chunks(5)
                .map(|c| String::from_utf8(c.to_vec()).unwrap())
                .collect::<Vec<_>>()
                .join("-")
        })
    }

    proptest! {
        #[test]
        fn every_well_formed_pair_round_trips(
            code in code(),
            scheme in prop::sample::select(vec!["http://", "https://"]),
            host in "[a-z0-9.:-]{1,40}",
            path in "(/[A-Za-z0-9_~%-]{1,12}){0,3}",
        ) {
            let qr = EnrolmentQr::new(&code, &format!("{scheme}{host}{path}")).unwrap();
            prop_assert_eq!(EnrolmentQr::parse(&qr.to_text()), Ok(qr));
        }

        #[test]
        fn any_text_is_read_or_refused_never_a_panic(text in ".{0,200}") {
            if let Ok(qr) = EnrolmentQr::parse(&text) {
                prop_assert_eq!(qr.to_text(), text.clone());
            }
            let _ = EnrolmentQr::parse(&format!("{ENROLMENT_PREFIX}{text}"));
        }
    }
}
