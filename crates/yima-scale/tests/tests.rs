//! One integration-test binary: a simulated scale on a pseudo-terminal, read through the
//! real serial-port code.

#[cfg(unix)]
mod sim;
