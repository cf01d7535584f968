//! Reading image files into a luma (grey) buffer, refusing anything too large *before*
//! the pixels are allocated.
//!
//! The limits: at most [`MAX_PIXELS`] pixels (a 12 MP phone photo, 4032×3024 or 4000×3000,
//! fits; 4096×3072 is the largest 4:3 image accepted), at most [`MAX_SIDE`] pixels a side
//! and a file of at most [`MAX_FILE_BYTES`]. The dimensions are read from the file's header
//! first, so a decompression bomb (a small PNG declaring 30000×30000) is refused without
//! inflating it; the decoder then runs under `image::Limits` as a second line.

use crate::error::ScanError;
use crate::guard::contain;
use image::{ImageError, ImageFormat, ImageReader, Limits};
use std::io::{Cursor, Read};
use std::path::Path;

/// The most pixels an image may have: 4096 × 3072 (12.6 million), a 12 MP phone photo.
pub const MAX_PIXELS: u64 = 4096 * 3072;
/// The longest side accepted, in pixels.
pub const MAX_SIDE: u32 = 16_384;
/// The largest file accepted, in bytes (a 12 MP PNG with 16-bit RGBA fits).
pub const MAX_FILE_BYTES: u64 = 128 << 20;
/// The most memory the image decoder may allocate.
const MAX_ALLOC: u64 = 256 << 20;

/// A grey image: one byte per pixel, row by row, `width * height` bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Luma {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The pixels, row-major, 0 = black, 255 = white.
    pub data: Vec<u8>,
}

/// Reads a file's bytes, refusing one over [`MAX_FILE_BYTES`] before reading it.
pub fn read_file(path: &Path) -> Result<Vec<u8>, ScanError> {
    let io = |source| ScanError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len > MAX_FILE_BYTES {
        return Err(ScanError::TooLarge {
            detail: format!("file of {len} bytes, the limit is {MAX_FILE_BYTES} bytes"),
        });
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // `take` guards against a file that grows while it is read.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ScanError::TooLarge {
            detail: format!("file over the limit of {MAX_FILE_BYTES} bytes"),
        });
    }
    Ok(bytes)
}

/// Checks dimensions against the limits.
pub fn check_dimensions(width: u32, height: u32) -> Result<(), ScanError> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS || width > MAX_SIDE || height > MAX_SIDE {
        return Err(ScanError::TooLarge {
            detail: format!(
                "{width}×{height} pixels ({:.1} MP), the limit is {MAX_PIXELS} pixels (12 MP) \
                 and {MAX_SIDE} a side",
                pixels as f64 / 1e6
            ),
        });
    }
    Ok(())
}

fn map_image_error(e: ImageError) -> ScanError {
    match e {
        ImageError::Limits(l) => ScanError::TooLarge {
            detail: l.to_string(),
        },
        ImageError::Unsupported(u) => ScanError::Format {
            detail: u.to_string(),
        },
        other => ScanError::Unreadable {
            detail: other.to_string(),
        },
    }
}

fn reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, ScanError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ScanError::Unreadable {
            detail: e.to_string(),
        })?;
    match reader.format() {
        Some(ImageFormat::Png | ImageFormat::Jpeg) => Ok(reader),
        Some(other) => Err(ScanError::Format {
            detail: format!("{other:?} images are not read; use PNG or JPEG"),
        }),
        None => Err(ScanError::Format {
            detail: "neither a PNG nor a JPEG file".into(),
        }),
    }
}

/// Decodes PNG or JPEG bytes to a grey image, checking the header's dimensions first.
pub fn decode(bytes: &[u8]) -> Result<Luma, ScanError> {
    let (width, height) = reader(bytes)?.into_dimensions().map_err(map_image_error)?;
    check_dimensions(width, height)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    let mut reader = reader(bytes)?;
    reader.limits(limits);
    // Image decoders are third-party code fed untrusted bytes: contain them too.
    let image = contain(|| reader.decode())
        .ok_or_else(|| ScanError::Unreadable {
            detail: "the image decoder failed".into(),
        })?
        .map_err(map_image_error)?;
    let luma = image.into_luma8();
    let (width, height) = luma.dimensions();
    Ok(Luma {
        width,
        height,
        data: luma.into_raw(),
    })
}
