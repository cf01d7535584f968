//! Fuzzes the label payload reader: any text is read without panicking; what reads is in its
//! one canonical spelling, reads back the same, and can be verified against any key.

#![no_main]

use libfuzzer_sys::fuzz_target;
use yima_core::yima_codes::Lang;
use yima_core::{DeviceKey, LabelPayload};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match LabelPayload::parse(&text) {
        Ok(payload) => {
            assert_eq!(payload.to_text(), text);
            assert_eq!(LabelPayload::parse(&payload.to_text()), Ok(payload.clone()));
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
