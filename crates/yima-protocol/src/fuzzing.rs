//! The checks that the fuzz targets (`crates/yima-protocol/fuzz`) and the property tests run
//! on what arrives from the network: each reads untrusted bytes, and panics only when an
//! invariant breaks, never because the input is bad.

use crate::{sign_request, verify_request, AuthError, PushRequest, RequestAuth, WireEvent};
use yima_core::{DeviceKey, EventId};

/// A push's body: read as a push request, and each event in it as [`wire_event`] reads it.
pub fn push_body(data: &[u8]) {
    if let Ok(req) = serde_json::from_slice::<PushRequest>(data) {
        for w in req.events {
            wire_event(w);
        }
    }
}

/// One event's body, under the id its bytes hash to (so the fuzzer's bytes reach the
/// parser, not only the id check).
pub fn event_body(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    wire_event(WireEvent {
        id: EventId::of_canonical(body.as_bytes()),
        body: body.to_string(),
        signatures: Vec::new(),
    });
}

/// A pushed event as the registry reads it: an event that parses is in its one canonical
/// spelling (it encodes back to the same bytes and id); one that does not says why.
pub fn wire_event(w: WireEvent) {
    let (id, body) = (w.id, w.body.clone());
    match w.into_parsed() {
        Ok(e) => {
            assert_eq!(e.id, id);
            assert_eq!(
                yima_core::encode(&e.body),
                body.as_bytes(),
                "a parsed event re-encodes to the bytes it came in"
            );
            assert_eq!(WireEvent::of(&e).body, body);
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// A request's authentication, from the fuzzer's bytes split at newlines into the four
/// headers, the method, the path and the body: the headers are read and checked without
/// panicking; and a request signed here with those parts verifies, reads back from its own
/// headers, and fails once its method, path, time or body is changed.
pub fn request(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(7, '\n');
    let mut next = || parts.next().unwrap_or("");
    let (key, time, nonce, signature) = (next(), next(), next(), next());
    let (method, path, body) = (next(), next(), next());
    let headers = [
        (crate::HEADER_KEY, key),
        (crate::HEADER_TIME, time),
        (crate::HEADER_NONCE, nonce),
        (crate::HEADER_SIGNATURE, signature),
    ];
    let get = |name: &str| headers.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    if let Ok(auth) = RequestAuth::from_headers(get) {
        let _ = verify_request(&auth, method, path, body.as_bytes());
    }

    let signer = DeviceKey::from_secret(&[7; 32]);
    let time: i64 = time.parse().unwrap_or(1_700_000_000_000);
    let nonce_ok = (8..=64).contains(&nonce.len()) && nonce.bytes().all(|b| b.is_ascii_hexdigit());
    let nonce = if nonce_ok { nonce } else { "00ff00ff00ff00ff" };
    let auth = sign_request(&signer, method, path, time, nonce, body.as_bytes());
    let sent = auth.headers();
    let read = RequestAuth::from_headers(|name| {
        sent.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    });
    assert_eq!(
        read.as_ref(),
        Ok(&auth),
        "a signed request reads back from its headers"
    );
    assert_eq!(verify_request(&auth, method, path, body.as_bytes()), Ok(()));
    let refused = Err(AuthError::BadSignature);
    let other_method = format!("{method}X");
    assert_eq!(
        verify_request(&auth, &other_method, path, body.as_bytes()),
        refused
    );
    let other_path = format!("{path}/x");
    assert_eq!(
        verify_request(&auth, method, &other_path, body.as_bytes()),
        refused
    );
    let other_body = format!("{body} ");
    assert_eq!(
        verify_request(&auth, method, path, other_body.as_bytes()),
        refused
    );
    let later = RequestAuth {
        time: time.wrapping_add(1),
        ..auth
    };
    assert_eq!(
        verify_request(&later, method, path, body.as_bytes()),
        refused
    );
}
