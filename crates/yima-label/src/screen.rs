//! QR codes shown on a phone's screen (the offline handover): level M, at most version 25 so
//! another phone reads them in one go, as a grey-scale PNG.

use crate::RenderError;
use qrcode::{Color, EcLevel, QrCode, Version};

/// The largest QR version a handover code may take.
pub const MAX_SCREEN_VERSION: i16 = 25;
/// Pixels per module in the PNG.
pub const SCREEN_MODULE_PX: u32 = 6;

/// A screen QR code.
#[derive(Clone, Debug)]
pub struct ScreenQr {
    /// The PNG file's bytes.
    pub png: Vec<u8>,
    /// The QR version (1–25).
    pub version: i16,
}

/// Renders `text` as a screen QR code, refusing one that needs a version above 25.
pub fn screen_qr_png(text: &str) -> Result<ScreenQr, RenderError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|_| {
        RenderError::TooLarge {
            max: MAX_SCREEN_VERSION,
        }
    })?;
    let version = match code.version() {
        Version::Normal(v) => v,
        Version::Micro(v) => v,
    };
    if version > MAX_SCREEN_VERSION {
        return Err(RenderError::TooLarge {
            max: MAX_SCREEN_VERSION,
        });
    }
    let n = code.width() as u32;
    let quiet = crate::qr::QUIET as u32;
    let px = (n + 2 * quiet) * SCREEN_MODULE_PX;
    let colors = code.to_colors();
    let mut grey = vec![255u8; (px * px) as usize];
    for y in 0..n {
        for x in 0..n {
            if colors[(y * n + x) as usize] == Color::Dark {
                for dy in 0..SCREEN_MODULE_PX {
                    let row = ((y + quiet) * SCREEN_MODULE_PX + dy) * px;
                    let start = (row + (x + quiet) * SCREEN_MODULE_PX) as usize;
                    grey[start..start + SCREEN_MODULE_PX as usize].fill(0);
                }
            }
        }
    }
    let mut png = Vec::with_capacity(grey.len() / 16);
    let mut encoder = png::Encoder::new(&mut png, px, px);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder
        .write_header()
        .map_err(|e| RenderError::internal("PNG", e))?;
    writer
        .write_image_data(&grey)
        .map_err(|e| RenderError::internal("PNG", e))?;
    writer
        .finish()
        .map_err(|e| RenderError::internal("PNG", e))?;
    Ok(ScreenQr { png, version })
}
