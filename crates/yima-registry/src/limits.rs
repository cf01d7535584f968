//! Rate limits: token buckets per address (enrolment, pushes) and per key (pushes), so
//! guessing enrolment codes or flooding pushes costs the guesser time and the registry
//! nothing. A request over its limit is answered 429 with `Retry-After`, before any write.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;
use yima_core::PublicKey;

/// A rate: up to `burst` requests at once, refilled at `per_minute`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    /// Requests allowed at once (the bucket's size).
    pub burst: u32,
    /// Requests allowed per minute over time (the refill).
    pub per_minute: u32,
}

/// The registry's rate limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimits {
    /// Enrolment attempts per client address.
    pub enrol_per_address: Rate,
    /// Pushes per client address (a site's devices may share one).
    pub push_per_address: Rate,
    /// Pushes per device key.
    pub push_per_key: Rate,
    /// Road pass checks per client address (`POST /v1/road`, which needs no account).
    pub road_per_address: Rate,
    /// Views of labels' public pages per client address (`GET /L/…`, opened by phones).
    pub page_per_address: Rate,
}

impl Default for RateLimits {
    /// Enrolment: 10 at once, then 30 a minute per address (a code has 100 bits: this is
    /// about load, not guessing). Pushes: 600 at once and 3000 a minute per address, 120 at
    /// once and 600 a minute per key (a week offline is a few dozen pushes). Road pass checks:
    /// 30 at once, then 120 a minute per address (an inspection post's phones may share one).
    /// Public label pages: 60 at once, then 300 a minute per address (a site's phones behind
    /// one address scanning a load).
    fn default() -> Self {
        RateLimits {
            enrol_per_address: Rate {
                burst: 10,
                per_minute: 30,
            },
            push_per_address: Rate {
                burst: 600,
                per_minute: 3000,
            },
            push_per_key: Rate {
                burst: 120,
                per_minute: 600,
            },
            road_per_address: Rate {
                burst: 30,
                per_minute: 120,
            },
            page_per_address: Rate {
                burst: 60,
                per_minute: 300,
            },
        }
    }
}

/// Buckets beyond this many are pruned of the full ones (clients that went quiet).
const PRUNE_ABOVE: usize = 10_000;

/// Token buckets for one rate, by key.
pub(crate) struct Buckets<K> {
    rate: Rate,
    buckets: Mutex<HashMap<K, (f64, Instant)>>,
}

impl<K: Hash + Eq> Buckets<K> {
    pub(crate) fn new(rate: Rate) -> Buckets<K> {
        Buckets {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn per_second(&self) -> f64 {
        f64::from(self.rate.per_minute) / 60.0
    }

    /// Takes one token for `key` at `now`: `Err(seconds)` to wait when there is none.
    pub(crate) fn take(&self, key: K, now: Instant) -> Result<(), u64> {
        let burst = f64::from(self.rate.burst);
        let per_second = self.per_second();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() > PRUNE_ABOVE {
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.saturating_duration_since(*at).as_secs_f64() * per_second < burst
            });
        }
        let (tokens, at) = buckets.entry(key).or_insert((burst, now));
        *tokens =
            (*tokens + now.saturating_duration_since(*at).as_secs_f64() * per_second).min(burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else if per_second <= 0.0 {
            Err(3600)
        } else {
            Err(((1.0 - *tokens) / per_second).ceil().max(1.0) as u64)
        }
    }
}

/// Every bucket the registry keeps.
pub(crate) struct Limiters {
    pub(crate) enrol_per_address: Buckets<IpAddr>,
    pub(crate) push_per_address: Buckets<IpAddr>,
    pub(crate) push_per_key: Buckets<PublicKey>,
    pub(crate) road_per_address: Buckets<IpAddr>,
    pub(crate) page_per_address: Buckets<IpAddr>,
}

impl Limiters {
    pub(crate) fn new(limits: RateLimits) -> Limiters {
        Limiters {
            enrol_per_address: Buckets::new(limits.enrol_per_address),
            push_per_address: Buckets::new(limits.push_per_address),
            push_per_key: Buckets::new(limits.push_per_key),
            road_per_address: Buckets::new(limits.road_per_address),
            page_per_address: Buckets::new(limits.page_per_address),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_bucket_allows_its_burst_then_refills_at_its_rate() {
        let b = Buckets::new(Rate {
            burst: 3,
            per_minute: 60,
        });
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(b.take("a", t0), Ok(()));
        }
        assert_eq!(b.take("a", t0), Err(1), "one a second: wait a second");
        assert_eq!(b.take("b", t0), Ok(()), "another key has its own bucket");
        assert_eq!(b.take("a", t0 + Duration::from_millis(1100)), Ok(()));
        assert!(b.take("a", t0 + Duration::from_millis(1200)).is_err());
        // Refill stops at the burst.
        for _ in 0..3 {
            assert_eq!(b.take("a", t0 + Duration::from_secs(100)), Ok(()));
        }
        assert!(b.take("a", t0 + Duration::from_secs(100)).is_err());
    }

    #[test]
    fn a_slow_rate_asks_for_a_longer_wait() {
        let b = Buckets::new(Rate {
            burst: 1,
            per_minute: 2,
        });
        let t0 = Instant::now();
        assert_eq!(b.take(1, t0), Ok(()));
        assert_eq!(b.take(1, t0), Err(30));
    }
}
