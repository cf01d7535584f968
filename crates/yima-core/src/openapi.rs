//! The core types the registry's API carries, as its OpenAPI document describes them
//! (feature `openapi`): keys, ids and signatures are lowercase hex strings, as their serde
//! form writes them. `Signature`, `WireEvent`, `Role` and `Timestamp` derive theirs.

use crate::{EventId, PublicKey, SignatureBytes};
use std::borrow::Cow;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

fn hex(bytes: usize, description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(format!("^[0-9a-f]{{{}}}$", 2 * bytes)))
        .description(Some(description))
        .into()
}

macro_rules! hex_schema {
    ($t:ty, $name:literal, $bytes:literal, $description:literal) => {
        impl utoipa::PartialSchema for $t {
            fn schema() -> RefOr<Schema> {
                hex($bytes, $description)
            }
        }
        impl utoipa::ToSchema for $t {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }
        }
    };
}

hex_schema!(
    EventId,
    "EventId",
    32,
    "An event's id: SHA-256 of its canonical body (hex)"
);
hex_schema!(
    PublicKey,
    "PublicKey",
    32,
    "A device's Ed25519 public key (hex)"
);
hex_schema!(
    SignatureBytes,
    "SignatureBytes",
    64,
    "An Ed25519 signature over an event id (hex)"
);

/// `{"container": CODE}` or `{"manifest": NUMBER}`, as serde writes [`crate::BundleScope`].
impl utoipa::PartialSchema for crate::BundleScope {
    fn schema() -> RefOr<Schema> {
        let one = |name: &str, description: &str| {
            ObjectBuilder::new()
                .property(
                    name,
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .description(Some(description)),
                )
                .required(name)
        };
        utoipa::openapi::schema::OneOfBuilder::new()
            .item(one("container", "A container's 37-character label code"))
            .item(one("manifest", "A 14-digit transfer manifest number"))
            .description(Some("What an evidence bundle is the evidence of"))
            .into()
    }
}

impl utoipa::ToSchema for crate::BundleScope {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("BundleScope")
    }
}
