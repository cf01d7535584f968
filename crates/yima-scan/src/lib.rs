//! Finds and decodes every QR code in a photo or a camera frame.
//!
//! ```no_run
//! let found = yima_scan::scan_file("drum.jpg")?;
//! for code in &found {
//!     println!("{} at {:?}", code.text, code.corners);
//! }
//! # Ok::<(), yima_scan::ScanError>(())
//! ```
//!
//! The pipeline (see `BENCHMARKS.md` for the numbers behind it) runs decoders and
//! pre-processing in order of cost and stops at the first stage that reads something:
//! see [`pipeline`]. Every decoder call, and every stage as a whole, is guarded
//! ([`guard::contain`]): a decoder that panics (upstream issue WanzenBug/rqrr#54 reports
//! panics in `rqrr`; rxing documents that its finder search "can panic") counts as
//! "nothing read", never a crash; when a panic is all an image produced, [`scan_file`]
//! reports it [`ScanErrorKind::Unreadable`].
//!
//! Image files (PNG, JPEG) are refused with [`ScanErrorKind::TooLarge`] above 12 MP
//! ([`load::MAX_PIXELS`]) from their header, before any pixel is allocated.

pub mod decoders;
mod error;
pub mod guard;
pub mod load;
pub mod mesh;
pub mod pipeline;
pub mod prep;
mod text;

pub use error::{ScanError, ScanErrorKind};
pub use load::Luma;
pub use pipeline::{camera_effort, Effort, Report};

use std::path::Path;

/// A point in the scanned image, in pixels (x to the right, y down).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Point {
    /// Horizontal position.
    pub x: f32,
    /// Vertical position.
    pub y: f32,
}

/// Which decoder read a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decoder {
    /// `rxing` 0.9 (the Rust port of zxing-cpp's QR reader).
    Rxing,
    /// `rqrr` 0.11.
    Rqrr,
}

/// One QR code found in an image.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Found {
    /// The decoded text (byte segments interpreted by ECI, else UTF-8, Shift_JIS or
    /// ISO-8859-1, as zxing does).
    pub text: String,
    /// The payload bytes before character-set interpretation, when the decoder gives them.
    pub bytes: Option<Vec<u8>>,
    /// The code's corners in the scanned image's pixels, in the symbol's own order
    /// (top-left, top-right, bottom-right, bottom-left as the code is printed, so a code
    /// upside down in the picture has its top-left corner at the bottom right). They are
    /// approximate for a code read after unwarping a curved surface.
    pub corners: [Point; 4],
    /// The decoder that read it.
    pub decoder: Decoder,
}

impl Found {
    /// The centre of the code (mean of its corners).
    pub fn centre(&self) -> Point {
        let (x, y) = self
            .corners
            .iter()
            .fold((0.0, 0.0), |(x, y), p| (x + p.x, y + p.y));
        Point {
            x: x / 4.0,
            y: y / 4.0,
        }
    }
}

/// Reads a PNG or JPEG file and returns every QR code in it (an empty list when there is
/// none). Refuses files over the limits ([`ScanErrorKind::TooLarge`]) before decoding them.
pub fn scan_file(path: impl AsRef<Path>) -> Result<Vec<Found>, ScanError> {
    scan_file_with(path, Effort::Fast)
}

/// Like [`scan_file`], looking as hard as `effort` says.
pub fn scan_file_with(path: impl AsRef<Path>, effort: Effort) -> Result<Vec<Found>, ScanError> {
    scan_bytes_with(&load::read_file(path.as_ref())?, effort)
}

/// Like [`scan_file`], for the bytes of a PNG or JPEG file already in memory.
pub fn scan_bytes(bytes: &[u8]) -> Result<Vec<Found>, ScanError> {
    scan_bytes_with(bytes, Effort::Fast)
}

/// Like [`scan_bytes`], looking as hard as `effort` says.
pub fn scan_bytes_with(bytes: &[u8], effort: Effort) -> Result<Vec<Found>, ScanError> {
    let image = load::decode(bytes)?;
    into_result(pipeline::run(
        image.width,
        image.height,
        &image.data,
        effort,
    ))
}

/// A report as the result of scanning a file: a run where decoders panicked and nothing
/// was read is [`ScanErrorKind::Unreadable`].
pub fn into_result(report: Report) -> Result<Vec<Found>, ScanError> {
    if report.found.is_empty() && report.panics > 0 {
        return Err(ScanError::Unreadable {
            detail: format!(
                "a QR decoder failed on this image ({} contained panic(s))",
                report.panics
            ),
        });
    }
    Ok(report.found)
}

/// Every QR code in a camera frame: `luma` holds `width * height` grey bytes, row by row
/// (the Y plane of a YUV frame). A malformed buffer, or a frame the decoders fail on,
/// gives an empty list; this never panics.
pub fn scan_luma(width: u32, height: u32, luma: &[u8]) -> Vec<Found> {
    pipeline::run(width, height, luma, Effort::Fast).found
}

/// Like [`scan_luma`], looking as hard as `effort` says, with the run's details.
pub fn scan_luma_with(width: u32, height: u32, luma: &[u8], effort: Effort) -> Report {
    pipeline::run(width, height, luma, effort)
}
