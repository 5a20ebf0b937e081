"""What a calibration writes to its folder, and the summary it prints."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import tomli_w

from .spec import CalibrationSpec


def write_outputs(out: Path, spec: CalibrationSpec, record: dict, posterior: pd.DataFrame,
                  trace: pd.DataFrame, predictive: pd.DataFrame) -> None:
    """best.toml, posterior/trace/predictive Parquet files, figures, then calibration.json
    (written last: its ``check`` entry says the calibration finished)."""
    (out / "best.toml").write_text(variant_toml(spec, record["best"], out), encoding="utf-8")
    posterior.to_parquet(out / "posterior.parquet", index=False)
    trace.to_parquet(out / "trace.parquet", index=False)
    predictive.to_parquet(out / "predictive.parquet", index=False)
    from .figures import calibration_figures

    figures = out / "figures"
    figures.mkdir(exist_ok=True)
    for name, figure in calibration_figures(spec, posterior, trace, predictive).items():
        figure.savefig(figures / f"{name}.png", dpi=110, bbox_inches="tight")
        figure.clf()
    tmp = out / "calibration.json.tmp"
    tmp.write_text(json.dumps(record, indent=2, default=str))
    os.replace(tmp, out / "calibration.json")


def variant_toml(spec: CalibrationSpec, best: dict, out: Path) -> str:
    """The best point as a scenario variant of the calibrated scenario (``base`` relative
    to the output folder, so the file runs where it is written)."""
    scenario = Path(spec.scenario)
    base = os.path.relpath(scenario, out.resolve())
    header = (f"# The best point of the calibration in {out} (method {spec.method}, distance "
              f"{spec.distance}),\n# written by cartel-sim calibrate; see its "
              "calibration.json for the inputs and the held-back check.\n")
    return header + tomli_w.dumps({
        "name": f"{scenario.stem}_calibrated",
        "description": f"{scenario.stem} with the parameters of a {spec.method} calibration",
        "base": base, "overrides": {path: float(v) for path, v in best.items()}})


def summary(record: dict) -> str:
    """The best point, the evaluations and the held-back check, as printed at the end."""
    check = record["check"]
    lines = ["best point:"]
    lines += [f"  {path} = {value:.6g}" for path, value in record["best"].items()]
    lines.append(f"points evaluated: {record['evaluations']} "
                 f"({record['simulations_this_run']} simulations in this run, "
                 f"{record['wall_seconds']:.1f} s)")
    lines.append(f"distance on the fit period: {check['distance_fit']:.4g}")
    if check["distance_check"] is None:
        lines.append("no held-back period ('check' not set)")
    else:
        lines.append(f"distance on the held-back period: {check['distance_check']:.4g}")
        lines.append(f"held-back observations inside the 50% band: {check['coverage_50']:.0%}, "
                     f"inside the 90% band: {check['coverage_90']:.0%}")
    return "\n".join(lines)
