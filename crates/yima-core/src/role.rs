//! The parties of a transfer and what each may be.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use yima_codes::Lang;

/// A role an organisation plays in the custody of hazardous waste.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    /// 产废单位: generates, labels, stores and dispatches waste (also a collector).
    Producer,
    /// 运输单位: carries waste under a transfer manifest.
    Carrier,
    /// 接收单位 / 利用处置单位: receives, weighs, accepts or refuses, uses or disposes.
    Receiver,
    /// 生态环境局: sees everything in its jurisdiction and records nothing.
    Regulator,
}

impl Role {
    /// Every role, in a fixed order.
    pub const ALL: [Role; 4] = [
        Role::Producer,
        Role::Carrier,
        Role::Receiver,
        Role::Regulator,
    ];

    /// The role's stable machine name (`producer`, `carrier`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Producer => "producer",
            Role::Carrier => "carrier",
            Role::Receiver => "receiver",
            Role::Regulator => "regulator",
        }
    }

    /// The role's name for a person.
    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Role::Producer, Lang::Zh) => "产废单位",
            (Role::Carrier, Lang::Zh) => "运输单位",
            (Role::Receiver, Lang::Zh) => "接收单位",
            (Role::Regulator, Lang::Zh) => "生态环境主管部门",
            (Role::Producer, Lang::En) => "producer",
            (Role::Carrier, Lang::En) => "carrier",
            (Role::Receiver, Lang::En) => "receiver",
            (Role::Regulator, Lang::En) => "regulator",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not the name of a role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: expected producer, carrier, receiver or regulator")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Role, UnknownRole> {
        match s.trim().to_ascii_lowercase().as_str() {
            "producer" | "collector" => Ok(Role::Producer),
            "carrier" => Ok(Role::Carrier),
            "receiver" | "disposer" => Ok(Role::Receiver),
            "regulator" => Ok(Role::Regulator),
            _ => Err(UnknownRole(s.to_string())),
        }
    }
}
