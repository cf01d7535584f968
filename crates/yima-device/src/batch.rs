//! Committing a batch of events this device composes alone (`register_all`, `record_all`)
//! in one transaction, on two threads: the calling thread composes each event and stores
//! it, a second thread encodes, hashes and signs it in between.

use crate::error::{DeviceError, ErrorKind};
use crate::status::append;
use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::BuildHasher;
use std::sync::mpsc;
use yima_codes::LabelCode;
use yima_core::{ContainerStatus, EventBody, Link, SignedEvent, Timestamp};
use yima_store::{DeviceRow, Tx};

/// Batches smaller than this are sealed on the calling thread (a thread costs more).
const SEAL_ON_SECOND_THREAD_FROM: usize = 4;

/// Events handed to the sealing thread at a time: waking a thread for every event would
/// cost about as much as composing it.
const EVENTS_PER_HANDOFF: usize = 16;

/// Events in flight (composed, not yet stored) beyond which the calling thread encodes and
/// hashes the next event itself, leaving the sealing thread only its signature: the sealing
/// thread is then the one behind (signing is most of its work, storing most of the calling
/// thread's; which one is slower depends on the events and the machine).
const HASH_IN_LINE_BEYOND: usize = 3 * EVENTS_PER_HANDOFF;

/// An event for the sealing thread: a body to encode, hash and sign, or an event encoded
/// and hashed already, to sign.
enum ToSeal {
    Body(EventBody),
    Hashed(SignedEvent),
}

/// An event's body and the statuses of the containers it names, before it is sealed.
pub(crate) type Composed = (EventBody, BTreeMap<LabelCode, ContainerStatus>);

/// Records one event per entry of `named` (the containers the `i`-th request names; empty
/// for new containers), composed by `compose(i)` with [`crate::status::compose_in`], as
/// [`crate::status::commit_in`] would one by one and in the same order — but the events
/// are signed on a second thread, and encoded and hashed there too unless that thread is
/// the one behind.
///
/// An event's id is the hash of its canonical bytes, and an event that names a container
/// an earlier event of the batch also concerns chains on that event's id. So the calling
/// thread composes events ahead only while they name no container of an event still being
/// sealed; one that does waits until those events are back and stored, and is then composed
/// on their statuses exactly as in a batch sealed in line. Sealed events come back in
/// order and are stored in order (each with its signature), all before this returns, so
/// before the transaction can commit.
pub(crate) fn commit_all<F>(
    tx: &Tx<'_>,
    device: &DeviceRow,
    now: Timestamp,
    named: &[&[LabelCode]],
    mut compose: F,
) -> Result<Vec<SignedEvent>, DeviceError>
where
    F: FnMut(usize) -> Result<Composed, DeviceError>,
{
    let n = named.len();
    if n < SEAL_ON_SECOND_THREAD_FROM {
        return (0..n)
            .map(|i| {
                let (body, statuses) = compose(i)?;
                let event = SignedEvent::seal(body, &device.key);
                append(tx, &event, &statuses, true, now)?;
                Ok(event)
            })
            .collect();
    }
    let key = &device.key;
    std::thread::scope(|scope| {
        let (to_sealer, to_seal) = mpsc::channel::<Vec<ToSeal>>();
        let (sealed, from_sealer) = mpsc::channel::<Vec<SignedEvent>>();
        let sealer = std::thread::Builder::new().name("yima-seal".into());
        sealer
            .spawn_scoped(scope, move || {
                for work in to_seal {
                    let events = work
                        .into_iter()
                        .map(|w| match w {
                            ToSeal::Body(body) => SignedEvent::seal(body, key),
                            ToSeal::Hashed(mut event) => {
                                event.signatures.push(key.sign(&event.id));
                                event
                            }
                        })
                        .collect();
                    if sealed.send(events).is_err() {
                        return;
                    }
                }
            })
            .expect("a thread to seal on (as `std::thread::scope` spawns)");
        // `to_sealer` is moved in: when this returns, early or not, the sealing thread's input
        // closes and it ends, and the scope joins it.
        let mut pipeline = Pipeline {
            tx,
            now,
            to_sealer,
            from_sealer,
            handoff: Vec::with_capacity(EVENTS_PER_HANDOFF),
            in_flight: VecDeque::new(),
            tracking: named.iter().any(|names| !names.is_empty()),
            busy: HashMap::new(),
            hasher: RandomState::new(),
            events: Vec::with_capacity(n),
        };
        for (i, names) in named.iter().enumerate() {
            if names.iter().any(|c| pipeline.is_busy(c)) {
                pipeline.drain()?;
            }
            let (body, statuses) = compose(i)?;
            pipeline.send(body, statuses)?;
        }
        pipeline.drain()?;
        Ok(pipeline.events)
    })
}

/// The calling thread's side of [`commit_all`].
struct Pipeline<'t, 'a> {
    tx: &'t Tx<'a>,
    now: Timestamp,
    to_sealer: mpsc::Sender<Vec<ToSeal>>,
    from_sealer: mpsc::Receiver<Vec<SignedEvent>>,
    /// Events composed and not yet handed over.
    handoff: Vec<ToSeal>,
    /// The statuses each composed event was composed on, until it is stored; in order.
    in_flight: VecDeque<BTreeMap<LabelCode, ContainerStatus>>,
    /// Whether any request names containers (otherwise no event can chain on another of
    /// the batch, and `busy` stays empty).
    tracking: bool,
    /// Hashes of the codes that events composed and not yet stored link, with how many of
    /// those events link a code of that hash. Two codes of one hash only make an event wait
    /// when it need not.
    busy: HashMap<u64, u32>,
    hasher: RandomState,
    /// Stored events, in order.
    events: Vec<SignedEvent>,
}

impl Pipeline<'_, '_> {
    fn code_hash(&self, code: &LabelCode) -> u64 {
        self.hasher.hash_one(code.as_str())
    }

    /// The links whose containers are tracked as busy: none when nothing can chain.
    fn tracked<'l>(&self, links: &'l [Link]) -> &'l [Link] {
        if self.tracking {
            links
        } else {
            &[]
        }
    }

    fn is_busy(&self, code: &LabelCode) -> bool {
        !self.busy.is_empty() && self.busy.contains_key(&self.code_hash(code))
    }

    /// Queues a composed event for sealing and stores whatever came back sealed meanwhile.
    fn send(
        &mut self,
        body: EventBody,
        statuses: BTreeMap<LabelCode, ContainerStatus>,
    ) -> Result<(), DeviceError> {
        // The next event takes the counter value after this one, though this one is not
        // stored yet.
        self.tx.take_seq(&body.composer, body.seq);
        for l in self.tracked(&body.links) {
            *self.busy.entry(self.code_hash(&l.container)).or_insert(0) += 1;
        }
        let work = if self.in_flight.len() > HASH_IN_LINE_BEYOND {
            ToSeal::Hashed(SignedEvent::unsigned(body))
        } else {
            ToSeal::Body(body)
        };
        self.in_flight.push_back(statuses);
        self.handoff.push(work);
        if self.handoff.len() == EVENTS_PER_HANDOFF {
            self.hand_over()?;
        }
        while let Ok(events) = self.from_sealer.try_recv() {
            self.store(events)?;
        }
        Ok(())
    }

    fn hand_over(&mut self) -> Result<(), DeviceError> {
        if self.handoff.is_empty() {
            return Ok(());
        }
        let full = std::mem::replace(&mut self.handoff, Vec::with_capacity(EVENTS_PER_HANDOFF));
        self.to_sealer.send(full).map_err(|_| lost())
    }

    /// Hands over what is left and stores every event in flight.
    fn drain(&mut self) -> Result<(), DeviceError> {
        self.hand_over()?;
        while !self.in_flight.is_empty() {
            let events = self.from_sealer.recv().map_err(|_| lost())?;
            self.store(events)?;
        }
        Ok(())
    }

    /// Stores sealed events, which come back in the order they were composed.
    fn store(&mut self, events: Vec<SignedEvent>) -> Result<(), DeviceError> {
        for event in events {
            let statuses = self.in_flight.pop_front().ok_or_else(lost)?;
            append(self.tx, &event, &statuses, true, self.now)?;
            for l in self.tracked(&event.body.links) {
                let h = self.code_hash(&l.container);
                if let Some(count) = self.busy.get_mut(&h) {
                    *count -= 1;
                    if *count == 0 {
                        self.busy.remove(&h);
                    }
                }
            }
            self.events.push(event);
        }
        Ok(())
    }
}

fn lost() -> DeviceError {
    DeviceError::new(
        ErrorKind::Storage,
        "the sealing thread stopped before sealing every event",
    )
}
