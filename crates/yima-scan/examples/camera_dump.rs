//! Development aid: writes camera-like test photos as PNG and says which stage reads them.
//! `cargo run --release -p yima-scan --example camera_dump -- FAMILY SEED... [--out DIR]`

#[path = "../tests/support/mod.rs"]
mod support;
use support::{camera, cases};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let family: &'static str = cases::DISTORTIONS
        .iter()
        .find(|d| **d == args[0])
        .expect("a family");
    let out = std::env::var("OUT").unwrap_or_else(|_| "/tmp".into());
    for seed in args[1..].iter().map(|s| s.parse::<u64>().expect("seed")) {
        let case = cases::case(family, seed);
        let mut photo = camera::photograph(&case.scene, &case.text);
        if std::env::var("BLANK").is_ok() {
            // No code in the frame: its square painted over with the label's colour.
            let (w, h) = (photo.width as usize, photo.height as usize);
            for y in h / 2 - 220..h / 2 + 220 {
                for x in w / 2 - 220..w / 2 + 220 {
                    photo.luma[y * w + x] = 150;
                }
            }
        }
        let path = format!("{out}/{family}-{seed}.png");
        image::GrayImage::from_raw(photo.width, photo.height, photo.luma.clone())
            .expect("size")
            .save(&path)
            .expect("save");
        let start = std::time::Instant::now();
        let r =
            yima_scan::scan_luma_with(photo.width, photo.height, &photo.luma, Default::default());
        let ms = start.elapsed().as_secs_f64() * 1e3;
        let ok = r.found.iter().any(|f| f.text == case.text);
        let sym = camera::symbol(&case.text);
        let n = sym.n;
        let m = case.scene.qr_mm / n as f64;
        let covered = |i: usize, j: usize| {
            case.scene.occlusion.is_some_and(|o| {
                let (s, t) = (
                    (i as f64 + 0.5 - n as f64 / 2.0) * m,
                    (j as f64 + 0.5 - n as f64 / 2.0) * m,
                );
                ((s - o.centre.0) / o.half.0).abs() <= 1.0
                    && ((t - o.centre.1) / o.half.1).abs() <= 1.0
            })
        };
        let g = yima_scan::prep::Gray::from_luma(
            photo.width as usize,
            photo.height as usize,
            &photo.luma,
        );
        if std::env::var("FINDERS").is_ok() {
            for (k, ps) in yima_scan::mesh::finder_patterns(&g).iter().enumerate() {
                println!("  finders on source {k}: {ps:?}");
            }
        }
        for (k, (dim, levels)) in yima_scan::mesh::candidate_levels(&g)
            .into_iter()
            .enumerate()
        {
            if dim != n {
                println!("  cand {k}: dim {dim} (true {n})");
                continue;
            }
            let bits = yima_scan::mesh::threshold_levels(&levels, dim, 3);
            // Best of the 8 orientations.
            let mut best = (usize::MAX, 0);
            for o in 0..8 {
                let mut e = 0;
                for j in 0..n {
                    for i in 0..n {
                        let (mut a, mut b) = (i, j);
                        if o & 4 != 0 {
                            std::mem::swap(&mut a, &mut b);
                        }
                        for _ in 0..(o & 3) {
                            let t = a;
                            a = n - 1 - b;
                            b = t;
                        }
                        if bits[j * n + i] != sym.dark[b * n + a] {
                            e += 1;
                        }
                    }
                }
                if e < best.0 {
                    best = (e, o);
                }
            }
            let cov_err = (0..n * n)
                .filter(|&x| covered(x % n, x / n) && bits[x] != sym.dark[x])
                .count();
            println!(
                "  cand {k}: dim {dim} errors {} (orientation {}), in cover {cov_err}",
                best.0, best.1
            );
            if best.1 == 0 {
                for (nsym, wrong) in yima_scan::mesh::diagnose(&levels, &sym.dark, n) {
                    println!(
                        "    block: {} wrong of nsym {nsym}, ranks {wrong:?}",
                        wrong.len()
                    );
                }
            }
            if best.1 == 0 && std::env::var("MAP").is_ok() {
                for j in 0..n {
                    let row: String = (0..n)
                        .map(|i| {
                            let x = j * n + i;
                            match (bits[x] != sym.dark[x], covered(i, j)) {
                                (true, true) => 'C',
                                (true, false) => 'X',
                                (false, true) => 'c',
                                _ => '.',
                            }
                        })
                        .collect();
                    println!("    {row}");
                }
            }
        }
        println!(
            "{family} {seed}: read {ok} stage {:?} {ms:.1} ms -> {path} crease {:?} occl {:?}",
            r.stage, case.scene.crease, case.scene.occlusion
        );
    }
}
