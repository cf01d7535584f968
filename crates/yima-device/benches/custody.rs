//! Custody benchmarks: capture, durable single events and verification, each printed beside
//! the raw limit measured in the same run on the same bytes, and the ratio.
//!
//! ```text
//! cargo bench -p yima-device --bench custody
//! YIMA_BENCH_N=4000 YIMA_BENCH_DURABLE_N=1000 YIMA_BENCH_REPS=5 cargo bench -p yima-device --bench custody
//! ```
//!
//! * `YIMA_BENCH_N` (default 2000): events per batched capture and containers in the store
//!   that is verified (it then holds 2 × N events: N generated, N stored).
//! * `YIMA_BENCH_DURABLE_N` (default 500): events recorded one per durable transaction.
//! * `YIMA_BENCH_REPS` (default 3): repetitions of the throughput measurements; every
//!   figure printed is the median over the repetitions, and each repetition measures the
//!   use case and its raw limit back to back so that background load hits both alike.
//!
//! A plain `main` timed with `std::time::Instant`: no harness, no timed tests.

#[path = "custody/capture.rs"]
mod capture;
#[path = "custody/common.rs"]
mod common;
#[path = "custody/durable.rs"]
mod durable;
#[path = "custody/raw.rs"]
mod raw;

use capture::*;
use common::*;
use durable::*;
use std::time::Duration;

// ---------------------------------------------------------------------------------------

/// One duration of a repetition.
type PickOne = fn(&CaptureRep) -> Duration;

fn met(ok: bool) -> &'static str {
    if ok {
        "yes"
    } else {
        "NO"
    }
}

fn main() {
    let n = env_usize("YIMA_BENCH_N", 2000);
    let durable_n = env_usize("YIMA_BENCH_DURABLE_N", 500);
    let reps = env_usize("YIMA_BENCH_REPS", 5);
    machine_facts();
    println!(
        "sizes        : YIMA_BENCH_N={n} YIMA_BENCH_DURABLE_N={durable_n} YIMA_BENCH_REPS={reps}"
    );
    println!();

    // Warm-up (page cache, allocator, lazily built tables), not reported.
    let _ = capture_rep(n.min(200));

    let runs: Vec<CaptureRep> = (0..reps)
        .map(|i| {
            let r = capture_rep(n);
            eprintln!(
                "  rep {}/{reps}: register_all {:.0}/s, record_all {:.0}/s, verify {:.0}/s, bare batch verify {:.0}/s",
                i + 1,
                per_sec(n, r.register),
                per_sec(n, r.record),
                per_sec(r.events_verified, r.verify_core),
                per_sec(r.events_verified, r.verify_bare),
            );
            r
        })
        .collect();
    let d = durable(durable_n);

    let ev = runs[0].events_verified;
    // Every figure is the median over the repetitions; every ratio is the median of the
    // repetitions' own ratios (each repetition measures a use case and its raw limit back to
    // back, so a burst of background load shows in both).
    let med = |f: &dyn Fn(&CaptureRep) -> f64| median(runs.iter().map(f).collect());
    let us = |d: Duration, k: usize| d.as_secs_f64() * 1e6 / k as f64;
    let row = |name: &str, rate: f64, limit: Option<(f64, f64, f64)>| match limit {
        None => println!("| {name} | {rate:.0} | {:.1} | | | | |", 1e6 / rate),
        Some((limit, ratio, target)) => println!(
            "| {name} | {rate:.0} | {:.1} | {limit:.0} | {ratio:.2} | ≥ {target:.2} | {} |",
            1e6 / rate,
            met(ratio >= target)
        ),
    };

    // 1. Capture.
    let (gen_len, stored_len) = runs[0].body_bytes;
    println!("## 1. Batched capture (sign + chain + insert), {n} events in one transaction, median of {reps}");
    println!();
    println!("Canonical bodies: {gen_len} bytes per generated event, {stored_len} per stored event (mean).");
    println!();
    println!("| figure | events/s | µs/event | raw limit events/s | ratio | target | met? |");
    println!("|---|---:|---:|---:|---:|---:|:--:|");
    type Pick = fn(&CaptureRep) -> (Duration, Duration, Duration);
    let cases: [(&str, &str, Pick); 2] = [
        (
            "`register_all` (generated: label, new chain)",
            "generated",
            |r| (r.register, r.register_sign, r.register_insert),
        ),
        (
            "`record_all` (stored: chained on the head)",
            "stored",
            |r| (r.record, r.record_sign, r.record_insert),
        ),
    ];
    for (name, bytes, pick) in cases {
        let rate = med(&|r| per_sec(n, pick(r).0));
        let sign = med(&|r| per_sec(n, pick(r).1));
        let insert = med(&|r| per_sec(n, pick(r).2));
        let limit_of = |r: &CaptureRep| 1e6 / (us(pick(r).1, n) + us(pick(r).2, n));
        let limit = med(&limit_of);
        let ratio = med(&|r| per_sec(n, pick(r).0) / limit_of(r));
        row(
            &format!("bare Ed25519 sign of the {bytes} bytes"),
            sign,
            None,
        );
        row(
            &format!("bare SQLite insert of the {bytes} bytes (one transaction)"),
            insert,
            None,
        );
        row(name, rate, Some((limit, ratio, 0.7)));
    }
    println!();

    // 2. Durable single events.
    let (bp50, bp99) = (percentile_ms(&d.bare, 50.0), percentile_ms(&d.bare, 99.0));
    println!(
        "## 2. One event per durable transaction (WAL, synchronous=FULL), {durable_n} of each"
    );
    println!();
    println!(
        "| figure | p50 ms | p99 ms | max ms | raw p50 / p99 ms | p99 ratio | target | met? |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|:--:|");
    let max_ms = |v: &[Duration]| v.last().unwrap().as_secs_f64() * 1e3;
    println!(
        "| bare single-row durable insert of the same bytes ({} rows) | {bp50:.2} | {bp99:.2} | {:.2} | | | | |",
        d.bare.len(),
        max_ms(&d.bare)
    );
    for (name, v) in [
        ("`register` (one generated event)", &d.register),
        ("`record` (one stored event)", &d.record),
    ] {
        let (p50, p99) = (percentile_ms(v, 50.0), percentile_ms(v, 99.0));
        println!(
            "| {name} | {p50:.2} | {p99:.2} | {:.2} | {bp50:.2} / {bp99:.2} | {:.2} | p99 ≤ 15 ms | {} |",
            max_ms(v),
            p99 / bp99,
            met(p99 <= 15.0)
        );
    }
    println!();

    // 3. Verification.
    let vb = med(&|r| per_sec(ev, r.verify_bare));
    println!("## 3. Chain verification, {ev} stored events ({n} chains of 2), median of {reps}");
    println!();
    println!("| figure | events/s | µs/event | raw limit events/s | ratio | target | met? |");
    println!("|---|---:|---:|---:|---:|---:|:--:|");
    row(
        "bare `ed25519_dalek::verify_batch` over the same signatures",
        vb,
        None,
    );
    let verifies: [(&str, PickOne); 2] = [
        ("`yima_core::verify`", |r| r.verify_core),
        (
            "`Device::verify` (read rows + verify + audit index rows)",
            |r| r.verify_device,
        ),
    ];
    for (name, pick) in verifies {
        let rate = med(&|r| per_sec(ev, pick(r)));
        let ratio = med(&|r| r.verify_bare.as_secs_f64() / pick(r).as_secs_f64());
        row(name, rate, Some((vb, ratio, 0.8)));
    }
    println!();
    let vb2 = med(&|r| per_sec(ev, r.verify_bare_two));
    let ratio2 = |pick: PickOne| med(&|r| r.verify_bare_two.as_secs_f64() / pick(r).as_secs_f64());
    println!(
        "`verify` uses both cores. The same bare batch verify in two halves on two threads: \
         {vb2:.0} events/s; against it `yima_core::verify` is {:.2} ×, `Device::verify` {:.2} ×.",
        ratio2(|r| r.verify_core),
        ratio2(|r| r.verify_device)
    );
    println!();
    println!("Content checks `verify` makes per event, timed alone over the same events:");
    println!();
    println!("| part | µs/event | as a share of bare batch verify |");
    println!("|---|---:|---:|");
    let parts: [(&str, PickOne); 3] = [
        ("SHA-256 id of the canonical bytes", |r| r.part_hash),
        (
            "decode (the canonical reader; refuses other spellings)",
            |r| r.part_decode,
        ),
        (
            "encode (for comparison: what a re-encode check would add)",
            |r| r.part_encode,
        ),
    ];
    for (name, pick) in parts {
        let v = med(&|r| us(pick(r), ev));
        println!("| {name} | {v:.1} | {:.0}% |", 100.0 * v * vb / 1e6);
    }
    println!();
    println!("load average at the end: {}", loadavg());
}
