//! Camera-like photos of Yima labels, generated for the scanning tests and benchmark.
//!
//! A label's QR code (≈170 characters from the QR alphanumeric set, level Q, version ≤ 10,
//! made with the `qrcode` crate) is drawn on a 100 mm HJ 1276-like label (orange-yellow
//! background, border, lines of "text"), put on a flat board or wrapped around a
//! 200-litre drum (radius 290 mm), and photographed by ray casting through a pinhole
//! camera 1 m away with the scale of a 12 MP phone camera (4000 px across a 26°
//! horizontal field of view: focal length 2000 / tan 13° = 8663 px, so 8.66 px per mm
//! at 1 m; a 30 mm code of 53 modules has 4.9 px per module). The QR code is assumed
//! 30 mm wide on the 100 mm label (80 mm in the "drum-large" family). The image is the
//! region around the code (640×640 px, 74 mm at 1 m; 1400×1400 px for an 80 mm code),
//! not the whole 12 MP frame (the benchmark also times whole 4000×3000 frames).
//! Distortions: perspective (tilt up to 30°), the drum's curvature, a crease (a fold line:
//! the far side shaded, slipped by part of a module and, for sharp folds, bent away),
//! blur, sensor noise, uneven light with a glare streak, 10 % of the code covered, and
//! JPEG compression.

#![allow(dead_code)]

pub use super::photo::photograph;

use qrcode::{Color, EcLevel, QrCode};

/// A small deterministic random generator (splitmix64), so every case is reproducible.
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }
    /// Uniform in [a, b).
    pub fn range(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64)
    }
    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u = self.range(1e-12, 1.0);
        let v = self.range(0.0, 1.0);
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// The QR alphanumeric character set.
pub const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// A label-like payload of `len` alphanumeric characters.
pub fn payload(rng: &mut Rng, len: usize) -> String {
    (0..len)
        .map(|_| ALNUM[rng.range(0.0, ALNUM.len() as f64) as usize] as char)
        .collect()
}

/// The camera's focal length in pixels: a 12 MP frame is 4000 px across 26°.
pub fn focal_px() -> f64 {
    2000.0 / 13f64.to_radians().tan()
}

/// A fold across the code, in the code's own coordinates (mm from its centre).
#[derive(Clone, Copy, Debug)]
pub struct Crease {
    /// Direction of the normal to the fold line (radians).
    pub angle: f64,
    /// Distance of the fold line from the code's centre (mm).
    pub offset_mm: f64,
    /// How far the far side is bent away from the camera (radians).
    pub bend: f64,
    /// Brightness of the far side (1 = as lit as the near side).
    pub shade: f64,
    /// Material lost in the fold: the far side's print is displaced by this much (mm).
    pub slip_mm: f64,
}

/// A stain or tape over part of the code, in the code's coordinates (mm from its centre).
#[derive(Clone, Copy, Debug)]
pub struct Occlusion {
    /// Centre (mm).
    pub centre: (f64, f64),
    /// Half width and half height (mm).
    pub half: (f64, f64),
    /// Its grey level (dark grime or white tape).
    pub luma: f64,
}

/// Everything that makes one photo.
#[derive(Clone, Debug)]
pub struct Scene {
    /// Side of the QR symbol without its quiet zone (mm).
    pub qr_mm: f64,
    /// Drum radius (mm), or `None` for a flat label.
    pub radius_mm: Option<f64>,
    /// Camera distance from the code's centre (mm).
    pub distance_mm: f64,
    /// Viewing direction off the label's normal: sideways and up/down (radians).
    pub yaw: f64,
    /// See `yaw`.
    pub pitch: f64,
    /// Rotation of the phone about its optical axis (radians).
    pub roll: f64,
    /// Where the code's centre lands, in pixels from the image centre.
    pub shift_px: (f64, f64),
    /// Image size (px).
    pub size: (u32, u32),
    /// A fold, if any.
    pub crease: Option<Crease>,
    /// A covered part, if any.
    pub occlusion: Option<Occlusion>,
    /// Light falls off from 1 to `1 - gradient` across the image, along `gradient_dir`.
    pub gradient: f64,
    /// Direction of the fall-off (radians).
    pub gradient_dir: f64,
    /// A vertical glare streak: (position on the label in mm, half width in mm, strength 0..1).
    pub glare: Option<(f64, f64, f64)>,
    /// Gaussian blur (px).
    pub blur_px: f64,
    /// Gaussian sensor noise (grey levels).
    pub noise: f64,
    /// JPEG quality of the saved photo, if it is saved as JPEG.
    pub jpeg: Option<u8>,
    /// Seed for the noise and the label's "text".
    pub seed: u64,
}

impl Scene {
    /// A frontal, sharp photo of a flat 30 mm code at 1 m, with a phone camera's mild blur
    /// and noise.
    pub fn plain(seed: u64) -> Scene {
        Scene {
            qr_mm: 30.0,
            radius_mm: None,
            distance_mm: 1000.0,
            yaw: 0.0,
            pitch: 0.0,
            roll: 0.0,
            shift_px: (0.0, 0.0),
            size: (640, 640),
            crease: None,
            occlusion: None,
            gradient: 0.0,
            gradient_dir: 0.0,
            glare: None,
            blur_px: 0.7,
            noise: 3.0,
            jpeg: None,
            seed,
        }
    }
}

/// The module grid of a QR code: side and dark modules.
pub struct Symbol {
    /// Modules per side.
    pub n: usize,
    /// Row-major, `true` = dark.
    pub dark: Vec<bool>,
    /// QR version.
    pub version: i16,
}

/// Encodes `text` at level Q (the smallest version that fits).
pub fn symbol(text: &str) -> Symbol {
    let code = QrCode::with_error_correction_level(text, EcLevel::Q).expect("payload fits a QR");
    let version = match code.version() {
        qrcode::Version::Normal(v) => v,
        qrcode::Version::Micro(v) => -v,
    };
    Symbol {
        n: code.width(),
        dark: code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect(),
        version,
    }
}

/// splitmix64's finaliser: a well-mixed hash of `x`.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

type V3 = [f64; 3];

fn add(a: V3, b: V3) -> V3 {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}
fn scale(a: V3, k: f64) -> V3 {
    [a[0] * k, a[1] * k, a[2] * k]
}
fn cross(a: V3, b: V3) -> V3 {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}
fn unit(a: V3) -> V3 {
    scale(a, 1.0 / (a[0] * a[0] + a[1] * a[1] + a[2] * a[2]).sqrt())
}

const PAPER: f64 = 197.0; // orange-yellow (255, 200, 0) in luma
const INK: f64 = 28.0;
const DRUM: f64 = 75.0;
const LABEL_HALF: f64 = 50.0; // a 100 mm label

/// The label's grey level at (s, t) mm from the code's centre (s right, t down), before
/// light; `None` off the label (drum paint).
fn label_at(sc: &Scene, sym: &Symbol, s: f64, t: f64) -> Option<f64> {
    if s.abs() > LABEL_HALF || t.abs() > LABEL_HALF {
        return None;
    }
    let (ds, dt) = (LABEL_HALF - s.abs(), LABEL_HALF - t.abs());
    if (3.0..4.0).contains(&ds.min(dt)) {
        return Some(INK); // the border, 1 mm wide, 3 mm in from the edge
    }
    let module = sc.qr_mm / sym.n as f64;
    if let Some(o) = sc.occlusion {
        if ((s - o.centre.0) / o.half.0).abs() <= 1.0 && ((t - o.centre.1) / o.half.1).abs() <= 1.0
        {
            return Some(o.luma);
        }
    }
    let (qx, qy) = (
        s / module + sym.n as f64 / 2.0,
        t / module + sym.n as f64 / 2.0,
    );
    let n = sym.n as f64;
    if (0.0..n).contains(&qx) && (0.0..n).contains(&qy) {
        let dark = sym.dark[qy as usize * sym.n + qx as usize];
        return Some(if dark { INK } else { PAPER });
    }
    // Lines of 3 mm "characters" outside the code and its 4-module quiet zone.
    let quiet = sc.qr_mm / 2.0 + 4.0 * module;
    if (s.abs() > quiet || t.abs() > quiet) && ds > 6.0 && dt > 6.0 {
        let (cs, ct) = ((s + LABEL_HALF) / 3.2, (t + LABEL_HALF) / 4.5);
        let (col, line) = (cs.floor() as u64, ct.floor() as u64);
        let (fs, ft) = (cs.fract() / 0.94, ct.fract() / 0.67);
        if fs < 1.0 && ft < 1.0 {
            let glyph = mix(sc.seed ^ (line << 20) ^ col);
            let cell = (ft * 5.0) as u64 * 5 + (fs * 5.0) as u64;
            if glyph % 5 != 0 && (glyph >> (cell + 8)) & 1 == 1 {
                return Some(INK + 15.0);
            }
        }
    }
    Some(PAPER)
}

/// Renders the scene to a grey image (before blur, noise and JPEG).
pub(super) fn cast(sc: &Scene, sym: &Symbol) -> Vec<f64> {
    let (w, h) = (sc.size.0 as usize, sc.size.1 as usize);
    let f = focal_px();
    // Drum frame: x right, y down, z away from the camera; the code's centre is at
    // (0, 0, -R) on a surface facing -z.
    let r = sc.radius_mm.unwrap_or(0.0);
    let centre = [0.0, 0.0, -r];
    let view = [
        sc.yaw.sin() * sc.pitch.cos(),
        sc.pitch.sin(),
        -sc.yaw.cos() * sc.pitch.cos(),
    ];
    let eye = add(centre, scale(view, sc.distance_mm));
    let fwd = unit(add(centre, scale(eye, -1.0)));
    let right0 = unit(cross([0.0, 1.0, 0.0], fwd));
    let down0 = cross(fwd, right0);
    let (cr, sr) = (sc.roll.cos(), sc.roll.sin());
    let right = add(scale(right0, cr), scale(down0, sr));
    let down = add(scale(down0, cr), scale(right0, -sr));
    let (cx, cy) = (
        w as f64 / 2.0 + sc.shift_px.0,
        h as f64 / 2.0 + sc.shift_px.1,
    );
    let light_dir = unit([-0.3, -0.5, -1.0]);
    let mut out = vec![0.0; w * h];
    const SS: usize = 2; // 2×2 samples per pixel
    for v in 0..h {
        for u in 0..w {
            let mut acc = 0.0;
            for k in 0..SS * SS {
                let pu = u as f64 + (k % SS) as f64 / SS as f64 + 0.25 - cx;
                let pv = v as f64 + (k / SS) as f64 / SS as f64 + 0.25 - cy;
                let dir = add(fwd, add(scale(right, pu / f), scale(down, pv / f)));
                acc += sample(sc, sym, eye, dir, light_dir);
            }
            let along = (u as f64 / w as f64 - 0.5) * sc.gradient_dir.cos()
                + (v as f64 / h as f64 - 0.5) * sc.gradient_dir.sin();
            out[v * w + u] = acc / (SS * SS) as f64 * (1.0 - sc.gradient * (along + 0.5));
        }
    }
    out
}

/// The grey level seen along one ray.
fn sample(sc: &Scene, sym: &Symbol, eye: V3, dir: V3, light: V3) -> f64 {
    let (s, t, normal) = match sc.radius_mm {
        None => {
            if dir[2] <= 0.0 {
                return 20.0;
            }
            let k = -eye[2] / dir[2];
            let p = add(eye, scale(dir, k));
            (p[0], p[1], [0.0, 0.0, -1.0])
        }
        Some(r) => {
            // (ex + k dx)² + (ez + k dz)² = r², nearest root.
            let a = dir[0] * dir[0] + dir[2] * dir[2];
            let b = 2.0 * (eye[0] * dir[0] + eye[2] * dir[2]);
            let c = eye[0] * eye[0] + eye[2] * eye[2] - r * r;
            let disc = b * b - 4.0 * a * c;
            if disc < 0.0 {
                return 20.0; // past the drum: the dark store behind it
            }
            let k = (-b - disc.sqrt()) / (2.0 * a);
            let p = add(eye, scale(dir, k));
            (r * p[0].atan2(-p[2]), p[1], [p[0] / r, 0.0, p[2] / r])
        }
    };
    let (mut s, mut t, mut shade) = (s, t, 1.0);
    if let Some(c) = sc.crease {
        let (nx, ny) = (c.angle.cos(), c.angle.sin());
        let d = s * nx + t * ny - c.offset_mm;
        if d > 0.0 {
            // The far side is bent away: it looks foreshortened, darker, and slipped.
            let extra = d * (1.0 / c.bend.cos() - 1.0) + c.slip_mm;
            s += nx * extra;
            t += ny * extra;
            shade = c.shade;
        } else if d > -0.15 {
            shade = 0.6; // the fold's own shadow line
        }
    }
    let lambert = 0.55 + 0.45 * (-(normal[0] * light[0] + normal[2] * light[2])).max(0.0);
    let mut g = match label_at(sc, sym, s, t) {
        Some(g) => g,
        None => DRUM + 10.0 * ((s * 0.7).sin() * (t * 0.3).cos()),
    } * shade
        * lambert;
    if let Some((pos, half, strength)) = sc.glare {
        let x = (s - pos) / half;
        g += (255.0 - g) * strength * (-x * x).exp();
    }
    g
}
