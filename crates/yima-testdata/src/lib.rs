//! Where tests find the data that sits beside the checkout in `../shared` (the QR photo
//! corpus, GS1's EPCIS schema, the published catalogue tables), and what they do when it is
//! not there.
//!
//! A fresh clone has no `../shared`: a test that needs it prints one line saying what it
//! skipped, why and how to run it, and passes. With `YIMA_REQUIRE_SHARED=1` (CI sets it) a
//! missing folder fails the test instead, so CI never skips silently. `YIMA_SHARED` points
//! at the folder when it lives elsewhere.
//!
//! ```
//! // In a test: `let Some(dir) = yima_testdata::shared("corpus/qr-zxing", "the QR corpus test") else { return };`
//! let _ = yima_testdata::shared_root();
//! ```
#![deny(missing_docs)]

/// A simulated scale on a pseudo-terminal, for the tests of reading scales (the CLI's and
/// the app's).
#[cfg(unix)]
pub mod scale_sim;

use std::io::Write;
use std::path::PathBuf;

/// The variable that turns a missing `../shared` into a failure.
pub const REQUIRE_VAR: &str = "YIMA_REQUIRE_SHARED";

/// The shared folder: `$YIMA_SHARED`, else `shared` beside the workspace's checkout.
pub fn shared_root() -> PathBuf {
    match std::env::var_os("YIMA_SHARED") {
        Some(dir) => PathBuf::from(dir),
        // The checkout of the package under test (cargo sets CARGO_MANIFEST_DIR when it runs
        // a test; read at run time, so a build directory shared by two checkouts finds each
        // one's own), then the folder beside it.
        None => {
            let package = std::env::var_os("CARGO_MANIFEST_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
            let checkout = package
                .ancestors()
                .find(|dir| dir.join("Cargo.lock").exists())
                .unwrap_or(&package);
            match checkout.parent() {
                Some(beside) => beside.join("shared"),
                None => checkout.join("../shared"),
            }
        }
    }
}

/// Whether a missing shared folder must fail the tests (`YIMA_REQUIRE_SHARED=1`).
pub fn required() -> bool {
    std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1")
}

/// `shared/<rel>` if it exists. If not, fails when [`required`], else writes one line to
/// the terminal (past the test harness's capture, so `cargo test` shows it) naming `what`
/// was skipped and why, and returns `None`.
pub fn shared(rel: &str, what: &str) -> Option<PathBuf> {
    match find(rel, what, required()) {
        Ok(found) => found,
        Err(why) => panic!("{why}"),
    }
}

/// `shared/<rel>`, or what to say when it is absent: `Err` when `required`, else the skip
/// line written and `Ok(None)`.
fn find(rel: &str, what: &str, required: bool) -> Result<Option<PathBuf>, String> {
    let path = shared_root().join(rel);
    if path.exists() {
        return Ok(Some(path));
    }
    let why = format!(
        "{what} needs Yima's shared data at {} (not found: the shared folder sits beside the \
         checkout, or set YIMA_SHARED to it)",
        path.display()
    );
    if required {
        return Err(format!("{why}; {REQUIRE_VAR}=1 makes this a failure"));
    }
    // Straight to stderr, not through eprintln!, which the test harness captures.
    let _ = writeln!(
        std::io::stderr().lock(),
        "skipped: {why}; run with it present, or set {REQUIRE_VAR}=1 to make this a failure"
    );
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_folder_fails_when_required() {
        let err = find("no/such/folder/anywhere", "this test", true).unwrap_err();
        assert!(err.contains("YIMA_REQUIRE_SHARED=1"), "{err}");
        assert!(!err.contains(".."), "a plain path: {err}");
    }
}
