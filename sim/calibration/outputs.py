"""What a calibration writes to its folder, and the summary it prints."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import tomli_w

from .spec import CalibrationSpec


def write_outputs(out: Path, spec: CalibrationSpec, record: dict, posterior: pd.DataFrame,
                  trace: pd.DataFrame, predictive: dict[str, pd.DataFrame]) -> None:
    """best.toml, posterior/trace/predictive Parquet files, figures, then calibration.json
    (written last: its ``check`` entry says the calibration finished).

    ``predictive``: episode name -> its bands. One scenario: everything in ``out``. A joint
    fit: ``best_parameters.toml``, the posterior, trace and their figures in ``out``; each
    episode's ``best.toml``, ``predictive.parquet`` and ``figures/check.png`` in
    ``out/<episode name>/``.
    """
    from .figures import check_figure, posterior_figures

    figures = {"": posterior_figures(spec, posterior, trace)}
    if spec.joint:
        (out / "best_parameters.toml").write_text(parameters_toml(spec, record["best"], out),
                                                  encoding="utf-8")
    for episode in spec.episode_list():
        folder = out / episode.name if spec.joint else out
        folder.mkdir(exist_ok=True)
        (folder / "best.toml").write_text(variant_toml(spec, episode.scenario, record["best"],
                                                       folder), encoding="utf-8")
        predictive[episode.name].to_parquet(folder / "predictive.parquet", index=False)
        figures.setdefault(episode.name if spec.joint else "", {})["check"] = check_figure(
            predictive[episode.name])
    posterior.to_parquet(out / "posterior.parquet", index=False)
    trace.to_parquet(out / "trace.parquet", index=False)
    for folder, named in figures.items():
        (out / folder / "figures").mkdir(exist_ok=True)
        for name, figure in named.items():
            figure.savefig(out / folder / "figures" / f"{name}.png", dpi=110,
                           bbox_inches="tight")
            figure.clf()
    tmp = out / "calibration.json.tmp"
    tmp.write_text(json.dumps(record, indent=2, default=str))
    os.replace(tmp, out / "calibration.json")


def _header(spec: CalibrationSpec, out: Path) -> str:
    return (f"# The best point of the calibration in {out} (method {spec.method}, distance "
            f"{spec.distance}),\n# written by cartel-sim calibrate; see its "
            "calibration.json for the inputs and the held-back check.\n")


def variant_toml(spec: CalibrationSpec, scenario: str, best: dict, out: Path) -> str:
    """The best point as a scenario variant of the calibrated ``scenario`` (``base``
    relative to the folder ``out`` it is written to, so the file runs where it is)."""
    scenario = Path(scenario)
    base = os.path.relpath(scenario, out.resolve())
    return _header(spec, out) + tomli_w.dumps({
        "name": f"{scenario.stem}_calibrated",
        "description": f"{scenario.stem} with the parameters of a {spec.method} calibration",
        "base": base, "overrides": {path: float(v) for path, v in best.items()}})


def parameters_toml(spec: CalibrationSpec, best: dict, out: Path) -> str:
    """The best point's ``parameters.*`` values as a ``[parameters]`` table: the shared
    behavioural base file the episodes can read. Other paths (a plaza's or a police
    unit's) are named in a comment; each episode's best.toml has them."""
    table: dict = {}
    others = []
    for path, value in best.items():
        head, _, rest = path.partition(".")
        if head != "parameters" or "[" in rest:
            others.append(path)
            continue
        *tables, key = rest.split(".")
        leaf = table
        for name in tables:
            leaf = leaf.setdefault(name, {})
        leaf[key] = float(value)
    note = "".join(f"# not a [parameters] entry, see each episode's best.toml: {p}\n"
                   for p in others)
    return _header(spec, out) + note + tomli_w.dumps({"parameters": table})


def written(spec: CalibrationSpec) -> str:
    """The files a calibration writes, as the command lists them."""
    if not spec.joint:
        return ("best.toml, posterior.parquet, trace.parquet, predictive.parquet, "
                "calibration.json, figures/")
    names = ", ".join(f"{e.name}/" for e in spec.episode_list())
    return (f"best_parameters.toml, posterior.parquet, trace.parquet, calibration.json, "
            f"figures/; per episode in {names}: best.toml, predictive.parquet, figures/")


def summary(record: dict) -> str:
    """The best point, the evaluations and the held-back check, as printed at the end."""
    check = record["check"]
    lines = ["best point:"]
    lines += [f"  {path} = {value:.6g}" for path, value in record["best"].items()]
    lines.append(f"points evaluated: {record['evaluations']} "
                 f"({record['simulations_this_run']} simulations in this run, "
                 f"{record['wall_seconds']:.1f} s)")
    if "episodes" not in check:
        return "\n".join(lines + _check_lines(check))
    lines.append(f"distance on the fit periods (weighted mean): {check['distance_fit']:.4g}")
    for name, episode in check["episodes"].items():
        lines.append(f"episode {name}:")
        lines += [f"  {line}" for line in _check_lines(episode)]
    return "\n".join(lines)


def _check_lines(check: dict) -> list[str]:
    lines = [f"distance on the fit period: {check['distance_fit']:.4g}"]
    if check["distance_check"] is None:
        lines.append("no held-back period ('check' not set)")
    else:
        lines.append(f"distance on the held-back period: {check['distance_check']:.4g}")
        lines.append(f"held-back observations inside the 50% band: {check['coverage_50']:.0%}, "
                     f"inside the 90% band: {check['coverage_90']:.0%}")
    return lines
