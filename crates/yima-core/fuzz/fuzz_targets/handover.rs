//! Fuzzes the handover QR readers (offer, acknowledgement, identity): any bytes behind any of
//! the prefixes are read without panicking, and what reads is in its one canonical spelling.

#![no_main]

use libfuzzer_sys::fuzz_target;
use yima_core::yima_codes::Lang;
use yima_core::{HandoverAckQr, HandoverOfferQr, IdentityQr};

/// RFC 9285 Base45, so the fuzzer's bytes reach the binary layouts behind the prefixes.
fn base45(bytes: &[u8]) -> String {
    const A: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    let mut out = String::new();
    for pair in bytes.chunks(2) {
        let (n, digits) = match *pair {
            [a, b] => (u32::from(a) * 256 + u32::from(b), 3),
            [a] => (u32::from(a), 2),
            _ => unreachable!(),
        };
        let mut n = n;
        for _ in 0..digits {
            out.push(A[(n % 45) as usize] as char);
            n /= 45;
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = match which % 4 {
        0 => format!("YIMA-HO1:{}", base45(rest)),
        1 => format!("YIMA-HA1:{}", base45(rest)),
        2 => format!("YIMA-ID1:{}", base45(rest)),
        _ => String::from_utf8_lossy(rest).into_owned(),
    };
    match HandoverOfferQr::parse(&text) {
        Ok(offer) => {
            assert_eq!(offer.to_text(), text);
            let _ = offer.event(&[]);
            let _ = offer.check_labels(&[]);
        }
        Err(e) => {
            let _ = (e.message(Lang::Zh), e.message(Lang::En));
        }
    }
    if let Ok(ack) = HandoverAckQr::parse(&text) {
        assert_eq!(ack.to_text(), text);
        let _ = ack.verifies();
    }
    if let Ok(id) = IdentityQr::parse(&text) {
        assert_eq!(id.to_text().ok().as_deref(), Some(text.as_str()));
    }
});
