//! Integration tests of yima-core: the canonical encoding pinned by test vectors, whole
//! custody chains that verify, every failure the verifier reports, and property tests.
//! One test binary; its modules live in `tests/tests/` so that Cargo does not build them
//! as binaries of their own. The vectors themselves are in `tests/vectors/`.

#[path = "tests/anomaly.rs"]
mod anomaly;
#[path = "tests/anomaly_refused.rs"]
mod anomaly_refused;
#[path = "tests/anomaly_route.rs"]
mod anomaly_route;
#[path = "tests/anomaly_sighting.rs"]
mod anomaly_sighting;
#[path = "tests/bundle.rs"]
mod bundle;
#[path = "tests/chain.rs"]
mod chain;
#[path = "tests/custody_rules.rs"]
mod custody_rules;
#[path = "tests/encoding.rs"]
mod encoding;
#[path = "tests/failures.rs"]
mod failures;
#[path = "tests/handover_qr.rs"]
mod handover_qr;
#[path = "tests/harness.rs"]
mod harness;
#[path = "tests/operator.rs"]
mod operator;
#[path = "tests/props.rs"]
mod props;
#[path = "tests/refused_part.rs"]
mod refused_part;
#[path = "tests/road_pass.rs"]
mod road_pass;
#[path = "tests/scale_identity.rs"]
mod scale_identity;
#[path = "tests/track.rs"]
mod track;
#[path = "tests/vectors.rs"]
mod vectors;
#[path = "tests/walks.rs"]
mod walks;
#[path = "tests/weighed.rs"]
mod weighed;
