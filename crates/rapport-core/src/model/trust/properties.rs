//! The properties TRUST_MODEL.md requires of the engine, as property tests over arbitrary
//! ledgers, and the convergence simulation.

use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

use super::*;

fn now() -> Timestamp {
    Timestamp::from_second(1_800_000_000).expect("valid")
}

fn days_ago(d: f64) -> Timestamp {
    now() - SignedDuration::from_secs_f64(d * 86_400.0)
}

fn kind() -> impl Strategy<Value = EvidenceKind> {
    prop_oneof![
        Just(EvidenceKind::KeptOnTime),
        Just(EvidenceKind::ToldEarly),
        Just(EvidenceKind::LateWithoutNotice),
        Just(EvidenceKind::BrokenAfterNotice),
        Just(EvidenceKind::Broken),
        Just(EvidenceKind::Deceptive),
    ]
}

fn size() -> impl Strategy<Value = Size> {
    prop_oneof![Just(Size::Token), Just(Size::Normal), Just(Size::Major)]
}

fn event() -> impl Strategy<Value = Event> {
    (kind(), size(), 0.0f64..1500.0).prop_map(|(kind, size, age)| Event {
        kind,
        size,
        at: days_ago(age),
    })
}

fn history() -> impl Strategy<Value = Vec<Event>> {
    prop::collection::vec(event(), 0..60)
}

fn params() -> impl Strategy<Value = Params> {
    prop_oneof![
        Just(Params::default()),
        Just(Params::without_forgetting()),
        (90u32..=365).prop_map(|d| Params::with_half_life_days(d).expect("in range")),
    ]
}

fn p_of(events: &[Event], p: &Params) -> f64 {
    Evidence::from_events(events, now(), p).score(p).probability
}

fn with(events: &[Event], kind: EvidenceKind) -> Vec<Event> {
    let mut e = events.to_vec();
    e.push(Event {
        kind,
        size: Size::Normal,
        at: now(),
    });
    e
}

fn n_kept(n: usize) -> Vec<Event> {
    (0..n)
        .map(|_| Event {
            kind: EvidenceKind::KeptOnTime,
            size: Size::Normal,
            at: now(),
        })
        .collect()
}

proptest! {
    /// Property 1: Bounds: 0 < P < 1 and 0 < u ≤ 1 for any ledger.
    #[test]
    fn p1_bounds(events in history(), p in params()) {
        let s = Evidence::from_events(&events, now(), &p).score(&p);
        prop_assert!(s.probability > 0.0 && s.probability < 1.0);
        prop_assert!(s.uncertainty > 0.0 && s.uncertainty <= 1.0);
    }

    /// Property 2: Monotonicity: a kept promise now never lowers P; a breach never raises it.
    #[test]
    fn p2_monotonicity(events in history(), p in params()) {
        let before = p_of(&events, &p);
        prop_assert!(p_of(&with(&events, EvidenceKind::KeptOnTime), &p) >= before);
        prop_assert!(p_of(&with(&events, EvidenceKind::Broken), &p) <= before);
        prop_assert!(p_of(&with(&events, EvidenceKind::Deceptive), &p) <= before);
    }

    /// Property 3: Ordering of outcomes, from any history.
    #[test]
    fn p3_ordering(events in history(), p in params()) {
        let ps: Vec<f64> = EvidenceKind::ALL.iter().map(|k| p_of(&with(&events, *k), &p)).collect();
        for pair in ps.windows(2) {
            prop_assert!(pair[0] > pair[1], "{ps:?}");
        }
    }

    /// Property 13: Candour pays, in the weights: kept late after telling them before the due
    /// date is scored as a renegotiation (`ToldEarly`: the mapping from real commitments is
    /// tested in `model/commitment.rs`), above kept late without notice; broken after telling
    /// them lies strictly between kept late without notice and broken without notice.
    #[test]
    fn p13_candour_pays(events in history(), p in params(), size in size()) {
        let add = |kind| {
            let mut e = events.clone();
            e.push(Event { kind, size, at: now() });
            p_of(&e, &p)
        };
        let told_then_late = add(EvidenceKind::ToldEarly);
        let late = add(EvidenceKind::LateWithoutNotice);
        prop_assert!(told_then_late > late);
        let told_then_broken = add(EvidenceKind::BrokenAfterNotice);
        let broken = add(EvidenceKind::Broken);
        prop_assert!(late > told_then_broken && told_then_broken > broken,
            "{late} > {told_then_broken} > {broken}");
    }

    /// Property 7: Time heals uncertainty, not trust: with no new events P moves toward 0.5 without
    /// crossing it, and u rises.
    #[test]
    fn p7_time_heals_uncertainty_not_trust(events in history(), later in 1.0f64..2000.0) {
        let p = Params::default();
        let e = Evidence::from_events(&events, now(), &p);
        let s1 = e.score(&p);
        let s2 = e.decayed_to(now() + SignedDuration::from_secs_f64(later * 86_400.0), &p).score(&p);
        let (d1, d2) = (s1.probability - 0.5, s2.probability - 0.5);
        prop_assert!(d2.abs() <= d1.abs() + 1e-12);
        prop_assert!(d1 * d2 >= 0.0, "never crosses 0.5");
        prop_assert!(s2.uncertainty >= s1.uncertainty);
    }

    /// Property 8b: With no forgetting, the order of events does not change P.
    #[test]
    fn p8_order_does_not_matter_without_forgetting(mut events in history(), seed in any::<u64>()) {
        let p = Params::without_forgetting();
        let before = p_of(&events, &p);
        let mut rng = crate::model::rng::Rng::new(seed, 0);
        for i in (1..events.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            events.swap(i, j);
        }
        prop_assert!((p_of(&events, &p) - before).abs() < 1e-12);
    }

    /// Property 9: With forgetting, the same events with the breach older give a higher P.
    #[test]
    fn p9_older_breaches_weigh_less(
        events in history(),
        breach in prop_oneof![Just(EvidenceKind::Broken), Just(EvidenceKind::Deceptive)],
        size in size(),
        (young, old) in (0.0f64..700.0, 1.0f64..700.0).prop_map(|(y, d)| (y, y + d)),
    ) {
        let p = Params::default();
        let ev = |kind, age| Event { kind, size, at: days_ago(age) };
        let mut recent_breach = events.clone();
        recent_breach.push(ev(breach, young));
        recent_breach.push(ev(EvidenceKind::KeptOnTime, old));
        let mut older_breach = events;
        older_breach.push(ev(breach, old));
        older_breach.push(ev(EvidenceKind::KeptOnTime, young));
        prop_assert!(p_of(&older_breach, &p) > p_of(&recent_breach, &p));
    }

    /// Property 12: Exact explanation: the contributions sum to P − a (here in points: score − 50).
    #[test]
    fn p12_contributions_sum_exactly(events in history(), p in params()) {
        let x = explain(&events, now(), &p);
        let sum: f64 = x.contributions.iter().sum();
        prop_assert!((sum / 100.0 - (x.score.probability - p.base_rate)).abs() < 1e-9);
    }

    /// Carrying (r, s, reference time) and decaying it gives the same evidence as
    /// recomputing from the whole history, and a correction can be undone.
    #[test]
    fn incremental_updates_match_recomputing(events in history(), extra in event(), gap in 0.0f64..400.0) {
        let p = Params::default();
        let carried = Evidence::from_events(&events, now(), &p);
        let later = now() + SignedDuration::from_secs_f64(gap * 86_400.0);
        let updated = carried.decayed_to(later, &p).plus(&extra, &p);
        let mut all = events.clone();
        all.push(extra);
        let full = Evidence::from_events(&all, later, &p);
        prop_assert!((updated.positive - full.positive).abs() < 1e-9 * (1.0 + full.positive));
        prop_assert!((updated.negative - full.negative).abs() < 1e-9 * (1.0 + full.negative));
        let undone = updated.minus(&extra, &p);
        let without = Evidence::from_events(&events, later, &p);
        prop_assert!((undone.positive - without.positive).abs() < 1e-9 * (1.0 + without.positive));
    }
}

/// Property 1b: The empty ledger.
#[test]
fn p1_empty_ledger() {
    let s = Evidence::none(now()).score(&Params::default());
    assert_eq!(
        (s.probability, s.uncertainty, s.status),
        (0.5, 1.0, Status::Unknown)
    );
}

/// Property 4: One lie: 99 kept gives P ≥ 0.99; one broken more gives P < 0.95 and makes 1 − P at
/// least five times larger.
#[test]
fn p4_one_lie() {
    let p = Params::default();
    let kept = n_kept(99);
    let before = p_of(&kept, &p);
    let after = p_of(&with(&kept, EvidenceKind::Broken), &p);
    assert!(before >= 0.99, "{before}");
    assert!(after < 0.95, "{after}");
    assert!((1.0 - after) >= 5.0 * (1.0 - before));
}

/// Property 5: Graded damage from 99 kept: renegotiated costs < 0.5 points, late 0.5–2, broken > 4.
#[test]
fn p5_graded_damage() {
    let p = Params::default();
    let kept = n_kept(99);
    let base = 100.0 * p_of(&kept, &p);
    let cost = |k| base - 100.0 * p_of(&with(&kept, k), &p);
    assert!(cost(EvidenceKind::ToldEarly) < 0.5);
    let late = cost(EvidenceKind::LateWithoutNotice);
    assert!((0.5..=2.0).contains(&late), "{late}");
    assert!(cost(EvidenceKind::Broken) > 4.0);
}

/// Property 6: Recovery (no forgetting): after 10 kept and 1 broken, getting back to the 10-kept
/// score (11/12 ≈ 0.917) takes 55 more kept promises; 54 is not enough.
#[test]
fn p6_recovery_takes_55_kept() {
    let p = Params::without_forgetting();
    let target = p_of(&n_kept(10), &p);
    assert!((target - 11.0 / 12.0).abs() < 1e-12);
    let mut events = with(&n_kept(10), EvidenceKind::Broken);
    events.extend(n_kept(54));
    assert!(p_of(&events, &p) < target);
    events.extend(n_kept(1));
    assert!(p_of(&events, &p) >= target);
}

/// Property 8a: Half-life: an event's weight at age H is exactly half.
#[test]
fn p8_half_life() {
    for days in [90u32, 180, 365] {
        let p = Params::with_half_life_days(days).expect("in range");
        assert_eq!(
            p.forgetting(SignedDuration::from_hours(24 * i64::from(days))),
            0.5
        );
        assert_eq!(
            p.forgetting(SignedDuration::from_hours(48 * i64::from(days))),
            0.25
        );
    }
}

/// Property 10: Distrust is learned faster: one broken promise in a new relationship is an early read
/// (P = 1/7 ≈ 0.14); one kept promise stays not yet known; six kept show a number (0.875).
#[test]
fn p10_distrust_is_learned_faster() {
    let p = Params::default();
    let broken = Evidence::from_events(&with(&[], EvidenceKind::Broken), now(), &p).score(&p);
    assert_eq!(broken.status, Status::Early);
    assert!((broken.probability - 1.0 / 7.0).abs() < 1e-12);
    assert_eq!(broken.band(), Some(Band::Low));
    assert_eq!(broken.points(), None);
    let one = Evidence::from_events(&n_kept(1), now(), &p).score(&p);
    assert_eq!(one.status, Status::Unknown);
    let six = Evidence::from_events(&n_kept(6), now(), &p).score(&p);
    assert_eq!(six.status, Status::Known);
    assert!((six.probability - 0.875).abs() < 1e-12);
    assert_eq!(six.points().map(f64::round), Some(88.0));
}

/// A party that keeps a fraction p of its promises converges to p/(p + (1−p)·w): with w = 5 a
/// 99% keeper reads 95, 95% reads 79, 90% reads 64, 83% a coin flip. Simulated with a
/// deterministic generator over 200,000 promises each, no forgetting; within 1 point.
#[test]
fn keep_rates_converge_to_the_model_s_reading() {
    let p = Params::without_forgetting();
    for (i, rate) in [0.99, 0.95, 0.90, 0.83, 0.5].into_iter().enumerate() {
        let mut rng = crate::model::rng::Rng::new(2024, i as u64);
        let mut e = Evidence::none(now());
        for _ in 0..200_000 {
            let kind = if (rng.next_u64() as f64 / u64::MAX as f64) < rate {
                EvidenceKind::KeptOnTime
            } else {
                EvidenceKind::Broken
            };
            e = e.plus(
                &Event {
                    kind,
                    size: Size::Normal,
                    at: now(),
                },
                &p,
            );
        }
        let expected = rate / (rate + (1.0 - rate) * p.breach_weight);
        let got = e.score(&p).probability;
        assert!(
            (got - expected).abs() < 0.01,
            "rate {rate}: {got} vs {expected}"
        );
    }
}
