//! Weights read from an electronic scale over a serial port (issue "The app in the field",
//! item 5).
//!
//! Parsing is pure ([`Protocol::parse_line`]), settling is pure ([`Capture`]), and only
//! [`Scale`] does IO: it reads the lines a scale sends continuously and captures a weight
//! once the scale has settled.
//!
//! ```
//! use yima_scale::{Capture, Protocol};
//!
//! let mut capture = Capture::default();
//! let mut settled = None;
//! for line in ["US,GS,+0012.30kg", "ST,GS,+0012.34kg", "ST,GS,+0012.34kg", "ST,GS,+0012.35kg"] {
//!     let reading = Protocol::Generic.parse_line(line).unwrap();
//!     settled = settled.or(capture.push(reading));
//! }
//! assert_eq!(settled.unwrap().quantity().unwrap().to_string(), "12.35 kg");
//! ```

mod capture;
mod error;
mod parse;
mod port;
mod toledo;

pub use capture::Capture;
pub use error::{ScaleError, ScaleErrorKind};
pub use parse::{Protocol, Reading, ScaleUnit};
pub use port::{Captured, Scale};
