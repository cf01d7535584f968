//! A simulated scale for tests: a pseudo-terminal whose slave is the "serial port" a test
//! opens, and a thread writing the scale's lines to its master every 20 ms.

use std::fs::File;
use std::io::Write;
use std::os::fd::{FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A scale sending lines on a pseudo-terminal until dropped.
pub struct SimulatedScale {
    /// The port to open (the pseudo-terminal's slave, e.g. `/dev/pts/3`).
    pub port: String,
    // Kept open so the port does not hang up while the test reads it.
    _slave: OwnedFd,
    stop: Arc<AtomicBool>,
}

impl SimulatedScale {
    /// Sends each of `first` once, then `then` over and over, one line every 20 ms, each
    /// ended by CR LF.
    pub fn start(first: &[&str], then: &[&str]) -> SimulatedScale {
        let Pty {
            mut master,
            slave,
            path: port,
        } = pty();
        let stop = Arc::new(AtomicBool::new(false));
        let first: Vec<String> = first.iter().map(|l| format!("{l}\r\n")).collect();
        let then: Vec<String> = then.iter().map(|l| format!("{l}\r\n")).collect();
        let flag = stop.clone();
        std::thread::spawn(move || {
            for line in first.iter().chain(then.iter().cycle()) {
                if flag.load(Ordering::Relaxed) {
                    return;
                }
                let _ = master.write_all(line.as_bytes());
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        SimulatedScale {
            port,
            _slave: slave,
            stop,
        }
    }
}

impl Drop for SimulatedScale {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// A pseudo-terminal in raw mode: what a test writes a scale's bytes to, and the port a
/// scale is opened on.
pub struct Pty {
    /// The master side: what is written here is read from the slave.
    pub master: File,
    /// The slave side, kept open so the port does not hang up while it is read.
    pub slave: OwnedFd,
    /// The slave's path (e.g. `/dev/pts/3`), the "serial port" to open.
    pub path: String,
}

/// Opens a pseudo-terminal in raw mode (bytes pass unchanged: no CR/LF translation, no echo).
pub fn pty() -> Pty {
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
    unsafe {
        Pty {
            master: File::from_raw_fd(master),
            slave: OwnedFd::from_raw_fd(slave),
            path,
        }
    }
}
