//! Fuzzes the label payload reader, both forms (the `YIMA1:` text and the `HTTPS://` address):
//! any text is read without panicking; what reads is in its one canonical spelling (the
//! address in any case), reads back the same in either form, and can be verified against any
//! key.

#![no_main]

use libfuzzer_sys::fuzz_target;
use yima_core::yima_codes::Lang;
use yima_core::{DeviceKey, LabelPayload, PayloadForm};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match LabelPayload::read(&text) {
        Ok((payload, form)) => {
            match &form {
                PayloadForm::Text => assert_eq!(payload.to_text(), text),
                PayloadForm::Url(_) => assert_eq!(payload.to_text_in(&form), text.to_ascii_uppercase()),
            }
            assert_eq!(LabelPayload::parse(&payload.to_text()), Ok(payload.clone()));
            assert_eq!(LabelPayload::read(&payload.to_text_in(&form)), Ok((payload.clone(), form)));
            let _ = payload.verify(|_| None);
            let key = DeviceKey::from_secret(&[1; 32]).public();
            let _ = payload.verify(|_| Some(key)).message(Lang::Zh);
        }
        Err(e) => {
            assert_eq!(e.text(), text);
            let _ = (e.kind(), e.message(Lang::Zh), e.message(Lang::En));
        }
    }
});
