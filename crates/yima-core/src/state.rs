//! The one state table: which step may follow which state, and which role may record it.
//!
//! The device, the CLI, the app and the registry all ask [`transition`]; nothing else
//! decides what may happen next.

use crate::event::Step;
use crate::role::Role;
use serde::{Deserialize, Serialize};
use yima_codes::Lang;

/// Where a container is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContainerState {
    /// Registered and labelled at the producer.
    Generated,
    /// In the producer's store.
    Stored,
    /// Out of store against a manifest, waiting for the carrier.
    Dispatched,
    /// With a carrier.
    InTransit,
    /// At the receiver, weighed, not yet accepted or refused.
    Received,
    /// Accepted (in full or in part) by the receiver.
    Accepted,
    /// Refused by the receiver; waits to go back or on.
    Refused,
    /// Back at its producer after a refusal.
    Returned,
    /// Used or disposed of: closed.
    Disposed,
    /// Merged into another container: closed.
    Merged,
    /// Split into other containers: closed.
    Split,
    /// Withdrawn: closed.
    Voided,
}

impl ContainerState {
    /// Every state.
    pub const ALL: [ContainerState; 12] = [
        ContainerState::Generated,
        ContainerState::Stored,
        ContainerState::Dispatched,
        ContainerState::InTransit,
        ContainerState::Received,
        ContainerState::Accepted,
        ContainerState::Refused,
        ContainerState::Returned,
        ContainerState::Disposed,
        ContainerState::Merged,
        ContainerState::Split,
        ContainerState::Voided,
    ];

    /// Stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            ContainerState::Generated => "generated",
            ContainerState::Stored => "stored",
            ContainerState::Dispatched => "dispatched",
            ContainerState::InTransit => "in_transit",
            ContainerState::Received => "received",
            ContainerState::Accepted => "accepted",
            ContainerState::Refused => "refused",
            ContainerState::Returned => "returned",
            ContainerState::Disposed => "disposed",
            ContainerState::Merged => "merged",
            ContainerState::Split => "split",
            ContainerState::Voided => "voided",
        }
    }

    /// Name for a person.
    pub fn name(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            ContainerState::Generated => ("已产生", "generated"),
            ContainerState::Stored => ("已入库", "in store"),
            ContainerState::Dispatched => ("已出库", "dispatched"),
            ContainerState::InTransit => ("运输中", "in transit"),
            ContainerState::Received => ("已接收", "received"),
            ContainerState::Accepted => ("已接受", "accepted"),
            ContainerState::Refused => ("已拒收", "refused"),
            ContainerState::Returned => ("已退回", "returned"),
            ContainerState::Disposed => ("已利用/处置", "used/disposed"),
            ContainerState::Merged => ("已合并", "merged"),
            ContainerState::Split => ("已拆分", "split"),
            ContainerState::Voided => ("已作废", "voided"),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// Whether the container's life is over.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            ContainerState::Disposed
                | ContainerState::Merged
                | ContainerState::Split
                | ContainerState::Voided
        )
    }
}

/// What a step does to a state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The container moves to this state.
    To(ContainerState),
    /// The state does not change (corrections).
    Same,
}

/// One row of the state table.
#[derive(Debug)]
pub struct Rule {
    /// The step.
    pub step: Step,
    /// States it may follow; `None` stands for "the container does not exist yet".
    pub from: &'static [Option<ContainerState>],
    /// Roles that may record it (the taker, in a handover).
    pub by: &'static [Role],
    /// In a handover, roles the giver may have.
    pub giver: &'static [Role],
    /// The resulting state.
    pub outcome: Outcome,
}

use ContainerState as S;
use Role::{Carrier, Producer, Receiver};

const ANY_STATE: &[Option<ContainerState>] = &[
    Some(S::Generated),
    Some(S::Stored),
    Some(S::Dispatched),
    Some(S::InTransit),
    Some(S::Received),
    Some(S::Accepted),
    Some(S::Refused),
    Some(S::Returned),
    Some(S::Disposed),
    Some(S::Merged),
    Some(S::Split),
    Some(S::Voided),
];

/// The state table. A (state, step, role) triple not in it is forbidden.
#[rustfmt::skip]
pub const RULES: &[Rule] = &[
    Rule { step: Step::Generated, from: &[None], by: &[Producer], giver: &[], outcome: Outcome::To(S::Generated) },
    Rule { step: Step::Stored, from: &[Some(S::Generated), Some(S::Returned)], by: &[Producer], giver: &[], outcome: Outcome::To(S::Stored) },
    // Receivers and collectors store accepted waste in their own facilities too.
    Rule { step: Step::Stored, from: &[Some(S::Accepted)], by: &[Receiver], giver: &[], outcome: Outcome::To(S::Stored) },
    // A dispatch cancelled before pickup: the sender puts the container back into storage.
    Rule { step: Step::Stored, from: &[Some(S::Dispatched)], by: &[Producer, Receiver], giver: &[], outcome: Outcome::To(S::Stored) },
    Rule { step: Step::Dispatched, from: &[Some(S::Generated), Some(S::Stored), Some(S::Returned)], by: &[Producer], giver: &[], outcome: Outcome::To(S::Dispatched) },
    // A receiver sends refused waste on (to another receiver) under a new manifest.
    // A collector sends stored waste on to a user or disposer.
    Rule { step: Step::Dispatched, from: &[Some(S::Refused), Some(S::Stored)], by: &[Receiver], giver: &[], outcome: Outcome::To(S::Dispatched) },
    Rule { step: Step::PickedUp, from: &[Some(S::Dispatched)], by: &[Carrier], giver: &[Producer, Receiver], outcome: Outcome::To(S::InTransit) },
    // Refused waste picked up again at the receiver to go back to its producer.
    Rule { step: Step::PickedUp, from: &[Some(S::Refused)], by: &[Carrier], giver: &[Receiver], outcome: Outcome::To(S::InTransit) },
    Rule { step: Step::RelayHandover, from: &[Some(S::InTransit)], by: &[Carrier], giver: &[Carrier], outcome: Outcome::To(S::InTransit) },
    Rule { step: Step::Received, from: &[Some(S::InTransit)], by: &[Receiver], giver: &[Carrier], outcome: Outcome::To(S::Received) },
    Rule { step: Step::Weighed, from: &[Some(S::Received)], by: &[Receiver], giver: &[], outcome: Outcome::To(S::Received) },
    // A weighing at a custody change, by the party holding the container: the sender before
    // dispatch (or before giving it to the carrier), the carrier at pickup, the receiver at
    // receipt (or a collector before sending it on).
    Rule { step: Step::Weighing, from: &[Some(S::Generated), Some(S::Stored), Some(S::Returned), Some(S::Dispatched)], by: &[Producer], giver: &[], outcome: Outcome::Same },
    Rule { step: Step::Weighing, from: &[Some(S::InTransit)], by: &[Carrier], giver: &[], outcome: Outcome::Same },
    Rule { step: Step::Weighing, from: &[Some(S::Received), Some(S::Accepted), Some(S::Stored), Some(S::Refused), Some(S::Dispatched)], by: &[Receiver], giver: &[], outcome: Outcome::Same },
    Rule { step: Step::Accepted, from: &[Some(S::Received)], by: &[Receiver], giver: &[], outcome: Outcome::To(S::Accepted) },
    Rule { step: Step::PartlyRefused, from: &[Some(S::Received)], by: &[Receiver], giver: &[], outcome: Outcome::To(S::Accepted) },
    Rule { step: Step::Refused, from: &[Some(S::Received)], by: &[Receiver], giver: &[], outcome: Outcome::To(S::Refused) },
    Rule { step: Step::Returned, from: &[Some(S::InTransit)], by: &[Producer], giver: &[Carrier], outcome: Outcome::To(S::Returned) },
    Rule { step: Step::Disposed, from: &[Some(S::Accepted), Some(S::Stored)], by: &[Receiver], giver: &[], outcome: Outcome::To(S::Disposed) },
    // Own use or disposal (自行利用/处置) at the producer.
    Rule { step: Step::Disposed, from: &[Some(S::Generated), Some(S::Stored)], by: &[Producer], giver: &[], outcome: Outcome::To(S::Disposed) },
    Rule { step: Step::Merged, from: &[Some(S::Generated), Some(S::Stored)], by: &[Producer], giver: &[], outcome: Outcome::To(S::Merged) },
    Rule { step: Step::Merged, from: &[Some(S::Accepted), Some(S::Stored)], by: &[Receiver], giver: &[], outcome: Outcome::To(S::Merged) },
    Rule { step: Step::Split, from: &[Some(S::Generated), Some(S::Stored)], by: &[Producer], giver: &[], outcome: Outcome::To(S::Split) },
    Rule { step: Step::Split, from: &[Some(S::Accepted), Some(S::Stored)], by: &[Receiver], giver: &[], outcome: Outcome::To(S::Split) },
    Rule { step: Step::Correction, from: ANY_STATE, by: &[Producer, Carrier, Receiver], giver: &[], outcome: Outcome::Same },
    Rule { step: Step::Void, from: &[Some(S::Generated), Some(S::Stored)], by: &[Producer], giver: &[], outcome: Outcome::To(S::Voided) },
];

/// Why the state table refuses a step.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The step cannot follow the container's state, whoever records it.
    #[error("{} is not allowed when the container is {}", step.name(Lang::En), state_name(*state, Lang::En))]
    NotInState {
        /// The step attempted.
        step: Step,
        /// The container's state (`None` when it does not exist).
        state: Option<ContainerState>,
    },
    /// The step may follow the state, but not recorded by this role.
    #[error("a {role} may not record {} when the container is {}", step.name(Lang::En), state_name(*state, Lang::En))]
    NotForRole {
        /// The step attempted.
        step: Step,
        /// The recorder's role.
        role: Role,
        /// The container's state.
        state: Option<ContainerState>,
    },
    /// In a handover, the giver's role may not hand over here.
    #[error("a {giver} may not hand over for {}", step.name(Lang::En))]
    NotForGiver {
        /// The step attempted.
        step: Step,
        /// The giver's role.
        giver: Role,
    },
}

impl TransitionError {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::En) => self.to_string(),
            (TransitionError::NotInState { step, state }, Lang::Zh) => {
                format!(
                    "容器处于「{}」时不能记录「{}」",
                    state_name(*state, lang),
                    step.name(lang)
                )
            }
            (TransitionError::NotForRole { step, role, state }, Lang::Zh) => format!(
                "{}不能在容器处于「{}」时记录「{}」",
                role.name(lang),
                state_name(*state, lang),
                step.name(lang)
            ),
            (TransitionError::NotForGiver { step, giver }, Lang::Zh) => {
                format!(
                    "{}不能作为交出方进行「{}」",
                    giver.name(lang),
                    step.name(lang)
                )
            }
        }
    }
}

fn state_name(s: Option<ContainerState>, lang: Lang) -> &'static str {
    match (s, lang) {
        (Some(s), _) => s.name(lang),
        (None, Lang::Zh) => "尚未登记",
        (None, Lang::En) => "not yet registered",
    }
}

/// Asks the table whether `step`, recorded by `role` (handed over by `giver`, for
/// handovers), may follow `from`; returns the resulting state.
pub fn transition(
    from: Option<ContainerState>,
    step: Step,
    role: Role,
    giver: Option<Role>,
) -> Result<ContainerState, TransitionError> {
    let in_state: Vec<&Rule> = RULES
        .iter()
        .filter(|r| r.step == step && r.from.contains(&from))
        .collect();
    if in_state.is_empty() {
        return Err(TransitionError::NotInState { step, state: from });
    }
    let Some(rule) = in_state.iter().find(|r| r.by.contains(&role)) else {
        return Err(TransitionError::NotForRole {
            step,
            role,
            state: from,
        });
    };
    if step.is_handover() {
        match giver {
            Some(g) if rule.giver.contains(&g) => {}
            Some(g) => return Err(TransitionError::NotForGiver { step, giver: g }),
            None => return Err(TransitionError::NotForGiver { step, giver: role }),
        }
    }
    Ok(match rule.outcome {
        Outcome::To(s) => s,
        Outcome::Same => from.expect("corrections and weighings never start from none"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (from, step, recorder, giver) → to.
    type Allowed = (Option<S>, Step, Role, Option<Role>, S);

    /// The whole table as an independent list of allowed transitions.
    fn expected() -> Vec<Allowed> {
        let mut v = vec![
            (None, Step::Generated, Producer, None, S::Generated),
            // Storage at receivers and collectors, and out of it.
            (Some(S::Accepted), Step::Stored, Receiver, None, S::Stored),
            (
                Some(S::Stored),
                Step::Dispatched,
                Receiver,
                None,
                S::Dispatched,
            ),
            (Some(S::Stored), Step::Disposed, Receiver, None, S::Disposed),
            (Some(S::Stored), Step::Merged, Receiver, None, S::Merged),
            (Some(S::Stored), Step::Split, Receiver, None, S::Split),
            (Some(S::Generated), Step::Stored, Producer, None, S::Stored),
            (Some(S::Returned), Step::Stored, Producer, None, S::Stored),
            (
                Some(S::Generated),
                Step::Dispatched,
                Producer,
                None,
                S::Dispatched,
            ),
            (
                Some(S::Stored),
                Step::Dispatched,
                Producer,
                None,
                S::Dispatched,
            ),
            (
                Some(S::Returned),
                Step::Dispatched,
                Producer,
                None,
                S::Dispatched,
            ),
            (
                Some(S::Refused),
                Step::Dispatched,
                Receiver,
                None,
                S::Dispatched,
            ),
            (
                Some(S::Dispatched),
                Step::PickedUp,
                Carrier,
                Some(Producer),
                S::InTransit,
            ),
            (
                Some(S::Dispatched),
                Step::PickedUp,
                Carrier,
                Some(Receiver),
                S::InTransit,
            ),
            (
                Some(S::Refused),
                Step::PickedUp,
                Carrier,
                Some(Receiver),
                S::InTransit,
            ),
            (
                Some(S::InTransit),
                Step::RelayHandover,
                Carrier,
                Some(Carrier),
                S::InTransit,
            ),
            (
                Some(S::InTransit),
                Step::Received,
                Receiver,
                Some(Carrier),
                S::Received,
            ),
            (
                Some(S::Received),
                Step::Weighed,
                Receiver,
                None,
                S::Received,
            ),
            (
                Some(S::Received),
                Step::Accepted,
                Receiver,
                None,
                S::Accepted,
            ),
            (
                Some(S::Received),
                Step::PartlyRefused,
                Receiver,
                None,
                S::Accepted,
            ),
            (Some(S::Received), Step::Refused, Receiver, None, S::Refused),
            (
                Some(S::InTransit),
                Step::Returned,
                Producer,
                Some(Carrier),
                S::Returned,
            ),
            (
                Some(S::Accepted),
                Step::Disposed,
                Receiver,
                None,
                S::Disposed,
            ),
            (
                Some(S::Generated),
                Step::Disposed,
                Producer,
                None,
                S::Disposed,
            ),
            (Some(S::Stored), Step::Disposed, Producer, None, S::Disposed),
            (Some(S::Generated), Step::Merged, Producer, None, S::Merged),
            (Some(S::Stored), Step::Merged, Producer, None, S::Merged),
            (Some(S::Accepted), Step::Merged, Receiver, None, S::Merged),
            (Some(S::Generated), Step::Split, Producer, None, S::Split),
            (Some(S::Stored), Step::Split, Producer, None, S::Split),
            (Some(S::Accepted), Step::Split, Receiver, None, S::Split),
            (Some(S::Generated), Step::Void, Producer, None, S::Voided),
            (Some(S::Stored), Step::Void, Producer, None, S::Voided),
        ];
        // A cancelled dispatch: back into storage, by the sender (producer or collector).
        v.push((Some(S::Dispatched), Step::Stored, Producer, None, S::Stored));
        v.push((Some(S::Dispatched), Step::Stored, Receiver, None, S::Stored));
        // Weighings at custody changes leave the state as it was.
        for s in [S::Generated, S::Stored, S::Returned, S::Dispatched] {
            v.push((Some(s), Step::Weighing, Producer, None, s));
        }
        v.push((
            Some(S::InTransit),
            Step::Weighing,
            Carrier,
            None,
            S::InTransit,
        ));
        for s in [
            S::Received,
            S::Accepted,
            S::Stored,
            S::Refused,
            S::Dispatched,
        ] {
            v.push((Some(s), Step::Weighing, Receiver, None, s));
        }
        for s in S::ALL {
            for r in [Producer, Carrier, Receiver] {
                v.push((Some(s), Step::Correction, r, None, s));
            }
        }
        v
    }

    #[test]
    fn every_allowed_transition_is_allowed() {
        for (from, step, by, giver, to) in expected() {
            assert_eq!(
                transition(from, step, by, giver),
                Ok(to),
                "{from:?} {step:?} {by:?} {giver:?}"
            );
        }
    }

    #[test]
    fn every_other_transition_is_forbidden() {
        let allowed = expected();
        let mut states: Vec<Option<S>> = vec![None];
        states.extend(S::ALL.map(Some));
        let mut givers: Vec<Option<Role>> = vec![None];
        givers.extend(Role::ALL.map(Some));
        let mut checked = 0;
        for from in &states {
            for step in Step::ALL {
                for by in Role::ALL {
                    for giver in &givers {
                        let listed = allowed.iter().any(|(f, s, b, g, _)| {
                            f == from
                                && *s == step
                                && *b == by
                                && (!step.is_handover() || g == giver)
                        });
                        let got = transition(*from, step, by, *giver);
                        assert_eq!(
                            got.is_ok(),
                            listed,
                            "{from:?} {step:?} by {by:?} giver {giver:?}: {got:?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 13 * Step::ALL.len() * 4 * 5);
    }

    #[test]
    fn regulators_record_nothing() {
        for from in S::ALL.map(Some).into_iter().chain([None]) {
            for step in Step::ALL {
                assert!(transition(from, step, Role::Regulator, Some(Carrier)).is_err());
            }
        }
    }

    #[test]
    fn refusals_explain_themselves() {
        let e =
            transition(Some(S::Generated), Step::Received, Receiver, Some(Carrier)).unwrap_err();
        assert!(matches!(e, TransitionError::NotInState { .. }));
        let e = transition(
            Some(S::Dispatched),
            Step::PickedUp,
            Receiver,
            Some(Producer),
        )
        .unwrap_err();
        assert!(matches!(e, TransitionError::NotForRole { .. }));
        let e =
            transition(Some(S::Dispatched), Step::PickedUp, Carrier, Some(Carrier)).unwrap_err();
        assert!(matches!(e, TransitionError::NotForGiver { .. }));
    }
}
