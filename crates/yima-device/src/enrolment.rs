//! Enrolling from a scanned QR code: the registry's URL and the enrolment code its operator
//! gave (`yima-registry admin enrol-code --url … --qr …`), read from the texts of the QR codes
//! found in a picture, so nobody types either.

use crate::error::{bad_input, DeviceError};
use yima_protocol::{EnrolmentQr, EnrolmentQrError, ENROLMENT_PREFIX};

/// The one enrolment QR code among `texts` (the QR codes read from one picture).
pub fn enrolment_from_texts(texts: &[String]) -> Result<EnrolmentQr, DeviceError> {
    let mut found: Vec<EnrolmentQr> = Vec::new();
    for text in texts.iter().filter(|t| t.starts_with(ENROLMENT_PREFIX)) {
        let qr = EnrolmentQr::parse(text).map_err(|e| match e {
            EnrolmentQrError::BadUrl => bad_input(
                "the enrolment QR code's registry address is malformed: ask the registry's operator for a new one",
                "注册二维码中的登记中心地址有误：请向登记中心管理员索取新的二维码",
            ),
            _ => bad_input(
                "the enrolment QR code is malformed: ask the registry's operator for a new one",
                "注册二维码格式有误：请向登记中心管理员索取新的二维码",
            ),
        })?;
        if !found.contains(&qr) {
            found.push(qr);
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(bad_input(
            "no enrolment QR code in the picture: take a picture of the code the registry's operator gave",
            "图中没有注册二维码：请拍摄登记中心管理员提供的注册二维码",
        )),
        _ => Err(bad_input(
            "several enrolment QR codes in one picture: take a picture of one",
            "一张图中有多个注册二维码：请只拍摄一个",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    const CODE: &str = "ABCDE-FGHJK-LMNPQ-RSTUV";

    fn text(code: &str, url: &str) -> String {
        EnrolmentQr::new(code, url).unwrap().to_text()
    }

    #[test]
    fn the_one_enrolment_code_among_others() {
        let qr = text(CODE, "https://registry.example.cn");
        let texts = vec!["YIMA-HO1:XYZ".into(), qr.clone(), qr.clone()];
        let found = enrolment_from_texts(&texts).unwrap();
        assert_eq!(
            (found.code.as_str(), found.url.as_str()),
            (CODE, "https://registry.example.cn")
        );
    }

    #[test]
    fn none_several_or_malformed_are_said_in_both_languages() {
        let other = text("ZZZZZ-FGHJK-LMNPQ-RSTUV", "https://registry.example.cn");
        for texts in [
            vec![],
            vec!["https://registry.example.cn".to_string()],
            vec![text(CODE, "https://registry.example.cn"), other],
            vec![format!("{ENROLMENT_PREFIX}{CODE}@ftp://x")],
            vec![format!("{ENROLMENT_PREFIX}ABC@https://x")],
        ] {
            let e = enrolment_from_texts(&texts).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::BadInput, "{texts:?}");
            assert!(
                e.message(yima_codes::Lang::Zh).contains("二维码"),
                "{texts:?}"
            );
            assert!(e.message(yima_codes::Lang::En).contains("QR"), "{texts:?}");
        }
    }
}
