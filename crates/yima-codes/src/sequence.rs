//! A device's block of label sequence numbers.

use crate::text;
use crate::util::string_serde;
use crate::{CodeError, CodeErrorKind, CodeKind};
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// The highest label sequence (the sequence segment of a label code has 3 digits).
const MAX: u16 = 999;

/// A block of label sequences (within 1..=999) owned by one device, so that two devices of
/// one producer that work offline never give the same sequence to the same waste code on the
/// same day. Written `first-last`, e.g. `1-499`.
///
/// ```
/// use std::collections::BTreeSet;
/// use yima_codes::SequenceBlock;
/// let block = SequenceBlock::split(1, 2)?;
/// assert_eq!(block.to_string(), "500-999");
/// let used = BTreeSet::from([500, 501, 503]);
/// assert_eq!(block.next_free(&used)?, 502);
/// # Ok::<(), yima_codes::CodeError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SequenceBlock {
    first: u16,
    last: u16,
}

fn error(kind: CodeErrorKind, input: String) -> CodeError {
    CodeError::new(CodeKind::SequenceBlock, kind, input)
}

fn out_of_range(what: &'static str, value: impl ToString) -> CodeErrorKind {
    CodeErrorKind::OutOfRange {
        what,
        value: value.to_string(),
    }
}

impl SequenceBlock {
    /// Every sequence, 1..=999.
    pub const FULL: SequenceBlock = SequenceBlock {
        first: 1,
        last: MAX,
    };

    /// The block `first..=last`; both within 1..=999 and `first <= last`.
    pub fn new(first: u16, last: u16) -> Result<SequenceBlock, CodeError> {
        let input = format!("{first}-{last}");
        for n in [first, last] {
            if !(1..=MAX).contains(&n) {
                return Err(error(out_of_range(text::SEQUENCE, n), input));
            }
        }
        if first > last {
            return Err(error(out_of_range(text::BLOCK, &input), input));
        }
        Ok(SequenceBlock { first, last })
    }

    /// The first sequence of the block.
    pub fn first(&self) -> u16 {
        self.first
    }

    /// The last sequence of the block.
    pub fn last(&self) -> u16 {
        self.last
    }

    /// Whether `sequence` is in the block.
    pub fn contains(&self, sequence: u16) -> bool {
        (self.first..=self.last).contains(&sequence)
    }

    /// The number of sequences in the block.
    pub fn len(&self) -> u16 {
        self.last - self.first + 1
    }

    /// Always false: a block has at least one sequence.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The `index`-th (0-based) of `count` equal blocks of 1..=999; the last block also takes
    /// the remainder. `split(0, 2)` is 1..=499 and `split(1, 2)` is 500..=999.
    pub fn split(index: u16, count: u16) -> Result<SequenceBlock, CodeError> {
        let input = format!("{index}/{count}");
        if !(1..=MAX).contains(&count) {
            return Err(error(out_of_range(text::BLOCK_COUNT, count), input));
        }
        if index >= count {
            return Err(error(out_of_range(text::BLOCK_INDEX, index), input));
        }
        let size = MAX / count;
        let first = 1 + index * size;
        let last = if index + 1 == count {
            MAX
        } else {
            first + size - 1
        };
        Ok(SequenceBlock { first, last })
    }

    /// The smallest sequence of the block not in `used` (sequences are never reused, even
    /// below the highest used one). `SequenceExhausted` when every one is used.
    pub fn next_free(&self, used: &BTreeSet<u16>) -> Result<u16, CodeError> {
        (self.first..=self.last)
            .find(|n| !used.contains(n))
            .ok_or_else(|| {
                let kind = CodeErrorKind::SequenceExhausted {
                    first: self.first,
                    last: self.last,
                };
                error(kind, self.to_string())
            })
    }
}

impl Default for SequenceBlock {
    fn default() -> Self {
        SequenceBlock::FULL
    }
}

impl FromStr for SequenceBlock {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, CodeError> {
        let err = |kind| error(kind, s.to_string());
        if s.is_empty() {
            return Err(err(CodeErrorKind::Empty));
        }
        let Some((a, b)) = s.split_once('-') else {
            return Err(err(CodeErrorKind::Format {
                expected: text::BLOCK_FORMAT,
            }));
        };
        let mut offset = 0;
        let mut numbers = [0u16; 2];
        for (part, n) in [a, b].into_iter().zip(&mut numbers) {
            if let Some((i, found)) = part.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
                let position = offset + i + 1;
                return Err(err(CodeErrorKind::Character {
                    position,
                    found,
                    expected: text::DIGIT,
                }));
            }
            if part.is_empty() {
                return Err(err(CodeErrorKind::Format {
                    expected: text::BLOCK_FORMAT,
                }));
            }
            *n = match part.parse::<u16>() {
                Ok(v) if v <= MAX => v,
                _ => return Err(err(out_of_range(text::SEQUENCE, part))),
            };
            offset += part.chars().count() + 1;
        }
        SequenceBlock::new(numbers[0], numbers[1]).map_err(|e| err(e.kind().clone()))
    }
}

impl fmt::Display for SequenceBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.first, self.last)
    }
}

string_serde!(SequenceBlock);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits() {
        assert_eq!(
            SequenceBlock::split(0, 2).unwrap(),
            SequenceBlock::new(1, 499).unwrap()
        );
        assert_eq!(
            SequenceBlock::split(1, 2).unwrap(),
            SequenceBlock::new(500, 999).unwrap()
        );
        assert_eq!(SequenceBlock::split(0, 1).unwrap(), SequenceBlock::FULL);
        assert_eq!(SequenceBlock::split(2, 3).unwrap().to_string(), "667-999");
        assert_eq!(
            SequenceBlock::split(998, 999).unwrap().to_string(),
            "999-999"
        );
        assert!(SequenceBlock::split(2, 2).is_err());
        assert!(SequenceBlock::split(0, 0).is_err());
        assert!(SequenceBlock::split(0, 1000).is_err());
    }

    #[test]
    fn next_free() {
        let block = SequenceBlock::new(5, 7).unwrap();
        assert_eq!(block.next_free(&BTreeSet::new()).unwrap(), 5);
        assert_eq!(block.next_free(&BTreeSet::from([1, 5, 7])).unwrap(), 6);
        let err = block.next_free(&BTreeSet::from([5, 6, 7])).unwrap_err();
        assert_eq!(
            err.kind(),
            &CodeErrorKind::SequenceExhausted { first: 5, last: 7 }
        );
        assert_eq!(
            err.to_string(),
            "label sequence block 5-7: every sequence from 5 to 7 is used"
        );
    }

    #[test]
    fn parse() {
        assert_eq!(
            "1-499".parse::<SequenceBlock>().unwrap(),
            SequenceBlock::split(0, 2).unwrap()
        );
        assert_eq!("7-7".parse::<SequenceBlock>().unwrap().len(), 1);
        let kind = |s: &str| s.parse::<SequenceBlock>().unwrap_err().kind().clone();
        assert_eq!(kind(""), CodeErrorKind::Empty);
        assert_eq!(
            kind("1"),
            CodeErrorKind::Format {
                expected: text::BLOCK_FORMAT
            }
        );
        assert_eq!(
            kind("1-"),
            CodeErrorKind::Format {
                expected: text::BLOCK_FORMAT
            }
        );
        assert_eq!(
            kind("1-4x9"),
            CodeErrorKind::Character {
                position: 4,
                found: 'x',
                expected: text::DIGIT
            }
        );
        assert_eq!(
            kind("1-2-3"),
            CodeErrorKind::Character {
                position: 4,
                found: '-',
                expected: text::DIGIT
            }
        );
        assert_eq!(kind("0-5"), out_of_range("sequence", 0));
        assert_eq!(kind("1-1000"), out_of_range("sequence", 1000));
        assert_eq!(
            kind("1-99999999999"),
            out_of_range("sequence", "99999999999")
        );
        assert_eq!(kind("9-5"), out_of_range("sequence block", "9-5"));
        assert_eq!(
            serde_json::to_string(&SequenceBlock::FULL).unwrap(),
            "\"1-999\""
        );
    }
}
