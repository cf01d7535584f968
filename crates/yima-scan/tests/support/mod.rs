//! Shared by the tests and the benchmark: the QR photo corpus and the camera-like set.

pub mod camera;
pub mod cases;
pub mod corpus;
pub mod photo;
