//! Text of a QR byte segment that is not UTF-8.

/// Interprets bytes that are not UTF-8 the way zxing does for symbols without an ECI:
/// Shift_JIS when they are valid Shift_JIS with at least one double-byte character
/// (common in Japanese codes), otherwise ISO-8859-1, the QR standard's default.
pub fn from_legacy(bytes: &[u8]) -> String {
    let has_double_byte = bytes.iter().any(|&b| b >= 0x81);
    if has_double_byte {
        let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes);
        if !had_errors {
            return text.into_owned();
        }
    }
    bytes.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::from_legacy;

    #[test]
    fn shift_jis_and_latin1() {
        // "日本" in Shift_JIS.
        assert_eq!(from_legacy(&[0x93, 0xfa, 0x96, 0x7b]), "日本");
        assert_eq!(from_legacy(&[0x63, 0x61, 0x66, 0xe9]), "café");
    }
}
