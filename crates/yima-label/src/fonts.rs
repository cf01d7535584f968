//! The fonts a label is set in, shipped inside the crate (`fonts/`, see its README): subsets
//! of Noto Sans CJK SC Regular and Bold (SIL Open Font License 1.1). No system font is ever
//! used, so a label looks the same on every machine.

use std::sync::{Arc, OnceLock};
use yima_core::ContainerLabel;

/// The font family the label's text names (SVG `font-family`).
pub const FONT_FAMILY: &str = "Noto Sans CJK SC";

/// Noto Sans CJK SC Regular: printable ASCII, GB2312 (symbols and all 6763 hanzi), a few
/// more symbols, and every character of the national catalogue.
pub(crate) static REGULAR: &[u8] = include_bytes!("../fonts/NotoSansCJKsc-Regular-subset.otf");
/// Noto Sans CJK SC Bold: only the title, captions and hazard names (fixed text).
pub(crate) static BOLD: &[u8] = include_bytes!("../fonts/NotoSansCJKsc-Bold-subset.otf");

/// The font database given to the SVG renderer: the two shipped faces, nothing else.
pub(crate) fn database() -> Arc<resvg::usvg::fontdb::Database> {
    static DB: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        db.load_font_data(REGULAR.to_vec());
        db.load_font_data(BOLD.to_vec());
        db.set_sans_serif_family(FONT_FAMILY);
        Arc::new(db)
    })
    .clone()
}

/// Advance widths of the shipped faces, to lay text out before it is rendered.
pub(crate) struct Metrics {
    regular: ttf_parser::Face<'static>,
    bold: ttf_parser::Face<'static>,
}

impl Metrics {
    /// The metrics, parsed once.
    pub(crate) fn get() -> &'static Metrics {
        static M: OnceLock<Metrics> = OnceLock::new();
        M.get_or_init(|| Metrics {
            regular: ttf_parser::Face::parse(REGULAR, 0).expect("the shipped regular font parses"),
            bold: ttf_parser::Face::parse(BOLD, 0).expect("the shipped bold font parses"),
        })
    }

    fn face(&self, bold: bool) -> &ttf_parser::Face<'static> {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }

    /// Advance of `c` in ems (one em for a character the face lacks: its box is drawn).
    pub(crate) fn advance(&self, c: char, bold: bool) -> f32 {
        let face = self.face(bold);
        let units = f32::from(face.units_per_em());
        face.glyph_index(c)
            .and_then(|g| face.glyph_hor_advance(g))
            .map_or(1.0, |a| f32::from(a) / units)
    }

    /// Width of `text` in ems.
    pub(crate) fn width(&self, text: &str, bold: bool) -> f32 {
        text.chars().map(|c| self.advance(c, bold)).sum()
    }

    /// Whether the face has a glyph for `c`.
    pub(crate) fn has(&self, c: char, bold: bool) -> bool {
        self.face(bold).glyph_index(c).is_some()
    }
}

/// Characters of the label's text that the shipped font lacks (they would print as boxes),
/// each once, in order of appearance. Check before printing and ask for another spelling.
pub fn missing_chars(label: &ContainerLabel) -> Vec<char> {
    let m = Metrics::get();
    let texts = [
        &label.name,
        &label.main_components,
        &label.harmful_components,
        &label.precautions,
        &label.producer.name,
        &label.contact,
        &label.phone,
        &label.remarks,
    ];
    let mut out = Vec::new();
    for c in texts.iter().flat_map(|t| t.chars()) {
        if !c.is_control() && !m.has(c, false) && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}
