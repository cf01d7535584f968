//! A cursor over canonical bytes that accepts only the one spelling `encode` writes: every
//! token is read in exactly the form serde_json gives it, so whatever it reads re-encodes
//! to the bytes it was read from. It does not explain refusals (it returns `None`): the
//! general decoder classifies bytes this reader refuses.

use chrono::NaiveDate;
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// A position in UTF-8 text known to be valid; tokens are ASCII-delimited, so every slice
/// taken between them falls on character boundaries.
pub(super) struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

/// What an escape after `\` stands for, if serde_json writes that character that way.
fn short_escape(b: u8) -> Option<char> {
    Some(match b {
        b'"' => '"',
        b'\\' => '\\',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        _ => return None,
    })
}

fn lower_hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

/// Whether two short byte strings are equal: compared in line, where a call to `memcmp`
/// would cost more than the comparison (member names are a few bytes long).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// A `fmt::Write` that compares what is written with `expected` instead of storing it.
struct SameAs<'a> {
    rest: &'a str,
}

impl fmt::Write for SameAs<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        match self.rest.strip_prefix(s) {
            Some(rest) => {
                self.rest = rest;
                Ok(())
            }
            None => Err(fmt::Error),
        }
    }
}

/// Whether `value` displays as exactly `text` (without allocating).
fn displays_as(value: &impl fmt::Display, text: &str) -> bool {
    let mut w = SameAs { rest: text };
    fmt::write(&mut w, format_args!("{value}")).is_ok() && w.rest.is_empty()
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`, if they are UTF-8.
    pub(super) fn new(bytes: &'a [u8]) -> Option<Reader<'a>> {
        let text = std::str::from_utf8(bytes).ok()?;
        Some(Reader { text, pos: 0 })
    }

    fn rest(&self) -> &'a [u8] {
        &self.text.as_bytes()[self.pos..]
    }

    /// Whether every byte has been read.
    pub(super) fn at_end(&self) -> bool {
        self.pos == self.text.len()
    }

    /// Reads exactly `token` (punctuation and member names).
    pub(super) fn lit(&mut self, token: &[u8]) -> Option<()> {
        if same(self.rest().get(..token.len())?, token) {
            self.pos += token.len();
            Some(())
        } else {
            None
        }
    }

    /// Reads `token` if it comes next.
    pub(super) fn eat(&mut self, token: &[u8]) -> bool {
        self.lit(token).is_some()
    }

    /// Reads `null` (→ `None`) or a value read by `value`.
    pub(super) fn nullable<T>(
        &mut self,
        value: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<Option<T>> {
        if self.eat(b"null") {
            Some(None)
        } else {
            value(self).map(Some)
        }
    }

    /// Reads a string in its canonical spelling: raw UTF-8 except `"`, `\` and U+0000–U+001F,
    /// which are escaped exactly as serde_json escapes them. Borrowed when nothing is escaped.
    pub(super) fn str(&mut self) -> Option<Cow<'a, str>> {
        self.lit(b"\"")?;
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut i = start;
        // Fast scan to the first byte that ends the string or needs a look.
        while i < bytes.len() && bytes[i] >= 0x20 && bytes[i] != b'"' && bytes[i] != b'\\' {
            i += 1;
        }
        match bytes.get(i) {
            Some(b'"') => {
                self.pos = i + 1;
                return Some(Cow::Borrowed(&self.text[start..i]));
            }
            Some(b'\\') => {}
            _ => return None,
        }
        let mut out = String::with_capacity(i - start + 16);
        out.push_str(&self.text[start..i]);
        loop {
            match *bytes.get(i)? {
                b'"' => {
                    self.pos = i + 1;
                    return Some(Cow::Owned(out));
                }
                b'\\' => {
                    let e = *bytes.get(i + 1)?;
                    if let Some(c) = short_escape(e) {
                        out.push(c);
                        i += 2;
                    } else if e == b'u' {
                        // Only `\u00xx` (lower-case hex) for a control character without a
                        // short escape.
                        let d = bytes.get(i + 2..i + 6)?;
                        if d[0] != b'0' || d[1] != b'0' {
                            return None;
                        }
                        let c = lower_hex(d[2])? << 4 | lower_hex(d[3])?;
                        if c >= 0x20 || matches!(c, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d) {
                            return None;
                        }
                        out.push(char::from(c));
                        i += 6;
                    } else {
                        return None;
                    }
                }
                b if b < 0x20 => return None,
                _ => {
                    let run = i;
                    while i < bytes.len()
                        && bytes[i] >= 0x20
                        && bytes[i] != b'"'
                        && bytes[i] != b'\\'
                    {
                        i += 1;
                    }
                    out.push_str(&self.text[run..i]);
                }
            }
        }
    }

    /// Reads a string into an owned `String`.
    pub(super) fn string(&mut self) -> Option<String> {
        self.str().map(Cow::into_owned)
    }

    /// Reads a string that parses as `T` and that `T` writes back exactly (the codes of
    /// `yima-codes`, dates).
    pub(super) fn code<T: FromStr + fmt::Display>(&mut self) -> Option<T> {
        let s = self.str()?;
        let value: T = s.parse().ok()?;
        displays_as(&value, &s).then_some(value)
    }

    /// Reads a code that may repeat one already read in the same body (`known`): a body
    /// names its recorder's organisation again as a label's producer, and a new container's
    /// code again in its link. A repeat is cloned instead of parsed and checked again (it
    /// would parse to the same value).
    pub(super) fn code_or<T: FromStr + fmt::Display + Clone>(&mut self, known: &[&T]) -> Option<T> {
        let s = self.str()?;
        if let Some(k) = known.iter().find(|k| displays_as(**k, &s)) {
            return Some((*k).clone());
        }
        let value: T = s.parse().ok()?;
        displays_as(&value, &s).then_some(value)
    }

    /// Reads a date. `YYYY-MM-DD` is read by hand (chrono's general parser costs more than
    /// the rest of a label's codes); other spellings, and dates that do not exist, are left
    /// to chrono. Either way the date must write back exactly as read.
    pub(super) fn date(&mut self) -> Option<NaiveDate> {
        let s = self.str()?;
        let b = s.as_bytes();
        let number = |digits: &[u8]| {
            digits.iter().try_fold(0u32, |n, &d| {
                d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
            })
        };
        let quick = if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
            let year = i32::try_from(number(&b[..4])?).ok()?;
            NaiveDate::from_ymd_opt(year, number(&b[5..7])?, number(&b[8..])?)
        } else {
            None
        };
        let value = match quick {
            Some(d) => d,
            None => s.parse().ok()?,
        };
        displays_as(&value, &s).then_some(value)
    }

    /// Reads one of `names` (an enum's names) and gives the matching value.
    pub(super) fn name<T: Copy>(&mut self, names: &[(&str, T)]) -> Option<T> {
        let s = self.str()?;
        names
            .iter()
            .find(|(n, _)| same(n.as_bytes(), s.as_bytes()))
            .map(|&(_, v)| v)
    }

    /// Reads 32 bytes written as 64 lower-case hex digits in a string.
    pub(super) fn hex32(&mut self) -> Option<[u8; 32]> {
        let digits = self.rest().get(..66)?;
        if digits[0] != b'"' || digits[65] != b'"' {
            return None;
        }
        let mut out = [0u8; 32];
        for (o, pair) in out.iter_mut().zip(digits[1..65].chunks_exact(2)) {
            *o = lower_hex(pair[0])? << 4 | lower_hex(pair[1])?;
        }
        self.pos += 66;
        Some(out)
    }

    /// Reads the decimal digits of an unsigned integer without a leading zero: its value, or
    /// `None` on overflow of `u64`.
    fn magnitude(&mut self) -> Option<u64> {
        let rest = self.rest();
        let len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if len == 0 || (rest[0] == b'0' && len > 1) {
            return None;
        }
        let mut n: u64 = 0;
        for &d in &rest[..len] {
            n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
        }
        self.pos += len;
        Some(n)
    }

    /// Reads an unsigned integer.
    pub(super) fn u64(&mut self) -> Option<u64> {
        self.magnitude()
    }

    /// Reads a signed integer (`-` only before a non-zero magnitude).
    pub(super) fn i64(&mut self) -> Option<i64> {
        if self.eat(b"-") {
            let m = self.magnitude()?;
            if m == 0 {
                return None;
            }
            0i64.checked_sub_unsigned(m)
        } else {
            i64::try_from(self.magnitude()?).ok()
        }
    }
}
