"""The Baja California Sur scenario over 100 seeds: the figures tests/test_calibration.py checks.

    python benchmarks/bcs_calibration.py [n_seeds]
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


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
