//! The `label_sequences` and `batches` tables: numbers drawn once, never again.

use crate::error::{StoreError, StoreErrorKind};
use crate::rows::{Hot, Tx, UsedSequences};
use chrono::NaiveDate;
use rusqlite::params;
use std::collections::BTreeSet;
use yima_codes::{BatchCode, BatchKind, CreditCode, SequenceBlock, WasteCode};

impl Tx<'_> {
    /// Draws the lowest unused label sequence in `block` for this producer, waste code and
    /// day, and records it as used.
    pub fn draw_label_sequence(
        &self,
        producer: &CreditCode,
        waste: &WasteCode,
        day: NaiveDate,
        block: &SequenceBlock,
    ) -> Result<u16, StoreError> {
        let mut drawn = self.drawn.borrow_mut();
        // The day's used sequences are read once per transaction, then kept up to date here
        // (found again without allocating: a batch draws thousands of times).
        let of_day = drawn.labels.entry(day).or_default();
        let at = of_day
            .iter()
            .position(|u| u.producer == producer.as_str() && u.waste == waste.digits());
        let used = match at {
            Some(i) => &mut of_day[i],
            None => {
                let day = day.format("%Y%m%d").to_string();
                let used = self.tx
                    .prepare_cached("SELECT seq FROM label_sequences WHERE producer = ?1 AND waste_code = ?2 AND day = ?3")?
                    .query_map(params![producer.as_str(), waste.digits(), day], |r| r.get::<_, u16>(0))?
                    .collect::<Result<_, _>>()?;
                of_day.push(UsedSequences {
                    producer: producer.as_str().to_string(),
                    waste: waste.digits().to_string(),
                    day,
                    used,
                    full_below: None,
                });
                of_day.last_mut().expect("just pushed")
            }
        };
        // Every sequence of the block below the last one drawn here is used (it was the
        // lowest free one): the walk starts after it instead of at the block's start.
        let from = match used.full_below {
            Some((first, below)) if first == block.first() => below.max(first),
            _ => block.first(),
        };
        let UsedSequences {
            used,
            full_below,
            day,
            ..
        } = used;
        let seq = match lowest_free(block, from, used) {
            Some(seq) => seq,
            None => block
                .next_free(used)
                .map_err(|e| StoreError::new(StoreErrorKind::SequenceExhausted, e.to_string()))?,
        };
        self.run_hot(
            Hot::InsertLabelSequence,
            "INSERT INTO label_sequences (producer, waste_code, day, seq) VALUES (?1, ?2, ?3, ?4)",
            params![producer.as_str(), waste.digits(), day.as_str(), seq],
        )?;
        used.insert(seq);
        *full_below = Some((block.first(), seq + 1));
        Ok(seq)
    }

    /// Draws the next batch code of `kind` for `day`.
    pub fn draw_batch(&self, kind: BatchKind, day: NaiveDate) -> Result<BatchCode, StoreError> {
        let mut drawn = self.drawn.borrow_mut();
        // The day's count is read once per transaction, then kept up to date here.
        let n = match drawn.batches.get(&(kind, day)) {
            Some(&n) => n,
            None => {
                let prefix = format!("{}{}", kind.prefix(), day.format("%Y%m%d"));
                self.tx
                    .prepare_cached("SELECT count(*) FROM batches WHERE code >= ?1 AND code < ?2")?
                    .query_row(params![prefix, format!("{prefix}\u{10FFFF}")], |r| {
                        r.get::<_, i64>(0)
                    })? as u32
            }
        };
        let code = BatchCode::new(kind, day, n + 1)
            .map_err(|e| StoreError::new(StoreErrorKind::SequenceExhausted, e.to_string()))?;
        self.run_hot(
            Hot::InsertBatch,
            "INSERT INTO batches (code) VALUES (?1)",
            [code.as_str()],
        )?;
        drawn.batches.insert((kind, day), n + 1);
        Ok(code)
    }
}

/// The smallest sequence of `block` not in `used` (as [`SequenceBlock::next_free`], walking
/// the sorted set instead of probing it number by number), given that every sequence of the
/// block below `from` is used; `None` when the block is full.
fn lowest_free(block: &SequenceBlock, from: u16, used: &BTreeSet<u16>) -> Option<u16> {
    if from > block.last() {
        return None;
    }
    let mut expect = from;
    for &s in used.range(from..=block.last()) {
        if s != expect {
            return Some(expect);
        }
        if s == block.last() {
            return None;
        }
        expect = s + 1;
    }
    Some(expect)
}
