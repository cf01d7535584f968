//! The label's QR code as SVG: the payload at error-correction level Q, black modules on a
//! white square with the standard quiet zone of 4 modules.

use crate::RenderError;
use qrcode::{Color, EcLevel, QrCode};
use std::fmt::Write;

/// Modules of blank space around the code.
pub(crate) const QUIET: usize = 4;

/// The QR code of `text` as SVG in the square `x, y, size`.
pub(crate) fn svg(text: &str, x: f32, y: f32, size: f32) -> Result<String, RenderError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::Q)
        .map_err(|e| RenderError::internal("QR", e))?;
    let n = code.width();
    let module = size / (n + 2 * QUIET) as f32;
    let colors = code.to_colors();
    let mut d = String::with_capacity(n * n * 4);
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if colors[row * n + col] == Color::Dark {
                let start = col;
                while col < n && colors[row * n + col] == Color::Dark {
                    col += 1;
                }
                let _ = write!(d, "M{start} {row}h{}v1h-{}z", col - start, col - start);
            } else {
                col += 1;
            }
        }
    }
    let inset = QUIET as f32 * module;
    Ok(format!(
        concat!(
            r##"<rect x="{x:.3}" y="{y:.3}" width="{size:.3}" height="{size:.3}" fill="#fff"/>"##,
            r##"<path class="qr" d="{d}" fill="#000" shape-rendering="crispEdges" "##,
            r##"transform="translate({tx:.4} {ty:.4}) scale({module:.5})"/>"##,
        ),
        x = x,
        y = y,
        size = size,
        d = d,
        tx = x + inset,
        ty = y + inset,
        module = module,
    ))
}
