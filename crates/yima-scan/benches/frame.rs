//! The camera's raw limit: `yima_scan::scan_luma_with` alone on 1280×720 grey frames, each
//! frame at the effort the app gives it (`camera_effort`: every fourth frame
//! `Effort::Camera`, the others `Effort::CameraQuick`), on one thread, with no web view and
//! no transfer. The frame holds a label's QR code as the app's
//! camera benchmark shows it (a 100 mm label at 300 dpi fitted to the frame's height: about
//! four pixels a module), and an empty frame for comparison. `YIMA_BENCH_FRAMES` frames each
//! (default 200). Prints `raw fps: <with a label> <empty>` last, for `scripts/bench-camera`.

use std::time::Instant;

/// A real label's QR text (a producer's signed payload, 150 characters).
const LABEL: &str = "YIMA1:91350100M000100Y439002490820261205001:20KG:98UT P52CSPGA.A-9A:OF91Q36GXV3S5WMXRO+N9RI ROI481+AUIFA:I9BUH9EVHD6XNZABKYDF8B$R9$O5/8D/OCP+C47N:*0G2O2Q3K:V";
const W: usize = 1280;
const H: usize = 720;

fn frame(text: Option<&str>) -> Vec<u8> {
    let mut luma = vec![235u8; W * H];
    if let Some(text) = text {
        let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
        let n = code.width();
        let module = 4;
        let (x0, y0) = ((W - n * module) / 2, (H - n * module) / 2);
        for (i, c) in code.to_colors().iter().enumerate() {
            if *c == qrcode::Color::Dark {
                let (x, y) = (x0 + (i % n) * module, y0 + (i / n) * module);
                for row in y..y + module {
                    luma[row * W + x..row * W + x + module].fill(30);
                }
            }
        }
    }
    luma
}

fn rate(luma: &[u8], frames: usize, expect: usize) -> f64 {
    let start = Instant::now();
    for i in 0..frames {
        let effort = yima_scan::camera_effort(i as u64);
        let found = yima_scan::scan_luma_with(W as u32, H as u32, luma, effort).found;
        assert_eq!(found.len(), expect, "the frame's codes");
    }
    frames as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let frames: usize = std::env::var("YIMA_BENCH_FRAMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let labelled = frame(Some(LABEL));
    let empty = frame(None);
    // Warm up.
    rate(&labelled, 5, 1);
    let with_label = rate(&labelled, frames, 1);
    let without = rate(&empty, frames, 0);
    println!(
        "yima-scan alone, 1280x720, one thread, {frames} frames each: {with_label:.1} frames/s with a label, {without:.1} empty"
    );
    println!("raw fps: {with_label:.1} {without:.1}");
}
