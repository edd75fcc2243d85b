//! Foresight: the chance an open promise is kept on time, from its promiser's history at that
//! size, recent outcomes weighing more, with the workspace's history at that size as the
//! prior. A forecast, separate from the trust score (which is asymmetric on purpose: a
//! breach weighs five kept promises there, and nothing of the kind here).
//!
//! Pure: the outcomes are given; nothing here reads the clock or the database.

use jiff::Timestamp;
use serde::Serialize;

use crate::model::trust::Size;

/// A recent outcome weighs twice one this many days older: keep rates drift.
pub const HALF_LIFE_DAYS: f64 = 180.0;
/// The workspace's rate at a size counts as this many promises of the promiser's own.
pub const PRIOR_WEIGHT: f64 = 3.0;
/// Below this chance, Today and the contact page say so.
pub const WARN_BELOW: f64 = 0.70;
/// How many of the latest outcomes of one promiser (or of the workspace) at one size are read:
/// older ones weigh next to nothing.
pub const HISTORY: u32 = 400;

/// One resolved promise: when it resolved, and whether it was kept on time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outcome {
    pub at: Timestamp,
    pub kept_on_time: bool,
    /// Flagged at risk before it resolved.
    pub flagged: bool,
}

/// The chance an open promise is kept on time, and on what it rests.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Forecast {
    /// 0–1.
    pub chance: f64,
    /// The promiser's resolved promises at this size that were read, and how many were kept
    /// on time (not weighted).
    pub own: u32,
    pub own_kept: u32,
    /// The workspace's rate at this size (weighted), the prior.
    pub workspace: f64,
}

/// The forecast's two parameters (the calibration simulation tries others).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Params {
    pub half_life_days: f64,
    pub prior_weight: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            half_life_days: HALF_LIFE_DAYS,
            prior_weight: PRIOR_WEIGHT,
        }
    }
}

fn weight(at: Timestamp, now: Timestamp, half_life_days: f64) -> f64 {
    let days = now.duration_since(at).as_secs_f64() / 86_400.0;
    if days <= 0.0 {
        1.0
    } else {
        (-(days / half_life_days)).exp2()
    }
}

/// (Σw·kept, Σw) of some outcomes as of `now`.
fn weighted(outcomes: &[Outcome], now: Timestamp, half_life_days: f64) -> (f64, f64) {
    outcomes.iter().fold((0.0, 0.0), |(k, n), o| {
        let w = weight(o.at, now, half_life_days);
        (k + if o.kept_on_time { w } else { 0.0 }, n + w)
    })
}

/// The forecast for a promise whose promiser has `own` outcomes at its size, in a workspace
/// with `workspace` outcomes at that size (the promiser's among them). `None` when nothing is
/// known yet: no outcome at all.
pub fn forecast(own: &[Outcome], workspace: &[Outcome], now: Timestamp) -> Option<Forecast> {
    forecast_with(own, workspace, now, Params::default())
}

/// [`forecast`] with other parameters.
pub fn forecast_with(
    own: &[Outcome],
    workspace: &[Outcome],
    now: Timestamp,
    p: Params,
) -> Option<Forecast> {
    if own.is_empty() && workspace.is_empty() {
        return None;
    }
    // The workspace's rate, itself drawn towards an even chance while it is thin.
    let (wk, wn) = weighted(workspace, now, p.half_life_days);
    let prior = (wk + 1.0) / (wn + 2.0);
    let (k, n) = weighted(own, now, p.half_life_days);
    let chance = (p.prior_weight * prior + k) / (p.prior_weight + n);
    Some(Forecast {
        chance,
        own: own.len() as u32,
        own_kept: own.iter().filter(|o| o.kept_on_time).count() as u32,
        workspace: prior,
    })
}

/// Whose promise it is, as a sentence names them.
#[derive(Clone, Debug, PartialEq)]
pub enum Promiser<'a> {
    /// The member reading it.
    You,
    /// Another member.
    Member(&'a str),
    /// A contact, in a promise to us.
    Contact(&'a str),
}

/// The forecast in words: a headline (below [`WARN_BELOW`], what to do about it: "45% of
/// Bo's major promises slip: tell them early if it does"; else "80% likely on time") and what
/// it rests on.
pub fn reason(f: &Forecast, who: &Promiser<'_>, size: Size) -> String {
    let (headline, basis) = reason_parts(f, who, size);
    format!("{headline} ({basis})")
}

/// [`reason`]'s headline and basis apart.
pub fn reason_parts(f: &Forecast, who: &Promiser<'_>, size: Size) -> (String, String) {
    let pct = |x: f64| (x * 100.0).round() as i64;
    let size = size.as_str();
    let (whose, subject) = match who {
        Promiser::You => ("your".to_owned(), "you".to_owned()),
        Promiser::Member(n) | Promiser::Contact(n) => (format!("{n}'s"), (*n).to_owned()),
    };
    let basis = if f.own == 0 {
        format!(
            "{subject} {} no {size} promise resolved yet; the workspace keeps {}% of its {size} promises on time",
            if matches!(who, Promiser::You) {
                "have"
            } else {
                "has"
            },
            pct(f.workspace)
        )
    } else {
        format!(
            "{subject} kept {} of {} {size} promises on time, the latest weighing most",
            f.own_kept, f.own
        )
    };
    if f.chance < WARN_BELOW {
        let slip = 100 - pct(f.chance);
        let advice = match who {
            Promiser::Contact(_) => "check in before it is due".to_owned(),
            Promiser::You => "tell them early if it does".to_owned(),
            Promiser::Member(n) => format!("ask {n} to tell them early if it does"),
        };
        let to_us = if matches!(who, Promiser::Contact(_)) {
            " to us"
        } else {
            ""
        };
        let headline = if f.own == 0 {
            // Nothing of theirs yet: the share is the workspace's, not theirs.
            format!("{slip}% of {size} promises{to_us} slip here: {advice}")
        } else {
            format!("{slip}% of {whose} {size} promises{to_us} slip: {advice}")
        };
        (headline, basis)
    } else {
        (format!("{}% likely on time", pct(f.chance)), basis)
    }
}

/// Brier scores of the forecast and of the plain share of promises kept, on a simulation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Calibration {
    pub forecast_brier: f64,
    pub plain_share_brier: f64,
    /// Promises scored (the first tenth, while histories are empty, is not).
    pub scored: usize,
    /// Reliability: by tenths of the forecast, (mean forecast, share kept, promises).
    pub bins: Vec<(f64, f64, usize)>,
}

/// The calibration simulation: `parties` each with a keep rate per size (token the easiest,
/// major the hardest, around the party's own level), drifting a little with every promise;
/// `promises` made one every four hours by a party drawn at random. Before each one, the
/// forecast (from the latest [`HISTORY`] outcomes, as the store reads them) and the baseline
/// (the party's plain share of promises kept, all sizes and all time, else the workspace's)
/// are scored against what happens. Deterministic for a seed.
pub fn calibration(seed: u64, parties: usize, promises: usize) -> Calibration {
    calibration_with(seed, parties, promises, Params::default())
}

/// The simulation spans three years: a party keeps promising at the pace `parties` and
/// `promises` give it, its rates drifting by about 0.15 a year.
pub fn calibration_with(seed: u64, parties: usize, promises: usize, params: Params) -> Calibration {
    use crate::model::rng::Rng;
    use jiff::SignedDuration;
    let mut rng = Rng::new(seed, 0);
    let uniform = |rng: &mut Rng| rng.next_u64() as f64 / u64::MAX as f64;
    let mut rates: Vec<[f64; 3]> = (0..parties.max(1))
        .map(|_| {
            let base = 0.35 + 0.6 * uniform(&mut rng);
            [
                (base + 0.1).min(0.98),
                base,
                (base - 0.2 * uniform(&mut rng)).max(0.02),
            ]
        })
        .collect();
    let parties = rates.len();
    let mut history: Vec<Vec<(usize, Outcome)>> = vec![Vec::new(); parties];
    let mut workspace: [Vec<Outcome>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    let (mut kept_all, mut made_all) = (0usize, 0usize);
    let (mut forecast_brier, mut plain_share_brier, mut scored) = (0.0, 0.0, 0usize);
    let mut bins = vec![(0.0, 0.0, 0usize); 10];
    let start = Timestamp::from_second(1_800_000_000).unwrap_or(Timestamp::UNIX_EPOCH);
    let latest = |v: &[Outcome]| v[v.len().saturating_sub(HISTORY as usize)..].to_vec();
    // Three years, evenly; each party's rates wander by about 0.15 a year: a step at each
    // of its promises, sized to its pace.
    let every = 3.0 * 365.0 * 86_400.0 / promises.max(1) as f64;
    let per_party_a_year = promises as f64 / parties as f64 / 3.0;
    let step = 0.15 * 12f64.sqrt() / per_party_a_year.max(1.0).sqrt();
    for i in 0..promises {
        let now = start + SignedDuration::from_secs_f64(every * i as f64);
        let p = (rng.next_u64() % parties as u64) as usize;
        let s = (rng.next_u64() % 3) as usize;
        for r in rates[p].iter_mut() {
            *r = (*r + (uniform(&mut rng) - 0.5) * step).clamp(0.02, 0.98);
        }
        let own: Vec<Outcome> = history[p]
            .iter()
            .filter(|(size, _)| *size == s)
            .map(|(_, o)| *o)
            .collect();
        let mine = &history[p];
        let plain = if !mine.is_empty() {
            mine.iter().filter(|(_, o)| o.kept_on_time).count() as f64 / mine.len() as f64
        } else if made_all > 0 {
            kept_all as f64 / made_all as f64
        } else {
            0.5
        };
        let f = forecast_with(&latest(&own), &latest(&workspace[s]), now, params)
            .map_or(0.5, |f| f.chance);
        let kept = uniform(&mut rng) < rates[p][s];
        let y = if kept { 1.0 } else { 0.0 };
        if i >= promises / 10 {
            let b = ((f * 10.0) as usize).min(9);
            bins[b].0 += f;
            bins[b].1 += y;
            bins[b].2 += 1;
            forecast_brier += (f - y) * (f - y);
            plain_share_brier += (plain - y) * (plain - y);
            scored += 1;
        }
        let o = Outcome {
            at: now,
            kept_on_time: kept,
            flagged: false,
        };
        history[p].push((s, o));
        workspace[s].push(o);
        made_all += 1;
        kept_all += usize::from(kept);
    }
    let n = scored.max(1) as f64;
    Calibration {
        forecast_brier: forecast_brier / n,
        plain_share_brier: plain_share_brier / n,
        scored,
        bins: bins
            .into_iter()
            .map(|(f, y, k)| {
                let k1 = k.max(1) as f64;
                (f / k1, y / k1, k)
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::SignedDuration;

    fn t0() -> Timestamp {
        Timestamp::from_second(1_800_000_000).expect("ts")
    }

    fn outcomes(kept: &[bool], every_days: i64, end: Timestamp) -> Vec<Outcome> {
        let n = kept.len() as i64;
        kept.iter()
            .enumerate()
            .map(|(i, k)| Outcome {
                at: end - SignedDuration::from_hours(24 * every_days * (n - i as i64)),
                kept_on_time: *k,
                flagged: false,
            })
            .collect()
    }

    #[test]
    fn nothing_known_is_no_number_and_a_newcomer_reads_the_workspace() {
        assert_eq!(forecast(&[], &[], t0()), None);
        let ws = outcomes(&[true; 30], 1, t0());
        let f = forecast(&[], &ws, t0()).expect("the workspace is known");
        assert!((f.chance - f.workspace).abs() < 1e-12);
        assert!(f.chance > 0.9, "{f:?}");
        let r = reason(&f, &Promiser::Contact("Ana Lima"), Size::Major);
        assert!(
            r.contains("Ana Lima has no major promise resolved yet"),
            "{r}"
        );
    }

    #[test]
    fn the_promiser_s_own_history_moves_it_and_recent_outcomes_weigh_more() {
        let ws = outcomes(&[true, true, true, false].repeat(10), 1, t0());
        let bad = outcomes(
            &[false, false, true, false, false, true, false, false],
            7,
            t0(),
        );
        let f = forecast(&bad, &ws, t0()).expect("known");
        assert!(f.chance < 0.5, "{f:?}");
        assert_eq!((f.own, f.own_kept), (8, 2));
        let r = reason(&f, &Promiser::Member("Bo"), Size::Major);
        assert!(
            r.starts_with(&format!(
                "{}% of Bo's major promises slip: ask Bo to tell them early if it does",
                100 - (f.chance * 100.0).round() as i64
            )),
            "{r}"
        );
        // The same outcomes, the misses long ago and the kept ones recent: a better chance.
        let mut improved = bad.clone();
        improved.sort_by_key(|o| o.kept_on_time);
        for (i, o) in improved.iter_mut().enumerate() {
            o.at = t0() - SignedDuration::from_hours(24 * 60 * (8 - i as i64));
        }
        let g = forecast(&improved, &ws, t0()).expect("known");
        assert!(g.chance > f.chance, "{g:?} vs {f:?}");
        let mine = forecast(&outcomes(&[true; 12], 3, t0()), &ws, t0()).expect("known");
        assert!(mine.chance >= WARN_BELOW);
        assert!(
            reason(&mine, &Promiser::You, Size::Token)
                .contains("likely on time (you kept 12 of 12 token promises")
        );
    }

    /// Calibration: on the drifting simulation the forecast's Brier score beats the plain
    /// share of promises kept (docs/benchmarks.md has the larger run).
    #[test]
    fn the_forecast_beats_the_plain_share_on_a_drifting_simulation() {
        for seed in [1, 2, 3] {
            let c = calibration(seed, 40, 6_000);
            assert!(c.scored > 5_000);
            assert!(c.forecast_brier < c.plain_share_brier, "seed {seed}: {c:?}");
            // Calibrated: where it says 30%, about 30% are kept.
            for (f, y, n) in &c.bins {
                if *n >= 300 {
                    assert!((f - y).abs() < 0.1, "seed {seed}: {f} said, {y} kept ({n})");
                }
            }
        }
    }
}
