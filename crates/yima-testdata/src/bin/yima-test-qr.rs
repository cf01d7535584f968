//! `yima-test-qr TEXT OUT.png`: any text as a QR code picture, for tests that need a code no
//! Yima command would make (a forged label's text, for one). Four modules of quiet zone,
//! eight pixels a module, grey PNG.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [text, out] = args.as_slice() else {
        eprintln!("usage: yima-test-qr TEXT OUT.png");
        return ExitCode::from(2);
    };
    match write(text, out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("yima-test-qr: {e}");
            ExitCode::FAILURE
        }
    }
}

fn write(text: &str, out: &str) -> Result<(), Box<dyn std::error::Error>> {
    const MODULE: usize = 8;
    const QUIET: usize = 4;
    let code = qrcode::QrCode::new(text.as_bytes())?;
    let n = code.width();
    let side = (n + 2 * QUIET) * MODULE;
    let colors = code.to_colors();
    let mut pixels = vec![255u8; side * side];
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (x, y) = ((i % n + QUIET) * MODULE, (i / n + QUIET) * MODULE);
            for row in y..y + MODULE {
                pixels[row * side + x..row * side + x + MODULE].fill(0);
            }
        }
    }
    let file = std::io::BufWriter::new(std::fs::File::create(out)?);
    let mut png = png::Encoder::new(file, side as u32, side as u32);
    png.set_color(png::ColorType::Grayscale);
    png.set_depth(png::BitDepth::Eight);
    png.write_header()?.write_image_data(&pixels)?;
    Ok(())
}
