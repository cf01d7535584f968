//! Sync against the real registry on a free loopback port: stories, reliability, security.

#[path = "tests/harness.rs"]
mod harness;
#[path = "tests/pipelining.rs"]
mod pipelining;
#[path = "tests/reliability.rs"]
mod reliability;
#[path = "tests/security.rs"]
mod security;
#[path = "tests/story.rs"]
mod story;
