//! The fixed English phrases used inside [`CodeErrorKind`](crate::CodeErrorKind), and their
//! Chinese translations. Every phrase an error can carry is defined here, in one place.

/// Expected character: a digit.
pub(crate) const DIGIT: &str = "a digit";
/// Expected character of a unified social credit code.
pub(crate) const CREDIT_CHAR: &str = "a digit or an uppercase letter other than I, O, S, V, Z";
/// Expected character: the hyphen of a waste code.
pub(crate) const HYPHEN: &str = "'-'";
/// Expected character: the H of a category.
pub(crate) const LETTER_H: &str = "the letter H";
/// Expected character: the W of a category.
pub(crate) const LETTER_W: &str = "the letter W";
/// Expected hazard symbol.
pub(crate) const HAZARD_SYMBOL: &str = "one of T, C, I, R, In";
/// Expected separator between hazard symbols.
pub(crate) const HAZARD_SEPARATOR: &str = "',' or '/'";
/// Expected separator between hazard symbols of a set.
pub(crate) const COMMA: &str = "','";

/// Format of a waste code.
pub(crate) const WASTE_FORMAT: &str = "NNN-NNN-NN or NNNNNNNN";
/// Format of a hazard notation.
pub(crate) const HAZARD_NOTATION: &str = "hazard symbols separated either by ',' or by '/'";
/// Each hazard at most once.
pub(crate) const HAZARD_REPEAT: &str = "each hazard symbol at most once";
/// Format of a sequence block.
pub(crate) const BLOCK_FORMAT: &str = "first-last, e.g. 1-499";
/// Format of a batch code.
pub(crate) const BATCH_FORMAT: &str =
    "HWCS, HWRK, HWCK, HWZXLY, HWZXCZ, HWWWLY or HWWWCZ + YYYYMMDD + serial of 3 to 6 digits";
/// Canonical batch serial.
pub(crate) const BATCH_SERIAL: &str = "a serial of at least 3 digits with no extra leading zeros";

/// What was out of range.
pub(crate) const CATEGORY: &str = "category";
/// What was out of range.
pub(crate) const DATE: &str = "date";
/// What was out of range.
pub(crate) const YEAR: &str = "year";
/// What was out of range.
pub(crate) const PROVINCE: &str = "province code";
/// What was out of range.
pub(crate) const CITY: &str = "city code";
/// What was out of range.
pub(crate) const SERIAL: &str = "serial";
/// What was out of range.
pub(crate) const SEQUENCE: &str = "sequence";
/// What was out of range.
pub(crate) const BLOCK: &str = "sequence block";
/// What was out of range.
pub(crate) const BLOCK_COUNT: &str = "block count";
/// What was out of range.
pub(crate) const BLOCK_INDEX: &str = "block index";

/// Every phrase above with its translation.
const ZH: &[(&str, &str)] = &[
    (DIGIT, "数字"),
    (CREDIT_CHAR, "数字或大写字母（不含 I、O、S、V、Z）"),
    (HYPHEN, "“-”"),
    (LETTER_H, "字母 H"),
    (LETTER_W, "字母 W"),
    (HAZARD_SYMBOL, "T、C、I、R、In 之一"),
    (HAZARD_SEPARATOR, "“,”或“/”"),
    (COMMA, "“,”"),
    (WASTE_FORMAT, "NNN-NNN-NN 或 NNNNNNNN"),
    (
        HAZARD_NOTATION,
        "以“,”或以“/”分隔的危险特性代码（不可混用）",
    ),
    (HAZARD_REPEAT, "每种危险特性至多出现一次"),
    (BLOCK_FORMAT, "起-止，例如 1-499"),
    (
        BATCH_FORMAT,
        "HWCS、HWRK、HWCK、HWZXLY、HWZXCZ、HWWWLY 或 HWWWCZ + YYYYMMDD + 3 至 6 位流水号",
    ),
    (BATCH_SERIAL, "至少 3 位、无多余前导零的流水号"),
    (CATEGORY, "废物类别"),
    (DATE, "日期"),
    (YEAR, "年份"),
    (PROVINCE, "省级行政区划代码"),
    (CITY, "市级代码"),
    (SERIAL, "流水号"),
    (SEQUENCE, "序号"),
    (BLOCK, "序号段"),
    (BLOCK_COUNT, "分段数"),
    (BLOCK_INDEX, "分段序号"),
];

/// The Chinese translation of one of the phrases above (the phrase itself if unknown).
pub(crate) fn zh(phrase: &'static str) -> &'static str {
    ZH.iter()
        .find(|(en, _)| *en == phrase)
        .map_or(phrase, |(_, zh)| zh)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phrase_translated_once() {
        for (i, (en, zh)) in ZH.iter().enumerate() {
            assert!(!zh.is_empty() && en != zh, "{en}");
            assert!(ZH[i + 1..].iter().all(|(other, _)| other != en), "{en}");
        }
        assert_eq!(zh(DIGIT), "数字");
        assert_eq!(zh("unknown"), "unknown");
    }
}
