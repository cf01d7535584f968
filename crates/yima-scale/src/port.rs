//! The one kind of IO here: a scale on a serial port (RS-232, or USB as a virtual COM port).

use crate::capture::Capture;
use crate::error::{ScaleError, ScaleErrorKind};
use crate::parse::{Protocol, Reading};
use std::io::Read;
use std::time::{Duration, Instant};
use yima_core::Quantity;

/// Longest line kept: longer ones are noise (a wrong baud rate), refused as unreadable.
const MAX_LINE: usize = 256;

/// A weight captured once the scale settled, with the scale that weighed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Captured {
    /// The settled reading, as the scale sent it.
    pub reading: Reading,
    /// The weight as recorded (grams become kilograms).
    pub quantity: Quantity,
    /// The scale's identity, recorded with the weighing ([`Scale::identity`]).
    pub scale: String,
}

/// A scale sending weights continuously on a serial port.
pub struct Scale {
    port: Box<dyn serialport::SerialPort>,
    port_name: String,
    protocol: Protocol,
    identity: String,
    line_timeout: Duration,
    pending: Vec<u8>,
}

impl std::fmt::Debug for Scale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scale")
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

impl Scale {
    /// Opens `port` (e.g. `/dev/ttyUSB0`, `COM3`) at `baud`, reading `protocol`. The port is
    /// set to 8 data bits, no parity, one stop bit, and bit 7 of every byte is dropped, so a
    /// scale sending 7 data bits with even, odd or no parity reads the same.
    pub fn open(port: &str, baud: u32, protocol: Protocol) -> Result<Scale, ScaleError> {
        let opened = serialport::new(port, baud)
            .timeout(Duration::from_millis(200))
            .open()
            .map_err(|e| ScaleError::Port {
                port: port.to_string(),
                detail: e.to_string(),
            })?;
        Ok(Scale {
            port: opened,
            port_name: port.to_string(),
            protocol,
            identity: format!("{port} ({protocol})"),
            line_timeout: Duration::from_secs(2),
            pending: Vec::new(),
        })
    }

    /// Gives the scale a name (from settings, e.g. its asset number), put first in its
    /// identity: `DOCK-1 /dev/ttyUSB0 (generic)`.
    pub fn named(mut self, name: &str) -> Scale {
        let name = name.trim();
        if !name.is_empty() {
            self.identity = format!("{name} {} ({})", self.port_name, self.protocol);
        }
        self
    }

    /// How long [`Scale::next_reading`] waits for a line (2 s unless set).
    pub fn with_line_timeout(mut self, timeout: Duration) -> Scale {
        self.line_timeout = timeout;
        self
    }

    /// The scale's identity, recorded with a weighing: its name if given, the port and the
    /// protocol.
    pub fn identity(&self) -> &str {
        &self.identity
    }

    /// The next line the scale sends, read: for a live display. A line the protocol does
    /// not read is an error of its own, and reading goes on after it.
    pub fn next_reading(&mut self) -> Result<Reading, ScaleError> {
        let deadline = Instant::now() + self.line_timeout;
        match self.next_line(deadline)? {
            Some(line) => self.protocol.parse_line(&line),
            None => Err(ScaleError::Timeout {
                seconds: self.line_timeout.as_secs(),
            }),
        }
    }

    /// Reads until the scale settles ([`Capture::default`]) or `timeout` passes. Then:
    /// [`ScaleErrorKind::Unstable`] if weights came but never settled, the last refusal
    /// if only refused lines came (a wrong protocol setting reads as `Unreadable`),
    /// [`ScaleErrorKind::Timeout`] if nothing came.
    pub fn capture(&mut self, timeout: Duration) -> Result<Captured, ScaleError> {
        self.capture_with(Capture::default(), timeout)
    }

    /// [`Scale::capture`] with another rule of settling.
    pub fn capture_with(
        &mut self,
        capture: Capture,
        timeout: Duration,
    ) -> Result<Captured, ScaleError> {
        self.capture_watching(capture, timeout, |_| {})
    }

    /// [`Scale::capture_with`], giving each reading to `live` as it comes (for a live
    /// display of the weight while it settles).
    pub fn capture_watching(
        &mut self,
        mut capture: Capture,
        timeout: Duration,
        mut live: impl FnMut(&Reading),
    ) -> Result<Captured, ScaleError> {
        let deadline = Instant::now() + timeout;
        let mut last: Option<Reading> = None;
        let mut refused: Option<ScaleError> = None;
        while let Some(line) = self.next_line(deadline)? {
            match self.protocol.parse_line(&line) {
                Ok(reading) => {
                    live(&reading);
                    last = Some(reading);
                    if let Some(settled) = capture.push(reading) {
                        return Ok(Captured {
                            quantity: settled.quantity()?,
                            reading: settled,
                            scale: self.identity.clone(),
                        });
                    }
                }
                // A scale set to pounds will not change by waiting.
                Err(e) if e.kind() == ScaleErrorKind::Unit => return Err(e),
                Err(e) => refused = Some(e),
            }
        }
        let seconds = timeout.as_secs();
        match (last, refused) {
            (Some(last), _) => Err(ScaleError::Unstable {
                seconds,
                last: last.to_string(),
            }),
            (None, Some(refused)) => Err(refused),
            (None, None) => Err(ScaleError::Timeout { seconds }),
        }
    }

    /// The next non-empty line (CR, LF or both end one), or `None` at the deadline.
    fn next_line(&mut self, deadline: Instant) -> Result<Option<String>, ScaleError> {
        loop {
            if let Some(end) = self.pending.iter().position(|b| *b == b'\r' || *b == b'\n') {
                let line: Vec<u8> = self.pending.drain(..=end).collect();
                let line = String::from_utf8_lossy(&line).trim().to_string();
                if !line.is_empty() {
                    return Ok(Some(line));
                }
                continue;
            }
            if self.pending.len() > MAX_LINE {
                let noise = String::from_utf8_lossy(&self.pending).into_owned();
                self.pending.clear();
                return Ok(Some(noise));
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            let wait = (deadline - now).min(Duration::from_millis(200));
            self.port
                .set_timeout(wait)
                .map_err(|e| self.port_error(e))?;
            let mut buf = [0u8; 128];
            match self.port.read(&mut buf) {
                Ok(0) => std::thread::sleep(Duration::from_millis(10)),
                // Every protocol here is 7-bit ASCII: a scale set to 7 data bits with
                // parity (Toledo terminals' usual 7E1) reads at 8N1 with the parity bit in
                // bit 7, which is dropped.
                Ok(n) => self.pending.extend(buf[..n].iter().map(|b| b & 0x7f)),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::TimedOut
                            | std::io::ErrorKind::WouldBlock
                            | std::io::ErrorKind::Interrupted
                    ) => {}
                Err(e) => return Err(self.port_error(e)),
            }
        }
    }

    fn port_error(&self, e: impl std::fmt::Display) -> ScaleError {
        ScaleError::Port {
            port: self.port_name.clone(),
            detail: e.to_string(),
        }
    }
}
