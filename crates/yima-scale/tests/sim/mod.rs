//! A scale simulated on a pseudo-terminal: the test writes the scale's stream to the master
//! side, [`yima_scale::Scale`] opens the slave side's path like any serial port.

use std::fs::File;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;
use yima_scale::{Protocol, Scale, ScaleErrorKind};

// The pseudo-terminal (raw) the scale's stream is written to, shared with the CLI's and the
// app's scale tests.
use yima_testdata::scale_sim::{pty, Pty};

/// Writes `lines` to the master every 20 ms, then `tail` over and over until dropped.
struct Simulated {
    stop: Arc<AtomicBool>,
    writer: Option<JoinHandle<()>>,
}

impl Drop for Simulated {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(w) = self.writer.take() {
            let _ = w.join();
        }
    }
}

fn simulate(mut master: File, lines: &[&str], tail: &[&str]) -> Simulated {
    let stop = Arc::new(AtomicBool::new(false));
    let (lines, tail): (Vec<String>, Vec<String>) = (
        lines.iter().map(|l| l.to_string()).collect(),
        tail.iter().map(|l| l.to_string()).collect(),
    );
    let flag = stop.clone();
    let writer = std::thread::spawn(move || {
        let tail = tail.iter().cycle();
        for line in lines.iter().chain(tail) {
            if flag.load(Ordering::Relaxed) {
                return;
            }
            let _ = master.write_all(format!("{line}\r\n").as_bytes());
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    Simulated {
        stop,
        writer: Some(writer),
    }
}

fn open(p: &Pty, protocol: Protocol) -> Scale {
    Scale::open(&p.path, 9600, protocol).expect("the pseudo-terminal opens as a serial port")
}

#[test]
fn a_settling_generic_scale_is_captured_at_its_settled_weight() {
    let p = pty();
    let mut scale = open(&p, Protocol::Generic).named("DOCK-1");
    let lines = [
        "US,GS,+0000.00kg",
        "US,GS,+0150.20kg",
        "US,GS,+0198.10kg",
        "ST,GS,+0198.50kg",
        "US,GS,+0198.70kg",
    ];
    let _sim = simulate(
        p.master.try_clone().expect("dup"),
        &lines,
        &["ST,GS,+0198.55kg"],
    );
    let got = scale.capture(Duration::from_secs(5)).expect("settled");
    assert_eq!(got.quantity.to_string(), "198.55 kg");
    assert!(got.reading.stable);
    assert_eq!(got.scale, format!("DOCK-1 {} (generic)", p.path));
}

#[test]
fn each_reading_is_shown_live_until_the_weight_settles() {
    let p = pty();
    let mut scale = open(&p, Protocol::Generic);
    let _sim = simulate(
        p.master.try_clone().expect("dup"),
        &["US,GS,+0003.10kg", "US,GS,+0024.70kg"],
        &["ST,GS,+0024.55kg"],
    );
    let mut seen: Vec<(String, bool)> = Vec::new();
    let got = scale
        .capture_watching(
            yima_scale::Capture::default(),
            Duration::from_secs(5),
            |r| seen.push((r.to_string(), r.stable)),
        )
        .expect("settled");
    assert_eq!(got.quantity.to_string(), "24.55 kg");
    // The unsettled readings first, then the settled one as many times as settling takes.
    assert_eq!(seen[0], ("3.1 kg".to_string(), false), "{seen:?}");
    assert_eq!(seen[1], ("24.7 kg".to_string(), false), "{seen:?}");
    assert!(
        seen.len() > 2 && seen[2..].iter().all(|(t, s)| t == "24.55 kg" && *s),
        "{seen:?}"
    );
}

#[test]
fn a_mettler_balance_in_continuous_mode_is_captured() {
    let p = pty();
    let mut scale = open(&p, Protocol::MettlerContinuous);
    let lines = ["S D      12.36 kg", "S D      12.35 kg", "S +"];
    let _sim = simulate(
        p.master.try_clone().expect("dup"),
        &lines,
        &["S S      12.34 kg"],
    );
    let got = scale.capture(Duration::from_secs(5)).expect("settled");
    assert_eq!(got.quantity.to_string(), "12.34 kg");
    assert_eq!(got.scale, format!("{} (mettler)", p.path));
}

#[test]
fn a_toledo_terminal_in_continuous_mode_is_captured() {
    let p = pty();
    let mut scale = open(&p, Protocol::ToledoContinuous);
    // Status A: two decimals, ×1; B: kg, in motion (bit 3) or not; C: unit 000.
    let moving = "\u{2}lx 019830000000";
    let settled = "\u{2}lp 019855000000";
    let _sim = simulate(
        p.master.try_clone().expect("dup"),
        &[moving, moving],
        &[settled],
    );
    let got = scale.capture(Duration::from_secs(5)).expect("settled");
    assert_eq!(got.quantity.to_string(), "198.55 kg");
    assert_eq!(got.scale, format!("{} (toledo)", p.path));
}

#[test]
fn a_terminal_sending_seven_data_bits_with_even_parity_reads_the_same() {
    let p = pty();
    let mut scale = open(&p, Protocol::ToledoContinuous);
    // 7E1 read at 8N1: the parity bit lands in bit 7 of each byte.
    let with_parity: Vec<u8> = "\u{2}lp 019855000000\r"
        .bytes()
        .map(|b| if b.count_ones() % 2 == 1 { b | 0x80 } else { b })
        .collect();
    assert!(with_parity.iter().any(|b| b & 0x80 != 0));
    let mut master = p.master.try_clone().expect("dup");
    let writer = std::thread::spawn(move || {
        for _ in 0..10 {
            let _ = master.write_all(&with_parity);
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    let got = scale.capture(Duration::from_secs(5)).expect("settled");
    assert_eq!(got.quantity.to_string(), "198.55 kg");
    writer.join().expect("the writer ends");
}

#[test]
fn live_readings_come_one_line_at_a_time() {
    let p = pty();
    let mut scale = open(&p, Protocol::Generic);
    let _sim = simulate(
        p.master.try_clone().expect("dup"),
        &[],
        &["US,GS,+0001.00kg"],
    );
    let r = scale.next_reading().expect("a reading");
    assert_eq!((r.value_milli, r.stable), (1_000, false));
}

#[test]
fn a_scale_that_never_settles_is_unstable() {
    let p = pty();
    let mut scale = open(&p, Protocol::Generic);
    let swinging = ["ST,GS,+0010.00kg", "US,GS,+0011.00kg", "ST,GS,+0012.00kg"];
    let _sim = simulate(p.master.try_clone().expect("dup"), &[], &swinging);
    let e = scale
        .capture(Duration::from_secs(2))
        .expect_err("never settles");
    assert_eq!(e.kind(), ScaleErrorKind::Unstable, "{e}");
    assert!(e.message(yima_codes::Lang::Zh).contains("未稳定"));
}

#[test]
fn a_silent_scale_times_out_and_a_wrong_protocol_is_unreadable() {
    let p = pty();
    let mut scale = open(&p, Protocol::Generic).with_line_timeout(Duration::from_millis(300));
    let e = scale
        .capture(Duration::from_millis(500))
        .expect_err("silent");
    assert_eq!(e.kind(), ScaleErrorKind::Timeout);
    assert_eq!(
        scale.next_reading().expect_err("silent").kind(),
        ScaleErrorKind::Timeout
    );
    let _sim = simulate(
        p.master.try_clone().expect("dup"),
        &[],
        &["S S      12.34 kg"],
    );
    let e = scale
        .capture(Duration::from_millis(500))
        .expect_err("wrong protocol");
    assert_eq!(e.kind(), ScaleErrorKind::Unreadable);
}

#[test]
fn a_missing_port_is_a_port_error() {
    let e = Scale::open("/dev/yima-no-such-port", 9600, Protocol::Generic).expect_err("none");
    assert_eq!(e.kind(), ScaleErrorKind::Port);
}
