//! The camera-like test set: one family of scenes per distortion, each drawn at random
//! (seeded) within the limits the issue sets.

#![allow(dead_code)]

use super::camera::{payload, symbol, Crease, Occlusion, Rng, Scene};
use std::f64::consts::TAU;

/// The distortions, in the order they are reported.
pub const DISTORTIONS: &[&str] = &[
    "plain",
    "perspective",
    "drum",
    "drum-large",
    "crease",
    "crease-sharp",
    "blur",
    "noise",
    "light",
    "occlusion",
    "combined",
];

/// One photo to read: its scene and the text its code holds.
pub struct Case {
    /// The distortion family.
    pub distortion: &'static str,
    /// The seed that drew it.
    pub seed: u64,
    /// The code's text.
    pub text: String,
    /// How it is photographed.
    pub scene: Scene,
}

fn deg(d: f64) -> f64 {
    d.to_radians()
}

/// A random 10 % of the code's area, kept off the three finder patterns.
fn occlusion(rng: &mut Rng, qr_mm: f64, n: usize) -> Occlusion {
    let area = 0.10 * qr_mm * qr_mm;
    let aspect = rng.range(0.5, 2.0);
    let (hw, hh) = ((area * aspect).sqrt() / 2.0, (area / aspect).sqrt() / 2.0);
    let m = qr_mm / n as f64;
    let finder = 8.0 * m; // pattern and separator
    let half = qr_mm / 2.0;
    loop {
        let (x, y) = (
            rng.range(-half + hw, half - hw),
            rng.range(-half + hh, half - hh),
        );
        let near = |fx: f64, fy: f64| {
            let (bx0, by0) = (
                if fx < 0.0 { -half } else { half - finder },
                if fy < 0.0 { -half } else { half - finder },
            );
            x + hw > bx0 && x - hw < bx0 + finder && y + hh > by0 && y - hh < by0 + finder
        };
        if !(near(-1.0, -1.0) || near(1.0, -1.0) || near(-1.0, 1.0)) {
            let luma = if rng.range(0.0, 1.0) < 0.5 {
                45.0
            } else {
                235.0
            };
            return Occlusion {
                centre: (x, y),
                half: (hw, hh),
                luma,
            };
        }
    }
}

fn crease(rng: &mut Rng, qr_mm: f64, n: usize, bend_deg: (f64, f64)) -> Crease {
    let m = qr_mm / n as f64;
    Crease {
        angle: rng.range(0.0, TAU),
        offset_mm: rng.range(-qr_mm / 4.0, qr_mm / 4.0),
        bend: deg(rng.range(bend_deg.0, bend_deg.1)),
        shade: rng.range(0.55, 0.8),
        slip_mm: rng.range(0.3, 0.8) * m,
    }
}

/// The case `seed` of `distortion`.
pub fn case(distortion: &'static str, seed: u64) -> Case {
    let mut rng = Rng::new(seed.wrapping_mul(1_000_003) ^ (distortion.len() as u64 * 77));
    let len = rng.range(165.0, 175.0) as usize;
    let text = payload(&mut rng, len);
    let n = symbol(&text).n;
    let mut sc = Scene::plain(seed);
    if distortion != "plain" {
        sc.roll = rng.range(0.0, TAU);
        sc.shift_px = (rng.range(-60.0, 60.0), rng.range(-60.0, 60.0));
    }
    match distortion {
        "plain" => {}
        "perspective" => {
            let (tilt, azimuth) = (deg(rng.range(25.0, 30.0)), rng.range(0.0, TAU));
            sc.yaw = tilt * azimuth.cos();
            sc.pitch = tilt * azimuth.sin();
        }
        "drum" | "drum-large" => {
            sc.radius_mm = Some(290.0);
            let side = if rng.range(0.0, 1.0) < 0.5 { -1.0 } else { 1.0 };
            let yaw = rng.range(15.0, 30.0);
            sc.yaw = side * deg(yaw);
            // Up or down by up to 10°, the whole view staying within 30° of the label.
            sc.pitch = deg(rng.range(-1.0, 1.0) * (30.0f64 * 30.0 - yaw * yaw).sqrt().min(10.0));
            if distortion == "drum-large" {
                sc.qr_mm = 80.0;
                // Room for the code turned any way: its diagonal is 113 mm, 980 px.
                sc.size = (1400, 1400);
            }
        }
        "crease" => {
            // Pressed back onto the drum: a kink of at most 15° between the two sides.
            sc.crease = Some(crease(&mut rng, sc.qr_mm, n, (0.0, 15.0)));
            sc.yaw = deg(rng.range(-10.0, 10.0));
        }
        "crease-sharp" => {
            // Standing off the drum: the far side bent away by 25–45°.
            sc.crease = Some(crease(&mut rng, sc.qr_mm, n, (25.0, 45.0)));
            sc.yaw = deg(rng.range(-10.0, 10.0));
        }
        "blur" => sc.blur_px = rng.range(1.6, 2.2),
        "noise" => sc.noise = rng.range(20.0, 30.0),
        "light" => {
            sc.gradient = rng.range(0.6, 0.75);
            sc.gradient_dir = rng.range(0.0, TAU);
            let q = sc.qr_mm / 2.0;
            sc.glare = Some((rng.range(-q, q), rng.range(3.0, 6.0), rng.range(0.5, 0.7)));
        }
        "occlusion" => sc.occlusion = Some(occlusion(&mut rng, sc.qr_mm, n)),
        "combined" => {
            sc.radius_mm = Some(290.0);
            sc.yaw = deg(rng.range(-25.0, 25.0));
            sc.pitch = deg(rng.range(-15.0, 15.0));
            sc.crease = Some(crease(&mut rng, sc.qr_mm, n, (0.0, 15.0)));
            sc.blur_px = 1.2;
            sc.noise = 8.0;
            sc.gradient = 0.5;
            sc.gradient_dir = rng.range(0.0, TAU);
            sc.glare = Some((rng.range(-15.0, 15.0), 4.0, 0.4));
            sc.occlusion = Some(occlusion(&mut rng, sc.qr_mm, n));
            sc.jpeg = Some(80);
        }
        other => panic!("unknown distortion {other}"),
    }
    Case {
        distortion,
        seed,
        text,
        scene: sc,
    }
}

/// `per` cases of every distortion.
pub fn all(per: u64) -> Vec<Case> {
    DISTORTIONS
        .iter()
        .flat_map(|d| (0..per).map(move |s| case(d, s)))
        .collect()
}
