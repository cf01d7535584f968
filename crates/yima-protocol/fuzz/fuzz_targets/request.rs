//! Fuzzes a request's authentication headers, and requests signed from the fuzzer's parts: they verify only as signed.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| yima_protocol::fuzzing::request(data));
