//! Ruled A4 pages in SVG, in millimetres: lines of text wrapped to a cell with the shipped
//! font's own advances, rows of cells, and tables that flow down the pages with their header
//! rows repeated where they continue.

use crate::fonts::Metrics;
use crate::text::{esc, wrap};
use std::fmt::Write;

/// A4, in millimetres.
pub(super) const PAGE_W: f32 = 210.0;
pub(super) const PAGE_H: f32 = 297.0;
/// Blank space at the left and right edges.
pub(super) const MARGIN: f32 = 12.0;
pub(super) const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// Where the content starts, below the header, and where it ends, above the footer.
const TOP: f32 = 43.0;
const BOTTOM: f32 = PAGE_H - 16.0;
/// Cell text and the English captions' size.
pub(super) const BODY: f32 = 2.4;
pub(super) const SMALL: f32 = 1.9;
/// Line advance, as a multiple of the text size.
const LEADING: f32 = 1.3;
/// Space inside a cell.
pub(super) const PAD: f32 = 1.0;
/// Most lines a cell's value takes before it is shortened with "…".
const MAX_CELL_LINES: usize = 6;
/// The width of a cell's rules.
pub(super) const THIN: f32 = 0.2;

const MUTED: &str = "#505050";
const ALERT: &str = "#b00000";
const HEAD_FILL: &str = "#ececec";
pub(super) const ALERT_FILL: &str = "#fbe9e9";

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Tone {
    Normal,
    Muted,
    Alert,
}

impl Tone {
    pub(super) fn colour(self) -> &'static str {
        match self {
            Tone::Normal => "#000",
            Tone::Muted => MUTED,
            Tone::Alert => ALERT,
        }
    }
}

/// One line of text in a cell.
#[derive(Clone)]
pub(super) struct Span {
    pub(super) text: String,
    pub(super) size: f32,
    pub(super) tone: Tone,
}

impl Span {
    pub(super) fn advance(&self) -> f32 {
        self.size * LEADING
    }
}

/// Text wrapped to `width` mm at `size`, at most `max` lines (the last ending in "…" when
/// cut).
pub(super) fn spans(text: &str, width: f32, size: f32, tone: Tone, max: usize) -> Vec<Span> {
    let ems = width / size;
    let mut lines = wrap(text, ems, ems);
    if lines.len() > max {
        lines.truncate(max);
        let m = Metrics::get();
        let last = lines.last_mut().expect("at least one line");
        while !last.is_empty() && m.width(last, false) + m.advance('…', false) > ems {
            last.pop();
        }
        last.push('…');
    }
    lines
        .into_iter()
        .filter(|l| !l.is_empty())
        .map(|text| Span { text, size, tone })
        .collect()
}

/// A cell: lines of text.
#[derive(Clone, Default)]
pub(super) struct Cell(pub(super) Vec<Span>);

impl Cell {
    pub(super) fn height(&self) -> f32 {
        self.0.iter().map(Span::advance).sum()
    }

    pub(super) fn push(&mut self, text: &str, width: f32, size: f32, tone: Tone) -> &mut Cell {
        self.0
            .extend(spans(text, width, size, tone, MAX_CELL_LINES));
        self
    }

    /// A caption (Chinese, then English in small grey) and its value below it.
    pub(super) fn field(&mut self, zh: &str, en: &str, value: &str, width: f32) -> &mut Cell {
        if value.trim().is_empty() {
            return self;
        }
        self.push(&format!("{zh} {en}"), width, SMALL, Tone::Muted);
        self.push(value, width, BODY, Tone::Normal)
    }
}

pub(super) struct Column {
    pub(super) zh: &'static str,
    pub(super) en: &'static str,
    pub(super) width: f32,
}

pub(super) struct Row {
    pub(super) cells: Vec<Cell>,
    pub(super) alert: bool,
}

impl Row {
    pub(super) fn height(&self) -> f32 {
        self.cells.iter().map(Cell::height).fold(0.0, f32::max) + 2.0 * PAD
    }
}

/// An SVG fragment being written.
#[derive(Default)]
pub(super) struct Svg(pub(super) String);

impl Svg {
    pub(super) fn text(&mut self, x: f32, y: f32, size: f32, tone: Tone, anchor: &str, s: &str) {
        self.text_weighted(x, y, size, tone, anchor, s, false);
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn text_weighted(
        &mut self,
        x: f32,
        y: f32,
        size: f32,
        tone: Tone,
        anchor: &str,
        s: &str,
        bold: bool,
    ) {
        // The bold face holds only a few characters: bold is used where it has them all.
        let m = Metrics::get();
        let bold = bold && s.chars().all(|c| c == ' ' || m.has(c, true));
        let weight = if bold { r#" font-weight="700""# } else { "" };
        let fill = match tone {
            Tone::Normal => String::new(),
            t => format!(r#" fill="{}""#, t.colour()),
        };
        let _ = write!(
            self.0,
            r#"<text x="{x:.3}" y="{y:.3}" font-size="{size:.3}"{weight}{fill} text-anchor="{anchor}">{}</text>"#,
            esc(s)
        );
    }

    pub(super) fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: &str, stroke: f32) {
        let stroke = if stroke > 0.0 {
            format!(r##" stroke="#000" stroke-width="{stroke}""##)
        } else {
            String::new()
        };
        let _ = write!(
            self.0,
            r#"<rect x="{x:.3}" y="{y:.3}" width="{w:.3}" height="{h:.3}" fill="{fill}"{stroke}/>"#
        );
    }

    pub(super) fn rule(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        let _ = write!(
            self.0,
            r##"<line x1="{x1:.3}" y1="{y1:.3}" x2="{x2:.3}" y2="{y2:.3}" stroke="#000" stroke-width="{width}"/>"##
        );
    }

    /// A cell's lines from its top-left corner.
    pub(super) fn cell(&mut self, x: f32, top: f32, cell: &Cell) {
        let mut y = top;
        for s in &cell.0 {
            // The baseline within the line box: the font's ascent is about 0.88 em.
            let base = y + (s.advance() - s.size) / 2.0 + s.size * 0.88;
            self.text(x, base, s.size, s.tone, "start", &s.text);
            y += s.advance();
        }
    }
}

/// Pages being filled from the top down.
pub(super) struct Flow {
    pub(super) pages: Vec<Svg>,
    pub(super) y: f32,
}

impl Flow {
    pub(super) fn new() -> Flow {
        Flow {
            pages: vec![Svg::default()],
            y: TOP,
        }
    }

    pub(super) fn page(&mut self) -> &mut Svg {
        self.pages.last_mut().expect("a page")
    }

    pub(super) fn new_page(&mut self) {
        self.pages.push(Svg::default());
        self.y = TOP;
    }

    pub(super) fn room(&self) -> f32 {
        BOTTOM - self.y
    }

    /// A section's title line (Chinese bold, English after it).
    pub(super) fn title(&mut self, zh: &str, en: &str) {
        let y = self.y + 4.2;
        let m = Metrics::get();
        self.page()
            .text_weighted(MARGIN, y, 3.2, Tone::Normal, "start", zh, true);
        let x = MARGIN + m.width(zh, false) * 3.2 + 1.5;
        self.page().text(x, y, 2.2, Tone::Muted, "start", en);
        self.y += 6.0;
    }

    pub(super) fn row(&mut self, cols: &[Column], row: &Row, fill: &str) {
        let h = row.height();
        let y = self.y;
        let page = self.page();
        let mut x = MARGIN;
        if !fill.is_empty() {
            page.rect(MARGIN, y, CONTENT_W, h, fill, 0.0);
        }
        for (col, cell) in cols.iter().zip(&row.cells) {
            page.rect(x, y, col.width, h, "none", THIN);
            page.cell(x + PAD, y + PAD, cell);
            x += col.width;
        }
        self.y += h;
    }

    /// A ruled table under a title, its header row repeated on every page it reaches.
    pub(super) fn table(&mut self, title: (&str, &str), cols: &[Column], rows: &[Row]) {
        let header = Row {
            cells: cols
                .iter()
                .map(|c| {
                    let w = c.width - 2.0 * PAD;
                    let mut cell = Cell::default();
                    cell.push(c.zh, w, BODY, Tone::Normal)
                        .push(c.en, w, SMALL, Tone::Muted);
                    cell
                })
                .collect(),
            alert: false,
        };
        let start = 6.0 + header.height() + rows.first().map_or(0.0, Row::height);
        if self.room() < start {
            self.new_page();
        }
        self.title(title.0, title.1);
        self.row(cols, &header, HEAD_FILL);
        for row in rows {
            if self.room() < row.height() {
                self.new_page();
                self.title(
                    &format!("{}（续）", title.0),
                    &format!("{} (continued)", title.1),
                );
                self.row(cols, &header, HEAD_FILL);
            }
            let fill = if row.alert { ALERT_FILL } else { "" };
            self.row(cols, row, fill);
        }
        self.y += 4.0;
    }

    /// A paragraph across the page.
    pub(super) fn paragraph(&mut self, text: &str, size: f32, tone: Tone) {
        let lines = spans(text, CONTENT_W, size, tone, 20);
        let h: f32 = lines.iter().map(Span::advance).sum();
        if self.room() < h {
            self.new_page();
        }
        let y = self.y;
        self.page().cell(MARGIN, y, &Cell(lines));
        self.y += h + 1.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_cells_end_with_an_ellipsis_within_their_width() {
        let long = "含油抹布".repeat(40);
        let lines = spans(&long, 20.0, BODY, Tone::Normal, 3);
        assert_eq!(lines.len(), 3);
        assert!(lines[2].text.ends_with('…'));
        let m = Metrics::get();
        for l in &lines {
            assert!(m.width(&l.text, false) * BODY <= 20.0 + 1e-3, "{}", l.text);
        }
    }
}
