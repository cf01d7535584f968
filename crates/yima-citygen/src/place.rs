//! Where the city's organisations are: points scattered around the city's centre, and the
//! straight roads between them that tracks follow.

use rand::Rng;
use yima_core::{Fix, Timestamp};

/// Degrees × 10⁷ per metre of latitude (about 111.2 km a degree).
const E7_PER_M: f64 = 1e7 / 111_195.0;

/// A point, in degrees × 10⁷.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
}

impl Point {
    /// `m` metres to the side of the way from `self` to `to` (left of it), at `self`.
    pub fn aside(self, to: Point, m: f64) -> Point {
        let cos = (self.lat / 1e7).to_radians().cos();
        let (dx, dy) = ((to.lon - self.lon) * cos, to.lat - self.lat);
        let len = (dx * dx + dy * dy).sqrt();
        let (ux, uy) = if len < 1.0 {
            (1.0, 0.0)
        } else {
            (-dy / len, dx / len)
        };
        Point {
            lat: self.lat + uy * m * E7_PER_M,
            lon: self.lon + ux * m * E7_PER_M / cos,
        }
    }

    /// The point a fraction `f` of the way to `to`.
    pub fn toward(self, to: Point, f: f64) -> Point {
        Point {
            lat: self.lat + (to.lat - self.lat) * f,
            lon: self.lon + (to.lon - self.lon) * f,
        }
    }
}

/// One point per device.
pub struct Places(pub Vec<Point>);

impl Places {
    /// `n` points within about 25 km of the city's centre. The centre is Fuzhou's whatever
    /// the area code: positions only need to be plausible and consistent.
    pub fn new(rng: &mut impl Rng, _area: &str, n: usize) -> Places {
        let centre = Point {
            lat: 26.07e7,
            lon: 119.30e7,
        };
        Places(
            (0..n)
                .map(|_| Point {
                    lat: centre.lat + rng.gen_range(-0.22e7..0.22e7),
                    lon: centre.lon + rng.gen_range(-0.25e7..0.25e7),
                })
                .collect(),
        )
    }
}

/// Fixes every 10 minutes (and at `to_at`) on the straight way from `from` at `from_at` to
/// `to` at `to_at`.
pub fn road(from: Point, from_at: Timestamp, to: Point, to_at: Timestamp) -> Vec<Fix> {
    const STEP: i64 = 10 * 60_000;
    let span = (to_at.0 - from_at.0).max(1);
    let mut out = Vec::new();
    let mut t = from_at.0;
    loop {
        let p = from.toward(to, (t - from_at.0) as f64 / span as f64);
        out.push(Fix {
            at: Timestamp(t),
            lat_e7: p.lat.round() as i32,
            lon_e7: p.lon.round() as i32,
            accuracy_m: Some(10),
        });
        if t >= to_at.0 {
            return out;
        }
        t = (t + STEP).min(to_at.0);
    }
}
