//! Foresight's calibration: on a simulation where each party keeps its promises at a known
//! rate per size, drifting over time, the Brier score of the forecast against that of the
//! plain share of promises kept (lower is better). The figures in docs/benchmarks.md:
//!
//!     cargo bench -p rapport-core --bench foresight
//!
//! `RAPPORT_BENCH_FORESIGHT_PROMISES` (default 200,000) and `…_PARTIES` (default 300) size it.

use rapport_core::foresight::{Params, calibration, calibration_with};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let promises = env("RAPPORT_BENCH_FORESIGHT_PROMISES", 200_000);
    let parties = env("RAPPORT_BENCH_FORESIGHT_PARTIES", 300);
    println!("{parties} parties, {promises} promises, drifting keep rates per size");
    println!("seed  scored   forecast Brier  plain share Brier  better by");
    let (mut f, mut p) = (0.0, 0.0);
    let seeds = [1u64, 2, 3, 4, 5];
    for seed in seeds {
        let started = std::time::Instant::now();
        let c = calibration(seed, parties, promises);
        println!(
            "{seed:>4}  {:>7}  {:>14.4}  {:>17.4}  {:>8.1}%   ({:.1} s)",
            c.scored,
            c.forecast_brier,
            c.plain_share_brier,
            100.0 * (c.plain_share_brier - c.forecast_brier) / c.plain_share_brier,
            started.elapsed().as_secs_f64()
        );
        f += c.forecast_brier;
        p += c.plain_share_brier;
    }
    let c = calibration(1, parties, promises);
    println!("\nreliability (seed 1): forecast tenth, mean forecast, share kept, promises");
    for (i, (f, y, k)) in c.bins.iter().enumerate() {
        if *k > 0 {
            println!("  {:>3}-{:<3}%  {f:.3}  {y:.3}  {k}", i * 10, i * 10 + 10);
        }
    }
    let n = seeds.len() as f64;
    println!(
        "mean        forecast {:.4}  plain share {:.4}",
        f / n,
        p / n
    );
    if std::env::var("RAPPORT_BENCH_FORESIGHT_SWEEP").is_ok() {
        println!("\nhalf-life  prior weight  forecast Brier (seed 1)");
        for h in [30.0, 60.0, 90.0, 120.0, 180.0, 365.0] {
            for w in [1.0, 2.0, 3.0, 5.0, 8.0] {
                let c = calibration_with(
                    1,
                    parties,
                    promises,
                    Params {
                        half_life_days: h,
                        prior_weight: w,
                    },
                );
                println!("{h:>9}  {w:>12}  {:.4}", c.forecast_brier);
            }
        }
    }
}
