//! Integration tests of yima-codes: property tests of every code type, and the embedded
//! catalogue checked against the published tables. One test binary; its modules live in
//! `tests/tests/` so that Cargo does not build them as binaries of their own.

#[path = "tests/catalogue_2021.rs"]
mod catalogue_2021;
#[path = "tests/props.rs"]
mod props;
