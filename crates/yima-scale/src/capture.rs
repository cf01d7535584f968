//! When a weight counts: only once the scale has settled.

use crate::parse::Reading;

/// Takes readings one by one and yields a weight once `needed` consecutive stable readings,
/// in the same unit and mode, agree within the tolerance (by default 3 readings within one
/// scale division of the first of them). An unstable reading, a change of unit or mode, or
/// a weight that is not positive (an empty scale) starts again.
#[derive(Clone, Debug)]
pub struct Capture {
    needed: usize,
    tolerance_divisions: i64,
    run: Vec<Reading>,
}

impl Default for Capture {
    fn default() -> Capture {
        Capture::new(3, 1)
    }
}

impl Capture {
    /// `needed` agreeing stable readings (at least 1), within `tolerance_divisions` scale
    /// divisions (the last digit the scale shows) of the first of them.
    pub fn new(needed: usize, tolerance_divisions: i64) -> Capture {
        Capture {
            needed: needed.max(1),
            tolerance_divisions: tolerance_divisions.max(0),
            run: Vec::new(),
        }
    }

    /// Adds a reading; returns the settled weight (the last reading of the run) once
    /// enough agree, and starts a new run.
    pub fn push(&mut self, reading: Reading) -> Option<Reading> {
        if !reading.stable || reading.value_milli <= 0 {
            self.run.clear();
            return None;
        }
        if let Some(first) = self.run.first() {
            let division = first.division_milli.max(reading.division_milli);
            let tolerance = division.saturating_mul(self.tolerance_divisions);
            let agrees = first.unit == reading.unit
                && first.net == reading.net
                && first.value_milli.abs_diff(reading.value_milli) <= tolerance.unsigned_abs();
            if !agrees {
                self.run.clear();
            }
        }
        self.run.push(reading);
        if self.run.len() >= self.needed {
            self.run.clear();
            return Some(reading);
        }
        None
    }

    /// How many agreeing stable readings are held now (for a live display: "settling 2/3").
    pub fn progress(&self) -> (usize, usize) {
        (self.run.len(), self.needed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Protocol;

    fn feed(capture: &mut Capture, lines: &[&str]) -> Option<Reading> {
        let mut got = None;
        for line in lines {
            let r = Protocol::Generic.parse_line(line).expect(line);
            got = got.or(capture.push(r));
        }
        got
    }

    #[test]
    fn settles_after_three_agreeing_stable_readings() {
        let mut c = Capture::default();
        let lines = ["US,GS,+0012.10kg", "ST,GS,+0012.34kg", "ST,GS,+0012.35kg"];
        assert_eq!(feed(&mut c, &lines), None);
        assert_eq!(c.progress(), (2, 3));
        let got = feed(&mut c, &["ST,GS,+0012.34kg"]).expect("settled");
        assert_eq!(got.value_milli, 12_340);
    }

    #[test]
    fn an_unstable_or_drifting_reading_starts_again() {
        let mut c = Capture::default();
        let lines = [
            "ST,GS,+0012.34kg",
            "ST,GS,+0012.34kg",
            "US,GS,+0012.50kg",
            "ST,GS,+0012.50kg",
            "ST,GS,+0012.52kg",
            "ST,NT,+0012.52kg",
            "ST,NT,+0012.52kg",
        ];
        assert_eq!(feed(&mut c, &lines), None);
        let got = feed(&mut c, &["ST,NT,+0012.53kg"]).expect("settled");
        assert_eq!((got.value_milli, got.net), (12_530, true));
    }

    #[test]
    fn an_empty_scale_never_settles() {
        let mut c = Capture::new(2, 1);
        assert_eq!(feed(&mut c, &["ST,GS,+0000.00kg"; 5]), None);
    }

    #[test]
    fn tolerance_is_counted_in_divisions() {
        let mut c = Capture::new(2, 0);
        assert_eq!(feed(&mut c, &["ST,GS,+12.3kg", "ST,GS,+12.4kg"]), None);
        let mut c = Capture::new(2, 1);
        assert!(feed(&mut c, &["ST,GS,+12.3kg", "ST,GS,+12.4kg"]).is_some());
    }
}
