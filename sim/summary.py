"""The short text summary ``cartel-sim run`` prints: what happened, in a screenful."""

from __future__ import annotations

import pandas as pd

from .results import Results


def summary_text(result: Results) -> str:
    """Homicides by year and type, control changes, and final members per organization."""
    lines = [f"{result.meta['scenario']}, seed {result.seed}: "
             f"{result.start.date()} to {result.end.date()} ({result.meta['steps']} steps)", ""]

    by_year = result.homicides("YS", by="type")
    by_year.index = pd.Index(by_year.index.year, name="year")
    by_year.insert(0, "total", by_year.sum(axis=1))
    lines += ["Homicides by year and type:", by_year.to_string(), ""]

    c = result.control.sort_values(["plaza", "step"])
    changed = c["controller"].ne(c.groupby("plaza", observed=True)["controller"].shift())
    changes = c[changed & c["step"].ne(0)]
    lines.append(f"Control changes: {len(changes)}")
    for row in changes.itertuples():
        lines.append(f"  {row.date.date()}  {row.plaza}: now {row.controller or 'nobody'}")
    lines.append("")

    final = result.organizations[result.organizations["step"] == result.organizations["step"].max()]
    table = final.set_index("organization")[["members", "plazas_held", "police_on_payroll"]]
    lines += ["At the end:", table.to_string()]
    return "\n".join(lines)
