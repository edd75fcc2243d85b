//! The commitment ledger, two-way: what I promised them (`mine`) and what they promised me
//! (`theirs`), each with a due date, a size, and an outcome that feeds the trust engine.

use std::fmt;

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::error::Invalid;
use crate::ids::{ContactId, InteractionId, UserId};
use crate::trust::{Event, EvidenceKind, Params, Size};

crate::ids::id_type!(
    /// A commitment (a promise, either way).
    CommitmentId
);
crate::ids::id_type!(
    /// A request a contact made.
    RequestId
);

crate::named::named_enum! {
    /// Who promised.
    pub enum Direction: "direction", "direction" {
        /// I promised them: how far they can rely on me.
        Mine = "mine",
        /// They promised me: how far I can rely on them.
        Theirs = "theirs",
    }
}

crate::named::named_enum! {
    /// Where a commitment stands.
    pub enum Status: "status", "status" {
        Open = "open",
        /// Done (on time or late: decided by when against the deadline).
        Kept = "kept",
        /// Closed with a new due date; a linked successor carries on.
        Renegotiated = "renegotiated",
        /// Let go: at the request of the one it was promised to (not scored), or withdrawn by
        /// the promiser.
        Released = "released",
        Broken = "broken",
        /// Claimed done when it was not.
        Deceptive = "deceptive",
    }
}

/// When a commitment is due: a day, or a day and a time, in the workspace's time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    pub date: Date,
    pub time: Option<Time>,
}

impl Due {
    /// The last moment it is on time: the given time, or the end of the day.
    pub fn deadline(&self, tz: &TimeZone) -> Result<Timestamp, Invalid> {
        let bad = |e: jiff::Error| Invalid::new("due", format!("{}: {e}", self));
        match self.time {
            Some(t) => self
                .date
                .to_datetime(t)
                .to_zoned_datetime(tz.clone())
                .map(|z| z.timestamp())
                .map_err(bad),
            None => {
                let next = self.date.checked_add(1.day()).map_err(bad)?;
                let start = next
                    .to_zoned_datetime(tz.clone())
                    .map(|z| z.timestamp())
                    .map_err(bad)?;
                Ok(start - SignedDuration::from_micros(1))
            }
        }
    }

    /// Parses a due date as typed: an RFC 3339 time or `YYYY-MM-DD HH:MM` (a time), or any
    /// date [`crate::dates::parse_date`] takes (`2026-12-01`, `fri`, `+3d`).
    pub fn parse(text: &str, now: Timestamp, tz: &TimeZone) -> Result<Due, Invalid> {
        let t = text.trim();
        let zoned = |ts: Timestamp| ts.to_zoned_datetime(tz.clone());
        if let Ok(ts) = t.parse::<Timestamp>() {
            let z = zoned(ts);
            return Ok(Due {
                date: z.date(),
                time: Some(z.time()),
            });
        }
        if t.len() > 10
            && let Ok(dt) = t.replacen(' ', "T", 1).parse::<jiff::civil::DateTime>()
        {
            return Ok(Due {
                date: dt.date(),
                time: Some(dt.time()),
            });
        }
        let date = crate::dates::parse_date(t, zoned(now).date())
            .map_err(|e| Invalid::new("due", e.message))?;
        Ok(Due { date, time: None })
    }
}

impl fmt::Display for Due {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.time {
            Some(t) => write!(f, "{} {}", self.date, t.strftime("%H:%M")),
            None => write!(f, "{}", self.date),
        }
    }
}

/// The bad-news flag: the promiser expects to miss, and whether the other side knows yet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AtRisk {
    pub at: Timestamp,
    pub reason: Option<String>,
}

/// A commitment as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Commitment {
    pub id: CommitmentId,
    pub contact_id: ContactId,
    pub direction: Direction,
    pub text: String,
    pub due: Due,
    /// The last on-time moment, fixed when the commitment was made (in the workspace's zone).
    pub deadline: Timestamp,
    pub size: Size,
    pub source_interaction_id: Option<InteractionId>,
    pub owner_id: UserId,
    pub status: Status,
    /// When it was kept, broken, released, renegotiated.
    pub resolved_at: Option<Timestamp>,
    /// For `released`: at the request of the one it was promised to (then not scored).
    pub released_on_request: Option<bool>,
    pub at_risk: Option<AtRisk>,
    /// When the other side was told: of the risk (bad news) or, if never at risk, that it
    /// was done (good news).
    pub told_at: Option<Timestamp>,
    pub predecessor_id: Option<CommitmentId>,
    pub successor_id: Option<CommitmentId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Commitment {
    /// Whether its label can be corrected: resolved, and not carried on by a successor.
    pub fn correctable(&self) -> bool {
        self.resolved_at.is_some() && self.successor_id.is_none()
    }

    /// What this commitment says about its promiser, if it is scored: open ones are not,
    /// nor ones released at the other side's request.
    pub fn evidence_kind(&self) -> Option<EvidenceKind> {
        let at = self.resolved_at?;
        let before_due = at <= self.deadline;
        let warned_before_due =
            self.at_risk.is_some() && self.told_at.is_some_and(|t| t <= self.deadline);
        Some(match self.status {
            Status::Open => return None,
            Status::Kept if before_due => EvidenceKind::KeptOnTime,
            // A delay announced before the due date costs what a renegotiation costs.
            Status::Kept if warned_before_due => EvidenceKind::ToldEarly,
            Status::Kept => EvidenceKind::LateWithoutNotice,
            Status::Renegotiated if before_due || warned_before_due => EvidenceKind::ToldEarly,
            // A new date agreed only after the deadline passed in silence: the deadline was
            // not honoured.
            Status::Renegotiated => EvidenceKind::LateWithoutNotice,
            Status::Released if self.released_on_request == Some(true) => return None,
            Status::Released if before_due => EvidenceKind::ToldEarly,
            // Withdrawn after the deadline: broken, half as badly if they were warned in time.
            Status::Released if warned_before_due => EvidenceKind::BrokenAfterNotice,
            Status::Released => EvidenceKind::Broken,
            // Broken after telling them of the risk before the due date: candour halves it.
            Status::Broken if warned_before_due => EvidenceKind::BrokenAfterNotice,
            Status::Broken => EvidenceKind::Broken,
            Status::Deceptive => EvidenceKind::Deceptive,
        })
    }

    /// The trust engine's view of this commitment, if scored.
    pub fn event(&self) -> Option<Event> {
        Some(Event {
            kind: self.evidence_kind()?,
            size: self.size,
            at: self.resolved_at?,
        })
    }

    /// Open and past its deadline.
    pub fn is_overdue(&self, now: Timestamp) -> bool {
        self.status == Status::Open && now > self.deadline
    }

    /// Where it stands, in words a person reads (never `late_without_notice`).
    pub fn state_label(&self, now: Timestamp) -> &'static str {
        match self.status {
            Status::Open if self.needs_telling() => "open, at risk: they have not been told",
            Status::Open if self.at_risk.is_some() => "open, at risk: they were told",
            Status::Open if self.is_overdue(now) => "open, overdue",
            Status::Open => "open",
            Status::Kept => match self.evidence_kind() {
                Some(EvidenceKind::KeptOnTime) => "kept on time",
                Some(EvidenceKind::ToldEarly) => "kept late, after saying so before the due date",
                _ => "kept late, without notice",
            },
            Status::Renegotiated => "renegotiated to a new date",
            Status::Released if self.released_on_request == Some(true) => {
                "released at the other side's request"
            }
            Status::Released if self.evidence_kind() == Some(EvidenceKind::BrokenAfterNotice) => {
                "withdrawn after the due date, after telling them before it"
            }
            Status::Released => "withdrawn",
            Status::Broken if self.evidence_kind() == Some(EvidenceKind::BrokenAfterNotice) => {
                "broken, after telling them before the due date"
            }
            Status::Broken => "broken",
            Status::Deceptive => "claimed done when it was not",
        }
    }

    /// At risk and the other side not told yet: the top of Today.
    pub fn needs_telling(&self) -> bool {
        self.status == Status::Open && self.at_risk.is_some() && self.told_at.is_none()
    }
}

/// The stored evidence of a commitment, pre-weighted to a fixed epoch so that sums over any
/// number of commitments need no exponentials in SQL: r·m·2^((t − E)/H). Multiplying a sum
/// by 2^(−(T − E)/H) gives its weight as of T.
/// 2020-01-01T00:00:00Z: with the shortest half-life (90 days) the weights stay finite
/// until about 2270.
pub const EVIDENCE_EPOCH: Timestamp = Timestamp::constant(1_577_836_800, 0);

/// (positive, negative) of one event, weighted as of [`EVIDENCE_EPOCH`] (growing with t).
pub fn epoch_weighted(event: &Event, p: &Params) -> (f64, f64) {
    let (r, s) = event.kind.weights(p);
    let m = event.size.multiplier();
    let g = growth(event.at, p);
    (r * m * g, s * m * g)
}

/// 2^((t − E)/H); 1 without forgetting.
fn growth(t: Timestamp, p: &Params) -> f64 {
    if p.half_life_days.is_infinite() {
        return 1.0;
    }
    let days = t.duration_since(EVIDENCE_EPOCH).as_secs_f64() / 86_400.0;
    (days / p.half_life_days).exp2()
}

/// The factor that turns epoch-weighted sums into evidence as of `now`.
pub fn epoch_factor(now: Timestamp, p: &Params) -> f64 {
    1.0 / growth(now, p)
}

/// The events of one direction of a ledger: each direction is scored from its own promises
/// only.
pub fn events_of(commitments: &[Commitment], direction: Direction) -> Vec<(usize, Event)> {
    commitments
        .iter()
        .enumerate()
        .filter(|(_, c)| c.direction == direction)
        .filter_map(|(i, c)| c.event().map(|e| (i, e)))
        .collect()
}

/// The longest commitment or request text accepted.
pub const MAX_TEXT_CHARS: usize = 2000;

/// Refuses text holding a NUL character: nobody means one, and PostgreSQL cannot store it.
/// Every free text a person or a file gives passes here, whatever the entry point.
pub fn refuse_nul(field: &'static str, text: &str) -> Result<(), Invalid> {
    if text.contains('\0') {
        return Err(Invalid::new(
            field,
            format!("the {field} contains a NUL character"),
        ));
    }
    Ok(())
}

/// Checks a commitment's or request's text.
pub fn clean_text(field: &'static str, text: &str) -> Result<String, Invalid> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Invalid::new(field, format!("the {field} is empty")));
    }
    refuse_nul(field, t)?;
    if t.chars().count() > MAX_TEXT_CHARS {
        return Err(Invalid::new(
            field,
            format!("the {field} is longer than {MAX_TEXT_CHARS} characters"),
        ));
    }
    Ok(t.to_owned())
}

/// A request a contact made: what they asked, and why it matters to them (an open question
/// until known).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub id: RequestId,
    pub contact_id: ContactId,
    pub text: String,
    pub why: Option<String>,
    pub answered_by: Option<CommitmentId>,
    pub owner_id: UserId,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn tz() -> TimeZone {
        TimeZone::get("Europe/Lisbon").expect("tzdb")
    }

    fn commitment(due: &str, status: Status, resolved: Option<&str>) -> Commitment {
        let now: Timestamp = "2026-11-25T10:00:00Z".parse().expect("ts");
        let due = Due::parse(due, now, &tz()).expect("due");
        Commitment {
            id: CommitmentId::generate(),
            contact_id: ContactId::generate(),
            direction: Direction::Mine,
            text: "Send samples".into(),
            deadline: due.deadline(&tz()).expect("deadline"),
            due,
            size: Size::Normal,
            source_interaction_id: None,
            owner_id: UserId::generate(),
            status,
            resolved_at: resolved.map(|r| r.parse().expect("ts")),
            released_on_request: None,
            at_risk: None,
            told_at: None,
            predecessor_id: None,
            successor_id: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn a_day_is_due_until_its_last_moment_in_the_workspace_zone() {
        // Lisbon is UTC+0 in winter: due 2026-11-27 ends at 23:59:59.999999Z.
        let c = commitment("2026-11-27", Status::Kept, Some("2026-11-27T23:59:59Z"));
        assert_eq!(c.evidence_kind(), Some(EvidenceKind::KeptOnTime));
        let late = commitment("2026-11-27", Status::Kept, Some("2026-11-28T00:00:00Z"));
        assert_eq!(late.evidence_kind(), Some(EvidenceKind::LateWithoutNotice));
        let timed = commitment(
            "2026-11-27 15:00",
            Status::Kept,
            Some("2026-11-27T15:00:01Z"),
        );
        assert_eq!(timed.evidence_kind(), Some(EvidenceKind::LateWithoutNotice));
        // In summer Lisbon is UTC+1: the day ends an hour earlier in UTC.
        let summer = Due {
            date: date(2026, 7, 1),
            time: None,
        };
        assert_eq!(
            summer.deadline(&tz()).expect("deadline"),
            "2026-07-01T22:59:59.999999Z"
                .parse::<Timestamp>()
                .expect("ts")
        );
    }

    #[test]
    fn outcomes_map_to_the_trust_model() {
        let due = "2026-11-27";
        let before = Some("2026-11-26T12:00:00Z");
        let after = Some("2026-11-29T12:00:00Z");
        let kind = |c: Commitment| c.evidence_kind();
        assert_eq!(kind(commitment(due, Status::Open, None)), None);
        assert_eq!(
            kind(commitment(due, Status::Renegotiated, before)),
            Some(EvidenceKind::ToldEarly)
        );
        assert_eq!(
            kind(commitment(due, Status::Renegotiated, after)),
            Some(EvidenceKind::LateWithoutNotice)
        );
        assert_eq!(
            kind(commitment(due, Status::Broken, after)),
            Some(EvidenceKind::Broken)
        );
        assert_eq!(
            kind(commitment(due, Status::Deceptive, before)),
            Some(EvidenceKind::Deceptive)
        );
        let mut on_request = commitment(due, Status::Released, after);
        on_request.released_on_request = Some(true);
        assert_eq!(
            kind(on_request),
            None,
            "released at their request is not scored"
        );
        let mut withdrawn = commitment(due, Status::Released, before);
        withdrawn.released_on_request = Some(false);
        assert_eq!(kind(withdrawn.clone()), Some(EvidenceKind::ToldEarly));
        withdrawn.resolved_at = after.map(|a| a.parse().expect("ts"));
        assert_eq!(kind(withdrawn), Some(EvidenceKind::Broken));
        // Late, but they were told of the risk before the due date: the cost of candour only.
        let mut warned = commitment(due, Status::Kept, after);
        warned.at_risk = Some(AtRisk {
            at: "2026-11-25T12:00:00Z".parse().expect("ts"),
            reason: None,
        });
        warned.told_at = Some("2026-11-26T09:00:00Z".parse().expect("ts"));
        assert_eq!(kind(warned.clone()), Some(EvidenceKind::ToldEarly));
        warned.told_at = Some("2026-11-28T09:00:00Z".parse().expect("ts"));
        assert_eq!(
            kind(warned),
            Some(EvidenceKind::LateWithoutNotice),
            "told too late"
        );
    }

    fn at_risk_told(mut c: Commitment, told: &str) -> Commitment {
        c.at_risk = Some(AtRisk {
            at: "2026-11-25T12:00:00Z".parse().expect("ts"),
            reason: Some("the supplier is late".into()),
        });
        c.told_at = Some(told.parse().expect("ts"));
        c
    }

    /// TRUST_MODEL.md: told before the due date and then broken is half a silent break;
    /// told before it and then renegotiated or withdrawn late is candour too.
    #[test]
    fn candour_before_the_due_date_pays_for_every_outcome() {
        let due = "2026-11-27";
        let after = Some("2026-11-29T12:00:00Z");
        let told_in_time = "2026-11-26T09:00:00Z";
        let broken = at_risk_told(commitment(due, Status::Broken, after), told_in_time);
        assert_eq!(
            broken.evidence_kind(),
            Some(EvidenceKind::BrokenAfterNotice)
        );
        assert_eq!(
            broken.state_label("2026-11-30T00:00:00Z".parse().expect("ts")),
            "broken, after telling them before the due date"
        );
        let mut withdrawn = at_risk_told(commitment(due, Status::Released, after), told_in_time);
        withdrawn.released_on_request = Some(false);
        assert_eq!(
            withdrawn.evidence_kind(),
            Some(EvidenceKind::BrokenAfterNotice)
        );
        let renegotiated = at_risk_told(commitment(due, Status::Renegotiated, after), told_in_time);
        assert_eq!(renegotiated.evidence_kind(), Some(EvidenceKind::ToldEarly));
        // A deception is not softened by a warning.
        let deceptive = at_risk_told(commitment(due, Status::Deceptive, after), told_in_time);
        assert_eq!(deceptive.evidence_kind(), Some(EvidenceKind::Deceptive));
    }

    /// Property 14: told means before: a "told" recorded after the due date earns nothing.
    #[test]
    fn told_after_the_due_date_earns_no_candour() {
        let due = "2026-11-27";
        let after = Some("2026-11-29T12:00:00Z");
        let too_late = "2026-11-28T09:00:00Z";
        let never = |c: Commitment| {
            let mut c = c;
            c.at_risk = None;
            c.told_at = None;
            c.evidence_kind()
        };
        for status in [
            Status::Kept,
            Status::Broken,
            Status::Renegotiated,
            Status::Released,
        ] {
            let mut c = commitment(due, status, after);
            c.released_on_request = Some(false);
            let told_late = at_risk_told(c.clone(), too_late);
            assert_eq!(told_late.evidence_kind(), never(c), "{status:?}");
        }
        // Without the risk flag, "told" is good news (it was done), not a warning.
        let mut c = commitment(due, Status::Broken, after);
        c.told_at = Some("2026-11-26T09:00:00Z".parse().expect("ts"));
        assert_eq!(c.evidence_kind(), Some(EvidenceKind::Broken));
    }

    #[test]
    fn directions_are_scored_independently() {
        let mut mine = commitment("2026-11-27", Status::Kept, Some("2026-11-26T12:00:00Z"));
        mine.direction = Direction::Mine;
        let mut theirs = commitment("2026-11-27", Status::Broken, Some("2026-11-28T12:00:00Z"));
        theirs.direction = Direction::Theirs;
        let ledger = vec![mine, theirs.clone(), theirs];
        let m = events_of(&ledger, Direction::Mine);
        let t = events_of(&ledger, Direction::Theirs);
        assert_eq!(m.len(), 1);
        assert_eq!(t.len(), 2);
        assert!(m.iter().all(|(_, e)| e.kind == EvidenceKind::KeptOnTime));
        assert!(t.iter().all(|(_, e)| e.kind == EvidenceKind::Broken));
    }

    #[test]
    fn epoch_weighted_sums_equal_the_engine_s_evidence() {
        use crate::trust::Evidence;
        let p = Params::default();
        let now: Timestamp = "2026-11-25T10:00:00Z".parse().expect("ts");
        let events: Vec<Event> = (0..50)
            .map(|i| Event {
                kind: EvidenceKind::ALL[i % EvidenceKind::ALL.len()],
                size: [Size::Token, Size::Normal, Size::Major][i % 3],
                at: now - SignedDuration::from_hours(24 * 13 * i as i64),
            })
            .collect();
        let (r, s) = events.iter().fold((0.0, 0.0), |(r, s), e| {
            let (a, b) = epoch_weighted(e, &p);
            (r + a, s + b)
        });
        let f = epoch_factor(now, &p);
        let direct = Evidence::from_events(&events, now, &p);
        assert!((r * f - direct.positive).abs() < 1e-9 * direct.positive.max(1.0));
        assert!((s * f - direct.negative).abs() < 1e-9 * direct.negative.max(1.0));
    }

    #[test]
    fn due_dates_parse_as_typed() {
        let now: Timestamp = "2026-11-25T10:00:00Z".parse().expect("ts"); // a Wednesday
        let p = |s| Due::parse(s, now, &tz());
        assert_eq!(p("fri").expect("fri").to_string(), "2026-11-27");
        assert_eq!(
            p("2026-12-01 09:30").expect("time").to_string(),
            "2026-12-01 09:30"
        );
        assert_eq!(
            p("2026-12-01T09:30:00Z").expect("rfc3339").to_string(),
            "2026-12-01 09:30"
        );
        assert!(p("someday").is_err());
        assert!(p("2026-02-30").is_err());
    }
}
