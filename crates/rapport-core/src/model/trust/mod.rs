//! The trust engine (see `shared/TRUST_MODEL.md`): a time-forgetting Beta reputation read
//! through Subjective Logic, asymmetric (a breach weighs five kept promises), showing "not yet
//! known" until there is evidence, and always explainable.
//!
//! Pure functions of the resolved commitments of one direction of one relationship, the
//! model's parameters and `now`. Nothing here reads the clock or the database.

mod explain;
#[cfg(test)]
mod properties;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

pub use explain::{Explanation, NextSteps, explain, reciprocity_gap};

use crate::error::Invalid;

/// The model's version, stored with every computed score so that scores computed under other
/// parameters or formulas are never mixed with these.
pub const MODEL_VERSION: &str = "beta-sl-2";

/// How much is at stake in a commitment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Size {
    /// "I'll send you the link": counts half.
    Token,
    /// The usual promise.
    Normal,
    /// A delivery date, a contract term: counts double.
    Major,
}

impl Size {
    /// The stakes multiplier m.
    pub fn multiplier(self) -> f64 {
        match self {
            Self::Token => 0.5,
            Self::Normal => 1.0,
            Self::Major => 2.0,
        }
    }

    /// The stored and typed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Token => "token",
            Self::Normal => "normal",
            Self::Major => "major",
        }
    }
}

impl std::str::FromStr for Size {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        match s.trim().to_ascii_lowercase().as_str() {
            "token" | "small" => Ok(Self::Token),
            "normal" => Ok(Self::Normal),
            "major" | "big" => Ok(Self::Major),
            _ => Err(Invalid::new(
                "size",
                format!("unknown size {s:?}; expected token, normal or major"),
            )),
        }
    }
}

/// What a resolved commitment says about its promiser. Released at the other party's request
/// is not scored and has no kind here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// Kept on or before the due date.
    KeptOnTime,
    /// Renegotiated or released before the due date, or late after saying so before it:
    /// credit for candour, a small debit for reliability.
    ToldEarly,
    /// Kept late (or renegotiated after the date) with no notice before the due date.
    LateWithoutNotice,
    /// Broken, but marked at risk and told before the due date: hearing it first from the
    /// promiser halves the damage of a silent break.
    BrokenAfterNotice,
    /// Missed without notice: the "one lie".
    Broken,
    /// Claimed done when it was not: an integrity failure, recovers slowest.
    Deceptive,
}

impl EvidenceKind {
    /// Every kind, from best to worst (the weight table is Pareto-ordered in this order).
    pub const ALL: [EvidenceKind; 6] = [
        Self::KeptOnTime,
        Self::ToldEarly,
        Self::LateWithoutNotice,
        Self::BrokenAfterNotice,
        Self::Broken,
        Self::Deceptive,
    ];

    /// Positive and negative evidence (r_i, s_i) before stakes and forgetting.
    pub fn weights(self, p: &Params) -> (f64, f64) {
        let w = p.breach_weight;
        match self {
            Self::KeptOnTime => (1.0, 0.0),
            Self::ToldEarly => (0.5, 0.25),
            Self::LateWithoutNotice => (0.5, w / 4.0),
            Self::BrokenAfterNotice => (0.0, w / 2.0),
            Self::Broken => (0.0, w),
            Self::Deceptive => (0.0, 2.0 * w),
        }
    }

    /// Whether the promise was not kept at all (a break, told or not, or a deception).
    pub fn is_break(self) -> bool {
        matches!(
            self,
            Self::BrokenAfterNotice | Self::Broken | Self::Deceptive
        )
    }

    /// Whether the promiser told the other side before the due date that it would not be
    /// kept as promised: the candour the sub-score counts.
    pub fn told_in_time(self) -> bool {
        matches!(self, Self::ToldEarly | Self::BrokenAfterNotice)
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::KeptOnTime => "kept_on_time",
            Self::ToldEarly => "told_early",
            Self::LateWithoutNotice => "late_without_notice",
            Self::BrokenAfterNotice => "broken_after_notice",
            Self::Broken => "broken",
            Self::Deceptive => "deceptive",
        }
    }
}

/// The model's parameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Params {
    /// H: an event's weight halves every this many days; `f64::INFINITY` forgets nothing.
    pub half_life_days: f64,
    /// w: how many kept promises one breach outweighs.
    pub breach_weight: f64,
    /// W: the weight of the prior (two units of evidence).
    pub prior_weight: f64,
    /// a: the base rate the score starts from and returns to.
    pub base_rate: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            half_life_days: 180.0,
            breach_weight: 5.0,
            prior_weight: 2.0,
            base_rate: 0.5,
        }
    }
}

impl Params {
    /// The default model with a workspace's half-life (90 to 365 days).
    pub fn with_half_life_days(days: u32) -> Result<Params, Invalid> {
        if !(90..=365).contains(&days) {
            return Err(Invalid::new(
                "half_life",
                "the trust half-life must be between 90 and 365 days",
            ));
        }
        Ok(Params {
            half_life_days: f64::from(days),
            ..Params::default()
        })
    }

    /// A model that forgets nothing (for reasoning and tests).
    pub fn without_forgetting() -> Params {
        Params {
            half_life_days: f64::INFINITY,
            ..Params::default()
        }
    }

    /// f = 2^(−age/H): the weight left of evidence `age` old. Never above 1 (an event dated
    /// after `now` counts as new, not more).
    pub fn forgetting(&self, age: SignedDuration) -> f64 {
        let days = age.as_secs_f64() / 86_400.0;
        if days <= 0.0 || self.half_life_days.is_infinite() {
            return 1.0;
        }
        (-(days / self.half_life_days)).exp2()
    }
}

/// One resolved, scored commitment, as the engine sees it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub kind: EvidenceKind,
    pub size: Size,
    /// When it resolved (kept, broken, renegotiated...).
    pub at: Timestamp,
}

impl Event {
    /// (r_i·m_i·f_i, s_i·m_i·f_i) as of `now`.
    pub fn evidence(&self, now: Timestamp, p: &Params) -> (f64, f64) {
        let (r, s) = self.kind.weights(p);
        let k = self.size.multiplier() * p.forgetting(now.duration_since(self.at));
        (r * k, s * k)
    }
}

/// Accumulated evidence of one direction, as of a reference time. This is what is carried
/// between updates: one new outcome decays it and adds to it, without the history.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// r: positive evidence.
    pub positive: f64,
    /// s: negative evidence.
    pub negative: f64,
    /// The time the sums are weighted for.
    pub as_of: Timestamp,
}

impl Evidence {
    /// No evidence yet.
    pub fn none(as_of: Timestamp) -> Evidence {
        Evidence {
            positive: 0.0,
            negative: 0.0,
            as_of,
        }
    }

    /// The evidence of a whole history, as of `now`.
    pub fn from_events(events: &[Event], now: Timestamp, p: &Params) -> Evidence {
        events
            .iter()
            .fold(Evidence::none(now), |e, ev| e.plus(ev, p))
    }

    /// The same evidence, as of a later time (earlier times leave it as it is).
    pub fn decayed_to(&self, t: Timestamp, p: &Params) -> Evidence {
        if t <= self.as_of {
            return *self;
        }
        let f = p.forgetting(t.duration_since(self.as_of));
        Evidence {
            positive: self.positive * f,
            negative: self.negative * f,
            as_of: t,
        }
    }

    /// Adds one event (weighted for this evidence's time).
    pub fn plus(&self, event: &Event, p: &Params) -> Evidence {
        let (r, s) = event.evidence(self.as_of, p);
        Evidence {
            positive: self.positive + r,
            negative: self.negative + s,
            as_of: self.as_of,
        }
    }

    /// Takes one event back out (a corrected label); clamped at zero against rounding.
    pub fn minus(&self, event: &Event, p: &Params) -> Evidence {
        let (r, s) = event.evidence(self.as_of, p);
        Evidence {
            positive: (self.positive - r).max(0.0),
            negative: (self.negative - s).max(0.0),
            as_of: self.as_of,
        }
    }

    /// n = r + s.
    pub fn total(&self) -> f64 {
        self.positive + self.negative
    }

    /// P and u, the reading of this evidence.
    pub fn score(&self, p: &Params) -> Score {
        Score::from_evidence(self.positive, self.negative, p)
    }
}

/// Slack on the uncertainty boundaries of [`Status`].
const STATUS_TOLERANCE: f64 = 1e-6;

/// How sure the reading is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// u > 0.5 (less than two units of evidence): no number is shown.
    Unknown,
    /// 0.25 < u ≤ 0.5: a band, no number.
    Early,
    /// u ≤ 0.25: a number and a band.
    Known,
}

/// Where a score falls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Low,
    Mixed,
    Good,
    Strong,
}

impl Band {
    /// The band of a 0–100 score: ≥ 90 strong, 75–90 good, 50–75 mixed, < 50 low.
    pub fn of(points: f64) -> Band {
        if points >= 90.0 {
            Band::Strong
        } else if points >= 75.0 {
            Band::Good
        } else if points >= 50.0 {
            Band::Mixed
        } else {
            Band::Low
        }
    }

    /// The lowest score of the next band up, if any.
    pub fn next_threshold(self) -> Option<(Band, f64)> {
        match self {
            Band::Low => Some((Band::Mixed, 50.0)),
            Band::Mixed => Some((Band::Good, 75.0)),
            Band::Good => Some((Band::Strong, 90.0)),
            Band::Strong => None,
        }
    }

    /// The name users see.
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Low => "low",
            Band::Mixed => "mixed",
            Band::Good => "good",
            Band::Strong => "strong",
        }
    }
}

/// The reading of one direction.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// P: the estimated chance the next promise is kept, 0–1.
    pub probability: f64,
    /// u: how much of the reading is still the prior, 0–1.
    pub uncertainty: f64,
    /// n = r + s.
    pub evidence: f64,
    pub status: Status,
}

impl Score {
    /// P = (r + a·W)/(n + W), u = W/(n + W).
    pub fn from_evidence(r: f64, s: f64, p: &Params) -> Score {
        let n = r + s;
        let probability = (r + p.base_rate * p.prior_weight) / (n + p.prior_weight);
        let uncertainty = p.prior_weight / (n + p.prior_weight);
        // The boundaries allow 1e-6: six promises kept seconds apart have lost a ten-millionth
        // of their weight to forgetting, which must not keep the number hidden.
        let status = if uncertainty > 0.5 + STATUS_TOLERANCE {
            Status::Unknown
        } else if uncertainty > 0.25 + STATUS_TOLERANCE {
            Status::Early
        } else {
            Status::Known
        };
        Score {
            probability,
            uncertainty,
            evidence: n,
            status,
        }
    }

    /// The score shown, 0–100: only when known.
    pub fn points(&self) -> Option<f64> {
        (self.status == Status::Known).then_some(self.probability * 100.0)
    }

    /// The band shown: unless unknown.
    pub fn band(&self) -> Option<Band> {
        (self.status != Status::Unknown).then(|| Band::of(self.probability * 100.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_ledger_is_not_yet_known() {
        let s = Evidence::none(Timestamp::UNIX_EPOCH).score(&Params::default());
        assert_eq!(s.probability, 0.5);
        assert_eq!(s.uncertainty, 1.0);
        assert_eq!(s.status, Status::Unknown);
        assert_eq!(s.points(), None);
        assert_eq!(s.band(), None);
    }

    #[test]
    fn status_edges_tolerate_seconds_of_forgetting_but_not_days() {
        let p = Params::default();
        let kept = |ages_secs: &[i64]| {
            let now = Timestamp::from_second(1_800_000_000).expect("ts");
            let events: Vec<Event> = ages_secs
                .iter()
                .map(|a| Event {
                    kind: EvidenceKind::KeptOnTime,
                    size: Size::Normal,
                    at: now - SignedDuration::from_secs(*a),
                })
                .collect();
            Evidence::from_events(&events, now, &p).score(&p).status
        };
        assert_eq!(kept(&[0, 1, 2, 3, 4, 5]), Status::Known);
        assert_eq!(kept(&[0, 1, 2, 3, 4, 86_400 * 5]), Status::Early);
    }

    #[test]
    fn bands_and_their_edges() {
        assert_eq!(Band::of(90.0), Band::Strong);
        assert_eq!(Band::of(89.99), Band::Good);
        assert_eq!(Band::of(75.0), Band::Good);
        assert_eq!(Band::of(74.9), Band::Mixed);
        assert_eq!(Band::of(50.0), Band::Mixed);
        assert_eq!(Band::of(49.9), Band::Low);
    }

    #[test]
    fn half_life_is_a_workspace_setting_within_bounds() {
        assert!(Params::with_half_life_days(90).is_ok());
        assert!(Params::with_half_life_days(365).is_ok());
        assert!(Params::with_half_life_days(89).is_err());
        assert!(Params::with_half_life_days(366).is_err());
    }

    #[test]
    fn sizes_parse() {
        assert_eq!("Major".parse::<Size>(), Ok(Size::Major));
        assert!("huge".parse::<Size>().is_err());
    }
}
