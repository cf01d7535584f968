//! `yima-test-scale LINE…`: a simulated scale on a pseudo-terminal for the app's end-to-end
//! tests. Prints the port to open, then sends each line but the last once and the last over
//! and over (one line every 20 ms, CR LF ended) until stdin closes or it is killed.

use std::io::{Read, Write};
use std::process::ExitCode;

#[cfg(unix)]
fn main() -> ExitCode {
    let lines: Vec<String> = std::env::args().skip(1).collect();
    let Some((last, first)) = lines.split_last() else {
        eprintln!("usage: yima-test-scale LINE... (e.g. US,GS,+0003.10kg ST,GS,+0024.55kg)");
        return ExitCode::from(2);
    };
    let first: Vec<&str> = first.iter().map(String::as_str).collect();
    let scale = yima_testdata::scale_sim::SimulatedScale::start(&first, &[last.as_str()]);
    println!("{}", scale.port);
    let _ = std::io::stdout().flush();
    // Until whoever started it closes our stdin (or kills us).
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    drop(scale);
    ExitCode::SUCCESS
}

#[cfg(not(unix))]
fn main() -> ExitCode {
    eprintln!("yima-test-scale needs a Unix pseudo-terminal");
    ExitCode::FAILURE
}
