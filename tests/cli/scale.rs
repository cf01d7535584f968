//! `yima record weigh --scale-port …`: the weight read from a simulated scale on a
//! pseudo-terminal through the real binary, recorded as weighed electronically with the
//! scale's identity.

use crate::common::*;
use std::fs::File;
use std::io::Write;
use std::os::fd::{FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A pseudo-terminal in raw mode: its master, the slave kept open, and the slave's path.
fn pty() -> (File, OwnedFd, String) {
    let (mut master, mut slave) = (-1, -1);
    // SAFETY: openpty writes two descriptors; the name, termios and size are optional.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: `slave` is an open terminal; termios is plain data filled by tcgetattr.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        assert_eq!(libc::tcgetattr(slave, &mut t), 0);
        libc::cfmakeraw(&mut t);
        assert_eq!(libc::tcsetattr(slave, libc::TCSANOW, &t), 0);
    }
    let mut name = [0 as libc::c_char; 128];
    // SAFETY: `slave` is an open terminal and the buffer is as long as said.
    assert_eq!(
        unsafe { libc::ttyname_r(slave, name.as_mut_ptr(), name.len()) },
        0
    );
    // SAFETY: ttyname_r wrote a NUL-terminated name.
    let path = unsafe { std::ffi::CStr::from_ptr(name.as_ptr()) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: both descriptors were just opened and are owned here alone.
    unsafe { (File::from_raw_fd(master), OwnedFd::from_raw_fd(slave), path) }
}

/// Sends `first` once then `then` over and over, every 20 ms, until the flag is set.
fn scale_stream(mut master: File, first: &[&str], then: &[&str], stop: Arc<AtomicBool>) {
    let first: Vec<String> = first.iter().map(|l| format!("{l}\r\n")).collect();
    let then: Vec<String> = then.iter().map(|l| format!("{l}\r\n")).collect();
    std::thread::spawn(move || {
        for line in first.iter().chain(then.iter().cycle()) {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            let _ = master.write_all(line.as_bytes());
            std::thread::sleep(Duration::from_millis(20));
        }
    });
}

#[test]
fn a_weight_read_from_a_scale_is_recorded_as_weighed_electronically_with_the_scale() {
    let tmp = tempfile::tempdir().unwrap();
    let p = Device::init(tmp.path(), "p", "producer", PRODUCER, &[]);
    let a = p.drum();
    let (master, _slave, path) = pty();
    let stop = Arc::new(AtomicBool::new(false));
    let settling = ["US,GS,+0003.10kg", "US,GS,+0024.10kg", "US,GS,+0024.70kg"];
    scale_stream(master, &settling, &["ST,GS,+0024.55kg"], stop.clone());
    let v = p.json(&[
        "record",
        "weigh",
        &a,
        "--scale-port",
        &path,
        "--scale-name",
        "DOCK-1",
        "--weigher",
        "林娜",
    ]);
    stop.store(true, Ordering::Relaxed);
    assert_eq!(v["step"], "weighing");

    let h = p.history(&a);
    let last = h["events"].as_array().unwrap().last().unwrap().clone();
    let identity = format!("DOCK-1 {path} (generic)");
    assert_eq!(
        last["details"],
        serde_json::json!([
            ["measured", "24.55 kg"],
            ["method", "scale"],
            ["scale", identity],
            ["weigher", "林娜"]
        ])
    );
    let zh = p.run_env(&[("LANG", "zh_CN.UTF-8")], &["history", &a]);
    assert!(
        zh.stdout.contains(&format!("电子秤自动读取={identity}")),
        "{zh:#?}"
    );
    let en = p.ok(&["history", &a]);
    assert!(en.contains(&format!("read from scale={identity}")), "{en}");
    p.assert_verifies();
}

#[test]
fn a_scale_that_never_settles_records_nothing_and_manual_entry_stays_the_fallback() {
    let tmp = tempfile::tempdir().unwrap();
    let p = Device::init(tmp.path(), "p", "producer", PRODUCER, &[]);
    let a = p.drum();
    let (master, _slave, path) = pty();
    let stop = Arc::new(AtomicBool::new(false));
    let swinging = [
        "S D      24.10 kg",
        "S S      24.90 kg",
        "S D      25.30 kg",
    ];
    scale_stream(master, &[], &swinging, stop.clone());
    let weigh = ["record", "weigh", &a, "--weigher", "林娜"];
    let mut args = weigh.to_vec();
    args.extend([
        "--scale-port",
        &path,
        "--scale-protocol",
        "mettler",
        "--scale-timeout",
        "2",
    ]);
    let e = p.error(&args);
    stop.store(true, Ordering::Relaxed);
    assert_eq!(e["kind"], "unstable", "{e}");
    let before = p.history(&a)["events"].as_array().unwrap().len();

    // Both a scale and a typed weight: refused before anything is read.
    let mut both = args.clone();
    both.extend(["--weight", "24.6", "--unit", "kg"]);
    assert!(!p.run(&both).success());

    // Typed in: no scale named.
    let mut typed = weigh.to_vec();
    typed.extend([
        "--weight",
        "24.6",
        "--unit",
        "kg",
        "--weighed-with",
        "manual",
    ]);
    p.ok(&typed);
    let h = p.history(&a);
    let events = h["events"].as_array().unwrap();
    assert_eq!(events.len(), before + 1);
    let details = events.last().unwrap()["details"].to_string();
    assert!(details.contains(r#"["method","manual"]"#), "{details}");
    assert!(!details.contains("scale\","), "{details}");
}
