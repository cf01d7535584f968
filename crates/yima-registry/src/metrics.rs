//! Prometheus metrics, kept in memory and written in the text exposition format at
//! `/metrics`: requests by route, method and status with their latency; pushed events by
//! outcome and refused ones by reason; push latency; connections; the database pool.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use yima_protocol::RefusalKind;

/// Upper bounds (seconds) of the latency histograms' buckets.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, d: Duration) {
        let s = d.as_secs_f64();
        for (i, le) in BUCKETS.iter().enumerate() {
            if s <= *le {
                self.counts[i] += 1;
            }
        }
        self.count += 1;
        self.sum += s;
    }

    fn write(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        for (i, le) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{sep}le=\"{le}\"}} {}",
                self.counts[i]
            );
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}",
            self.count
        );
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum);
        let _ = writeln!(out, "{name}_count{braces} {}", self.count);
    }
}

/// The state of a database connection pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections open.
    pub size: usize,
    /// Connections open and idle.
    pub available: usize,
    /// The most connections the pool opens.
    pub max: usize,
    /// Requests waiting for a connection.
    pub waiting: usize,
}

/// The registry's metrics.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    events: Mutex<BTreeMap<&'static str, u64>>,
    refused: Mutex<BTreeMap<RefusalKind, u64>>,
    push_latency: Mutex<Histogram>,
    connections_open: AtomicU64,
    connections_refused: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A label value with `\`, `"` and newlines escaped.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    /// One answered request: its matched route (or `unmatched`), method, status, latency.
    pub fn request(&self, route: &str, method: &str, status: u16, latency: Duration) {
        *lock(&self.requests)
            .entry((route.to_string(), method.to_string(), status))
            .or_default() += 1;
        lock(&self.latency)
            .entry(route.to_string())
            .or_default()
            .observe(latency);
    }

    /// One pushed event's outcome (`accepted`, `duplicate`, `fork`, `refused`, `deferred`).
    pub fn event(&self, outcome: &'static str) {
        *lock(&self.events).entry(outcome).or_default() += 1;
    }

    /// One refused event, by the kind of rule it broke.
    pub fn refused(&self, kind: RefusalKind) {
        *lock(&self.refused).entry(kind).or_default() += 1;
    }

    /// One push's time from authentication to answer.
    pub fn push(&self, latency: Duration) {
        lock(&self.push_latency).observe(latency);
    }

    /// A connection accepted (`true`) or closed (`false`).
    pub fn connection(&self, open: bool) {
        if open {
            self.connections_open.fetch_add(1, Ordering::Relaxed);
        } else {
            self.connections_open.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// A connection closed at once: over the connection limit.
    pub fn connection_refused(&self) {
        self.connections_refused.fetch_add(1, Ordering::Relaxed);
    }

    /// The metrics in Prometheus' text format, with the pool's state if there is a pool.
    pub fn render(&self, pool: Option<PoolStatus>) -> String {
        let mut out = String::new();
        out.push_str("# HELP yima_registry_requests_total Requests answered, by matched route, method and status.\n# TYPE yima_registry_requests_total counter\n");
        for ((route, method, status), n) in lock(&self.requests).iter() {
            let _ = writeln!(
                out,
                "yima_registry_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {n}",
                escape(route),
                escape(method)
            );
        }
        out.push_str("# HELP yima_registry_request_duration_seconds Time to answer a request, by matched route.\n# TYPE yima_registry_request_duration_seconds histogram\n");
        for (route, h) in lock(&self.latency).iter() {
            h.write(
                &mut out,
                "yima_registry_request_duration_seconds",
                &format!("route=\"{}\"", escape(route)),
            );
        }
        out.push_str("# HELP yima_registry_events_total Pushed events, by outcome.\n# TYPE yima_registry_events_total counter\n");
        for outcome in ["accepted", "duplicate", "fork", "refused", "deferred"] {
            let n = lock(&self.events).get(outcome).copied().unwrap_or(0);
            let _ = writeln!(
                out,
                "yima_registry_events_total{{outcome=\"{outcome}\"}} {n}"
            );
        }
        out.push_str("# HELP yima_registry_forks_total Pushed events stored as forks.\n# TYPE yima_registry_forks_total counter\n");
        let forks = lock(&self.events).get("fork").copied().unwrap_or(0);
        let _ = writeln!(out, "yima_registry_forks_total {forks}");
        out.push_str("# HELP yima_registry_refused_events_total Refused events, by the kind of rule broken: too_large, malformed, signature, future, regulator, key, revoked, lineage, scope, balance, custody.\n# TYPE yima_registry_refused_events_total counter\n");
        for kind in RefusalKind::ALL {
            let n = lock(&self.refused).get(&kind).copied().unwrap_or(0);
            let _ = writeln!(
                out,
                "yima_registry_refused_events_total{{reason=\"{}\"}} {n}",
                kind.as_str()
            );
        }
        out.push_str("# HELP yima_registry_push_duration_seconds Time to decide and store one push.\n# TYPE yima_registry_push_duration_seconds histogram\n");
        lock(&self.push_latency).write(&mut out, "yima_registry_push_duration_seconds", "");
        let _ = writeln!(
            out,
            "# HELP yima_registry_connections_open Client connections open.\n# TYPE yima_registry_connections_open gauge\nyima_registry_connections_open {}",
            self.connections_open.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP yima_registry_connections_refused_total Connections closed at once, over the connection limits.\n# TYPE yima_registry_connections_refused_total counter\nyima_registry_connections_refused_total {}",
            self.connections_refused.load(Ordering::Relaxed)
        );
        if let Some(p) = pool {
            for (name, help, v) in [
                ("size", "Database connections open.", p.size),
                ("available", "Database connections idle.", p.available),
                ("max", "Most database connections.", p.max),
                (
                    "waiting",
                    "Requests waiting for a database connection.",
                    p.waiting,
                ),
            ] {
                let _ = writeln!(
                    out,
                    "# HELP yima_registry_db_pool_{name} {help}\n# TYPE yima_registry_db_pool_{name} gauge\nyima_registry_db_pool_{name} {v}"
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_format_has_counters_and_cumulative_buckets() {
        let m = Metrics::default();
        m.request("/v1/events", "POST", 200, Duration::from_millis(3));
        m.request("/v1/events", "POST", 200, Duration::from_millis(30));
        m.event("fork");
        m.refused(RefusalKind::Revoked);
        let text = m.render(Some(PoolStatus {
            size: 2,
            available: 1,
            max: 16,
            waiting: 0,
        }));
        assert!(text.contains(
            "yima_registry_requests_total{route=\"/v1/events\",method=\"POST\",status=\"200\"} 2"
        ));
        assert!(text.contains(
            "yima_registry_request_duration_seconds_bucket{route=\"/v1/events\",le=\"0.005\"} 1"
        ));
        assert!(text.contains(
            "yima_registry_request_duration_seconds_bucket{route=\"/v1/events\",le=\"+Inf\"} 2"
        ));
        assert!(text.contains("yima_registry_forks_total 1"));
        assert!(text.contains("yima_registry_refused_events_total{reason=\"revoked\"} 1"));
        assert!(text.contains("yima_registry_refused_events_total{reason=\"custody\"} 0"));
        assert!(text.contains("yima_registry_db_pool_max 16"));
    }
}
