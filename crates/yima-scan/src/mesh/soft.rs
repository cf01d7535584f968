//! Decoding from the modules' grey levels rather than from hard bits: each module's
//! distance from its neighbourhood's threshold says how sure its bit is; a covered part of
//! the code (tape, grime: no contrast) and modules read across a fold come out unsure, and
//! the codewords that hold them are given to Reed–Solomon as erasures ([`super::rs`]),
//! which costs half of what an unknown error costs. The format information is matched
//! softly against its 32 possible values.
//!
//! The codewords are read, de-interleaved and corrected here; rxing parses the corrected
//! data (`DecodeBitStream`).

use super::rs;
use rxing::common::cpp_essentials::DecoderResult;
use rxing::qrcode::common::{ErrorCorrectionLevel, Version, FORMAT_INFO_DECODE_LOOKUP};
use rxing::qrcode::cpp_port::decoder::DecodeBitStream;

/// Spare check symbols a block must keep after its corrections (see [`rs::correct`]).
const SLACK: usize = 2;

/// Per module: how dark it is against its neighbourhood (positive = dark), in units of
/// the code's typical local contrast, and how sure that is (0 under a cover).
pub fn darkness(levels: &[f32], dim: usize) -> (Vec<f32>, Vec<f32>) {
    // A cover (tape, grime) is a patch with no contrast: where the 3×3 modules around one
    // vary far less than they do across the code, widened by a module.
    let stats = |i: usize, j: usize, r: usize, skip: &[bool]| {
        let (i0, i1) = (i.saturating_sub(r), (i + r + 1).min(dim));
        let (j0, j1) = (j.saturating_sub(r), (j + r + 1).min(dim));
        let (mut s1, mut s2, mut n) = (0f32, 0f32, 0f32);
        for y in j0..j1 {
            for x in i0..i1 {
                if skip.get(y * dim + x).copied().unwrap_or(false) {
                    continue;
                }
                let v = levels[y * dim + x];
                s1 += v;
                s2 += v * v;
                n += 1.0;
            }
        }
        if n == 0.0 {
            return (f32::NAN, 0.0);
        }
        let mean = s1 / n;
        (mean, (s2 / n - mean * mean).max(0.0).sqrt())
    };
    let median = |v: &[f32]| {
        let mut s: Vec<f32> = v.iter().copied().filter(|x| x.is_finite()).collect();
        s.sort_by(f32::total_cmp);
        s.get(s.len() / 2).copied().unwrap_or(1.0).max(1.0)
    };
    let near: Vec<f32> = (0..dim * dim)
        .map(|k| stats(k % dim, k / dim, 1, &[]).1)
        .collect();
    let flat_level = 0.25 * median(&near);
    let flat: Vec<bool> = near.iter().map(|&s| s < flat_level).collect();
    let covered: Vec<bool> = (0..dim * dim)
        .map(|k| {
            let (i, j) = ((k % dim) as i32, (k / dim) as i32);
            let d = dim as i32;
            (-1..=1).any(|dy| {
                (-1..=1).any(|dx| {
                    let (x, y) = (i + dx, j + dy);
                    x >= 0 && y >= 0 && x < d && y < d && flat[(y * d + x) as usize]
                })
            })
        })
        .collect();
    let mut z = vec![0f32; dim * dim];
    let mut spread = vec![0f32; dim * dim];
    for k in 0..dim * dim {
        let (mut mean, mut s) = stats(k % dim, k / dim, 3, &covered);
        if !mean.is_finite() {
            (mean, s) = stats(k % dim, k / dim, 3, &[]);
        }
        spread[k] = s;
        z[k] = mean - levels[k];
    }
    let typical = median(&spread);
    z.iter_mut().for_each(|v| *v /= typical);
    let sure = z
        .iter()
        .zip(&covered)
        .map(|(v, &c)| if c { 0.001 * v.abs() } else { v.abs() })
        .collect();
    (z, sure)
}

/// The format information's 15 modules, copy 1 and copy 2, most significant bit first.
fn format_cells(dim: usize) -> [[(usize, usize); 15]; 2] {
    let mut a = [(0, 0); 15];
    let mut k = 0;
    for x in 0..6 {
        a[k] = (x, 8);
        k += 1;
    }
    for c in [(7, 8), (8, 8), (8, 7)] {
        a[k] = c;
        k += 1;
    }
    for y in (0..=5).rev() {
        a[k] = (8, y);
        k += 1;
    }
    let mut b = [(0, 0); 15];
    k = 0;
    for y in (dim - 7..dim).rev() {
        b[k] = (8, y);
        k += 1;
    }
    for x in dim - 8..dim {
        b[k] = (x, 8);
        k += 1;
    }
    [a, b]
}

/// The format values (EC level bits << 3 | mask) by how well the modules match them.
fn formats(z: &[f32], dim: usize) -> Vec<(f32, u32)> {
    let cells = format_cells(dim);
    let mut scored: Vec<(f32, u32)> = FORMAT_INFO_DECODE_LOOKUP
        .iter()
        .map(|&[bits, data]| {
            let mut score = 0.0;
            for copy in &cells {
                for (k, &(x, y)) in copy.iter().enumerate() {
                    let dark = (bits >> (14 - k)) & 1 == 1;
                    let v = z[y * dim + x].clamp(-2.0, 2.0);
                    score += if dark { v } else { -v };
                }
            }
            (score, data)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored
}

fn mask_bit(mask: u32, x: usize, y: usize) -> bool {
    match mask {
        0 => (y + x) % 2 == 0,
        1 => y % 2 == 0,
        2 => x % 3 == 0,
        3 => (y + x) % 3 == 0,
        4 => (y / 2 + x / 3) % 2 == 0,
        5 => (y * x) % 6 == 0,
        6 => (y * x) % 6 < 3,
        _ => (y + x + (y * x) % 3) % 2 == 0,
    }
}

/// Reads the codewords and, for each, how sure its least sure module is.
fn codewords(
    z: &[f32],
    sure: &[f32],
    dim: usize,
    version: &Version,
    mask: u32,
) -> Option<Vec<(u8, f32)>> {
    let function = version.buildFunctionPattern().ok()?;
    let mut out = Vec::with_capacity(version.getTotalCodewords() as usize);
    let surety = sure;
    let (mut byte, mut sure, mut bits) = (0u8, f32::MAX, 0);
    let mut up = true;
    let mut x = dim as i32 - 1;
    while x > 0 {
        if x == 6 {
            x -= 1;
        }
        for row in 0..dim {
            let y = if up { dim - 1 - row } else { row };
            for col in 0..2 {
                let xx = (x - col) as usize;
                if function.get(xx as u32, y as u32) {
                    continue;
                }
                let v = z[y * dim + xx];
                byte = (byte << 1) | u8::from((v > 0.0) != mask_bit(mask, xx, y));
                sure = sure.min(surety[y * dim + xx]);
                bits += 1;
                if bits % 8 == 0 {
                    out.push((byte, sure));
                    (byte, sure) = (0, f32::MAX);
                }
            }
        }
        up = !up;
        x -= 2;
    }
    (out.len() == version.getTotalCodewords() as usize).then_some(out)
}

/// Decodes a `dim`-module code from its modules' grey levels (row-major).
pub fn decode(levels: &[f32], dim: usize) -> Option<DecoderResult<bool>> {
    let number = (dim.checked_sub(17)? / 4) as u32;
    let version = Version::getVersionForNumber(number).ok()?;
    let (z, sure) = darkness(levels, dim);
    let ranked = formats(&z, dim);
    // The best format and any close to it.
    let best = ranked[0].0;
    for &(score, data) in ranked.iter().take(3) {
        if score < best * 0.8 {
            break;
        }
        let level = ErrorCorrectionLevel::forBits((data >> 3) as u8).ok()?;
        let words = codewords(&z, &sure, dim, version, data & 7)?;
        if let Some(result) = correct_and_parse(&words, version, level) {
            return Some(result);
        }
    }
    None
}

/// The error-correction blocks of a symbol: the check codewords per block, each block's
/// data codewords, and for each block the positions of its codewords in the symbol's
/// interleaved stream (data codewords round the blocks, the longer blocks last, then the
/// check codewords).
fn blocks_of(
    version: &Version,
    level: ErrorCorrectionLevel,
) -> (usize, Vec<usize>, Vec<Vec<usize>>) {
    let ec = version.getECBlocksForLevel(level);
    let nsym = ec.getECCodewordsPerBlock() as usize;
    let sizes: Vec<usize> = ec
        .getECBlocks()
        .iter()
        .flat_map(|b| std::iter::repeat_n(b.getDataCodewords() as usize, b.getCount() as usize))
        .collect();
    let longest = sizes.iter().copied().max().unwrap_or(0);
    let mut blocks: Vec<Vec<usize>> = sizes
        .iter()
        .map(|&d| Vec::with_capacity(d + nsym))
        .collect();
    let mut k = 0;
    for i in 0..longest + nsym {
        for (b, &d) in blocks.iter_mut().zip(&sizes) {
            if i < d || i >= longest {
                b.push(k);
                k += 1;
            }
        }
    }
    (nsym, sizes, blocks)
}

fn correct_and_parse(
    words: &[(u8, f32)],
    version: &Version,
    level: ErrorCorrectionLevel,
) -> Option<DecoderResult<bool>> {
    let (nsym, sizes, layout) = blocks_of(version, level);
    let blocks: Vec<Vec<(u8, f32)>> = layout
        .iter()
        .map(|b| b.iter().map(|&k| words.get(k).copied()).collect())
        .collect::<Option<_>>()?;
    let mut data = Vec::with_capacity(sizes.iter().sum());
    for (block, &d) in blocks.iter().zip(&sizes) {
        let mut order: Vec<usize> = (0..block.len()).collect();
        order.sort_by(|&a, &b| block[a].1.total_cmp(&block[b].1));
        let mut fixed = None;
        for erase in 0..=nsym - SLACK {
            let mut bytes: Vec<u8> = block.iter().map(|w| w.0).collect();
            if rs::correct(&mut bytes, nsym, &order[..erase], SLACK).is_some() {
                fixed = Some(bytes);
                break;
            }
        }
        data.extend_from_slice(&fixed?[..d]);
    }
    let result = DecodeBitStream(&data, version, level).ok()?;
    result.isValid().then_some(result)
}

/// Diagnostics: per block, how many codewords read from `levels` differ from those of the
/// true modules `truth` (dark = true), and the ranks of the wrong ones among the block's
/// codewords ordered least sure first.
#[doc(hidden)]
pub fn diagnose(levels: &[f32], truth: &[bool], dim: usize) -> Vec<(usize, Vec<usize>)> {
    let Some(version) = Version::getVersionForNumber(((dim - 17) / 4) as u32).ok() else {
        return Vec::new();
    };
    let (z, sure) = darkness(levels, dim);
    let tz: Vec<f32> = truth.iter().map(|&d| if d { 1.0 } else { -1.0 }).collect();
    let fmt = formats(&tz, dim)[0].1;
    let level = ErrorCorrectionLevel::forBits((fmt >> 3) as u8).expect("level");
    let (Some(words), Some(right)) = (
        codewords(&z, &sure, dim, version, fmt & 7),
        codewords(&tz, &tz, dim, version, fmt & 7),
    ) else {
        return Vec::new();
    };
    let (nsym, _, blocks) = blocks_of(version, level);
    blocks
        .iter()
        .map(|b| {
            let mut order = b.clone();
            order.sort_by(|&x, &y| words[x].1.total_cmp(&words[y].1));
            let wrong: Vec<usize> = order
                .iter()
                .enumerate()
                .filter(|(_, &w)| words[w].0 != right[w].0)
                .map(|(rank, _)| rank)
                .collect();
            (nsym, wrong)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A level-Q code's modules as grey levels, a 20×20 patch covered flat (as tape does)
    /// and a few modules elsewhere flipped: too many wrong bits for hard decoding, read
    /// with the covered codewords erased.
    #[test]
    fn a_covered_patch_is_erased_not_guessed() {
        let text = "YIMA-HW-0001 ".repeat(12);
        let code =
            qrcode::QrCode::with_error_correction_level(&text, qrcode::EcLevel::Q).expect("fits");
        let dim = code.width();
        let mut levels: Vec<f32> = code
            .to_colors()
            .iter()
            .map(|c| {
                if *c == qrcode::Color::Dark {
                    30.0
                } else {
                    200.0
                }
            })
            .collect();
        for j in 15..35 {
            for i in 17..37 {
                levels[j * dim + i] = 190.0;
            }
        }
        for k in [3, 11, 17, 23, 29, 37] {
            let at = (dim - 10) * dim + k;
            levels[at] = 230.0 - levels[at];
        }
        let result = decode(&levels, dim).expect("decoded with erasures");
        assert_eq!(result.text(), text);
        // The same patch guessed (thresholded as bits) is beyond the hard decoder.
        let (z, _) = darkness(&levels, dim);
        let wrong = (0..dim * dim)
            .filter(|&k| (z[k] > 0.0) != (code.to_colors()[k] == qrcode::Color::Dark))
            .count();
        assert!(wrong > 50, "{wrong} wrong bits");
        let mut bits = rxing::common::BitMatrix::with_single_dimension(dim as u32).expect("size");
        for k in (0..dim * dim).filter(|&k| z[k] > 0.0) {
            bits.set((k % dim) as u32, (k / dim) as u32);
        }
        let hard = rxing::qrcode::cpp_port::decoder::Decode(&bits);
        assert!(
            hard.as_ref().is_err(),
            "{dim} {wrong} {:?}",
            hard.map(|r| r.text())
        );
    }
}
