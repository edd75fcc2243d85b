//! The reciprocity ladder (PRODUCT.md: small commitments kept reliably build trust, and
//! reciprocal commitments escalate): trust is built in steps, token, normal, then major
//! promises. Each way, the largest size kept so far (back one step below a size that broke),
//! how reliably each size was kept, and the next step. A forecast of nothing: a reading of
//! the ledger, as the trust score is, but by size.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::commitment::{Commitment, Direction, Status};
use crate::trust::Size;

/// Promises kept at a size, since the last break, before the next size is a safe step.
pub const STEP: u32 = 3;

/// How far up the ladder one side is: the largest size of promise it has kept (since its
/// last break at or above that size).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    None,
    Token,
    Normal,
    Major,
}

impl Level {
    fn of(size: Size) -> Level {
        match size {
            Size::Token => Level::Token,
            Size::Normal => Level::Normal,
            Size::Major => Level::Major,
        }
    }

    /// One step below a size that broke.
    fn below(size: Size) -> Level {
        match size {
            Size::Token => Level::None,
            Size::Normal => Level::Token,
            Size::Major => Level::Normal,
        }
    }

    /// One step down.
    fn down(self) -> Level {
        match self {
            Level::None | Level::Token => Level::None,
            Level::Normal => Level::Token,
            Level::Major => Level::Normal,
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Token => "token",
            Level::Normal => "normal",
            Level::Major => "major",
        }
    }

    fn next(self) -> Option<&'static str> {
        match self {
            Level::None => Some("token"),
            Level::Token => Some("normal"),
            Level::Normal => Some("major"),
            Level::Major => None,
        }
    }
}

/// A count per size.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct BySize<T> {
    pub token: T,
    pub normal: T,
    pub major: T,
}

impl<T> BySize<T> {
    fn at(&mut self, size: Size) -> &mut T {
        match size {
            Size::Token => &mut self.token,
            Size::Normal => &mut self.normal,
            Size::Major => &mut self.major,
        }
    }
}

/// One way of the ladder: my promises to them, or theirs to me.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rung {
    pub level: Level,
    /// Kept (on time or late) per size.
    pub kept: BySize<u32>,
    /// Broken or deceptive per size.
    pub broken: BySize<u32>,
    /// Kept of kept and broken per size; `None` where none was resolved.
    pub reliability: BySize<Option<f64>>,
    /// Kept at `level` since it was reached or since the last break.
    pub kept_at_level: u32,
    /// The next step, in words: "3 token promises kept: ready for a normal one".
    pub next: String,
}

/// Both ways.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ladder {
    pub mine: Rung,
    pub theirs: Rung,
}

fn plural(n: u32, size: &str) -> String {
    if n == 1 {
        format!("1 {size} promise")
    } else {
        format!("{n} {size} promises")
    }
}

/// A break, as the trust model reads one: broken (told in time or not), deceptive, or
/// withdrawn after the deadline.
fn is_break(c: &Commitment) -> bool {
    c.evidence_kind().is_some_and(|k| k.is_break())
}

/// One way of the ladder from a contact's ledger (any order; open, renegotiated and released
/// promises say nothing of it), resolved up to now. `tz` dates a break ("in March").
pub fn rung(ledger: &[Commitment], direction: Direction, tz: &TimeZone) -> Rung {
    let mut resolved: Vec<(&Commitment, Timestamp)> = ledger
        .iter()
        .filter(|c| c.direction == direction)
        .filter_map(|c| c.resolved_at.map(|at| (c, at)))
        .filter(|(c, _)| c.status == Status::Kept || is_break(c))
        .collect();
    resolved.sort_by_key(|(c, at)| (*at, c.created_at));
    let mut kept = BySize::<u32>::default();
    let mut broken = BySize::<u32>::default();
    let mut level = Level::None;
    let mut streak = 0u32;
    // The last break that set the level back, and when.
    let mut last_break: Option<(Size, Timestamp)> = None;
    for (c, at) in resolved {
        if c.status == Status::Kept {
            *kept.at(c.size) += 1;
            let l = Level::of(c.size);
            if l > level {
                level = l;
                streak = 1;
                // Climbed past what a break left: the break is behind them.
                last_break = None;
            } else if l == level {
                streak += 1;
            }
        } else {
            *broken.at(c.size) += 1;
            // A break at or under the level costs one step (of the level, or below the
            // size that broke, whichever is lower); reaching above it and failing costs the
            // climb (the count starts again) but not the level.
            let before = level;
            level = if Level::of(c.size) < level {
                level.down()
            } else {
                level.min(Level::below(c.size))
            };
            streak = 0;
            if level < before || (level == Level::None && before == Level::None) {
                last_break = Some((c.size, at));
            }
        }
    }
    let reliability = |k: u32, b: u32| (k + b > 0).then(|| f64::from(k) / f64::from(k + b));
    let next = match (level, level.next(), last_break) {
        (Level::Major, _, _) | (_, None, _) => format!(
            "{} kept: the top of the ladder; keep them reliably",
            plural(streak, "major")
        ),
        (l, Some(up), Some((size, at))) if streak < STEP => {
            let when = at
                .to_zoned_datetime(tz.clone())
                .strftime("%B %Y")
                .to_string();
            let back = match l {
                Level::None => "start again with token ones".to_owned(),
                l => format!("back to {} ones", l.label()),
            };
            let since = match streak {
                0 => String::new(),
                n => format!(" ({} kept since)", plural(n, l.label())),
            };
            let _ = up;
            format!(
                "a {} promise broke in {when}: {back}{since}",
                Level::of(size).label()
            )
        }
        (Level::None, Some(_), None) => "nothing kept yet: start with a token promise".to_owned(),
        (l, Some(up), _) if streak >= STEP => {
            format!("{} kept: ready for a {up} one", plural(streak, l.label()))
        }
        (l, Some(up), _) => format!(
            "{} kept: {} more before a {up} one",
            plural(streak, l.label()),
            STEP - streak
        ),
    };
    Rung {
        level,
        reliability: BySize {
            token: reliability(kept.token, broken.token),
            normal: reliability(kept.normal, broken.normal),
            major: reliability(kept.major, broken.major),
        },
        kept,
        broken,
        kept_at_level: streak,
        next,
    }
}

/// Both ways of the ladder.
pub fn ladder(ledger: &[Commitment], tz: &TimeZone) -> Ladder {
    Ladder {
        mine: rung(ledger, Direction::Mine, tz),
        theirs: rung(ledger, Direction::Theirs, tz),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commitment::{CommitmentId, Due};
    use crate::ids::{ContactId, UserId};

    fn at(s: &str) -> Timestamp {
        s.parse().expect("a timestamp")
    }

    fn promise(direction: Direction, size: Size, status: Status, resolved: &str) -> Commitment {
        let when = at(resolved);
        Commitment {
            id: CommitmentId::generate(),
            contact_id: ContactId::generate(),
            direction,
            text: "something".into(),
            due: Due {
                date: when.to_zoned_datetime(TimeZone::UTC).date(),
                time: None,
            },
            deadline: when,
            size,
            source_interaction_id: None,
            owner_id: UserId::generate(),
            status,
            resolved_at: (status != Status::Open).then_some(when),
            released_on_request: None,
            at_risk: None,
            told_at: None,
            predecessor_id: None,
            successor_id: None,
            created_at: when,
            updated_at: when,
        }
    }

    use Direction::{Mine, Theirs};
    use Size::{Major, Normal, Token};
    use Status::{Broken, Kept, Open, Released};

    #[test]
    fn nothing_kept_starts_at_the_bottom() {
        let r = rung(
            &[promise(Mine, Major, Open, "2026-01-01T00:00:00Z")],
            Mine,
            &TimeZone::UTC,
        );
        assert_eq!(r.level, Level::None);
        assert_eq!(r.next, "nothing kept yet: start with a token promise");
        assert_eq!(r.reliability.token, None);
    }

    #[test]
    fn three_token_promises_kept_make_ready_for_a_normal_one() {
        let mut ledger: Vec<Commitment> = ["01", "02"]
            .iter()
            .map(|d| promise(Theirs, Token, Kept, &format!("2026-03-{d}T10:00:00Z")))
            .collect();
        let two = rung(&ledger, Theirs, &TimeZone::UTC);
        assert_eq!(two.level, Level::Token);
        assert_eq!(
            two.next,
            "2 token promises kept: 1 more before a normal one"
        );
        ledger.push(promise(Theirs, Token, Kept, "2026-03-03T10:00:00Z"));
        // Released and mine say nothing of theirs.
        ledger.push(promise(Theirs, Major, Released, "2026-03-04T10:00:00Z"));
        ledger.push(promise(Mine, Major, Broken, "2026-03-04T10:00:00Z"));
        let three = rung(&ledger, Theirs, &TimeZone::UTC);
        assert_eq!(three.kept.token, 3);
        assert_eq!(three.next, "3 token promises kept: ready for a normal one");
        assert_eq!(three.reliability.token, Some(1.0));
    }

    #[test]
    fn a_major_promise_broken_sends_back_to_normal_ones() {
        let ledger = vec![
            promise(Mine, Normal, Kept, "2026-01-05T10:00:00Z"),
            promise(Mine, Major, Kept, "2026-02-05T10:00:00Z"),
            promise(Mine, Major, Broken, "2026-03-10T10:00:00Z"),
        ];
        let r = rung(&ledger, Mine, &TimeZone::UTC);
        assert_eq!(r.level, Level::Normal);
        assert_eq!(
            r.next,
            "a major promise broke in March 2026: back to normal ones"
        );
        assert_eq!(r.reliability.major, Some(0.5));
        assert_eq!(r.broken.major, 1);
        // Kept normal ones since count toward the climb back.
        let mut again = ledger.clone();
        for d in ["11", "12", "13"] {
            again.push(promise(
                Mine,
                Normal,
                Kept,
                &format!("2026-03-{d}T10:00:00Z"),
            ));
        }
        let r = rung(&again, Mine, &TimeZone::UTC);
        assert_eq!(r.level, Level::Normal);
        assert_eq!(r.next, "3 normal promises kept: ready for a major one");
    }

    #[test]
    fn a_token_promise_broken_starts_again_and_a_small_break_leaves_a_higher_level() {
        let r = rung(
            &[promise(Theirs, Token, Broken, "2026-04-02T10:00:00Z")],
            Theirs,
            &TimeZone::UTC,
        );
        assert_eq!(r.level, Level::None);
        assert_eq!(
            r.next,
            "a token promise broke in April 2026: start again with token ones"
        );
        // One who keeps major promises and misses a small one steps down once.
        let r = rung(
            &[
                promise(Theirs, Major, Kept, "2026-01-02T10:00:00Z"),
                promise(Theirs, Token, Broken, "2026-04-02T10:00:00Z"),
            ],
            Theirs,
            &TimeZone::UTC,
        );
        assert_eq!(r.level, Level::Normal);
        assert_eq!(
            r.next,
            "a token promise broke in April 2026: back to normal ones"
        );
        // Reaching above the level and failing costs the climb, not the level.
        let r = rung(
            &[
                promise(Theirs, Token, Kept, "2026-01-02T10:00:00Z"),
                promise(Theirs, Token, Kept, "2026-01-03T10:00:00Z"),
                promise(Theirs, Major, Broken, "2026-02-02T10:00:00Z"),
                promise(Theirs, Token, Kept, "2026-02-03T10:00:00Z"),
            ],
            Theirs,
            &TimeZone::UTC,
        );
        assert_eq!(r.level, Level::Token);
        assert_eq!(r.kept_at_level, 1);
        // Reaching above and failing says nothing of stepping back: they were not lowered.
        assert_eq!(r.next, "1 token promise kept: 2 more before a normal one");
    }

    #[test]
    fn a_break_is_behind_them_once_they_climb_past_it() {
        let mut ledger = vec![promise(Mine, Token, Broken, "2026-01-05T10:00:00Z")];
        for d in ["06", "07", "08"] {
            ledger.push(promise(
                Mine,
                Token,
                Kept,
                &format!("2026-01-{d}T10:00:00Z"),
            ));
        }
        let r = rung(&ledger, Mine, &TimeZone::UTC);
        assert_eq!(r.next, "3 token promises kept: ready for a normal one");
        ledger.push(promise(Mine, Normal, Kept, "2026-01-09T10:00:00Z"));
        let r = rung(&ledger, Mine, &TimeZone::UTC);
        assert_eq!(r.level, Level::Normal);
        assert_eq!(r.next, "1 normal promise kept: 2 more before a major one");
    }

    #[test]
    fn a_promise_withdrawn_after_its_deadline_is_a_break() {
        let mut late = promise(Theirs, Normal, Released, "2026-05-10T10:00:00Z");
        late.deadline = at("2026-05-01T10:00:00Z");
        late.released_on_request = Some(false);
        let ledger = vec![promise(Theirs, Normal, Kept, "2026-04-01T10:00:00Z"), late];
        let r = rung(&ledger, Theirs, &TimeZone::UTC);
        assert_eq!(r.level, Level::Token);
        assert_eq!(r.broken.normal, 1);
        assert_eq!(
            r.next,
            "a normal promise broke in May 2026: back to token ones"
        );
    }
}
