//! The module lattice measured locally: in windows a few modules wide, the spacing,
//! direction and phase of the module edges, then joined into one grid.
//!
//! The code is first resampled into a *rectified* image with the affine map its three
//! finder patterns give ([`Frame`]), so that an undistorted code would have its modules
//! on a square grid of [`R`] pixels. Module edges lie on lattice lines: the squared
//! horizontal gradient of that image repeats once per module across the code (vertical
//! edges), the squared vertical gradient once per module down it. In each window a
//! search over frequencies finds where that repetition is strongest; its frequency and
//! phase give, locally, the code's own module coordinates as an affine function of the
//! position (mod 1). A fold, a drum or perspective only bend this field gently between
//! windows, so joining the windows outwards from the finder patterns (most distinct
//! windows first) fixes the whole numbers, and windows with no edges (a covered part)
//! take their neighbours' field.

use crate::prep::Gray;
use std::collections::BinaryHeap;

/// Rectified pixels per module.
pub const R: f32 = 5.0;
/// Modules of margin around the nominal code in the rectified image.
pub const M: f32 = 6.0;
/// The window layout: spacing of the window centres, in modules, and half the window
/// side, in rectified pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shape {
    pub step: f32,
    pub half: i32,
}

/// The usual layout: windows 8 modules wide every 3 modules.
pub const USUAL: Shape = Shape {
    step: 3.0,
    half: 20,
};

/// The second layout: windows 10 modules wide every 4 modules. Where a fold and a glare
/// streak cross, the usual windows see too few clean edges and their phases wander; these
/// average over more of them.
pub const WIDE: Shape = Shape {
    step: 4.0,
    half: 25,
};
/// Below this a window's repetition is too faint to trust its phase.
const WEAK: f32 = 0.12;

/// The affine map from module coordinates (u across, v down, 0..dim) to image pixels.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    /// Image point of module coordinate (0, 0).
    pub origin: (f32, f32),
    /// Image step per module along u.
    pub a: (f32, f32),
    /// Image step per module along v.
    pub b: (f32, f32),
}

impl Frame {
    /// The image point of module coordinates (u, v).
    pub fn image(&self, u: f32, v: f32) -> (f32, f32) {
        (
            self.origin.0 + u * self.a.0 + v * self.b.0,
            self.origin.1 + u * self.a.1 + v * self.b.1,
        )
    }
    /// The image point of a rectified pixel position.
    pub fn rect_to_image(&self, x: f32, y: f32) -> (f32, f32) {
        self.image(x / R - M, y / R - M)
    }
}

/// Bilinear sample of `g` at (x, y); outside the image, the nearest edge pixel.
pub fn bilinear(g: &Gray, x: f32, y: f32) -> f32 {
    let x = x.clamp(0.0, (g.w - 1) as f32);
    let y = y.clamp(0.0, (g.h - 1) as f32);
    let (x0, y0) = (x.floor() as usize, y.floor() as usize);
    let (x1, y1) = ((x0 + 1).min(g.w - 1), (y0 + 1).min(g.h - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let p = |x: usize, y: usize| f32::from(g.px[y * g.w + x]);
    let top = p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx;
    let bottom = p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx;
    top * (1.0 - fy) + bottom * fy
}

/// Contrast normalised against the neighbourhood (radius `r`): light and shade, a fold's
/// shadow, glare and a strong edge then weigh no more than any module edge.
fn normalise(img: &[f32], side: usize, r: usize) -> Vec<f32> {
    let w = side + 1;
    let mut s1 = vec![0f64; w * w];
    let mut s2 = vec![0f64; w * w];
    for y in 0..side {
        let (mut a, mut b) = (0f64, 0f64);
        for x in 0..side {
            let v = f64::from(img[y * side + x]);
            a += v;
            b += v * v;
            s1[(y + 1) * w + x + 1] = s1[y * w + x + 1] + a;
            s2[(y + 1) * w + x + 1] = s2[y * w + x + 1] + b;
        }
    }
    let mut out = vec![0f32; side * side];
    for y in 0..side {
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(side));
        for x in 0..side {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(side));
            let n = ((x1 - x0) * (y1 - y0)) as f64;
            let box_sum =
                |s: &[f64]| s[y1 * w + x1] + s[y0 * w + x0] - s[y1 * w + x0] - s[y0 * w + x1];
            let mean = box_sum(&s1) / n;
            let var = (box_sum(&s2) / n - mean * mean).max(0.0);
            let z = (f64::from(img[y * side + x]) - mean) / (var.sqrt() + 4.0);
            out[y * side + x] = z.clamp(-1.5, 1.5) as f32;
        }
    }
    out
}

/// One lattice family (the u lines or the v lines) in one window.
#[derive(Clone, Copy, Debug, Default)]
struct Local {
    /// Cycles per rectified pixel (x, y).
    k: (f32, f32),
    /// The module coordinate at the window centre (fraction until joined).
    at_centre: f32,
    /// How distinct the repetition is (0..1).
    strength: f32,
    /// Whether its whole number is fixed.
    fixed: bool,
}

/// The measured lattice of one code.
pub struct Lattice {
    /// Window grid size.
    nx: usize,
    ny: usize,
    /// Rectified position of window (0, 0)'s centre.
    first: f32,
    /// Spacing of the window centres, in modules.
    step: f32,
    /// Per window: the u family and the v family.
    u: Vec<Local>,
    v: Vec<Local>,
}

/// A point whose module coordinates are known (a finder pattern's centre).
#[derive(Clone, Copy, Debug)]
pub struct Anchor {
    /// Rectified position.
    pub at: (f32, f32),
    /// Module coordinates.
    pub uv: (f32, f32),
}

impl Lattice {
    /// Resamples the code around `frame` (nominally `dim` modules) and measures every
    /// window.
    pub fn measure(g: &Gray, frame: &Frame, dim: f32, shape: Shape) -> Lattice {
        let step = shape.step;
        let side = ((dim + 2.0 * M) * R).ceil() as usize;
        let mut rect = vec![0f32; side * side];
        for y in 0..side {
            for x in 0..side {
                let (ix, iy) = frame.rect_to_image(x as f32 + 0.5, y as f32 + 0.5);
                rect[y * side + x] = bilinear(g, ix, iy);
            }
        }
        let rect = normalise(&rect, side, (2.0 * R) as usize);
        let mut ex = vec![0f32; side * side];
        let mut ey = vec![0f32; side * side];
        for y in 1..side - 1 {
            for x in 1..side - 1 {
                let i = y * side + x;
                let gx = rect[i + 1] - rect[i - 1];
                let gy = rect[i + side] - rect[i - side];
                ex[i] = gx * gx;
                ey[i] = gy * gy;
            }
        }
        // Windows from 1 module outside the nominal code to 1 module past it.
        let first = (M - 1.0) * R;
        let count = ((dim + 2.0) / step).ceil() as usize + 1;
        let spectra = Spectra::new(shape.half);
        let mut u = Vec::with_capacity(count * count);
        let mut v = Vec::with_capacity(count * count);
        for j in 0..count {
            for i in 0..count {
                let c = (first + i as f32 * step * R, first + j as f32 * step * R);
                let (cx, cy) = (c.0.round() as i32, c.1.round() as i32);
                u.push(spectra.peak(&ex, side, cx, cy, false));
                v.push(spectra.peak(&ey, side, cx, cy, true));
            }
        }
        Lattice {
            nx: count,
            ny: count,
            first,
            step,
            u,
            v,
        }
    }

    fn centre(&self, i: usize) -> (f32, f32) {
        (
            self.first + (i % self.nx) as f32 * self.step * R,
            self.first + (i / self.nx) as f32 * self.step * R,
        )
    }

    /// Joins the windows from the anchors outwards; returns the module-coordinate field.
    pub fn join(&self, anchors: &[Anchor]) -> Field {
        let u = self.join_family(&self.u, anchors, |a| a.uv.0);
        let v = self.join_family(&self.v, anchors, |a| a.uv.1);
        Field {
            nx: self.nx,
            ny: self.ny,
            first: self.first,
            step: self.step,
            u,
            v,
        }
    }

    /// Quality-guided unwrapping: the window whose whole number its fixed neighbours
    /// agree on most closely is fixed next, so that the ambiguous places (a fold that
    /// slips the print by more than half a module, a covered part) are reached last, from
    /// both sides, instead of being crossed early.
    fn join_family(
        &self,
        fam: &[Local],
        anchors: &[Anchor],
        value: fn(&Anchor) -> f32,
    ) -> Vec<Local> {
        let mut out = fam.to_vec();
        let mut heap = BinaryHeap::new();
        for a in anchors {
            // The window next to the pattern on the code's side: one centred on the
            // pattern's edge sees half quiet zone and measures its lattice poorly.
            let inward = |p: f32, n: usize| {
                let g = (p - self.first) / (self.step * R);
                if g < (n - 1) as f32 / 2.0 {
                    g.ceil()
                } else {
                    g.floor()
                }
            };
            let (gi, gj) = (inward(a.at.0, self.nx), inward(a.at.1, self.ny));
            if gi < 0.0 || gj < 0.0 || gi as usize >= self.nx || gj as usize >= self.ny {
                continue;
            }
            let i = gj as usize * self.nx + gi as usize;
            let c = self.centre(i);
            let l = &mut out[i];
            let own = eval(l, c, a.at);
            l.at_centre += (value(a) - own).round();
            l.fixed = true;
        }
        for i in 0..out.len() {
            if out[i].fixed {
                self.push_neighbours(i, &out, &mut heap);
            }
        }
        while let Some((key, i)) = heap.pop() {
            if out[i].fixed {
                continue;
            }
            let estimate = self.estimate(i, &out);
            let now = priority(&out[i], &estimate);
            if now < key {
                heap.push((now, i));
                continue;
            }
            let l = &mut out[i];
            if l.strength >= WEAK {
                l.at_centre += estimate.whole.round();
            } else {
                l.k = estimate.k;
                l.at_centre = estimate.predicted;
                l.strength = 0.0;
            }
            l.fixed = true;
            self.push_neighbours(i, &out, &mut heap);
        }
        out
    }

    /// What the fixed neighbours of window `i` say about it.
    fn estimate(&self, i: usize, out: &[Local]) -> Estimate {
        let c = self.centre(i);
        let (mut whole, mut sum_w, mut predicted, mut kx, mut ky) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for nb in self.neighbours(i) {
            let l = &out[nb];
            if !l.fixed {
                continue;
            }
            let cn = self.centre(nb);
            let mid = ((c.0 + cn.0) / 2.0, (c.1 + cn.1) / 2.0);
            let w = l.strength + 0.01;
            whole += w * (eval(l, cn, mid) - eval(&out[i], c, mid));
            predicted += w * eval(l, cn, c);
            kx += w * l.k.0;
            ky += w * l.k.1;
            sum_w += w;
        }
        if sum_w == 0.0 {
            return Estimate {
                whole: 0.0,
                predicted: out[i].at_centre,
                k: out[i].k,
            };
        }
        Estimate {
            whole: whole / sum_w,
            predicted: predicted / sum_w,
            k: (kx / sum_w, ky / sum_w),
        }
    }

    fn neighbours(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let (x, y) = ((i % self.nx) as i32, (i / self.nx) as i32);
        (-1..=1)
            .flat_map(move |dy| (-1..=1).map(move |dx| (x + dx, y + dy)))
            .filter(move |&(a, b)| {
                (a, b) != (x, y)
                    && a >= 0
                    && b >= 0
                    && (a as usize) < self.nx
                    && (b as usize) < self.ny
            })
            .map(move |(a, b)| b as usize * self.nx + a as usize)
    }

    fn push_neighbours(&self, i: usize, out: &[Local], heap: &mut BinaryHeap<(i64, usize)>) {
        for nb in self.neighbours(i) {
            if !out[nb].fixed {
                heap.push((priority(&out[nb], &self.estimate(nb, out)), nb));
            }
        }
    }
}

/// What a window's fixed neighbours predict for it.
struct Estimate {
    /// The whole number to add to its phase (before rounding).
    whole: f32,
    /// Its module coordinate at its centre, extrapolated from them.
    predicted: f32,
    /// Their mean frequency.
    k: (f32, f32),
}

/// A window's module coordinate at `p`.
fn eval(l: &Local, c: (f32, f32), p: (f32, f32)) -> f32 {
    l.at_centre + l.k.0 * (p.0 - c.0) + l.k.1 * (p.1 - c.1)
}

/// Higher first: distinct windows whose neighbours agree on a whole number, then the
/// rest; faint windows last.
fn priority(l: &Local, e: &Estimate) -> i64 {
    let doubt = (e.whole - e.whole.round()).abs();
    let class = if l.strength >= WEAK { 1_000_000 } else { 0 };
    class - (doubt * 100_000.0) as i64
}

/// Module coordinates as a function of the rectified position, blended between windows.
pub struct Field {
    nx: usize,
    ny: usize,
    first: f32,
    step: f32,
    u: Vec<Local>,
    v: Vec<Local>,
}

impl Field {
    /// Module coordinates (u, v) at rectified position `p`, and the local derivatives
    /// (du/dx, du/dy, dv/dx, dv/dy).
    pub fn at(&self, p: (f32, f32)) -> ((f32, f32), [f32; 4]) {
        let gx = ((p.0 - self.first) / (self.step * R)).clamp(0.0, (self.nx - 1) as f32);
        let gy = ((p.1 - self.first) / (self.step * R)).clamp(0.0, (self.ny - 1) as f32);
        let (x0, y0) = (
            (gx.floor() as usize).min(self.nx - 2),
            (gy.floor() as usize).min(self.ny - 2),
        );
        let (fx, fy) = (gx - x0 as f32, gy - y0 as f32);
        let (mut u, mut v, mut d) = (0.0, 0.0, [0.0f32; 4]);
        for (dx, dy, w) in [
            (0, 0, (1.0 - fx) * (1.0 - fy)),
            (1, 0, fx * (1.0 - fy)),
            (0, 1, (1.0 - fx) * fy),
            (1, 1, fx * fy),
        ] {
            let i = (y0 + dy) * self.nx + x0 + dx;
            let c = (
                self.first + (x0 + dx) as f32 * self.step * R,
                self.first + (y0 + dy) as f32 * self.step * R,
            );
            let (lu, lv) = (&self.u[i], &self.v[i]);
            u += w * (lu.at_centre + lu.k.0 * (p.0 - c.0) + lu.k.1 * (p.1 - c.1));
            v += w * (lv.at_centre + lv.k.0 * (p.0 - c.0) + lv.k.1 * (p.1 - c.1));
            d[0] += w * lu.k.0;
            d[1] += w * lu.k.1;
            d[2] += w * lv.k.0;
            d[3] += w * lv.k.1;
        }
        ((u, v), d)
    }

    /// The rectified position whose module coordinates are `target`, starting the
    /// search at `start`.
    pub fn locate(&self, target: (f32, f32), start: (f32, f32)) -> (f32, f32) {
        let mut p = start;
        for _ in 0..8 {
            let ((u, v), d) = self.at(p);
            let det = d[0] * d[3] - d[1] * d[2];
            if det.abs() < 1e-6 {
                break;
            }
            let (eu, ev) = (target.0 - u, target.1 - v);
            let step = (
                (d[3] * eu - d[1] * ev) / det,
                (-d[2] * eu + d[0] * ev) / det,
            );
            p = (p.0 + step.0, p.1 + step.1);
            if step.0.abs() + step.1.abs() < 0.01 {
                break;
            }
        }
        p
    }
}

/// Frequency search tables for one window size.
struct Spectra {
    /// Along the family's direction: frequencies (cycles/px) and their cos/sin per offset.
    along: Vec<f32>,
    along_cs: Vec<(f32, f32)>,
    /// Across it.
    across: Vec<f32>,
    across_cs: Vec<(f32, f32)>,
    /// Window weight per offset.
    weight: Vec<f32>,
    /// Half the window side and the side.
    half: i32,
    n: usize,
}

impl Spectra {
    fn new(half: i32) -> Spectra {
        let n = (2 * half + 1) as usize;
        // From a far side foreshortened to 0.6 to a near side seen 0.65× as large, and the
        // lattice turned by up to ±20°.
        let along: Vec<f32> = (0..=40).map(|i| (0.6 + 0.025 * i as f32) / R).collect();
        let across: Vec<f32> = (0..=32).map(|i| (-0.4 + 0.025 * i as f32) / R).collect();
        let table = |ks: &[f32]| {
            let mut t = Vec::with_capacity(ks.len() * n);
            for &k in ks {
                for d in -half..=half {
                    let a = -std::f32::consts::TAU * k * d as f32;
                    t.push((a.cos(), a.sin()));
                }
            }
            t
        };
        let weight = (-half..=half)
            .map(|d| {
                let c = (std::f32::consts::PI * d as f32 / (2 * half + 2) as f32).cos();
                c * c
            })
            .collect();
        Spectra {
            along_cs: table(&along),
            across_cs: table(&across),
            along,
            across,
            weight,
            half,
            n,
        }
    }

    /// The strongest repetition of `e` in the window at (cx, cy): along x for the u family,
    /// along y (`transpose`) for the v family.
    fn peak(&self, e: &[f32], side: usize, cx: i32, cy: i32, transpose: bool) -> Local {
        let (half, n) = (self.half, self.n);
        let at = |a: i32, b: i32| -> f32 {
            // a: offset along the family's direction, b: across it.
            let (x, y) = if transpose {
                (cx + b, cy + a)
            } else {
                (cx + a, cy + b)
            };
            if x < 0 || y < 0 || x as usize >= side || y as usize >= side {
                0.0
            } else {
                e[y as usize * side + x as usize]
            }
        };
        let mut win = vec![0f32; n * n]; // [b][a]
        let mut total = 0.0;
        for b in 0..n {
            for a in 0..n {
                let v = at(a as i32 - half, b as i32 - half) * self.weight[a] * self.weight[b];
                win[b * n + a] = v;
                total += v;
            }
        }
        if total <= 0.0 {
            return Local::default();
        }
        // T[b][i] = Σ_a win[b][a] e^{-2πi k_i a}
        let na = self.along.len();
        let mut t = vec![(0f32, 0f32); n * na];
        for b in 0..n {
            let row = &win[b * n..(b + 1) * n];
            for i in 0..na {
                let cs = &self.along_cs[i * n..(i + 1) * n];
                let (mut re, mut im) = (0.0, 0.0);
                for (v, (c, s)) in row.iter().zip(cs) {
                    re += v * c;
                    im += v * s;
                }
                t[b * na + i] = (re, im);
            }
        }
        let nb = self.across.len();
        let (mut best, mut bi, mut bj) = (-1.0f32, 0, 0);
        let mut power = vec![0f32; na * nb];
        for j in 0..nb {
            let cs = &self.across_cs[j * n..(j + 1) * n];
            for i in 0..na {
                let (mut re, mut im) = (0.0, 0.0);
                for b in 0..n {
                    let (tr, ti) = t[b * na + i];
                    let (c, s) = cs[b];
                    re += tr * c - ti * s;
                    im += tr * s + ti * c;
                }
                let p = re * re + im * im;
                power[j * na + i] = p;
                if p > best {
                    (best, bi, bj) = (p, i, j);
                }
            }
        }
        // Parabolic refinement on the amplitude, then the exact phase there.
        let amp = |i: usize, j: usize| power[j * na + i].sqrt();
        let refine = |m: f32, l: f32, r: f32| {
            let den = l - 2.0 * m + r;
            if den.abs() < 1e-12 {
                0.0
            } else {
                (0.5 * (l - r) / den).clamp(-0.5, 0.5)
            }
        };
        let di = if bi > 0 && bi + 1 < na {
            refine(amp(bi, bj), amp(bi - 1, bj), amp(bi + 1, bj))
        } else {
            0.0
        };
        let dj = if bj > 0 && bj + 1 < nb {
            refine(amp(bi, bj), amp(bi, bj - 1), amp(bi, bj + 1))
        } else {
            0.0
        };
        let step = 0.025 / R;
        let ka = self.along[bi] + di * step;
        let kb = self.across[bj] + dj * step;
        let (mut re, mut im) = (0.0f32, 0.0f32);
        for b in 0..n {
            for a in 0..n {
                let v = win[b * n + a];
                if v != 0.0 {
                    let ang = -std::f32::consts::TAU
                        * (ka * (a as f32 - half as f32) + kb * (b as f32 - half as f32));
                    re += v * ang.cos();
                    im += v * ang.sin();
                }
            }
        }
        // Edges where k·(p - c) ≡ t0 give a phase of -2π t0: the module coordinate at the
        // centre is -t0 (mod 1).
        let at_centre = im.atan2(re) / std::f32::consts::TAU;
        let k = if transpose { (kb, ka) } else { (ka, kb) };
        Local {
            k,
            at_centre,
            strength: (re * re + im * im).sqrt() / total,
            fixed: false,
        }
    }
}
