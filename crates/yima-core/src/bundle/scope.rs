//! Which events belong to a bundle's scope: the containers it names (a container, or those a
//! manifest's events link) and their lineage, followed through the events themselves.

use super::BundleScope;
use crate::event::EventBody;
use crate::signing::EventId;
use std::collections::BTreeSet;
use yima_codes::LabelCode;

/// The containers of `scope` found in `bodies`: those it names, and every container that
/// shares an event with one of them, transitively (a merge's sources, a split's parts).
/// Empty when no event names the scope.
pub fn containers_in_scope(
    scope: &BundleScope,
    bodies: &[(EventId, EventBody)],
) -> BTreeSet<LabelCode> {
    let mut set: BTreeSet<LabelCode> = match scope {
        BundleScope::Container(code) => bodies
            .iter()
            .filter(|(_, b)| b.link(code).is_some())
            .map(|_| code.clone())
            .collect(),
        BundleScope::Manifest(number) => bodies
            .iter()
            .filter(|(_, b)| b.event.manifest() == Some(number))
            .flat_map(|(_, b)| b.links.iter().map(|l| l.container.clone()))
            .collect(),
    };
    // Until nothing is added: a few passes, each over the bundle's events.
    loop {
        let before = set.len();
        for (_, b) in bodies {
            if b.links.iter().any(|l| set.contains(&l.container)) {
                set.extend(b.links.iter().map(|l| l.container.clone()));
            }
        }
        if set.len() == before {
            return set;
        }
    }
}
