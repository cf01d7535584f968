//! Base45 (RFC 9285): bytes as text in the 45 characters of QR alphanumeric mode.
//!
//! Each two bytes `[a, b]` become the value `a * 256 + b` written as three base-45 digits,
//! least significant first; a last odd byte becomes two digits. Decoding is strict: every
//! byte string has exactly one encoding, and any other text is refused.

/// The alphabet, in digit order (RFC 9285 table 1): exactly the QR alphanumeric charset.
pub(crate) const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

fn digit(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// Encodes bytes as Base45 text.
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(2) * 3);
    let mut push = |v: u32| out.push(ALPHABET[v as usize] as char);
    for pair in bytes.chunks(2) {
        match *pair {
            [a, b] => {
                let n = u32::from(a) * 256 + u32::from(b);
                push(n % 45);
                push(n / 45 % 45);
                push(n / 2025);
            }
            [a] => {
                let n = u32::from(a);
                push(n % 45);
                push(n / 45);
            }
            _ => unreachable!("chunks of two"),
        }
    }
    out
}

/// Decodes Base45 text; `None` for a character outside the alphabet, a length of the form
/// `3k + 1`, or a group whose value does not fit its bytes.
pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    let t = text.as_bytes();
    if t.len() % 3 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(t.len() / 3 * 2 + 1);
    for group in t.chunks(3) {
        let d: Vec<u32> = group.iter().map(|&c| digit(c)).collect::<Option<_>>()?;
        match d[..] {
            [c, d, e] => {
                let n = c + d * 45 + e * 2025;
                if n > 0xFFFF {
                    return None;
                }
                out.extend_from_slice(&[(n >> 8) as u8, n as u8]);
            }
            [c, d] => {
                let n = c + d * 45;
                if n > 0xFF {
                    return None;
                }
                out.push(n as u8);
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_9285_examples() {
        assert_eq!(encode(b"AB"), "BB8");
        assert_eq!(encode(b"Hello!!"), "%69 VD92EX0");
        assert_eq!(encode(b"base-45"), "UJCLQE7W581");
        assert_eq!(decode("QED8WEX0").as_deref(), Some(&b"ietf!"[..]));
        assert_eq!(decode("").as_deref(), Some(&b""[..]));
    }

    #[test]
    fn refuses_what_is_not_base45() {
        assert_eq!(decode("GGW"), None); // 65535 < value
        assert_eq!(decode("ZZ"), None); // a last byte above 255
        assert_eq!(decode("BB8A"), None); // length 3k + 1
        assert_eq!(decode("bb8"), None); // lower case is not in the alphabet
        assert_eq!(decode("BB\u{e9}"), None);
    }

    #[test]
    fn round_trips_every_pair_edge() {
        for bytes in [&[0u8, 0][..], &[255, 255], &[0], &[255], &[1, 2, 3, 4, 5]] {
            assert_eq!(decode(&encode(bytes)).as_deref(), Some(bytes));
        }
    }
}
