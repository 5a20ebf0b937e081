"""The shipped scenarios over 100 seeds: the figures tests/test_calibration.py checks.

Yearly and monthly homicides of bcs_2014 against the record, the conflict share, and the
paired comparisons: each variant against bcs_2014 from the alliance date (2014-07-01) to
the end, and kingpin_removal's 6 months after the removal against the 6 months before.

    python benchmarks/bcs_bands.py [n_seeds]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

import sim

ROOT = Path(__file__).resolve().parent.parent
ALLIANCE = pd.Timestamp("2014-07-01")


def spread(values) -> str:
    v = np.asarray(values, dtype=float)
    lo, hi = np.percentile(v, [5, 95])
    return f"mean {v.mean():6.1f}  sd {v.std(ddof=1):5.1f}  90% range {lo:5.1f}-{hi:5.1f}"


def main(n: int = 100) -> None:
    runs = sim.run_many(sim.load_scenario(ROOT / "scenarios" / "bcs_2014.toml"), seeds=range(n))
    yearly = runs.homicides("YS")
    monthly = runs.homicides("MS")
    print(f"bcs_2014 over {n} seeds (observed: 2013 47 INEGI / 56 SESNSP; 2014 91 INEGI)")
    for year, row in yearly.iterrows():
        print(f"  homicides {year.year}: {spread(row)}")
    print(f"  ratio 2014/2013 of means: {yearly.iloc[1].mean() / yearly.iloc[0].mean():.2f}")
    before = monthly[monthly.index < ALLIANCE]
    wave = monthly["2014-08-01":"2014-12-01"]
    print(f"  monthly, before the alliance: {spread(before.mean(axis=0))}")
    print(f"  monthly, Aug-Dec 2014:        {spread(wave.mean(axis=0))}")
    share = [r.homicides("D", conflict_only=True)[ALLIANCE:].sum()
             / max(1, r.homicides("D")[ALLIANCE:].sum()) for r in runs]
    print(f"  conflict share from the alliance on: {spread(100 * np.array(share))} (%)")
    print("  replicate mean per month:")
    print(runs.bands("MS").round(1).to_string())

    def window(results, start, end=None):
        return np.array([r.homicides("D")[start:end].sum() for r in results], dtype=float)

    print(f"\nPaired comparisons over seeds 0-{n - 1} (homicides; difference = variant - base):")
    base = window(runs, ALLIANCE)
    for name in ("bcs_2014_no_alliance", "bcs_2014_clean_police"):
        variant = sim.run_many(sim.load_scenario(ROOT / "scenarios" / f"{name}.toml"), range(n))
        paired(f"{name} vs bcs_2014, from {ALLIANCE.date()}", base, window(variant, ALLIANCE))
    kingpin = sim.run_many(sim.load_scenario(ROOT / "scenarios" / "kingpin_removal.toml"), range(n))
    paired("kingpin_removal, 6 months after vs before the removal",
           window(kingpin, "2020-07-01", "2020-12-31"), window(kingpin, "2021-01-01", "2021-06-30"))


def paired(label: str, base: np.ndarray, variant: np.ndarray) -> None:
    d = variant - base
    se = d.std(ddof=1) / np.sqrt(len(d))
    print(f"  {label}: base {base.mean():.1f}, variant {variant.mean():.1f} "
          f"({100 * (variant.mean() / base.mean() - 1):+.0f}%), difference {d.mean():+.1f} "
          f"± {se:.1f} (z = {d.mean() / se:+.1f})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
