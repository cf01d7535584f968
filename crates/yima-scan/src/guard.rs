//! Containment of decoder panics.
//!
//! `rqrr` 0.11 panics on some inputs (upstream issue WanzenBug/rqrr#54), and a third-party
//! decoder may do so on any hostile image. Every call into a decoder goes through
//! [`contain`]: the panic is caught with [`std::panic::catch_unwind`] and turned into
//! `None`, and the panic message is not printed, so a scan run never crashes and the
//! terminal is not littered with backtraces.
//!
//! Silencing works with one process-wide hook installed once, which wraps whatever hook
//! was there before and stays quiet only while the *current thread* is inside
//! [`contain`] (a thread-local flag). Panics elsewhere, on any thread, are reported by the
//! previous hook exactly as before, and concurrent scans on other threads do not race on
//! the hook. Containment needs the default `panic = "unwind"`; a binary built with
//! `panic = "abort"` cannot contain anything.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// How deep the current thread is inside [`contain`] (calls may nest).
    static CONTAINING: Cell<u32> = const { Cell::new(0) };
}

static INSTALL: Once = Once::new();

fn install_quiet_hook() {
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let quiet = CONTAINING.with(|c| c.get() > 0);
            if !quiet {
                previous(info);
            }
        }));
    });
}

/// Decrements the thread's depth even if the closure unwinds.
struct Depth;

impl Depth {
    fn enter() -> Depth {
        CONTAINING.with(|c| c.set(c.get() + 1));
        Depth
    }
}

impl Drop for Depth {
    fn drop(&mut self) {
        CONTAINING.with(|c| c.set(c.get().saturating_sub(1)));
    }
}

/// Runs `f`, returning `None` if it panicked (the panic is swallowed silently).
///
/// Use for every call into a decoder. The closure's captures must not be relied on after a
/// panic (they are treated as unwind-safe because decoders only read their input).
pub fn contain<T>(f: impl FnOnce() -> T) -> Option<T> {
    install_quiet_hook();
    let _depth = Depth::enter();
    panic::catch_unwind(AssertUnwindSafe(f)).ok()
}

#[cfg(test)]
mod tests {
    use super::contain;

    #[test]
    fn a_panic_becomes_none_and_normal_results_pass_through() {
        assert_eq!(contain(|| 7), Some(7));
        let r: Option<u8> = contain(|| panic!("decoder bug"));
        assert_eq!(r, None);
        // Nesting and a later normal call still work.
        assert_eq!(
            contain(|| contain(|| -> u8 { panic!("inner") })),
            Some(None)
        );
        assert_eq!(contain(|| "ok"), Some("ok"));
    }
}
