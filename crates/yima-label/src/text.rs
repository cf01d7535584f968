//! Setting text: wrapping a field into lines of a given width and shortening what does not
//! fit, measured with the shipped font's own advances.

use crate::fonts::Metrics;

/// Characters that may not begin a line (Chinese line-breaking rules).
const NO_LINE_START: &str = "，。、：；！？）》」』】,.:;!?)]}%…";

/// One line of a field: the caption on its first line, then text.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Line {
    /// The caption (with its colon), on the first line only.
    pub caption: Option<String>,
    /// The text of the line.
    pub text: String,
}

/// Splits text into what a line may break between: each CJK character on its own, runs of
/// other non-space characters as words, and spaces.
fn tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        let alone = c.is_whitespace()
            || !c.is_ascii() && !c.is_alphanumeric()
            || ('\u{2E80}'..='\u{FFEF}').contains(&c);
        if alone {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            out.push(c.to_string());
        } else {
            word.push(c);
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Wraps `text` into lines: the first `first` ems wide, the others `rest` ems wide.
pub(crate) fn wrap(text: &str, first: f32, rest: f32) -> Vec<String> {
    let m = Metrics::get();
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut width = 0.0;
    let limit = |lines: &Vec<String>| if lines.is_empty() { first } else { rest };
    let mut queue: std::collections::VecDeque<String> = tokens(text.trim()).into();
    while let Some(token) = queue.pop_front() {
        let w = m.width(&token, false);
        if width + w <= limit(&lines) {
            line.push_str(&token);
            width += w;
            continue;
        }
        if token.trim().is_empty() {
            // A space at the end of a line is dropped.
            lines.push(std::mem::take(&mut line));
            width = 0.0;
            continue;
        }
        if line.is_empty() || w > rest {
            // A word longer than a line is broken where it must be.
            let mut chars = token.chars();
            let mut part = String::new();
            for c in chars.by_ref() {
                if width + m.width(&part, false) + m.advance(c, false) > limit(&lines)
                    && !(line.is_empty() && part.is_empty())
                {
                    queue.push_front(c.to_string() + chars.as_str());
                    break;
                }
                part.push(c);
            }
            line.push_str(&part);
            lines.push(std::mem::take(&mut line));
            width = 0.0;
            continue;
        }
        if NO_LINE_START.contains(token.as_str()) {
            // Carry the last character over with the punctuation.
            if let Some(last) = line.pop() {
                queue.push_front(token);
                queue.push_front(last.to_string());
                lines.push(std::mem::take(&mut line));
                width = 0.0;
                continue;
            }
        }
        lines.push(std::mem::take(&mut line).trim_end().to_string());
        width = 0.0;
        queue.push_front(token);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Lays a field out: `caption` (bold) then `value`, in lines `width` ems wide.
pub(crate) fn field(caption: &str, value: &str, width: f32) -> Vec<Line> {
    let caption = format!("{caption}：");
    let first = width - Metrics::get().width(&caption, true);
    let mut lines: Vec<Line> = wrap(value, first, width)
        .into_iter()
        .map(|text| Line {
            caption: None,
            text,
        })
        .collect();
    lines[0].caption = Some(caption);
    lines
}

/// Shortens `lines` to at most `max` lines (at least one), ending the last with "…".
pub(crate) fn shorten(lines: &mut Vec<Line>, max: usize, width: f32) {
    let max = max.max(1);
    if lines.len() <= max {
        return;
    }
    lines.truncate(max);
    let m = Metrics::get();
    let last = lines.last_mut().expect("at least one line");
    let room = width - last.caption.as_deref().map_or(0.0, |c| m.width(c, true));
    while !last.text.is_empty() && m.width(&last.text, false) + m.advance('…', false) > room {
        last.text.pop();
    }
    last.text.push('…');
}

/// Escapes text for SVG.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_chinese_and_words_within_the_width() {
        let m = Metrics::get();
        let text = "含油抹布、手套及废包装桶，主要成分为矿物油 mineral oil and rags";
        for (first, rest) in [(5.0, 8.0), (3.0, 3.0), (10.0, 14.0)] {
            let lines = wrap(text, first, rest);
            assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
            for (i, l) in lines.iter().enumerate() {
                let limit = if i == 0 { first } else { rest };
                assert!(
                    m.width(l, false) <= limit + 1e-3,
                    "{l:?} wider than {limit}"
                );
                assert!(
                    !NO_LINE_START.contains(l.chars().next().unwrap_or('a')),
                    "{l:?}"
                );
            }
        }
        assert_eq!(wrap("", 5.0, 5.0), vec![String::new()]);
    }

    #[test]
    fn shortens_with_an_ellipsis() {
        let mut lines = field("备注", &"很长的备注".repeat(20), 10.0);
        assert!(lines.len() > 3);
        shorten(&mut lines, 2, 10.0);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].text.ends_with('…'));
        assert!(Metrics::get().width(&lines[1].text, false) <= 10.0);
    }
}
