//! The clock a device reads, as a small host trait so tests can fix time.

use yima_core::Timestamp;

/// How far in the future (by the device clock) a recorded time may lie: 10 minutes of skew.
pub const MAX_FUTURE_SKEW_MS: i64 = 10 * 60 * 1000;

/// A source of the current time.
pub trait Clock {
    /// Now.
    fn now(&self) -> Timestamp;
}

/// The system clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_datetime(chrono::Utc::now())
    }
}

/// A clock that reads a fixed time, advanced by hand (tests, the demo).
#[derive(Debug)]
pub struct ManualClock(std::cell::Cell<i64>);

impl ManualClock {
    /// A clock at `t`.
    pub fn new(t: Timestamp) -> ManualClock {
        ManualClock(std::cell::Cell::new(t.0))
    }

    /// Moves the clock forward by `ms`.
    pub fn advance(&self, ms: i64) {
        self.0.set(self.0.get() + ms);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.get())
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> Timestamp {
        (**self).now()
    }
}
