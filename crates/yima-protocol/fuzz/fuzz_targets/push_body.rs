//! Fuzzes a push's JSON body, and each event in it, as the registry reads them.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| yima_protocol::fuzzing::push_body(data));
