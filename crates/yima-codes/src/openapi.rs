//! The codes the registry's API carries, as its OpenAPI document describes them (feature
//! `openapi`): each is a string, the text its serde form writes.

use crate::{CreditCode, SequenceBlock};
use std::borrow::Cow;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

fn text(pattern: &str, description: &str, example: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(pattern))
        .description(Some(description))
        .examples([example])
        .into()
}

impl utoipa::PartialSchema for CreditCode {
    fn schema() -> RefOr<Schema> {
        text(
            "^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$",
            "Unified social credit code (统一社会信用代码, GB 32100): 18 characters, the last a check character",
            "91350100M000100Y43",
        )
    }
}

impl utoipa::ToSchema for CreditCode {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("CreditCode")
    }
}

impl utoipa::PartialSchema for SequenceBlock {
    fn schema() -> RefOr<Schema> {
        text(
            "^[0-9]{1,3}-[0-9]{1,3}$",
            "A device's block of label sequences within 1-999, written first-last",
            "1-499",
        )
    }
}

impl utoipa::ToSchema for SequenceBlock {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("SequenceBlock")
    }
}
