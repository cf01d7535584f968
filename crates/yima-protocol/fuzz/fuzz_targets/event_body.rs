//! Fuzzes one event's canonical body (under the id its bytes hash to): parsed or refused, never a panic, and what parses is canonical.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| yima_protocol::fuzzing::event_body(data));
