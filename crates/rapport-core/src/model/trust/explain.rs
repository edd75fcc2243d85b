//! Why a score is what it is: each event's exact share, what the next event would do, and
//! the sub-scores that help read it.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Band, Event, Evidence, EvidenceKind, Params, Score, Size, Status};

/// What the next promise would do to the score, computed exactly.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct NextSteps {
    /// Points gained by the next normal-size promise kept on time today.
    pub kept: f64,
    /// Points lost (negative) by the next normal-size promise broken today.
    pub broken: f64,
    /// The next band up and how many more kept promises (normal, today) reach it.
    pub kept_to_next_band: Option<(Band, u32)>,
}

/// A score with its explanation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub score: Score,
    /// Each event's contribution in points, in the order the events were given: they sum,
    /// exactly, to the score minus 50 (the base rate).
    pub contributions: Vec<f64>,
    pub next: NextSteps,
    /// Share of the scored promises kept on time.
    pub reliability: Option<f64>,
    /// Share of the promises not kept on time that were announced before their due date.
    pub candour: Option<f64>,
}

/// Explains the score of `events` as of `now`.
///
/// P − a is linear in the evidence, so each event has an exact share:
/// c_i = ((1−a)·r_i − a·s_i)·m_i·f_i/(n + W), and 50 + 100·Σc_i is the score.
pub fn explain(events: &[Event], now: Timestamp, p: &Params) -> Explanation {
    let evidence = Evidence::from_events(events, now, p);
    let score = evidence.score(p);
    let denominator = evidence.total() + p.prior_weight;
    let contributions = events
        .iter()
        .map(|e| {
            let (r, s) = e.evidence(now, p);
            100.0 * ((1.0 - p.base_rate) * r - p.base_rate * s) / denominator
        })
        .collect();
    let after = |kind| {
        let next = Event {
            kind,
            size: Size::Normal,
            at: now,
        };
        evidence.plus(&next, p).score(p).probability
    };
    let next = NextSteps {
        kept: 100.0 * (after(EvidenceKind::KeptOnTime) - score.probability),
        broken: 100.0 * (after(EvidenceKind::Broken) - score.probability),
        kept_to_next_band: kept_to_next_band(&evidence, p),
    };
    let count = |f: &dyn Fn(EvidenceKind) -> bool| events.iter().filter(|e| f(e.kind)).count();
    let on_time = count(&|k| k == EvidenceKind::KeptOnTime);
    let not_on_time = events.len() - on_time;
    let told = count(&|k| k.told_in_time());
    Explanation {
        score,
        contributions,
        next,
        reliability: (!events.is_empty()).then(|| on_time as f64 / events.len() as f64),
        candour: (not_on_time > 0).then(|| told as f64 / not_on_time as f64),
    }
}

/// The smallest k such that k more kept promises reach the next band:
/// (r + k + a·W)/(n + k + W) ≥ t  ⇔  k ≥ (t·(n + W) − r − a·W)/(1 − t).
fn kept_to_next_band(e: &Evidence, p: &Params) -> Option<(Band, u32)> {
    let current = Band::of(e.score(p).probability * 100.0);
    let (band, threshold) = current.next_threshold()?;
    let t = threshold / 100.0;
    let reaches = |k: f64| {
        (e.positive + k + p.base_rate * p.prior_weight) / (e.total() + k + p.prior_weight) >= t
    };
    let estimate = ((t * (e.total() + p.prior_weight) - e.positive - p.base_rate * p.prior_weight)
        / (1.0 - t))
        .ceil()
        .max(1.0);
    // Guard the closed form against rounding at the boundary.
    let mut k = (estimate - 1.0).max(1.0);
    while !reaches(k) {
        k += 1.0;
    }
    Some((band, k as u32))
}

/// Whether the two directions of a relationship disagree enough to flag: both known and more
/// than 20 points apart.
pub fn reciprocity_gap(mine: &Score, theirs: &Score) -> bool {
    mine.status == Status::Known
        && theirs.status == Status::Known
        && (mine.probability - theirs.probability).abs() > 0.20
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(n: usize, at: Timestamp) -> Vec<Event> {
        vec![
            Event {
                kind: EvidenceKind::KeptOnTime,
                size: Size::Normal,
                at
            };
            n
        ]
    }

    #[test]
    fn what_next_is_exact() {
        let now = Timestamp::UNIX_EPOCH;
        let p = Params::without_forgetting();
        // Ten kept: P = 11/12. Next kept: 12/13; next broken: 11/17.
        let x = explain(&kept(10, now), now, &p);
        assert!((x.next.kept - 100.0 * (12.0 / 13.0 - 11.0 / 12.0)).abs() < 1e-9);
        assert!((x.next.broken - 100.0 * (11.0 / 17.0 - 11.0 / 12.0)).abs() < 1e-9);
        // 91.7 is strong already: no band above.
        assert_eq!(x.next.kept_to_next_band, None);
        assert_eq!(x.reliability, Some(1.0));
        assert_eq!(x.candour, None);
    }

    #[test]
    fn promises_needed_to_reach_the_next_band() {
        let now = Timestamp::UNIX_EPOCH;
        let p = Params::without_forgetting();
        // Two kept, one broken: r = 2, s = 5, P = 3/9 = 33.3, low. Mixed at 50:
        // (3 + k)/(9 + k) ≥ 0.5 ⇔ k ≥ 3.
        let mut events = kept(2, now);
        events.push(Event {
            kind: EvidenceKind::Broken,
            size: Size::Normal,
            at: now,
        });
        let x = explain(&events, now, &p);
        assert_eq!(x.next.kept_to_next_band, Some((Band::Mixed, 3)));
        assert_eq!(x.reliability, Some(2.0 / 3.0));
        assert_eq!(x.candour, Some(0.0));
        // Check the count by doing it: 2 kept is not enough, 3 is.
        let with = |k| {
            let mut e = events.clone();
            e.extend(kept(k, now));
            Evidence::from_events(&e, now, &p).score(&p).probability
        };
        assert!(with(2) < 0.5 && with(3) >= 0.5);
    }

    #[test]
    fn a_gap_is_flagged_only_between_known_scores() {
        let p = Params::without_forgetting();
        let known_high = Score::from_evidence(20.0, 0.0, &p);
        let known_low = Score::from_evidence(5.0, 5.0, &p);
        let unknown = Score::from_evidence(0.0, 0.0, &p);
        assert!(reciprocity_gap(&known_high, &known_low));
        assert!(!reciprocity_gap(&known_high, &known_high));
        assert!(!reciprocity_gap(&known_high, &unknown));
    }
}
